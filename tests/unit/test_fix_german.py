# ruff: noqa: E501  (the expected diff lines are whole lines of the step files)
"""`guidegen fix` on a report of a German run (`verify --locale de`), without a browser: the
German side only changes (`names: {de: ...}` where the control is defined, the German
translation's bold quotes), every comment and every other line stays, the English names
never change, and the re-verification runs in German."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.fix import MOVED_IN_LOCALE, changes_from, fix
from guidegen.results import StepResult

REPO = Path(__file__).resolve().parents[2]
SEED = "zenkit-azure-scim-provisioning"
PAGE = "steps/pages/azure-provisioning.yml"
TRANSLATION = f"steps/translations/de/{SEED}.yml"
USERS_DE = {"action": 0, "control": "azure-provisioning.provision-users", "role": "link",
            "old": "Azure Active Directory-Benutzer bereitstellen",
            "new": "Microsoft Entra ID-Benutzer bereitstellen"}

# The German translation's one bold quote of the control, in the step that uses it.
REQUOTED = [
    f"{TRANSLATION}: -      Klicken Sie auf **{{{{ directory }}}}-Benutzer bereitstellen**, um die Attributzuordnung der",
    f"{TRANSLATION}: +      Klicken Sie auf **Microsoft Entra ID-Benutzer bereitstellen**, um die Attributzuordnung der",
]


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(REPO / "steps", root / "steps")
    return root


def german(tmp_path: Path, steps: list[tuple[str, list[dict]]], locale: str | None = "de") -> Path:
    """A report of a run in `locale` whose steps went past the controls `renamed`."""
    folder = tmp_path / f"report-{locale}"
    folder.mkdir(parents=True)
    records = [{"guide": SEED, "step": step, "plan": None, "status": "failed", "locale": locale,
                "finding": {"kind": "structure drift", "message": "changed",
                            "action": renamed[0]["action"], "renamed": renamed}}
               for step, renamed in steps]
    (folder / "results.json").write_text(json.dumps({"target": "sim", "steps": records}), "utf-8")
    return folder


def passed(*steps: str, locale: str | None = "de"):
    """A stand-in for the re-verification in which `steps` pass; it records its options."""
    seen: list[list[str]] = []

    def run(_project, args, _report):
        seen.append(args)
        return [StepResult(guide=SEED, step=s, status="passed", locale=locale) for s in steps]
    run.seen = seen
    return run


def diff(before: dict[Path, str], project: Path) -> list[str]:
    lines = []
    for path, text in before.items():
        for line in difflib.unified_diff(text.splitlines(), path.read_text("utf-8").splitlines(),
                                         lineterm="", n=0):
            if line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
                lines.append(f"{path.relative_to(project)}: {line}")
    return lines


def texts(project: Path) -> dict[Path, str]:
    return {p: p.read_text("utf-8") for p in sorted((project / "steps").rglob("*.yml"))}


def test_a_german_rename_corrects_the_german_name_and_the_translation_only(tmp_path, project):
    before = texts(project)
    run = passed("open-user-mapping")
    [outcome] = fix(project, german(tmp_path, [("open-user-mapping", [USERS_DE])]), [],
                    run=run).outcomes
    assert outcome.kept, outcome.reason
    assert run.seen == [["--locale", "de", "--", SEED]]  # the re-verification is in German
    assert outcome.change.describe() == ("azure-provisioning.provision-users@de: 'Azure Active "
                                         "Directory-Benutzer bereitstellen' is now 'Microsoft "
                                         "Entra ID-Benutzer bereitstellen'")
    page_line = 1 + before[project / PAGE].splitlines().index(next(
        ln for ln in before[project / PAGE].splitlines() if "provision-users:" in ln))
    assert outcome.edits == [
        f"{PAGE}:{page_line}: names.de: '{{{{ directory }}}}-Benutzer bereitstellen' -> "
        "'Microsoft Entra ID-Benutzer bereitstellen'",
        f"{TRANSLATION}:134: steps.open-user-mapping.text: **Azure Active Directory-Benutzer "
        "bereitstellen** -> **Microsoft Entra ID-Benutzer bereitstellen**",
    ]
    # The English name, the English guide, the translation's stamp (`source:` hashes the
    # English text, which did not change) and every comment stay as they were; so does the
    # page's secret-token, a flow mapping over three lines that ruamel.yaml writes on one.
    assert sorted(diff(before, project)) == sorted([
        f'{PAGE}: -  provision-users: {{role: link, name: "Provision {{{{ directory }}}} Users", names: {{de: "{{{{ directory }}}}-Benutzer bereitstellen"}}}}',
        f'{PAGE}: +  provision-users: {{role: link, name: "Provision {{{{ directory }}}} Users", names: {{de: "Microsoft Entra ID-Benutzer bereitstellen"}}}}',
        *REQUOTED,
    ])


def test_a_control_with_no_german_name_gets_the_one_the_german_run_found(tmp_path, project):
    """The report says the run looked for the English name (the control had no German one)
    and found the control under its German name: that name is recorded, after the name it
    translates, in the file's flow style, and the comment on its line stays."""
    page = project / PAGE
    page.write_text(page.read_text("utf-8").replace(
        "notification-email: {label: Notification Email, names: {de: Benachrichtigungs-E-Mail}}",
        "notification-email: {label: Notification Email}  # German name still to come"), "utf-8")
    before = texts(project)
    email = {"action": 4, "control": "azure-provisioning.notification-email", "role": "field",
             "old": "Notification Email", "new": "Benachrichtigungs-E-Mail"}
    [outcome] = fix(project, german(tmp_path, [("enter-credentials", [email])]), [],
                    run=passed("enter-credentials")).outcomes
    assert outcome.kept, outcome.reason
    line = 1 + next(n for n, ln in enumerate(before[page].splitlines()) if "notification-email:" in ln)
    assert outcome.edits == [f"{PAGE}:{line}: names.de: added 'Benachrichtigungs-E-Mail'"]
    assert diff(before, project) == [
        f"{PAGE}: -  notification-email: {{label: Notification Email}}  # German name still to come",
        # (ruamel.yaml keeps a comment's column, and one space where the line grew past it)
        f"{PAGE}: +  notification-email: {{label: Notification Email, names: {{de: Benachrichtigungs-E-Mail}}}} # German name still to come",
    ]
    # The same report again finds it made: no run, nothing left.
    [again] = fix(project, german(tmp_path / "again", [("enter-credentials", [email])]), [],
                  run=None).outcomes
    assert again.applied


def test_a_german_rename_of_an_inline_control_names_it_in_the_action(tmp_path, project):
    guide = project / f"steps/{SEED}.yml"
    text = guide.read_text("utf-8")
    line = next(ln for ln in text.splitlines() if "azure-provisioning.provision-users}" in ln)
    guide.write_text(text.replace(line, line.replace(
        "{control: azure-provisioning.provision-users}",
        '{role: link, name: "Provision {{ directory }} Users", '
        'names: {de: "{{ directory }}-Benutzer bereitstellen"}}')), "utf-8")
    before = texts(project)
    inline = {**USERS_DE, "control": None}
    [outcome] = fix(project, german(tmp_path, [("open-user-mapping", [inline])]), [],
                    run=passed("open-user-mapping")).outcomes
    assert outcome.kept, outcome.reason
    assert sorted(diff(before, project)) == sorted([
        f'steps/{SEED}.yml: +              - click: {{role: link, name: "Provision {{{{ directory }}}} Users", names: {{de: "Microsoft Entra ID-Benutzer bereitstellen"}}}}',
        f'steps/{SEED}.yml: -              - click: {{role: link, name: "Provision {{{{ directory }}}} Users", names: {{de: "{{{{ directory }}}}-Benutzer bereitstellen"}}}}',
        *REQUOTED,
    ])


def test_a_german_name_that_is_not_the_one_the_run_looked_for_is_not_edited(tmp_path, project):
    """The page names the control differently in German than the run saw (edited since):
    no edit guidegen can make, and no run."""
    other = {**USERS_DE, "old": "Benutzer bereitstellen"}
    before = texts(project)
    [outcome] = fix(project, german(tmp_path, [("open-user-mapping", [other])]), [],
                    run=passed("open-user-mapping")).outcomes
    assert not outcome.kept and "no edit guidegen can make" in outcome.reason
    assert texts(project) == before


def test_a_control_moved_in_a_german_run_is_left_for_an_english_report(tmp_path, project,
                                                                       monkeypatch):
    moved = {"action": 0, "control": "azure-directory.enterprise-applications", "role": "link",
             "old": "Unternehmensanwendungen", "new": "Unternehmensanwendungen",
             "via": [{"role": "link", "name": "Anwendungen"}]}
    before = texts(project)

    def no_run(*_):
        raise AssertionError("nothing to try: no verify run")

    monkeypatch.setattr("guidegen.fix._verify", no_run)
    out = CliRunner().invoke(main, ["fix", "--root", str(project),
                                    str(german(tmp_path, [("open-user-mapping", [moved])]))])
    assert out.exit_code == 1, out.output
    assert out.output == (
        "left: azure-directory.enterprise-applications@de: now behind link 'Anwendungen' "
        f"({MOVED_IN_LOCALE})\n0 fixed, 1 left\n")
    assert texts(project) == before


def test_a_report_of_both_languages_re_verifies_each_in_its_own(tmp_path, project):
    english = {**USERS_DE, "old": "Provision Azure Active Directory Users",
               "new": "Provision Entra Users"}
    en = json.loads((german(tmp_path / "en", [("open-user-mapping", [english])], None)
                     / "results.json").read_text("utf-8"))
    both = german(tmp_path, [("open-user-mapping", [USERS_DE])])
    data = json.loads((both / "results.json").read_text("utf-8"))
    (both / "results.json").write_text(json.dumps({**data, "steps": en["steps"] + data["steps"]}))
    assert [c.locale for c in changes_from(both)] == [None, "de"]
    seen = []

    def run(_project, args, _report):
        seen.append(args)
        locale = "de" if "--locale" in args else None
        return [StepResult(guide=SEED, step="open-user-mapping", status="passed", locale=locale)]

    outcomes = fix(project, both, ["--azure-ui", "2023"], run=run).outcomes
    assert seen == [["--azure-ui", "2023", "--", SEED],
                    ["--azure-ui", "2023", "--locale", "de", "--", SEED]]
    assert [o.kept for o in outcomes] == [True, True]
    page = (project / PAGE).read_text("utf-8")
    assert ('provision-users: {role: link, name: "Provision Entra Users", '
            'names: {de: "Microsoft Entra ID-Benutzer bereitstellen"}}') in page


def test_a_german_step_that_still_fails_keeps_nothing_even_if_the_english_one_passes(
        tmp_path, project):
    before = texts(project)
    [outcome] = fix(project, german(tmp_path, [("open-user-mapping", [USERS_DE])]), [],
                    run=passed("open-user-mapping", locale=None)).outcomes
    assert not outcome.kept and outcome.reason == "the step was not run again"
    assert texts(project) == before


@pytest.mark.parametrize("option", [["--locale", "de"], ["--locale=de"]])
def test_locale_among_the_verify_options_is_a_command_line_problem(tmp_path, project, option):
    out = CliRunner().invoke(main, ["fix", "--root", str(project),
                                    str(german(tmp_path, [("open-user-mapping", [USERS_DE])])),
                                    *option])
    assert out.exit_code == 2, out.output
    assert out.output == ("command line: --locale: fix re-verifies each change in the language "
                          "of the run that saw it (the report's steps say which): leave "
                          "--locale out\n1 problem found.\n")
