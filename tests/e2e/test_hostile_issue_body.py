"""Script in a portal label through verify into a GitHub issue, rendered and opened in
Chromium: the label the simulated Azure portal gives its Save button (`Save <img src=x
onerror=...>`, drift scenario `azure-save-markup`) reaches the drift issue's body as text.

GitHub's renderer is not available offline; Python-Markdown with tables stands in for it, and
like GitHub's Markdown it passes raw HTML through, so an unescaped label would be an <img>
whose handler runs. (GitHub also sanitizes the HTML; guidegen does not count on it.)"""

from __future__ import annotations

import os
import subprocess
import sys

import markdown
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_hostile_portal_text import LABEL, SEED
from tests.site.conftest import copy_project
from tests.unit import test_github_issues

pytestmark = pytest.mark.browser
github = test_github_issues.github  # the fake GitHub API, a fixture
# The step timeout left at its default: on a loaded machine 3 s made a page load an error.
HOSTILE = ("--drift", "azure-save-markup", "--skip-outcome", "--no-trace", "--no-plan-claims")


def show(page: Page, body: str) -> None:
    page.set_content(markdown.markdown(body, extensions=["tables"]))


def test_the_check_sees_a_label_that_would_run(page: Page):
    """The check itself: the raw label, rendered so, is an image whose handler runs."""
    show(page, f"| step | what |\n|---|---|\n| `s` | {LABEL} |\n")
    page.wait_for_function("window.pwned === 1")
    assert page.locator("img").count() == 1


def test_script_in_a_portal_label_stays_text_in_the_issue_body(tmp_path, github, page: Page):
    fake, api = github
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    report = tmp_path / "report"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "GITHUB_TOKEN": test_github_issues.TOKEN}
    drift = subprocess.run([sys.executable, "-m", "guidegen.cli", "verify", SEED, "--root",
                            str(project), "--report-dir", str(report), *HOSTILE],
                           capture_output=True, text=True, timeout=900, check=False, env=env)
    assert drift.returncode == 1, drift.stdout + drift.stderr
    issues = subprocess.run([sys.executable, "-m", "guidegen.cli", "report", "issues",
                             str(report), "--root", str(project), "--repo", "acme/help",
                             "--api-url", api], capture_output=True, text=True, timeout=60,
                            check=False, env=env)
    assert issues.stderr == f"opened issue #1 for {SEED}\n", issues.stderr
    body = fake.issues[1]["body"]
    assert "Save <img" not in body
    show(page, body)
    expect(page.get_by_text(LABEL).first).to_be_visible()  # the label, as text
    assert page.locator("img").count() == 0
    assert page.evaluate("window.pwned") is None
