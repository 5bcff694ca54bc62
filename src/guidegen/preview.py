"""The live preview's sites: built in full once, then only the pages a save changed.

A full MkDocs build of the help centre converts every page's Markdown, renders every page
into the theme (whose navigation lists every guide) and indexes every page for search; on
200 guides that is seconds, for a writer who changed one sentence. A `LanguageSite` keeps one
language's MkDocs state (configuration, files, navigation, pages, search entries) between
saves and, on a save, compares the newly rendered pages with the last ones:

- a page whose Markdown changed is converted, rendered, indexed and written again;
- when a change reaches the navigation (a page's title or front matter: every page lists
  every title), every page is rendered into the theme again, but only the changed ones are
  converted and indexed again, and 404.html and the sitemap are rebuilt;
- a changed screenshot or script is copied again;
- anything else (a page added or removed, a hand-written page, mkdocs.yml) is a full build.

What a writer waits for comes first. A build renders the pages whose content changed and
leaves the rest of its work pending: the pages that only need the theme again (all of them
after a full build's conversion, or after a title change, with 404.html and the sitemap),
and then the search index. The preview renders what is pending behind the build
(`render_pending`, a few pages at a time) and any file a browser asks for first, at once
(`ensure`), so nothing is ever served stale.

The steps are MkDocs 1.6's own (`mkdocs.commands.build`, the last 1.x, so they hold still),
taken in the same order with the same plugin events, so a site updated page by page is byte
for byte the site a full build gives; a test holds the two together.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .build import generated, language_outputs
from .cache import ContentCache, files_digest
from .catalog import Catalog
from .project import Layout
from .render import Output

log = logging.getLogger("mkdocs.guidegen.preview")
FULL = "full build"  # what LanguageSite.build says it did when it built everything


@dataclass(frozen=True)
class _Made:
    """What a generated file was made from, to tell whether a save changed it."""

    text: str | None
    source: tuple[str, int, int] | None  # a copied file: path, mtime_ns, size

    @classmethod
    def of(cls, out: Output) -> _Made:
        if out.copy_from is None:
            return cls(out.text or "", None)
        try:
            stat = out.copy_from.stat()
        except OSError:
            return cls(None, (str(out.copy_from), -1, -1))
        return cls(None, (str(out.copy_from), stat.st_mtime_ns, stat.st_size))


class LanguageSite:
    """One language's preview site (the source's, or site/de/ for German), in `site_dir`."""

    def __init__(self, layout: Layout, locale: str | None, site_dir: Path, url: str) -> None:
        self.layout, self.locale, self.site_dir, self.url = layout, locale, site_dir, url
        self.fresh = False  # False: the next build is a full one
        self.inputs = ""    # the digest of what only a full build follows (see _inputs)
        self.made: dict[str, _Made] = {}
        self.entries: dict[str, list[dict]] = {}  # search entries, by page source path
        # Pages to render into the theme, by the file they are written to; whether the
        # search index waits for them to be indexed; and whether it is to be written at all.
        # A pending theme template is there by its name, under each file it writes.
        self.pending: dict[str, tuple[Any, bool]] = {}
        self.index_due = False

    # the public side -------------------------------------------------------------------

    def build(self, catalog: Catalog, cache: ContentCache | None = None) -> str:
        """Bring the site up to date with the catalog; what was done, in words. Raises what
        MkDocs raises (Abort in strict mode, BuildError); the next build is then full."""
        from mkdocs import utils

        logger = logging.getLogger("mkdocs")
        warnings = utils.CountHandler()
        warnings.setLevel(logging.WARNING)
        logger.addHandler(warnings)
        try:
            outputs = language_outputs(self.layout, catalog, self.locale, cache)
            inputs = self._inputs()
            if self.fresh and inputs == self.inputs and outputs.keys() == self.made.keys():
                done = self._update(outputs)
            else:
                self.fresh = False
                self._full(outputs)
                done = FULL
            if counts := warnings.get_counts():
                from mkdocs.exceptions import Abort

                raise Abort(f"Aborted with {', '.join(f'{v} {k.lower()}s' for k, v in counts)}"
                            " in strict mode!")
            self.inputs, self.fresh = inputs, True
            return done
        except Exception as err:
            self.forget()
            if hasattr(self, "config"):
                self.config.plugins.on_build_error(error=err)
            raise
        finally:
            logger.removeHandler(warnings)

    def forget(self) -> None:
        """After a failure: nothing pending (the error page is shown), and a full build next."""
        self.fresh, self.pending, self.index_due = False, {}, False

    def render_pending(self, limit: int | None = None) -> bool:
        """Render up to `limit` pending pages (all: None), then write the search index once
        nothing it waits for is pending. Whether work is left."""
        for dest in list(self.pending)[:limit]:
            self.ensure(dest)
        if self.index_due and not any(index for _page, index in self.pending.values()):
            self._write_index()
        return bool(self.pending) or self.index_due

    def ensure(self, dest: str) -> None:
        """The file a request is about to read is current: a pending page is rendered now,
        and the search index written (after every page it waits for)."""
        dest = os.path.normpath(dest)
        if dest in self.pending:
            page, index = self.pending.pop(dest)
            if isinstance(page, str):  # a theme template: 404.html, sitemap.xml(.gz)
                from mkdocs.commands.build import _build_theme_template

                for other in [d for d, (p, _i) in self.pending.items() if p == page]:
                    del self.pending[other]
                _build_theme_template(page, self.env, self.files, self.config, self.nav)
            else:
                self._render([page], indexed={page.file.src_uri} if index else set())
        elif dest == self.index_path and self.index_due:
            self.render_pending()

    @property
    def index_path(self) -> str:
        return os.path.normpath(Path(self.site_dir) / "search" / "search_index.json")

    # a full build: MkDocs' build(), keeping what it made ------------------------------

    def _full(self, outputs: dict[str, Output]) -> None:
        from mkdocs import utils
        from mkdocs.commands.build import (
            _build_extra_template,
            _build_theme_template,
            _populate_page,
        )
        from mkdocs.config import load_config
        from mkdocs.config.defaults import MkDocsConfig
        from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
        from mkdocs.structure.nav import get_navigation
        from mkdocs.structure.pages import Page

        from .plugin import add_outputs

        # MkDocs hands every configuration a process loads the same instance of a plugin
        # with start or stop events (so `mkdocs serve`'s rebuilds share state); two sites kept
        # side by side would then share one search index. Each site gets its own plugins.
        MkDocsConfig.plugins.plugin_cache.clear()
        config = load_config(str(self.layout.mkdocs_yml_in(self.locale)),
                             site_dir=str(self.site_dir))
        config.site_url = self.url
        plugin = config.plugins.get("guidegen")
        if plugin is not None:
            plugin.config.enabled = False  # the generated files come from here, below
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        self.config, self.inclusion = config, InclusionLevel.is_in_serve
        add_outputs(files, config, outputs)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        for file in files.documentation_pages(inclusion=self.inclusion):
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
            _populate_page(file.page, config, files)
        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(inclusion=self.inclusion)
        self.files, self.nav, self.env = files, nav, env
        for template in config.theme.static_templates:
            _build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)
        self.entries = {}
        self._defer([f.page for f in self._pages()], indexed=True)
        self._finish()
        self.made = {uri: _Made.of(out) for uri, out in outputs.items()}

    # an update: only what changed -------------------------------------------------------

    def _update(self, outputs: dict[str, Output]) -> str:
        from mkdocs.commands.build import _populate_page

        changed = [uri for uri, out in outputs.items() if _Made.of(out) != self.made[uri]]
        if not changed:
            return "nothing changed"
        pages = []
        for uri in changed:
            file, out = self.files.get_file_from_path(uri), outputs[uri]
            if file is None:
                continue  # left out of the site by its configuration (exclude_docs)
            if out.copy_from is None:
                file.content_string = out.text or ""
            if file.page is not None and file.is_documentation_page():
                pages.append(file.page)
            else:
                file.copy_file()
        before = [_in_nav(page) for page in pages]
        for page in pages:
            _populate_page(page, self.config, self.files)
        again = {page.file.src_uri for page in pages}
        self._render(pages, indexed=again)
        if [_in_nav(page) for page in pages] != before:
            # Every page shows every title: the theme goes round them all again, the pages
            # a reader does not have open behind this build.
            for template in self.config.theme.static_templates:
                for name in (template, f"{template}.gz"):
                    self.pending[os.path.normpath(Path(self.site_dir) / name)] = (template, False)
            self._defer([f.page for f in self._pages() if f.src_uri not in again],
                        indexed=False)
            done = (f"{len(pages)} pages rendered, and the navigation changed: "
                    f"{len(self.pending)} more pending")
        else:
            done = f"{len(pages)} pages rendered" if pages else "files copied"
        self._finish()
        for uri in changed:
            self.made[uri] = _Made.of(outputs[uri])
        return done

    # shared by both ------------------------------------------------------------------------

    def _pages(self):
        return self.files.documentation_pages(inclusion=self.inclusion)

    def _defer(self, pages: list, indexed: bool) -> None:
        for page in pages:
            dest = os.path.normpath(page.file.abs_dest_path)
            self.pending[dest] = (page, indexed or self.pending.get(dest, (None, False))[1])

    def _render(self, pages: list, indexed: set[str]) -> None:
        """Each page into the theme and out to site/, keeping each page's search entries.
        `indexed`: the pages to index (again); the others keep their entries, taken from
        content the search plugin has already cleaned. A page rendered now is no longer
        pending, and the search index is then due."""
        from mkdocs.commands.build import _build_page

        search = self._search()
        events = self.config.plugins.events["page_context"]
        everyone = list(events)
        doc_files = self._pages()
        try:
            for page in pages:
                self.pending.pop(os.path.normpath(page.file.abs_dest_path), None)
                again = page.file.src_uri in indexed
                events[:] = everyone if again or search is None else [
                    e for e in everyone if getattr(e, "__self__", None) is not search]
                start = len(search.search_index.entries) if search else 0
                _build_page(page, self.config, doc_files, self.nav, self.env,
                            excluded=page.file.inclusion.is_excluded())
                if search is not None and again:
                    self.entries[page.file.src_uri] = search.search_index.entries[start:]
                    self.index_due = True
        finally:
            events[:] = everyone

    def _finish(self) -> None:
        """Anchors checked on every page and every plugin's post-build step (the search
        index's waits for its pages, see _write_index), as MkDocs ends a build."""
        for file in self._pages():
            file.page.validate_anchor_links(files=self.files,
                                            log_level=self.config.validation.links.anchors)
        search = self._search()
        events = self.config.plugins.events["post_build"]
        everyone = list(events)
        events[:] = [e for e in everyone if search is None
                     or getattr(e, "__self__", None) is not search]
        try:
            self.config.plugins.on_post_build(config=self.config)
        finally:
            events[:] = everyone
        if not any(index for _page, index in self.pending.values()):
            self._write_index()

    def _write_index(self) -> None:
        """The search index, its entries in page order (as a full build writes them)."""
        search = self._search()
        self.index_due = False
        if search is None:
            return
        search.search_index.entries = [e for f in self._pages()
                                       for e in self.entries.get(f.src_uri, [])]
        try:
            search.on_post_build(config=self.config)
        finally:
            search.search_index.entries = []

    def _search(self):
        """Material's search plugin (or MkDocs' own), if the site has one."""
        plugins = self.config.plugins
        found = plugins.get("material/search") or plugins.get("search")
        return found if found is not None and hasattr(found, "search_index") else None

    def _inputs(self) -> str:
        """What only a full build follows: the site's configuration (a translation's
        inherits the source's) and its hand-written pages."""
        docs = self.layout.docs_in(self.locale)
        skip = [docs / name for name in generated(self.locale)]
        written = [p for p in docs.rglob("*") if p.is_file()
                   and not any(p.is_relative_to(s) for s in skip)] if docs.is_dir() else []
        return files_digest([self.layout.mkdocs_yml_in(None),
                             self.layout.mkdocs_yml_in(self.locale), *written])


def _in_nav(page) -> tuple:
    """What the other pages show of a page: its title and its front matter."""
    return page.title, repr(sorted(page.meta.items(), key=lambda kv: str(kv[0])))
