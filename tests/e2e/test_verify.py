"""`guidegen verify` end to end: real Chromium against the simulators, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.site.conftest import copy_project

SEED = "zenkit-azure-scim-provisioning"
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser


def verify(tmp_path: Path, *args: str) -> tuple[int, dict, str]:
    """Runs on a copy (made by the first call): a verify run writes screenshots and the
    status file."""
    project = tmp_path / "project"
    if not project.exists():
        project.mkdir()
        copy_project(project)
    report = tmp_path / "report"
    result = subprocess.run(
        [sys.executable, "-m", "guidegen.cli", "verify", "--root", str(project),
         "--report-dir", str(report), *args],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    results = report / "results.json"
    data = json.loads(results.read_text("utf-8")) if results.exists() else {}
    return result.returncode, data, result.stdout + result.stderr


def test_seed_guide_passes_against_the_simulators(tmp_path):
    code, data, output = verify(tmp_path, SEED)
    assert code == 0, output
    steps = [(s["step"], s["status"]) for s in data["steps"] if s["plan"] is None]
    assert len(steps) == 21 and all(status == "passed" for _, status in steps)
    assert steps[0][0] == "open-app-provisioning" and steps[16][0] == "provisioning-status-on"
    assert steps[-1][0] == "user-in-zenkit"  # the outcome checks run last
    # The plain run's organization is on Business, which checks that claim; the guide's claim
    # to Enterprise is a run of its own, the organization on Enterprise.
    claims = [(s["plan"], s["status"]) for s in data["steps"] if s["plan"]]
    assert claims == [("enterprise", "passed")] * 17
    junit = ElementTree.parse(tmp_path / "report" / "junit.xml").getroot()
    assert junit.find("testsuite").get("tests") == "38"


def test_entra_naming_without_following_renames_stops_at_the_first_one(tmp_path):
    code, data, output = verify(tmp_path, SEED, "--azure-ui", "2023", "--step-timeout", "2",
                                "--no-follow-renames")
    assert code == 1, output
    first, *rest = data["steps"]
    assert first["step"] == "open-app-provisioning" and first["status"] == "failed"
    finding = first["finding"]
    assert finding["kind"] == "structure drift"
    assert finding["action"] == 1
    assert finding["expected"] == "link 'Azure Active Directory'"
    assert finding["found"][0] == "Identity"
    # The page object the step goes through: the one place to edit.
    assert finding["control"] == "azure-home.directory"
    assert finding["defined_at"] == "steps/pages/azure-home.yml:8"
    assert {s["status"] for s in rest} == {"not run"}
    report = (tmp_path / "report" / "report.html").read_text("utf-8")
    assert "structure drift" in report and "Identity" in report
    assert "steps/pages/azure-home.yml:8" in report
    summary = (tmp_path / "report" / "summary.md").read_text("utf-8")
    assert "| zenkit-azure-scim-provisioning | Step 1: open-app-provisioning | " \
           "❌ structure drift |" in summary
    # A what-if against another portal version says nothing to readers: the status the site
    # shows is the one committed.
    status = tmp_path / "project/screenshots/status.json"
    assert status.read_bytes() == (Path(__file__).resolve().parents[2] /
                                   "screenshots/status.json").read_bytes()


# What the 2023 naming changes in the seed guide (see ../shared/reference/portals.md): the
# directory is "Identity", Enterprise applications sit under "Applications", the mappings say
# "Microsoft Entra ID", and the shots that show that name change.
LINK = [{"role": "link", "name": "Applications"}]  # the clicks that lead to the moved control
ENTRA_STRUCTURE = {
    "open-app-provisioning": [("Azure Active Directory", "Identity", None),
                              ("Enterprise applications", "Enterprise applications", LINK)],
    "expand-mappings": [("Provision Azure Active Directory Groups",
                         "Provision Microsoft Entra ID Groups", None)],
    "open-group-mapping": [("Provision Azure Active Directory Groups",
                            "Provision Microsoft Entra ID Groups", None)],
    "open-user-mapping": [("Provision Azure Active Directory Users",
                           "Provision Microsoft Entra ID Users", None)],
    "outcome:add-directory-user": [("Azure Active Directory", "Identity", None)],
    "outcome:assign-to-zenkit": [("Enterprise applications", "Enterprise applications", LINK)],
}
ENTRA_VISUAL = {"enter-credentials", "group-match-objectid", "group-mapping-result",
                "user-username-from-mail", "user-delete-others"}


def test_entra_naming_is_structure_drift_at_exactly_the_affected_steps(tmp_path):
    """Renamed controls are recognised by their fingerprints and the guide goes on, so one
    run reports every affected step, with the old and the new name."""
    code, data, output = verify(tmp_path, SEED, "--azure-ui", "2023", "--step-timeout", "2")
    assert code == 1, output
    structure = {name: [(r["old"], r["new"], r.get("via")) for r in s["finding"]["renamed"]]
                 for name, s in _named(data).items()
                 if s["status"] == "failed" and s["finding"]["kind"] == "structure drift"}
    visual = {name for name, s in _named(data).items()
              if s["status"] == "failed" and s["finding"]["kind"] == "visual drift"}
    assert structure == ENTRA_STRUCTURE
    assert visual == ENTRA_VISUAL
    assert all(s["status"] == "passed" for name, s in _named(data).items()
               if name not in ENTRA_STRUCTURE and name not in ENTRA_VISUAL)
    summary = (tmp_path / "report" / "summary.md").read_text("utf-8")
    assert "changed: link 'Azure Active Directory' is now 'Identity'; link 'Enterprise " \
           "applications' is now behind link 'Applications'" in summary
    report = (tmp_path / "report" / "report.html").read_text("utf-8")
    page = REPO / "steps" / "pages" / "azure-provisioning.yml"
    line = next(n for n, text in enumerate(page.read_text("utf-8").splitlines(), 1)
                if text.startswith("  provision-groups:"))
    assert "Changed in the portal" in report and f"steps/pages/azure-provisioning.yml:{line}" \
        in report


def test_new_configuration_flow_is_caught_at_the_first_step(tmp_path):
    """The newer flow has no Provisioning Mode: the first step fails there, after naming the
    controls it found under new names on the way."""
    code, data, output = verify(tmp_path, SEED, "--azure-ui", "new-config", "--step-timeout", "2")
    assert code == 1, output
    first, *rest = data["steps"]
    assert first["finding"]["expected"] == "field labelled 'Provisioning Mode'"
    assert [(r["old"], r["new"]) for r in first["finding"]["renamed"]] == [
        ("Azure Active Directory", "Identity"), ("Enterprise applications", "Enterprise applications"),
        ("Get started", "+ New configuration")]
    assert {s["status"] for s in rest} == {"not run"}


def _named(data: dict) -> dict[str, dict]:
    """Steps by name, outcome checks as 'outcome:<id>' (as JUnit names them)."""
    outcome = {"add-directory-user", "assign-to-zenkit", "provision-on-demand", "user-in-zenkit"}
    return {(f"outcome:{s['step']}" if s["step"] in outcome else s["step"]): s
            for s in data["steps"]}


def test_server_errors_are_environment_errors_not_drift(tmp_path):
    code, data, output = verify(tmp_path, SEED, "--fault", "azure:error:/*", "--step-timeout", "2")
    assert code == 3, output
    finding = data["steps"][0]["finding"]
    assert finding["kind"] == "error" and "HTTP 500" in finding["message"]


def test_unknown_guide_is_bad_input(tmp_path):
    code, _, output = verify(tmp_path, "no-such-guide")
    assert code == 2
    assert "command line: guides: unknown guide 'no-such-guide'" in output
    assert "Traceback" not in output


def test_bearer_token_never_leaves_the_browser(tmp_path):
    """The Zenkit token is remembered as a secret: no report, status file or page shows it
    (the simulator's tokens all look like zk_ + 40 hex digits)."""
    code, data, output = verify(tmp_path, "--update-screenshots")
    assert code == 0, output
    token = re.compile(rb"zk_[0-9a-f]{40}")
    project = tmp_path / "project"
    subprocess.run([sys.executable, "-m", "guidegen.cli", "build", "--root", str(project)],
                   check=True, capture_output=True, timeout=600)
    checked = 0
    for folder in (tmp_path / "report", project / "screenshots", project / "site"):
        for path in folder.rglob("*"):
            if path.is_file():
                checked += 1
                assert not token.search(path.read_bytes()), path
    assert checked > 20
    assert not token.search(output.encode())


def test_a_refresh_replaces_a_baseline_that_shows_what_a_mask_now_hides(tmp_path):
    """Verification ignores the masked fields, but --update-screenshots must not: a baseline
    taken before a field was masked shows its value (on the site, too), and the refresh is
    what replaces it."""
    from PIL import Image, ImageDraw

    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    baseline = project / "screenshots" / SEED / "azure-provisioning-mode.png"
    image = Image.open(baseline).convert("RGB")
    # The Secret Token field, which the capture masks, showing a token.
    ImageDraw.Draw(image).text((500, 382), "zk_" + "5e" * 20, fill=(0, 0, 0))
    image.save(baseline)
    shown = baseline.read_bytes()
    code, _, output = verify(tmp_path, "--update-screenshots", "--no-plan-claims", SEED)
    assert code == 0, output
    assert baseline.read_bytes() != shown
    assert Image.open(baseline).convert("RGB").getpixel((700, 390)) == (0x4B, 0x55, 0x63)


def test_changed_pixels_are_visual_drift_with_a_diff_image(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    baseline = project / "screenshots" / SEED / "azure-admin-credentials.png"
    from PIL import Image, ImageDraw

    image = Image.open(baseline).convert("RGBA")
    ImageDraw.Draw(image).rectangle((10, 10, 60, 20), fill=(0, 120, 212, 255))
    image.save(baseline)
    report = tmp_path / "report"
    result = subprocess.run(
        [sys.executable, "-m", "guidegen.cli", "verify", "--root", str(project), "--report-dir",
         str(report), SEED, "--no-plan-claims"], capture_output=True, text=True, timeout=600,
        check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    data = json.loads((report / "results.json").read_text("utf-8"))
    failed = [s for s in data["steps"] if s["status"] == "failed"]
    assert [s["step"] for s in failed] == ["enter-credentials"]
    assert failed[0]["finding"]["kind"] == "visual drift"
    assert data["passed"] == 20  # the UI did what the guide says: later steps still ran
    new, diff = failed[0]["finding"]["found"]
    assert Path(diff).is_file() and Path(new).is_file()
    assert (report / "report.html").read_text("utf-8").count("data:image/png;base64,") >= 3
    # A failed guide leaves a Playwright trace; the token typed in step 3 is scrubbed from it.
    trace = report / "traces" / f"{SEED}.zip"
    assert trace.stat().st_size > 1000
    with zipfile.ZipFile(trace) as archive:
        text = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Secret Token" in text and b"\xe2\x80\xa2" * 6 in text
    assert not re.search(rb"zk_[0-9a-f]{40}", text)


def test_outcome_check_catches_a_guide_that_misses_its_result(tmp_path):
    """Without the step that maps mail to userName every click still works, but the user
    arrives in Zenkit under their userPrincipalName: only the outcome check can tell."""
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    guide = project / "steps" / f"{SEED}.yml"
    text = guide.read_text("utf-8")
    start = text.index("          - id: user-username-from-mail")
    end = text.index("          - id: user-delete-others")
    text = text[:start] + text[end:]
    old = "- expect: {control: azure-attribute-mapping.mail, visible: true}"
    assert old in text
    guide.write_text(text.replace(old, "- expect: {control: azure-attribute-mapping.displayname}"),
                     "utf-8")
    report = tmp_path / "report"
    result = subprocess.run(
        [sys.executable, "-m", "guidegen.cli", "verify", "--root", str(project), "--report-dir",
         str(report), "--step-timeout", "3", SEED],
        capture_output=True, text=True, timeout=600, check=False)
    data = json.loads((report / "results.json").read_text("utf-8"))
    failed = [s for s in data["steps"] if s["status"] == "failed"]
    assert result.returncode == 1, result.stdout + result.stderr
    kinds = [(s["step"], s["finding"]["kind"]) for s in failed]
    # The shot of the user mapping changes too (visual drift), and the outcome check fails.
    assert kinds == [("user-delete-others", "visual drift"), ("user-in-zenkit", "outcome failure")]
    # Against the simulators as shipped, the run speaks for the site: readers see the marks.
    status = json.loads((project / "screenshots/status.json").read_text("utf-8"))
    assert status["guides"][SEED]["problems"] == {"user-delete-others": "visual drift",
                                                  "user-in-zenkit": "outcome failure"}


def test_expired_sign_in_is_an_environment_error_not_drift(tmp_path):
    code, data, output = verify(tmp_path, SEED, "--fault", "azure:expire:/enterprise-apps*:1",
                                "--step-timeout", "2")
    assert code == 3, output
    finding = data["steps"][0]["finding"]
    assert finding["kind"] == "error" and "sign in again" in finding["message"]


def test_a_passing_retry_hides_a_transient_server_error(tmp_path):
    code, data, output = verify(tmp_path, SEED, "--fault", "azure:error:/:1", "--skip-outcome")
    assert code == 0, output
    assert data["failed"] == 0


def test_a_page_whose_script_comes_late_is_acted_on_once_it_has_loaded(tmp_path):
    """A loaded CI machine once selected "Automatic" before the provisioning page's script
    ran, so the page never revealed Admin Credentials: steps act once the page has loaded.
    A script that comes late on every page makes that race certain."""
    code, data, output = verify(tmp_path, SEED, "--skip-outcome", "--step-timeout", "5",
                                "--fault", "azure:latency:/static/azure.js:400",
                                "--no-plan-claims")
    assert code == 0, output
    assert data["passed"] == 17


def test_two_workers_report_progress_per_step_and_leave_the_baselines_alone(tmp_path):
    """With xdist only the workers collect; the controller still counts every guide's steps.
    Both guides on two workers give the committed screenshots byte for byte."""
    code, data, output = verify(tmp_path, "-n", "2", "--update-screenshots")
    assert code == 0, output
    assert "zenkit-azure-scim-provisioning: step 1/21 ✓ open-app-provisioning (passed)" in output
    assert "zenkit-azure-scim-provisioning: step 21/21 ✓ user-in-zenkit (passed)" in output
    assert "zenkit-scim-token-rotation: step 4/4 ✓ review-audit-log (passed)" in output
    # Each guide's claim to Enterprise runs on the worker that ran the guide, after it.
    assert "zenkit-scim-token-rotation[enterprise]: step 4/4 ✓ review-audit-log (passed)" \
        in output
    # Every step of every shipped guide, and of each one's claim runs, ran and passed.
    assert data["failed"] == data["not_run"] == 0
    assert data["passed"] == len(data["steps"]) >= 25 + 17 + 4
    repo = Path(__file__).resolve().parents[2]
    shots = sorted((repo / "screenshots").rglob("*.png"))
    assert shots
    for shot in shots:
        copy = tmp_path / "project" / shot.relative_to(repo)
        assert copy.read_bytes() == shot.read_bytes(), shot.name


def test_a_visual_only_change_is_visual_drift_only_above_the_threshold(tmp_path):
    """The Fluent 2 restyle renames nothing: no structure drift, and the shots it touches
    differ by a few pixels, which a per-shot threshold may accept."""
    code, data, output = verify(tmp_path, SEED, "--azure-style", "fluent2", "--no-plan-claims")
    assert code == 1, output
    failed = {s["step"]: s["finding"]["kind"] for s in data["steps"] if s["status"] == "failed"}
    assert failed == {"open-app-provisioning": "visual drift", "enter-credentials": "visual drift"}
    assert data["passed"] == 19

    # The same change under a threshold of 0.1% of the pixels per shot passes.
    project = tmp_path / "project"
    for path in (project / "steps").rglob("*.yml"):
        text = path.read_text("utf-8")
        path.write_text(re.sub(r"(?m)^(\s+)name: (azure-[a-z-]+)$", r"\1name: \2\n\1threshold: 0.001",
                               text), "utf-8")
    code, data, output = verify(tmp_path, SEED, "--azure-style", "fluent2", "--no-plan-claims")
    assert code == 0, output
