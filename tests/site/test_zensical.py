"""The same mkdocs.yml builds with Zensical, which runs no MkDocs plugins: the pages that
`guidegen render` writes are real Markdown, so they must come out whole."""

from __future__ import annotations

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


def test_zensical_builds_the_rendered_guides(tmp_path):
    layout = copy_project(tmp_path)
    render(layout)
    result = subprocess.run([zensical(), "build", "--clean"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
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
