"""Fixtures for site tests: a copy of the project built once per session, served on loopback."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidegen.build import build
from guidegen.project import Layout
from tests.helpers import serve_directory

REPO = Path(__file__).resolve().parents[2]
CONTENT = ("mkdocs.yml", "mkdocs.de.yml", "steps", "templates", "screenshots", "docs",
           "docs-de")
# What `guidegen render` writes into the docs folders (git-ignored): never part of a copy.
GENERATED = ("docs/guides", "docs-de/guides", "docs-de/assets")


def copy_project(dest: Path) -> Layout:
    for name in CONTENT:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=lambda folder, names: [
                n for n in names if f"{Path(folder).relative_to(REPO).as_posix()}/{n}" in GENERATED])
        elif src.exists():
            shutil.copy2(src, dest / name)
    return Layout(dest)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Layout:
    """The shipped content, rendered and built strictly by `guidegen build`."""
    layout = copy_project(tmp_path_factory.mktemp("project"))
    build(layout)
    return layout


@pytest.fixture(scope="session")
def site_url(built_site: Layout) -> Iterator[str]:
    with serve_directory(built_site.site) as url:
        yield url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900},
            "locale": "en-US", "reduced_motion": "reduce"}
