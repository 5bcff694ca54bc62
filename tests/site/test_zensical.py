"""The same mkdocs.yml (and the German mkdocs.de.yml) builds with Zensical, which runs no
MkDocs plugins: the pages that `guidegen render` writes are real Markdown, so they must come
out whole, in both languages."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from guidegen.build import render

from .conftest import REPO, copy_project

pytestmark = pytest.mark.zensical


def zensical() -> str:
    path = Path(os.environ.get("GUIDEGEN_ZENSICAL", REPO / ".venv-zensical/bin/zensical"))
    assert path.exists(), f"{path} is missing: `make zensical` installs it"
    return str(path)


def zensical_build(root: Path, *config: str) -> None:
    result = subprocess.run([zensical(), "build", "--clean", *config], cwd=root,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zensical_builds_the_rendered_guides(tmp_path):
    layout = copy_project(tmp_path)
    render(layout)
    zensical_build(tmp_path)
    html = (layout.site / "guides/zenkit-scim-token-rotation/index.html").read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert [li["data-gg-plan"] for li in soup.select(".gg-plans-box li.gg-plan-yes")] == [
        "business", "enterprise"]
    assert len(soup.select(".gg-step")) == 4
    assert soup.select_one("#review-audit-log .gg-badge").get_text() == "Enterprise"
    assert soup.select_one("#regenerate-token .admonition.warning") is not None
    matrix = (layout.site / "guides/plans/index.html").read_text("utf-8")
    assert "✓ (3 of 4 steps)" in matrix
    assert (layout.site / "guides/guidegen-data.js").is_file()
    assert (layout.site / "assets/guidegen.js").is_file()


def test_zensical_builds_the_german_site_next_to_the_english_one(tmp_path):
    layout = copy_project(tmp_path)
    render(layout)
    zensical_build(tmp_path)
    zensical_build(tmp_path, "-f", "mkdocs.de.yml")
    assert (layout.site / "index.html").is_file()  # the English site is still whole
    german = layout.site / "de"
    html = (german / "guides/zenkit-scim-token-rotation/index.html").read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "de"
    assert soup.select_one(".gg-plans-box .admonition-title").get_text() == "Anwendbare Pläne"
    assert soup.select_one("#review-audit-log .gg-step-number").get_text() == "Schritt 4"
    # INHERIT appends lists in Zensical: the switch must still list each language once.
    assert [a["hreflang"] for a in soup.select("a.md-select__link")] == ["en", "de"]
    assert "✓ (3 von 4 Schritten)" in (german / "guides/plans/index.html").read_text("utf-8")
    for asset in ("guides/guidegen-data.js", "assets/guidegen.js", "assets/guidegen.css"):
        assert (german / asset).is_file(), asset
    index = json.loads((german / "search.json").read_text("utf-8"))
    assert index["config"]["lang"] == ["de"]
