"""`verify: manual` (issue 12): a step the simulators cannot perform is recorded as such in
the status file, and the site shows it as checked by hand, never as drift; a set-up that
failed says nothing about the guide's steps."""

from __future__ import annotations

import shutil
from pathlib import Path

from guidegen.load import load_catalog
from guidegen.render import render_catalog
from guidegen.results import StepResult
from guidegen.status import claim_verdict, read_status, update_status

REPO = Path(__file__).resolve().parents[2]
SEED = "zenkit-azure-scim-provisioning"
REASON = "The simulators cannot send the invitation mail."


def manual_project(tmp_path: Path) -> Path:
    """The shipped steps, with the seed guide's 'save-credentials' marked as checked by hand."""
    steps = tmp_path / "steps"
    shutil.copytree(REPO / "steps", steps)
    guide = steps / f"{SEED}.yml"
    text = guide.read_text("utf-8")
    anchor = "      - id: save-credentials\n"
    assert anchor in text
    guide.write_text(text.replace(anchor, anchor + "        verify: manual\n"
                                  f"        manual_reason: {REASON}\n"), "utf-8")
    return steps


def test_the_status_file_records_manual_steps_and_they_pass_a_claim(tmp_path):
    results = [StepResult(guide=SEED, step="a", status="passed", claim="business"),
               StepResult(guide=SEED, step="save-credentials", status="manual", claim="business")]
    update_status(tmp_path, "sim", results, today="2026-11-29")
    entry = read_status(tmp_path)[SEED]
    assert entry["result"] == "passed" and entry["problems"] == {}
    assert entry["manual"] == ["save-credentials"]
    assert entry["plans"]["business"]["result"] == "passed"
    assert claim_verdict(results) == {"result": "passed"}


def test_a_failed_setup_keeps_the_last_status(tmp_path):
    update_status(tmp_path, "sim", [StepResult(guide=SEED, step="a", status="passed")],
                  today="2026-11-01")
    update_status(tmp_path, "sim", [StepResult(guide=SEED, step="a", status="failed",
                                               finding={"kind": "setup failure"})],
                  today="2026-11-29")
    assert read_status(tmp_path)[SEED]["date"] == "2026-11-01"


def test_the_site_shows_a_manual_step_as_checked_by_hand_never_as_drift(tmp_path):
    steps = manual_project(tmp_path)
    screenshots = tmp_path / "screenshots"
    screenshots.mkdir()
    # Even a status file from before the step was marked, calling it drift, is not shown.
    update_status(screenshots, "sim", [StepResult(guide=SEED, step="save-credentials",
                                                  status="failed",
                                                  finding={"kind": "structure drift"})],
                  today="2026-11-29")
    catalog = load_catalog(steps, tmp_path)
    page = render_catalog(catalog, REPO / "templates", screenshots)[f"guides/{SEED}.md"].text
    block = page[page.index('id="save-credentials"'):]
    block = block[:block.index('class="gg-step" id=', 1)]
    assert '<span class="gg-manual">Checked by hand</span>' in block
    # The reason is text of the page, which keyboards and screen readers reach (a title
    # attribute shows only on hover).
    assert (f'<p class="gg-step-manual" role="note">Checked by hand, not by the automatic '
            f"verification: {REASON}</p>") in block
    assert "gg-step-drift" not in block
