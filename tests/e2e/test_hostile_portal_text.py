"""Script in portal text, as an attacker would put it on a page: the Save button of the
simulated Azure portal is named `Save <img src=x onerror=...>` (the test-only drift scenario
`azure-save-markup`, outside the drift corpus). Through verify, fix, the reports and the
built site it stays text: checked in real Chromium, where the handler would set
`window.pwned` and the page's title."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from guidegen.fix import Change, StepFiles, plan_edits
from tests.helpers import serve_directory
from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser
SEED = "zenkit-azure-scim-provisioning"
LABEL = "Save <img src=x onerror=\"window.pwned=1;document.title='owned'\">"
HOSTILE = ("--drift", "azure-save-markup", "--skip-outcome", "--no-trace", "--no-plan-claims",
           "--step-timeout", "3")


def guidegen(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegen.cli", *args, "--root", str(project)],
                          capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def assert_inert(page: Page, title: str) -> None:
    """The label shows as text and its handler never ran."""
    expect(page.get_by_text(LABEL).first).to_be_visible()
    assert page.evaluate("window.pwned") is None
    assert page.title() == title


def test_script_in_a_portal_label_stays_text_through_verify_fix_and_the_reports(tmp_path,
                                                                              page: Page):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    report = tmp_path / "report"
    drift = guidegen(project, "verify", SEED, "--report-dir", str(report), *HOSTILE)
    assert drift.returncode == 1, drift.stdout + drift.stderr

    # The report people open: the label is in it, as text.
    html = (report / "report.html").read_text("utf-8")
    assert "Save &lt;img src=x onerror=" in html
    page.goto((report / "report.html").as_uri())
    assert_inert(page, page.title())
    assert page.title().startswith("guidegen verify:")
    summary = (report / "summary.md").read_text("utf-8")
    assert "Save &lt;img src=x onerror=" in summary and "<img" not in summary

    # fix sees the rename and refuses to write it: the step files stay as they were.
    before = {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")}
    fixed = guidegen(project, "fix", str(report), *HOSTILE)
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert f"left: azure-provisioning.save: 'Save' is now '{LABEL}' (the name '{LABEL}' holds " \
        "'<', which a guide would read as markup;" in fixed.stderr
    assert {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")} == before


def test_a_label_holding_markup_that_reached_the_step_files_builds_as_text(tmp_path,
                                                                          page: Page):
    """What guidegen fix used to write (the page's control renamed, the bold quotes of it
    too), and a variable holding markup: `check` and `build` pass, and the site shows both
    as text."""
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    files = StepFiles(project)
    assert plan_edits(files, Change(SEED, "save-credentials", 0, "azure-provisioning.save",
                                    "button", "Save", LABEL))
    files.save()
    guide = project / "steps" / f"{SEED}.yml"
    text = guide.read_text("utf-8")
    assert f"click **{LABEL}**." in text
    guide.write_text(text.replace(f"click **{LABEL}**.", f"click **{LABEL}**. ({{{{ product }}}})", 1),
                     "utf-8")
    project_file = project / "steps" / "project.yml"
    value = "Zenkit " + LABEL.replace('"', "&quot;")  # a reference: the YAML stays plain
    project_file.write_text(project_file.read_text("utf-8").replace(
        "product: Zenkit", f'product: "{value}"'), "utf-8")

    built = guidegen(project, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    with serve_directory(project / "site") as url:
        page.goto(f"{url}/guides/{SEED}/")
        title = page.title()
        assert "owned" not in title
        assert_inert(page, title)
        expect(page.locator("#save-credentials")).to_contain_text(
            f"click {LABEL}. (Zenkit {LABEL})")
