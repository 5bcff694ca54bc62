"""MkDocs plugin: renders the guides on the fly and reloads `mkdocs serve` on edits.

Optional by design: `guidegen render` writes the same pages as real files, which is what
Zensical (no plugin API) and any plain build use.

A site whose `theme.language` is one of the project's translations (mkdocs.de.yml) gets the
guides in that language and docs/assets/, as `guidegen build` gives it.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils.meta import get_data

from .build import ASSETS_DIR, language_outputs
from .cache import ContentCache
from .errors import GuideError
from .load import load_catalog
from .project import Layout
from .render import GUIDES_DIR, Output


def add_outputs(files: Files, config, outputs: dict[str, Output]) -> None:
    """The generated files into the site's files, over any of the same path in docs/ (a
    `guidegen render` left there): the preview (guidegen/preview.py) adds them so too."""
    for uri, out in outputs.items():
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        if out.copy_from is not None:
            files.append(File.generated(config, uri, abs_src_path=str(out.copy_from)))
        else:
            files.append(File.generated(config, uri, content=out.text or ""))


class GuideConfig(Config):
    enabled = c.Type(bool, default=True)
    """Render guides during the build; `guidegen build` turns this off (it renders first)."""
    root = c.Optional(c.Dir(exists=True))
    """Project folder holding steps/, templates/ and screenshots/ (default: mkdocs.yml's)."""


class GuidePlugin(BasePlugin[GuideConfig]):
    def on_startup(self, *, command, dirty) -> None:
        """Having this event makes MkDocs keep one instance for every rebuild of `mkdocs
        serve`: its cache then saves re-reading the step files a save did not change."""
        self.cache = ContentCache()

    def _layout(self, config) -> Layout:
        root = self.config.root or Path(config.config_file_path).parent
        return Layout(Path(root))

    @staticmethod
    def _locale(config, catalog) -> str | None:
        """The translation this site is in, by its theme's language; None: the source."""
        language = config.theme.get("language")
        return language if language in catalog.translation_locales else None

    def on_files(self, files: Files, /, *, config) -> Files:
        if not self.config.enabled:
            return files
        layout = self._layout(config)
        try:
            cache = getattr(self, "cache", None)
            catalog = load_catalog(layout.steps, layout.root, cache)
            outputs = language_outputs(layout, catalog, self._locale(config, catalog), cache)
        except GuideError as err:
            raise PluginError(f"{err}\nFix the files above (`guidegen check` lists the "
                              "step files' problems).") from None
        add_outputs(files, config, outputs)
        return files

    def on_nav(self, nav, /, *, config, files):
        """MkDocs names a folder's section after the folder ('Guides', on the German site
        too); name the guides' section as its overview page is titled, in the site's
        language. Also when `guidegen build` has switched rendering off: it is naming."""
        for section in (item for item in nav.items if item.is_section):
            overview = next((c for c in section.children if c.is_page
                             and c.file.src_uri == f"{GUIDES_DIR}/index.md"), None)
            if overview is not None:
                section.title = get_data(overview.file.content_string)[1].get(
                    "title", section.title)
        return nav

    def on_serve(self, server, /, *, config, builder):
        if self.config.enabled:
            layout = self._layout(config)
            # A translation's site (docs-de/) shows the source's assets: their edits count too.
            shared = [] if Path(config.docs_dir) == layout.docs else [layout.docs / ASSETS_DIR]
            for folder in (layout.steps, layout.templates, layout.screenshots, *shared):
                if folder.exists():
                    server.watch(str(folder))
        return server
