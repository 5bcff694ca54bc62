"""`guidegen fix` without a browser: which edits a report leads to, and that an edit whose
step still fails at the change is not written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from guidegen.errors import GuideError
from guidegen.fix import changes_from, fix
from guidegen.load import load_catalog

REPO = Path(__file__).resolve().parents[2]
SEED = "zenkit-azure-scim-provisioning"


def report(tmp_path: Path, renamed: list[dict], step: str = "open-user-mapping") -> Path:
    folder = tmp_path / "report"
    folder.mkdir()
    finding = {"kind": "structure drift", "message": "changed", "action": 0, "renamed": renamed}
    (folder / "results.json").write_text(json.dumps({"target": "sim", "steps": [
        {"guide": SEED, "step": step, "plan": None, "status": "failed", "finding": finding},
        {"guide": SEED, "step": "open-group-mapping", "plan": None, "status": "failed",
         "finding": finding}]}), "utf-8")
    return folder


USERS = {"action": 0, "control": "azure-provisioning.provision-users", "role": "link",
         "old": "Provision Azure Active Directory Users", "new": "Provision Entra Users"}


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "steps", root / "steps")
    return root


def test_a_control_seen_renamed_in_two_steps_is_one_change(tmp_path):
    assert len(changes_from(report(tmp_path, [USERS]))) == 1


def test_an_edit_whose_step_passes_is_written(tmp_path, project):
    passed = [{"guide": SEED, "step": "open-user-mapping", "status": "passed", "finding": None}]
    [outcome] = fix(project, report(tmp_path, [USERS]), [], run=lambda *_: passed)
    assert outcome.kept
    page = (project / "steps/pages/azure-provisioning.yml").read_text("utf-8")
    assert 'provision-users: {role: link, name: "Provision Entra Users"}' in page
    assert "# The Provisioning blade of an enterprise application." in page  # comments kept
    guide = (project / f"steps/{SEED}.yml").read_text("utf-8")
    assert "Click **Provision Entra Users** to open" in guide


def test_an_edit_whose_step_still_fails_there_is_not_written(tmp_path, project):
    before = {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")}
    still = [{"guide": SEED, "step": "open-user-mapping", "status": "failed",
              "finding": {"kind": "structure drift", "action": 0, "message": "not found"}}]
    [outcome] = fix(project, report(tmp_path, [USERS]), [], run=lambda *_: still)
    assert not outcome.kept and outcome.reason == "not found"
    assert {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")} == before


def test_a_folder_that_is_no_report_is_bad_input(tmp_path, project):
    with pytest.raises(GuideError) as info:
        fix(project, tmp_path, [])
    assert str(info.value) == f"{tmp_path}/results.json: not the results.json of a guidegen verify run"


def test_a_report_whose_fix_is_already_in_the_files_needs_no_run(tmp_path, project):
    """Last night's pull request was merged, or a writer renamed the control by hand: the
    same report again is nothing left to do, not a change guidegen cannot make."""
    passed = [{"guide": SEED, "step": "open-user-mapping", "status": "passed", "finding": None}]
    fix(project, report(tmp_path, [USERS]), [], run=lambda *_: passed)
    before = {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")}

    def no_run(*_):
        raise AssertionError("nothing to verify: every change is already in the files")

    again = tmp_path / "again"
    again.mkdir()
    [outcome] = fix(project, report(again, [USERS]), [], run=no_run)
    assert outcome.applied and not outcome.edits
    assert {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")} == before


MOVED = {"action": 2, "control": "azure-directory.enterprise-applications", "role": "link",
         "old": "Enterprise applications", "new": "Enterprise applications", "via": "Applications"}


def test_a_control_moved_behind_a_link_gets_a_click_and_the_text_the_same_way(tmp_path, project):
    passed = [{"guide": SEED, "step": "open-app-provisioning", "status": "passed", "finding": None}]
    [outcome] = fix(project, report(tmp_path, [MOVED], step="open-app-provisioning"), [],
                    run=lambda *_: passed)
    assert outcome.kept
    page = (project / "steps/pages/azure-directory.yml").read_text("utf-8")
    assert "  applications: {role: link, name: Applications}\n" in page
    reusable = (project / "steps/reusable/azure.yml").read_text("utf-8")
    assert "then **Applications** > **Enterprise applications**, and" in reusable
    rotation = (project / "steps/zenkit-scim-token-rotation.yml").read_text("utf-8")
    assert "**Applications** > **Enterprise applications** >" in rotation
    # The step files still load: every bold label is one an action names.
    load_catalog(project / "steps", project)
