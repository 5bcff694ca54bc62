"""Render and build without ever leaving a half-written docs/ or site/ behind.

Everything is produced in a staging folder next to the project (same filesystem, so the
final moves are renames); only when the strict MkDocs build has succeeded are the
generated pages and the site swapped into place.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .catalog import Catalog
from .load import load_catalog
from .project import Layout
from .render import GUIDES_DIR, Output, render_catalog


class BuildError(Exception):
    """MkDocs refused the site (a broken link in strict mode, a bad mkdocs.yml)."""


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


def render_to(layout: Layout, catalog: Catalog, docs_dir: Path) -> None:
    outputs = render_catalog(catalog, layout.templates, layout.screenshots)
    write_outputs(outputs, docs_dir)


def render(layout: Layout) -> Catalog:
    """`guidegen render`: refresh docs/guides/ (for Zensical or a plain `mkdocs build`)."""
    catalog = load_catalog(layout.steps, layout.root)
    with staging(layout.root) as tmp:
        render_to(layout, catalog, tmp)
        layout.docs.mkdir(exist_ok=True)
        swap_in(tmp / GUIDES_DIR, layout.docs / GUIDES_DIR)
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
    """`guidegen build`: load, render, strict MkDocs build, then swap docs/guides and site/."""
    catalog = load_catalog(layout.steps, layout.root)
    with staging(layout.root) as tmp:
        docs = tmp / "docs"
        shutil.copytree(layout.docs, docs, ignore=_skip_generated(layout.docs),
                        dirs_exist_ok=True) if layout.docs.exists() else docs.mkdir()
        render_to(layout, catalog, docs)
        with mkdocs_log(verbose=not quiet):
            mkdocs_build(layout.mkdocs_yml, docs, tmp / "site")
        swap_in(docs / GUIDES_DIR, layout.docs / GUIDES_DIR)
        swap_in(tmp / "site", layout.site)
    return catalog


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


def _skip_generated(docs: Path):
    def ignore(folder: str, names: list[str]) -> list[str]:
        return [GUIDES_DIR] if Path(folder) == docs and GUIDES_DIR in names else []
    return ignore
