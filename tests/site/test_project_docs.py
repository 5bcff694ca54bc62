"""guidegen's own documentation is a site apart: the customers' help centre holds customer
pages only (in its navigation, its pages and its search), and project-docs/ builds strictly
on its own from mkdocs.project.yml."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from .conftest import REPO

PROJECT_PAGES = sorted(p for p in (REPO / "project-docs").glob("*.md") if p.name != "index.md")


def title(markdown: Path) -> str:
    front = markdown.read_text("utf-8").split("---\n")[1]
    return yaml.safe_load(front)["title"]


def test_the_help_centre_holds_customer_pages_only(built_site):
    pages = sorted(p.parent.relative_to(built_site.site).as_posix()
                   for p in built_site.site.rglob("index.html"))
    # Each language's site: the home page and the guides, nothing else.
    assert all(p.removeprefix("de").removeprefix("/") in ("", ".", "guides")
               or p.removeprefix("de/").startswith("guides/") for p in pages), pages
    titles = {title(p) for p in PROJECT_PAGES}
    assert "Benchmarks" in titles and "Running the nightly drift check" in titles
    home = BeautifulSoup((built_site.site / "index.html").read_text("utf-8"), "html.parser")
    nav = {a.get_text(" ", strip=True) for a in home.select(".md-nav--primary a")}
    assert not nav & titles, nav & titles
    search = json.loads((built_site.site / "search/search_index.json").read_text("utf-8"))
    assert not {d["title"] for d in search["docs"]} & titles


def test_the_project_documentation_builds_strictly_on_its_own(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(REPO / "mkdocs.project.yml"), site_dir=str(tmp_path / "site"))
    assert config.strict
    build(config)
    home = BeautifulSoup((tmp_path / "site/index.html").read_text("utf-8"), "html.parser")
    nav = {a.get_text(" ", strip=True) for a in home.select(".md-nav--primary a")}
    assert {title(p) for p in PROJECT_PAGES} <= nav
    for page in PROJECT_PAGES:
        assert (tmp_path / "site" / page.stem / "index.html").is_file()
