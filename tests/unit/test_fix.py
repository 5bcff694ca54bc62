"""`guidegen fix` without a browser: which edits a report leads to (renames, moves along a
path of clicks), that an edit whose step still fails at the change is not written, and that
every other failure of the report is told, with an exit code that says what is left."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.errors import GuideError
from guidegen.fix import Failure, changes_from, fix
from guidegen.load import load_catalog
from guidegen.results import Hop, StepResult

REPO = Path(__file__).resolve().parents[2]
SEED = "zenkit-azure-scim-provisioning"
ROTATION_FILE = "steps/zenkit-scim-token-rotation.yml"


def results(tmp_path: Path, steps: list[dict]) -> Path:
    folder = tmp_path / "report"
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps({"target": "sim", "steps": steps}), "utf-8")
    return folder


def failed(step: str, kind: str = "structure drift", message: str = "changed", action: int = 0,
           renamed: tuple[dict, ...] = (), guide: str = SEED) -> dict:
    return {"guide": guide, "step": step, "plan": None, "status": "failed", "finding": {
        "kind": kind, "message": message, "action": action, "renamed": list(renamed)}}


def ran(steps: list[dict]):
    """A stand-in for the re-verification, whose results.json holds `steps`."""
    return lambda *_: [StepResult.model_validate(s) for s in steps]


def report(tmp_path: Path, renamed: list[dict], step: str = "open-user-mapping") -> Path:
    """The renames seen in `step` and again in open-group-mapping, as a verify run reports a
    step that went past them: the finding is at the first one."""
    return results(tmp_path, [failed(s, action=renamed[0]["action"], renamed=renamed)
                              for s in (step, "open-group-mapping")])


USERS = {"action": 0, "control": "azure-provisioning.provision-users", "role": "link",
         "old": "Provision Azure Active Directory Users", "new": "Provision Entra Users"}


def line(project: Path, path: str, text: str) -> int:
    """Where `text` first is in the project's `path`: the line an edit names (the seed guide
    changes under these tests, so they do not pin its line numbers)."""
    lines = (project / path).read_text("utf-8").splitlines()
    return next(n for n, ln in enumerate(lines, 1) if text in ln)


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "steps", root / "steps")
    return root


def test_a_control_seen_renamed_in_two_steps_is_one_change(tmp_path):
    assert len(changes_from(report(tmp_path, [USERS]))) == 1


def test_an_edit_whose_step_passes_is_written(tmp_path, project):
    passed = [{"guide": SEED, "step": "open-user-mapping", "status": "passed", "finding": None}]
    [outcome] = fix(project, report(tmp_path, [USERS]), [], run=ran(passed)).outcomes
    assert outcome.kept
    page = (project / "steps/pages/azure-provisioning.yml").read_text("utf-8")
    assert ('provision-users: {role: link, name: "Provision Entra Users", '
            'names: {de: "{{ directory }}-Benutzer bereitstellen"}}') in page
    assert "# The Provisioning blade of an enterprise application." in page  # comments kept
    guide = (project / f"steps/{SEED}.yml").read_text("utf-8")
    assert "Click **Provision Entra Users** to open" in guide


def test_an_edit_whose_step_still_fails_there_is_not_written(tmp_path, project):
    before = {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")}
    still = [{"guide": SEED, "step": "open-user-mapping", "status": "failed",
              "finding": {"kind": "structure drift", "action": 0, "message": "not found"}}]
    [outcome] = fix(project, report(tmp_path, [USERS]), [], run=ran(still)).outcomes
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
    fix(project, report(tmp_path, [USERS]), [], run=ran(passed))
    before = {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")}

    def no_run(*_):
        raise AssertionError("nothing to verify: every change is already in the files")

    again = tmp_path / "again"
    again.mkdir()
    [outcome] = fix(project, report(again, [USERS]), [], run=no_run).outcomes
    assert outcome.applied and not outcome.edits
    assert {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")} == before


MOVED = {"action": 2, "control": "azure-directory.enterprise-applications", "role": "link",
         "old": "Enterprise applications", "new": "Enterprise applications", "via": "Applications"}


def test_a_control_moved_behind_a_link_gets_a_click_and_the_text_the_same_way(tmp_path, project):
    passed = [{"guide": SEED, "step": "open-app-provisioning", "status": "passed", "finding": None}]
    [outcome] = fix(project, report(tmp_path, [MOVED], step="open-app-provisioning"), [],
                    run=ran(passed)).outcomes
    assert outcome.kept
    page = (project / "steps/pages/azure-directory.yml").read_text("utf-8")
    assert "  applications: {role: link, name: Applications}\n" in page
    reusable = (project / "steps/reusable/azure.yml").read_text("utf-8")
    assert "then **Applications** > **Enterprise applications**, and" in reusable
    rotation = (project / "steps/zenkit-scim-token-rotation.yml").read_text("utf-8")
    assert "**Applications** > **Enterprise applications** >" in rotation
    # The step files still load: every bold label is one an action names.
    load_catalog(project / "steps", project)


def test_a_link_name_as_via_reads_as_one_click_on_a_link(tmp_path):
    """Reports written before moves were followed along a path name the link alone."""
    old = changes_from(report(tmp_path / "old", [MOVED]))
    new = changes_from(report(tmp_path / "new", [{**MOVED, "via": [
        {"role": "link", "name": "Applications"}]}]))
    assert old == new
    assert old[0].via == (Hop(role="link", name="Applications"),)
    assert old[0].describe() == \
        "azure-directory.enterprise-applications: now behind link 'Applications'"


def test_a_via_that_is_no_path_is_bad_input(tmp_path):
    folder = report(tmp_path, [{**MOVED, "via": [{"role": "link"}]}])
    with pytest.raises(GuideError) as info:
        changes_from(folder)
    assert str(info.value) == "\n".join(
        f"{folder}/results.json: steps[{n}].finding.renamed[0].via[0].name: Field required"
        for n in (0, 1))  # each step that reports the move


PROVISIONING = {"action": 4, "control": "azure-enterprise-app.provisioning", "role": "link",
                "old": "Provisioning", "new": "Provisioning",
                "via": [{"role": "button", "name": "Manage"}, {"role": "tab", "name": "Settings"}]}


NAMED_FILES = ("steps/pages/azure-enterprise-app.yml", f"steps/{SEED}.yml", ROTATION_FILE,
               "steps/reusable/azure.yml")


def test_a_control_moved_along_a_path_gets_its_clicks_in_order_and_the_prose(tmp_path, project):
    page_at = line(project, "steps/pages/azure-enterprise-app.yml", "  provisioning:")
    step_at = line(project, f"steps/{SEED}.yml", "- id: provision-on-demand")
    rotation_at = line(project, ROTATION_FILE, "- id: open-provisioning")
    reusable_at = line(project, "steps/reusable/azure.yml", "- id: open-app-provisioning")
    passed = [{"guide": SEED, "step": "open-app-provisioning", "status": "passed", "finding": None}]
    result = fix(project, report(tmp_path, [PROVISIONING], step="open-app-provisioning"), [],
                 run=ran(passed))
    [outcome] = result.outcomes
    assert outcome.kept and not result.left
    assert outcome.change.describe() == \
        "azure-enterprise-app.provisioning: now behind button 'Manage' > tab 'Settings'"
    # The other guides that go through the control get the same edits; these files' are:
    assert [e for e in outcome.edits if e.startswith(NAMED_FILES)] == [
        f"steps/pages/azure-enterprise-app.yml:{page_at}: controls: added manage: "
        "{role: button, name: Manage}",
        f"steps/pages/azure-enterprise-app.yml:{page_at + 1}: controls: added settings: "
        "{role: tab, name: Settings}",
        f"steps/{SEED}.yml:{step_at}: step 'provision-on-demand': click "
        "azure-enterprise-app.manage, then azure-enterprise-app.settings before action 1",
        f"{ROTATION_FILE}:{rotation_at}: step 'open-provisioning': click "
        "azure-enterprise-app.manage, then azure-enterprise-app.settings before action 5",
        f"{ROTATION_FILE}:{rotation_at + 2}: text: **Provisioning** -> "
        "**Manage** > **Settings** > **Provisioning**",
        f"steps/reusable/azure.yml:{reusable_at}: step 'open-app-provisioning': click "
        "azure-enterprise-app.manage, then azure-enterprise-app.settings before action 5",
        f"steps/reusable/azure.yml:{reusable_at + 4}: text: **Provisioning** -> "
        "**Manage** > **Settings** > **Provisioning**"]
    page = (project / "steps/pages/azure-enterprise-app.yml").read_text("utf-8")
    assert ("  manage: {role: button, name: Manage}\n"
            "  settings: {role: tab, name: Settings}\n"
            "  provisioning: {role: link, name: Provisioning, names: {de: Bereitstellung}}\n") in page
    reusable = (project / "steps/reusable/azure.yml").read_text("utf-8")
    assert ("      - click: {role: link, name: \"{{ app }}\", names: {de: \"{{ app }}\"}}\n"
            "      - click: {control: azure-enterprise-app.manage}\n"
            "      - click: {control: azure-enterprise-app.settings}\n"
            "      - click: {control: azure-enterprise-app.provisioning}\n") in reusable
    assert "Go to the **Manage** > **Settings** > **Provisioning** menu item" in reusable
    load_catalog(project / "steps", project)

    # The same report again: the page has the controls and every step clicks them.
    again = tmp_path / "again"
    again.mkdir()
    [outcome] = fix(project, report(again, [PROVISIONING], step="open-app-provisioning"), [],
                    run=lambda *_: pytest.fail("nothing to verify")).outcomes
    assert outcome.applied


def test_a_click_on_the_way_reuses_the_control_the_page_has(tmp_path, project):
    """The page already names the link 'Users and groups': the clicks use that control."""
    moved = {**PROVISIONING, "via": [{"role": "link", "name": "Users and groups"}]}
    step_at = line(project, f"steps/{SEED}.yml", "- id: provision-on-demand")
    rotation_at = line(project, ROTATION_FILE, "- id: open-provisioning")
    reusable_at = line(project, "steps/reusable/azure.yml", "- id: open-app-provisioning")
    passed = [{"guide": SEED, "step": "open-app-provisioning", "status": "passed", "finding": None}]
    [outcome] = fix(project, report(tmp_path, [moved], step="open-app-provisioning"), [],
                    run=ran(passed)).outcomes
    assert outcome.kept
    assert [e for e in outcome.edits if "click" in e and e.startswith(NAMED_FILES)] == [
        f"steps/{SEED}.yml:{step_at}: step 'provision-on-demand': click "
        "azure-enterprise-app.users-and-groups before action 1",
        f"{ROTATION_FILE}:{rotation_at}: step 'open-provisioning': click "
        "azure-enterprise-app.users-and-groups before action 5",
        f"steps/reusable/azure.yml:{reusable_at}: step 'open-app-provisioning': click "
        "azure-enterprise-app.users-and-groups before action 5"]
    page = (project / "steps/pages/azure-enterprise-app.yml").read_text("utf-8")
    assert page.count("name: Users and groups") == 1
    reusable = (project / "steps/reusable/azure.yml").read_text("utf-8")
    assert "Go to the **Users and groups** > **Provisioning** menu item" in reusable


def test_a_control_renamed_and_moved_gets_both(tmp_path, project):
    moved = {**USERS, "via": [{"role": "button", "name": "Manage"}]}
    passed = [{"guide": SEED, "step": "open-user-mapping", "status": "passed", "finding": None}]
    [outcome] = fix(project, report(tmp_path, [moved]), [], run=ran(passed)).outcomes
    assert outcome.kept
    assert outcome.change.describe() == (
        "azure-provisioning.provision-users: 'Provision Azure Active Directory Users' is now "
        "'Provision Entra Users', behind button 'Manage'")
    page = (project / "steps/pages/azure-provisioning.yml").read_text("utf-8")
    assert "  manage: {role: button, name: Manage}\n" \
           '  provision-users: {role: link, name: "Provision Entra Users", ' \
           'names: {de: "{{ directory }}-Benutzer bereitstellen"}}\n' in page
    guide = (project / f"steps/{SEED}.yml").read_text("utf-8")
    assert ("text: Click **Manage** > **Provision Entra Users** to open the user attribute "
            "mapping.\n"
            "            actions:\n"
            "              - click: {control: azure-provisioning.manage}\n"
            "              - click: {control: azure-provisioning.provision-users}\n") in guide
    load_catalog(project / "steps", project)


def test_an_inline_control_moved_gets_inline_clicks(tmp_path, project):
    delete = {"action": 0, "control": None, "role": "button", "old": "Delete", "new": "Delete",
              "via": [{"role": "button", "name": "More actions"},
                      {"role": "menuitem", "name": "Edit"}]}
    passed = [{"guide": SEED, "step": "user-delete-mail", "status": "passed", "finding": None}]
    step_at = line(project, f"steps/{SEED}.yml", "- id: user-delete-mail")
    [outcome] = fix(project, results(tmp_path, [failed("user-delete-mail", renamed=[delete])]), [],
                    run=ran(passed)).outcomes
    assert outcome.kept
    assert outcome.change.describe() == \
        "button 'Delete': now behind button 'More actions' > menuitem 'Edit'"
    assert outcome.edits == [f"steps/{SEED}.yml:{step_at}: step "
                             "'user-delete-mail': click button 'More actions', then menuitem "
                             "'Edit' before action 1"]
    guide = (project / f"steps/{SEED}.yml").read_text("utf-8")
    assert ("            actions:\n"
            "              - click: {role: button, name: More actions}\n"
            "              - click: {role: menuitem, name: Edit}\n"
            "              - click: {role: button, name: Delete, names: {de: Löschen}, "
            "within: {role: row, name: "
            "'emails[type eq \"work\"].value', exact: false}}\n") in guide
    load_catalog(project / "steps", project)


# ── What fix tells: every failure of the report, and an exit code that is the truth ─────────


def cli_fix(project: Path, report_folder: Path, monkeypatch, trial: list[dict] | None = None):
    """`guidegen fix REPORT`; `trial` stands in for the re-verification's steps."""
    def no_run(*_):
        raise AssertionError("no change to try: no verify run")

    monkeypatch.setattr("guidegen.fix._verify", no_run if trial is None else ran(trial))
    return CliRunner().invoke(main, ["fix", "--root", str(project), str(report_folder)])


SAVE = "button 'Save' not found"


@pytest.mark.parametrize("kind", ["structure drift", "outcome failure", "plan claim"])
def test_drift_that_no_change_covers_is_left_and_fails(tmp_path, project, monkeypatch, kind):
    folder = results(tmp_path, [failed("save-credentials", kind=kind, message=SAVE)])
    result = cli_fix(project, folder, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr == (f"left: {SEED}/save-credentials: {SAVE}\n"
                             "0 fixed, 1 left\n")


def test_visual_drift_is_left_to_update_screenshots_and_is_no_failure(tmp_path, project,
                                                                        monkeypatch):
    folder = results(tmp_path, [failed("save-credentials", kind="visual drift"),
                                failed("expand-mappings", kind="visual drift")])
    result = cli_fix(project, folder, monkeypatch)
    assert result.exit_code == 0
    assert result.stderr == ("left for `verify --update-screenshots`: 2 visual drift steps\n"
                             "0 fixed, 0 left\n")


def test_a_report_of_errors_only_cannot_tell_and_says_re_run_verify(tmp_path, project,
                                                                    monkeypatch):
    folder = results(tmp_path, [failed("enter-credentials", kind="error",
                                       message="HTTP 502 from http://127.0.0.1:8001/")])
    result = cli_fix(project, folder, monkeypatch)
    assert result.exit_code == 3
    assert result.stderr == (
        f"not checked: {SEED}/enter-credentials (error: HTTP 502 from http://127.0.0.1:8001/)\n"
        "0 fixed, 0 left, 1 not checked: fix cannot tell whether it drifted; re-run verify\n")


def test_a_report_with_no_failed_step_is_nothing_to_fix(tmp_path, project, monkeypatch):
    folder = results(tmp_path, [{"guide": SEED, "step": "save-credentials", "plan": None,
                                 "status": "passed", "finding": None}])
    result = cli_fix(project, folder, monkeypatch)
    assert result.exit_code == 0
    assert result.stderr == "nothing to fix: the report has no failed step\n0 fixed, 0 left\n"


def test_every_failure_is_told_once_and_what_is_left_decides(tmp_path, project, monkeypatch):
    """A rename fixed, visual drift, an error and drift no change covers: exit 1, and the
    step the rename covers (twice in the report) is not told again."""
    folder = results(tmp_path, [
        failed("enter-credentials", kind="error", message="timed out"),
        failed("expand-mappings", kind="visual drift"),
        failed("open-group-mapping", message="changed", renamed=[USERS]),
        failed("open-user-mapping", message="changed", renamed=[USERS]),
        failed("user-delete-mail", message="button 'Delete' not found", action=0)])
    passed = [{"guide": SEED, "step": "open-user-mapping", "status": "passed", "finding": None},
              {"guide": SEED, "step": "open-group-mapping", "status": "passed", "finding": None}]
    page_at = line(project, "steps/pages/azure-provisioning.yml", "  provision-users:")
    text_at = line(project, f"steps/{SEED}.yml", "text: Click **Provision {{ directory }} Users**")
    result = cli_fix(project, folder, monkeypatch, trial=passed)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "fixed: azure-provisioning.provision-users: 'Provision Azure Active Directory Users' is "
        "now 'Provision Entra Users'",
        f"  steps/pages/azure-provisioning.yml:{page_at}: name: 'Provision {{{{ directory }}}} "
        "Users' -> 'Provision Entra Users'",
        f"  steps/{SEED}.yml:{text_at}: text: **Provision Azure Active Directory "
        "Users** -> **Provision Entra Users**",
        f"left: {SEED}/user-delete-mail: button 'Delete' not found",
        "left for `verify --update-screenshots`: 1 visual drift step",
        f"not checked: {SEED}/enter-credentials (error: timed out)",
        "1 fixed, 1 left, 1 not checked: fix cannot tell whether it drifted; re-run verify"]


def test_fixed_changes_and_an_error_exit_3_not_0(tmp_path, project, monkeypatch):
    """Nothing is left that fix could see, but a step it could not see may have drifted."""
    folder = results(tmp_path, [failed("open-user-mapping", renamed=[USERS]),
                                failed("enter-credentials", kind="error", message="timed out")])
    passed = [{"guide": SEED, "step": "open-user-mapping", "status": "passed", "finding": None}]
    result = cli_fix(project, folder, monkeypatch, trial=passed)
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == \
        "1 fixed, 0 left, 1 not checked: fix cannot tell whether it drifted; re-run verify"


def test_a_step_that_lost_another_control_after_a_rename_is_left_too(tmp_path, project):
    """The run went past the rename (action 0) and stopped at action 1: the rename is fixed,
    the step is not."""
    folder = results(tmp_path, [failed("open-user-mapping", message="heading not found",
                                       action=1, renamed=[USERS])])
    passed = [{"guide": SEED, "step": "open-user-mapping", "status": "failed", "finding": {
        "kind": "structure drift", "message": "heading not found", "action": 1}}]
    result = fix(project, folder, [], run=ran(passed))
    assert [o.kept for o in result.outcomes] == [True]
    assert result.left == [Failure(f"{SEED}/open-user-mapping", "structure drift",
                                   "heading not found")]


def test_drift_the_re_verification_meets_further_on_is_left(tmp_path, project):
    """The report stopped at the rename; with the edits the guide gets further and drifts
    at a step the report never reached."""
    trial = [{"guide": SEED, "step": "open-user-mapping", "status": "passed", "finding": None},
             {"guide": SEED, "step": "user-delete-mail", "status": "failed", "finding": {
                 "kind": "structure drift", "message": "button 'Delete' not found", "action": 0}}]
    result = fix(project, results(tmp_path, [failed("open-user-mapping", renamed=[USERS])]), [],
                 run=ran(trial))
    assert [o.kept for o in result.outcomes] == [True]
    assert result.left == [Failure(f"{SEED}/user-delete-mail", "structure drift",
                                   "button 'Delete' not found (when re-verified with the edits)")]


def test_a_re_verification_stopped_by_an_error_before_the_change_keeps_nothing(tmp_path,
                                                                               project):
    trial = [{"guide": SEED, "step": "open-user-mapping", "status": "failed", "finding": {
        "kind": "error", "message": "timed out", "action": 0}}]
    result = fix(project, results(tmp_path, [failed("open-user-mapping", renamed=[USERS])]), [],
                 run=ran(trial))
    [outcome] = result.outcomes
    assert not outcome.kept
    assert outcome.reason == "the re-verification stopped before it (error: timed out)"


ROTATION = "zenkit-scim-token-rotation"  # requires the seed guide
BLOCKED = ("blocked by structure drift in required guide 'zenkit-azure-scim-provisioning' at "
           f"step 'save-credentials': {SAVE}")


def test_a_guide_blocked_by_a_required_guide_in_the_report_was_not_checked(tmp_path, project,
                                                                          monkeypatch):
    """The drift is told once, at the required guide's step; the renames the blocked step
    carries are that guide's, not changes of the blocked step."""
    folder = results(tmp_path, [
        failed("save-credentials", message=SAVE),
        failed("regenerate-token", guide=ROTATION, kind="blocked", message=BLOCKED,
               renamed=[USERS])])
    result = cli_fix(project, folder, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr == (f"left: {SEED}/save-credentials: {SAVE}\n"
                             f"not checked: {ROTATION}/regenerate-token ({BLOCKED})\n"
                             "0 fixed, 1 left, 1 not checked: fix cannot tell whether it "
                             "drifted; re-run verify\n")


def test_a_guide_blocked_by_drift_the_report_does_not_hold_is_left(tmp_path, project,
                                                                   monkeypatch):
    """Verified alone, the guide is all the report knows of its required guide's drift."""
    folder = results(tmp_path, [failed("regenerate-token", guide=ROTATION, kind="blocked",
                                       message=BLOCKED)])
    result = cli_fix(project, folder, monkeypatch)
    assert result.exit_code == 1
    assert result.stderr == f"left: {ROTATION}/regenerate-token: {BLOCKED}\n0 fixed, 1 left\n"


# ── A report is untrusted input: portal text, or a crafted file ────────────────────────────

XSS = "<img src=x onerror=alert(1)>"


def files(project: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (project / "steps").rglob("*.yml")}


@pytest.mark.parametrize("rename", [
    {**USERS, "new": f"Provision {XSS} Users"},
    {**USERS, "new": "Provision [Entra](https://evil.example) Users"},
    {**USERS, "new": "Provision {{ product }} Users"},
    {**USERS, "new": "Provision `Entra` Users"},
    {**USERS, "new": USERS["old"], "via": [{"role": "link", "name": f"*{XSS}*"}]},
], ids=["html", "link", "variable", "code", "via"])
def test_a_name_that_would_be_markup_in_a_guide_is_left_unwritten(tmp_path, project, monkeypatch,
                                                                    rename):
    before = files(project)
    result = cli_fix(project, report(tmp_path, [rename]), monkeypatch)  # no verify run either
    assert result.exit_code == 1, result.output
    [left] = [ln for ln in result.stderr.splitlines() if ln.startswith("left: ")]
    assert "which a guide would read as markup; fix writes no markup into the step files" in left
    assert result.stderr.endswith("0 fixed, 1 left\n")
    assert files(project) == before


def test_a_name_holding_terminal_escapes_is_printed_as_escapes(tmp_path, project, monkeypatch):
    """A portal name is text for the log too: an escape sequence in it would recolour or
    rewrite the lines that report it."""
    rename = {**USERS, "new": "Provision \x1b[2K\x1b[1A\x9bUsers"}
    result = cli_fix(project, report(tmp_path, [rename]), monkeypatch)
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.stderr and "\x9b" not in result.stderr
    assert "Provision \\x1b[2K\\x1b[1A\\x9bUsers" in result.stderr


def test_guide_ids_reach_the_trial_run_after_the_options(tmp_path, project):
    seen = []

    def trial(_project, args, _report):
        seen.append(args)
        return []

    fix(project, report(tmp_path, [USERS]), ["--azure-ui", "2023"], write=False, run=trial)
    assert seen == [["--azure-ui", "2023", "--", SEED]]


def crafted(tmp_path: Path, project: Path, monkeypatch, **finding) -> tuple[int, str]:
    step = failed("open-user-mapping", renamed=[USERS])
    step["finding"].update(finding)
    before = files(project)
    result = cli_fix(project, results(tmp_path, [step]), monkeypatch)
    assert isinstance(result.exception, SystemExit)  # told, not raised
    assert files(project) == before
    return result.exit_code, result.stderr


@pytest.mark.parametrize(("finding", "message"), [
    ({"control": "/etc/passwd.x"}, "steps[0].finding.control: unknown control '/etc/passwd.x'"),
    ({"renamed": [{**USERS, "control": "../../../etc/passwd.x"}]},
     "steps[0].finding.renamed[0].control: unknown control '../../../etc/passwd.x'"),
    ({"defined_at": "/etc/passwd:1"},
     "steps[0].finding.defined_at: '/etc/passwd' is not a file of the project"),
    ({"renamed": [{**USERS, "defined_at": "steps/../../outside.yml:3"}]},
     "steps[0].finding.renamed[0].defined_at: 'steps/../../outside.yml' is not a file of the "
     "project"),
], ids=["absolute-control", "dotdot-control", "absolute-defined-at", "dotdot-defined-at"])
def test_a_crafted_report_naming_paths_outside_the_project_is_bad_input(tmp_path, project,
                                                                        monkeypatch, finding,
                                                                        message):
    code, stderr = crafted(tmp_path, project, monkeypatch, **finding)
    assert code == 2
    assert f"{tmp_path / 'report' / 'results.json'}: {message}\n" in stderr


def test_a_guide_id_that_looks_like_an_option_is_bad_input_even_in_a_dry_run(tmp_path, project):
    elsewhere = tmp_path / "elsewhere"
    step = failed("open-user-mapping", renamed=[USERS], guide=f"--report-dir={elsewhere}")
    result = CliRunner().invoke(main, ["fix", "--root", str(project), "--dry-run",
                                       str(results(tmp_path, [step]))])
    assert result.exit_code == 2
    assert f"steps[0].guide: unknown guide '--report-dir={elsewhere}'" in result.stderr
    assert not elsewhere.exists()


BOMB = "".join([
    "portal: azure\ntitle: Bomb\n",
    'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\n',
    *(f"{b}: &{b} [*{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}, *{a}]\n"
      for a, b in zip("abcdefgh", "bcdefghi", strict=True)),
    "controls:\n  c: {role: button, name: *i}\n"])


def test_an_alias_bomb_in_a_step_file_is_bad_input_with_its_line(tmp_path, project, monkeypatch):
    (project / "steps/pages/bomb.yml").write_text(BOMB, "utf-8")
    result = cli_fix(project, report(tmp_path, [USERS]), monkeypatch)
    assert result.exit_code == 2
    assert "steps/pages/bomb.yml:" in result.stderr and "YAML aliases?" in result.stderr
