"""Render and build without ever leaving a half-written docs/ or site/ behind.

Everything is produced in a staging folder next to the project (same filesystem, so the
final moves are renames); only when the strict MkDocs builds of every language have
succeeded are the generated pages and the site swapped into place.

One build per language, as Material documents for multilingual sites: the source language
from mkdocs.yml and docs/ into site/, each translation from mkdocs.<locale>.yml (which
inherits mkdocs.yml) and docs-<locale>/ into site/<locale>/. A translation's docs folder gets
the guides in its language and a copy of docs/assets/ (the stylesheet and the plan picker).
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .cache import FOLDER as CACHE_FOLDER
from .cache import ContentCache, DiskCache
from .catalog import Catalog
from .errors import BuildError, GuideError, Problem
from .load import load_catalog
from .paths import links_out
from .project import Layout
from .render import GUIDES_DIR, Output, render_catalog

ASSETS_DIR = "assets"  # docs/assets/: shared by every language's site


def write_outputs(outputs: dict[str, Output], target: Path) -> None:
    for rel, out in outputs.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if out.copy_from is not None:
            shutil.copyfile(out.copy_from, path)
        else:
            path.write_text(out.text or "", encoding="utf-8")


def swap_in(new: Path, dest: Path) -> None:
    """Replace `dest` by `new` with renames; a crash leaves either the old or the new one."""
    old = dest.with_name(f".{dest.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if dest.exists():
        os.replace(dest, old)
    os.replace(new, dest)
    if old.exists():
        shutil.rmtree(old)


@contextmanager
def staging(root: Path) -> Iterator[Path]:
    # Absolute: MkDocs resolves a relative docs_dir against mkdocs.yml, not the working folder.
    tmp = Path(tempfile.mkdtemp(prefix=".guidegen-stage-", dir=root.resolve()))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def languages(layout: Layout, catalog: Catalog) -> list[str | None]:
    """The languages a site is built in: None (the source) first, then each translation
    that has a site configuration (mkdocs.de.yml). A project can translate and verify guides
    in a language before it publishes a site in it."""
    return [None, *(loc for loc in catalog.translation_locales
                    if layout.mkdocs_yml_in(loc).is_file())]


def generated(locale: str | None) -> tuple[str, ...]:
    """The folders of a language's docs folder that guidegen writes (and git ignores)."""
    return (GUIDES_DIR,) if locale is None else (GUIDES_DIR, ASSETS_DIR)


def language_outputs(layout: Layout, catalog: Catalog, locale: str | None,
                     cache: ContentCache | None = None) -> dict[str, Output]:
    """One language's generated files, keyed by path under its docs folder."""
    refuse_links_out(layout, locale)
    outputs = render_catalog(catalog, layout.templates, layout.screenshots, locale, cache)
    assets = layout.docs / ASSETS_DIR
    if locale is not None and assets.is_dir():
        for path in sorted(p for p in assets.rglob("*") if p.is_file()):
            outputs[f"{ASSETS_DIR}/{path.relative_to(assets).as_posix()}"] = Output(copy_from=path)
    return outputs


def refuse_links_out(layout: Layout, locale: str | None) -> None:
    """What a language's site is made of (its docs folder, the source's assets it shares,
    the templates, the screenshots) holds no link that leads out of its folder: followed, it
    would publish whatever it names (a saved sign-in linked as a screenshot, a page linked to
    /etc/passwd). Every build path renders through here: build, render, the plugin, serve."""
    folders = [layout.docs_in(locale), layout.templates, layout.screenshots]
    if locale is not None:
        folders.append(layout.docs / ASSETS_DIR)
    def shown(path: Path) -> str:  # as the writer sees it: the link, not where it leads
        return os.path.relpath(path, layout.root)

    problems = [Problem(shown(link), 0, "link",
                        f"leads out of {shown(folder)}/ (to {target}); nothing outside it is "
                        "published: put the file itself there")
                for folder in folders for link, target in links_out(folder)]
    if problems:
        raise GuideError(problems)


def stage_docs(layout: Layout, catalog: Catalog, tmp: Path) -> dict[str | None, Path]:
    """Every language's docs folder, hand-written pages and generated ones, under `tmp`."""
    folders = {}
    for locale in languages(layout, catalog):
        source, docs = layout.docs_in(locale), tmp / f"docs-{locale or 'source'}"
        if source.exists():
            shutil.copytree(source, docs, ignore=_skip_generated(source, generated(locale)))
        else:
            docs.mkdir()
        write_outputs(language_outputs(layout, catalog, locale), docs)
        folders[locale] = docs
    return folders


def swap_generated(layout: Layout, folders: dict[str | None, Path]) -> None:
    for locale, docs in folders.items():
        layout.docs_in(locale).mkdir(exist_ok=True)
        for name in generated(locale):
            if (docs / name).exists():
                swap_in(docs / name, layout.docs_in(locale) / name)


def disk_cache(layout: Layout) -> DiskCache:
    """The checked guides of earlier runs (see guidegen/cache.py)."""
    return DiskCache(layout.root / CACHE_FOLDER)


def render(layout: Layout) -> Catalog:
    """`guidegen render`: refresh every language's generated pages (docs/guides/,
    docs-de/guides/ and docs-de/assets/), for Zensical or a plain `mkdocs build`."""
    with loaded(layout) as catalog, staging(layout.root) as tmp:
        swap_generated(layout, stage_docs(layout, catalog, tmp))
    return catalog


def mkdocs_build(config_file: Path, docs_dir: Path, site_dir: Path) -> None:
    """A strict in-process MkDocs build with our plugin switched off (pages already exist)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if not config_file.is_file():
        raise BuildError(f"{config_file}: not found; the site's configuration lives there")
    try:
        config = load_config(str(config_file), docs_dir=str(docs_dir), site_dir=str(site_dir),
                             strict=True)
        plugin = config.plugins.get("guidegen")
        if plugin is not None:
            plugin.config.enabled = False
        build(config)
    except (MkDocsException, Abort) as err:
        raise BuildError(str(err)) from None


def build(layout: Layout, quiet: bool = True) -> Catalog:
    """`guidegen build`: load, render, a strict MkDocs build per language, then swap the
    generated pages and site/ in."""
    with loaded(layout) as catalog, staging(layout.root) as tmp:
        folders = stage_docs(layout, catalog, tmp)
        site = tmp / "site"
        with mkdocs_log(verbose=not quiet):
            # The source first: a build empties its site folder, which holds the others'.
            for locale, docs in folders.items():
                mkdocs_build(layout.mkdocs_yml_in(locale), docs,
                             site if locale is None else site / locale)
        swap_generated(layout, folders)
        swap_in(site, layout.site)
    return catalog


@contextmanager
def loaded(layout: Layout) -> Iterator[Catalog]:
    """The checked catalog, loaded with no garbage collection, then kept out of the
    collections (gc.freeze) until the block ends, errors included.

    Loading 200 guides makes a few hundred thousand objects (YAML nodes, models, the catalog)
    and no garbage held in a cycle (a test holds it so): what it frees, reference counting
    frees. Yet the collector's full passes scanned the growing heap each time it grew by a
    quarter, a quarter of a first build's load time, and the passes during rendering and
    MkDocs' build scanned the catalog once more. Set aside, it costs the rest of the build no
    more than it would if guidegen had never run; afterwards a process that goes on (the
    preview, a test) collects it as usual."""
    enabled, already = gc.isenabled(), gc.get_freeze_count()
    gc.disable()
    try:
        catalog = load_catalog(layout.steps, layout.root, disk_cache(layout))
        if not already:  # someone else's freeze is theirs to undo: ours would undo it too
            gc.freeze()
    finally:
        if enabled:
            gc.enable()
    try:
        yield catalog
    finally:
        if not already:
            gc.unfreeze()


@contextmanager
def mkdocs_log(verbose: bool) -> Iterator[None]:
    """MkDocs' warnings (broken links, missing files) go to stderr; INFO only when verbose."""
    logger = logging.getLogger("mkdocs")
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("mkdocs: %(levelname)s: %(message)s"))
    handler.setLevel(logging.INFO if verbose else logging.WARNING)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def _skip_generated(docs: Path, names: tuple[str, ...]):
    def ignore(folder: str, found: list[str]) -> list[str]:
        return [n for n in names if n in found] if Path(folder) == docs else []
    return ignore
