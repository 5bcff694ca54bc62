# ruff: noqa: E501  (the expected diff lines are whole lines of the step files)
"""`guidegen fix` against the 2023 naming: the drift report becomes edits of the step files
that keep their comments, and the seed guide passes again."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser
ENTRA = ("--azure-ui", "2023", "--step-timeout", "2")


def guidegen(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegen.cli", *args, "--root", str(project)],
                          capture_output=True, text=True, timeout=900, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def changed_lines(before: dict[Path, str], project: Path) -> list[str]:
    lines = []
    for path, text in before.items():
        after = path.read_text("utf-8")
        for line in difflib.unified_diff(text.splitlines(), after.splitlines(), lineterm="", n=0):
            if line.startswith(("+", "-")) and not line.startswith(("+++", "---")):
                lines.append(f"{path.relative_to(project)}: {line}")
    return lines


def seed_project(tmp_path: Path) -> Path:
    """The project with the two guides the Entra renames are found in; the later guides
    meet other 2023 changes (Remove assignment, say) that are not renames for fix to make.
    Their translations go with them (a translation of no guide is bad input)."""
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    for later in ("zenkit-azure-offboarding", "zenkit-azure-provisioning-logs",
                  "zenkit-azure-saml-sso"):
        for path in (project / "steps").glob(f"**/{later}.yml"):
            path.unlink()
    return project


def test_fix_turns_the_entra_renames_into_edits_that_pass(tmp_path):
    project = seed_project(tmp_path)
    before = {p: p.read_text("utf-8") for p in sorted((project / "steps").rglob("*.yml"))}
    drift = guidegen(project, "verify", "zenkit-azure-scim-provisioning", "--report-dir",
                     str(tmp_path / "drift"), *ENTRA)
    assert drift.returncode == 1, drift.stderr

    fixed = guidegen(project, "fix", str(tmp_path / "drift"), *ENTRA)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "fixed: azure-home.directory: 'Azure Active Directory' is now 'Identity'" in fixed.stderr
    assert "fixed: azure-directory.enterprise-applications: now behind link 'Applications'" \
        in fixed.stderr
    assert fixed.stderr.endswith("\n4 fixed, 0 left\n"), fixed.stderr

    diff = changed_lines(before, project)
    # Only the renamed names, the bold quotes of them, and the clicks on the new link with
    # the text taking the same way: every comment and every other line is as the writer left it.
    assert sorted(diff) == sorted([
        'steps/pages/azure-home.yml: -  directory: {role: link, name: "{{ directory }}", names: {de: "{{ directory }}"}}',
        'steps/pages/azure-home.yml: +  directory: {role: link, name: "Identity", names: {de: "{{ directory }}"}}',
        "steps/pages/azure-directory.yml: +  applications: {role: link, name: Applications}",
        'steps/pages/azure-provisioning.yml: -  provision-groups: {role: link, name: "Provision {{ directory }} Groups", names: {de: "{{ directory }}-Gruppen bereitstellen"}}',
        'steps/pages/azure-provisioning.yml: -  provision-users: {role: link, name: "Provision {{ directory }} Users", names: {de: "{{ directory }}-Benutzer bereitstellen"}}',
        'steps/pages/azure-provisioning.yml: +  provision-groups: {role: link, name: "Provision Microsoft Entra ID Groups", names: {de: "{{ directory }}-Gruppen bereitstellen"}}',
        'steps/pages/azure-provisioning.yml: +  provision-users: {role: link, name: "Provision Microsoft Entra ID Users", names: {de: "{{ directory }}-Benutzer bereitstellen"}}',
        "steps/reusable/azure.yml: -      In the Azure portal, open **{{ directory }}**, then **Enterprise applications**, and",
        "steps/reusable/azure.yml: +      In the Azure portal, open **Identity**, then **Applications** > **Enterprise applications**, and",
        "steps/reusable/azure.yml: +      - click: {control: azure-directory.applications}",
        "steps/zenkit-azure-scim-provisioning.yml: -            text: Click **Provision {{ directory }} Groups** to open the group attribute mapping.",
        "steps/zenkit-azure-scim-provisioning.yml: +            text: Click **Provision Microsoft Entra ID Groups** to open the group attribute mapping.",
        "steps/zenkit-azure-scim-provisioning.yml: -            text: Click **Provision {{ directory }} Users** to open the user attribute mapping.",
        "steps/zenkit-azure-scim-provisioning.yml: +            text: Click **Provision Microsoft Entra ID Users** to open the user attribute mapping.",
        "steps/zenkit-azure-scim-provisioning.yml: +      - click: {control: azure-directory.applications}",
        "steps/zenkit-scim-token-rotation.yml: -          In the Azure portal, open **{{ directory }}** > **Enterprise applications** >",
        "steps/zenkit-scim-token-rotation.yml: +          In the Azure portal, open **Identity** > **Applications** > **Enterprise applications** >",
        "steps/zenkit-scim-token-rotation.yml: +          - click: {control: azure-directory.applications}",
    ])

    # The same report again (tomorrow's run before the pull request was merged, say) finds
    # every change already made: no run, no edit, nothing left for a writer.
    edited = {p: p.read_text("utf-8") for p in sorted((project / "steps").rglob("*.yml"))}
    twice = guidegen(project, "fix", str(tmp_path / "drift"), *ENTRA)
    assert twice.returncode == 0, twice.stdout + twice.stderr
    assert "already fixed: azure-home.directory: 'Azure Active Directory' is now 'Identity'" \
        in twice.stderr
    assert "already fixed: azure-directory.enterprise-applications: now behind link " \
        "'Applications'" in twice.stderr
    assert "left:" not in twice.stderr
    assert twice.stderr.endswith("\n0 fixed, 0 left\n"), twice.stderr
    assert {p: p.read_text("utf-8") for p in edited} == edited

    # With the edits, every step gets through the 2023 portal; the new screenshots are the
    # writer's to review in the same pull request.
    again = guidegen(project, "verify", "--report-dir", str(tmp_path / "again"),
                     "--update-screenshots", *ENTRA)
    assert again.returncode == 0, again.stdout + again.stderr
