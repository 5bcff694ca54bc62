# ruff: noqa: E501  (the expected diff lines are whole lines of the step files)
"""`guidegen fix` on German runs: against the 2023 naming, the German simulator's new names
are recorded as the page objects' German names and in the German translations' bold
quotes, the English side stays as it was, and the German run then gets past them; and a
control with no German name yet, which a German run finds by its English fingerprint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from portalsim import start_simulators

from guidegen.model import Locator
from guidegen.verify import fingerprints
from tests.e2e.test_fix import changed_lines, guidegen, seed_project

pytestmark = pytest.mark.browser
SEED = "zenkit-azure-scim-provisioning"
GERMAN_2023 = ("--locale", "de", "--azure-ui", "2023", "--step-timeout", "2")


def german_project(tmp_path: Path) -> Path:
    """The seed project with the German fingerprints of today's portal, as `verify --locale
    de --update-screenshots` records them: what a German run recognises a renamed control by."""
    project = seed_project(tmp_path)
    for prints in (project / "screenshots").glob("*/controls.de.json"):
        prints.unlink()
    recorded = guidegen(project, "verify", SEED, "--locale", "de", "--update-screenshots",
                        "--report-dir", str(tmp_path / "recorded"))
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    return project


# Four verify runs of a guide and its outcome checks (record, drift, fix's trial, again):
# minutes each on a loaded machine, past the suite's five-minute default.
@pytest.mark.timeout(1200)
def test_fix_records_the_german_names_a_german_run_found(tmp_path):
    project = german_project(tmp_path)
    before = {p: p.read_text("utf-8") for p in sorted((project / "steps").rglob("*.yml"))}

    drift = guidegen(project, "verify", SEED, "--report-dir", str(tmp_path / "drift"),
                     *GERMAN_2023)
    assert drift.returncode == 1, drift.stderr

    fixed = guidegen(project, "fix", str(tmp_path / "drift"), "--azure-ui", "2023",
                     "--step-timeout", "2")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr  # the moved control is left
    assert "fixed: azure-home.directory@de: 'Azure Active Directory' is now 'Identität'" \
        in fixed.stderr
    assert ("left: azure-directory.enterprise-applications@de: now behind link 'Anwendungen' "
            "(the clicks on the way to it are actions, the same in every language: run fix on "
            "a report of an English run to add them)") in fixed.stderr
    assert fixed.stderr.endswith("\n3 fixed, 1 left\n"), fixed.stderr

    # Only the German names and the German bold quotes of them: the English names, the
    # English guides, the translations' `source:` stamps and every comment stay.
    translation = f"steps/translations/de/{SEED}.yml"
    assert sorted(changed_lines(before, project)) == sorted([
        'steps/pages/azure-home.yml: -  directory: {role: link, name: "{{ directory }}", names: {de: "{{ directory }}"}}',
        'steps/pages/azure-home.yml: +  directory: {role: link, name: "{{ directory }}", names: {de: "Identität"}}',
        'steps/pages/azure-provisioning.yml: -  provision-groups: {role: link, name: "Provision {{ directory }} Groups", names: {de: "{{ directory }}-Gruppen bereitstellen"}}',
        'steps/pages/azure-provisioning.yml: -  provision-users: {role: link, name: "Provision {{ directory }} Users", names: {de: "{{ directory }}-Benutzer bereitstellen"}}',
        'steps/pages/azure-provisioning.yml: +  provision-groups: {role: link, name: "Provision {{ directory }} Groups", names: {de: "Microsoft Entra ID-Gruppen bereitstellen"}}',
        'steps/pages/azure-provisioning.yml: +  provision-users: {role: link, name: "Provision {{ directory }} Users", names: {de: "Microsoft Entra ID-Benutzer bereitstellen"}}',
        f"{translation}: -      Öffnen Sie im Azure-Portal **{{{{ directory }}}}** und dann **Unternehmensanwendungen**, und",
        f"{translation}: +      Öffnen Sie im Azure-Portal **Identität** und dann **Unternehmensanwendungen**, und",
        f"{translation}: -      Klicken Sie auf **{{{{ directory }}}}-Gruppen bereitstellen**, um die Attributzuordnung der",
        f"{translation}: +      Klicken Sie auf **Microsoft Entra ID-Gruppen bereitstellen**, um die Attributzuordnung der",
        f"{translation}: -      Klicken Sie auf **{{{{ directory }}}}-Benutzer bereitstellen**, um die Attributzuordnung der",
        f"{translation}: +      Klicken Sie auf **Microsoft Entra ID-Benutzer bereitstellen**, um die Attributzuordnung der",
        "steps/translations/de/zenkit-scim-token-rotation.yml: -      Öffnen Sie im Azure-Portal **{{ directory }}** > **Unternehmensanwendungen** > **Zenkit**",
        "steps/translations/de/zenkit-scim-token-rotation.yml: +      Öffnen Sie im Azure-Portal **Identität** > **Unternehmensanwendungen** > **Zenkit**",
    ])
    checked = guidegen(project, "check")  # the German bold labels are the new German names
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # The German run now gets past every renamed control (the steps that stopped at them
    # pass); what still stops it is the control that moved, which fix on an English report
    # adds the clicks for.
    again = guidegen(project, "verify", SEED, "--report-dir", str(tmp_path / "again"),
                     "--update-screenshots", *GERMAN_2023)
    assert again.returncode == 1, again.stdout + again.stderr
    steps = json.loads((tmp_path / "again" / "results.json").read_text("utf-8"))["steps"]
    assert all(s["locale"] == "de" for s in steps)
    passed = {s["step"] for s in steps if s["status"] == "passed"}
    assert {"enter-credentials", "open-group-mapping", "open-user-mapping",
            "add-directory-user"} <= passed, steps
    failed = [s["finding"] for s in steps if s["status"] == "failed"]
    moved = ("azure-directory.enterprise-applications", [{"role": "link", "name": "Anwendungen"}])
    assert failed and all({(r["control"], json.dumps(r["via"])) for r in f["renamed"]} ==
                          {(moved[0], json.dumps(moved[1]))} for f in failed), failed


@pytest.mark.timeout(1200)
def test_a_german_run_records_a_german_name_the_page_object_lacks(tmp_path):
    """A control without its German name yet (the German portal never shows the English
    one): the German run finds it by its fingerprint, the report says renamed, and fix
    writes the German name, after which the German run passes."""
    project = german_project(tmp_path)
    page = project / "steps/pages/azure-provisioning.yml"
    named = page.read_text("utf-8")
    page.write_text(named.replace(
        "notification-email: {label: Notification Email, names: {de: Benachrichtigungs-E-Mail}}",
        "notification-email: {label: Notification Email}"), "utf-8")

    drift = guidegen(project, "verify", SEED, "--locale", "de", "--step-timeout", "2",
                     "--report-dir", str(tmp_path / "drift"))
    assert drift.returncode == 1, drift.stdout + drift.stderr
    steps = json.loads((tmp_path / "drift" / "results.json").read_text("utf-8"))["steps"]
    renamed = [(r["control"], r["old"], r["new"]) for s in steps if s["finding"]
               for r in s["finding"]["renamed"]]
    assert renamed == [("azure-provisioning.notification-email", "Notification Email",
                        "Benachrichtigungs-E-Mail")], steps

    fixed = guidegen(project, "fix", str(tmp_path / "drift"), "--step-timeout", "2")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "names.de: added 'Benachrichtigungs-E-Mail'" in fixed.stderr
    assert page.read_text("utf-8") == named
    again = guidegen(project, "verify", SEED, "--locale", "de", "--step-timeout", "2",
                     "--report-dir", str(tmp_path / "again"))
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_german_page_s_link_is_found_by_what_it_opens(browser):
    """Azure's "Edit properties" opens the user's own page with ?edit=1: its fingerprint keeps
    the query's parameter name (not its value), so a German run finds the link by it, under
    a name that shares little with the English one."""
    edit = Locator(role="link", name="Edit properties")
    contexts = [browser.new_context(locale="en-US"), browser.new_context(locale="de-DE")]
    try:
        english, german = (context.new_page() for context in contexts)
        with start_simulators() as sims:
            english.goto(f"{sims.azure_url}/directory/users")
            profile = english.get_by_role("link", name="Adele Vance",
                                          exact=True).get_attribute("href")
            english.goto(sims.azure_url + profile)
            old = fingerprints.take(english.get_by_role("link", name="Edit properties",
                                                        exact=True))
            assert old["href"] == f"{profile}?edit"
            german.goto(sims.azure_url + profile)
            found = fingerprints.find_renamed(german, edit, old)
            assert found is not None and found[1] == "Eigenschaften bearbeiten"
            found[0].click()
            assert german.url.endswith("?edit=1")
    finally:
        for context in contexts:
            context.close()
