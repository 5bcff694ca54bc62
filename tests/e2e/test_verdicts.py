"""The verdict table (project-docs/verdicts.md), one test per row: each cause of a failed step
gets the class it deserves. A portal that is down is an error, never drift; drift in a guide
another guide builds on is reported on that guide and blocks the other."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.e2e.test_verify import SEED, verify

pytestmark = pytest.mark.browser

ROTATION = "zenkit-scim-token-rotation"


def _first_failure(data: dict) -> dict:
    return next(s for s in data["steps"] if s["status"] == "failed")


def test_a_click_whose_page_answers_500_once_is_retried_and_passes(tmp_path):
    # The first request of the app's page is the click on 'Zenkit' in step 1: without the
    # retry the next click would look for 'Provisioning' on an error page.
    code, data, output = verify(tmp_path, SEED, "--skip-outcome", "--no-trace",
                                "--fault", "azure:error:/enterprise-apps/zenkit:1")
    assert code == 0, output
    assert data["failed"] == 0 and data["passed"] >= 17


def test_a_click_whose_page_keeps_answering_500_is_an_error(tmp_path):
    code, data, output = verify(tmp_path, SEED, "--skip-outcome", "--no-trace",
                                "--fault", "azure:error:/enterprise-apps/zenkit")
    assert code == 3, output
    finding = _first_failure(data)["finding"]
    assert finding["kind"] == "error"
    assert finding["action_text"] == "click link 'Zenkit'"
    assert finding["message"] == ("HTTP 500 from /enterprise-apps/zenkit (a page): the portal "
                                  "failed, not the guide")


def test_a_dropped_connection_after_a_click_is_an_error(tmp_path):
    code, data, output = verify(tmp_path, SEED, "--skip-outcome", "--no-trace",
                                "--fault", "azure:drop:/enterprise-apps/zenkit")
    assert code == 3, output
    finding = _first_failure(data)["finding"]
    assert finding["kind"] == "error" and finding["action_text"] == "click link 'Zenkit'"
    assert "net::ERR_" in finding["message"], finding["message"]


def test_a_page_not_loaded_in_time_is_an_error(tmp_path):
    code, data, output = verify(tmp_path, SEED, "--skip-outcome", "--no-trace",
                                "--step-timeout", "2",
                                "--fault", "azure:latency:/enterprise-apps/zenkit:6000")
    assert code == 3, output
    finding = _first_failure(data)["finding"]
    assert finding["kind"] == "error"
    assert "/enterprise-apps/zenkit did not load within 2 s" in finding["message"]


def test_the_apps_scim_endpoint_failing_is_an_error_from_what_the_portal_says(tmp_path):
    """Azure calls Zenkit's SCIM API itself and shows its answer; the browser sees no failed
    request. steps/project.yml says what the portal shows then (`outage:`)."""
    code, data, output = verify(tmp_path, SEED, "--skip-outcome", "--no-trace",
                                "--step-timeout", "3", "--fault", "zenkit:error:/scim/*")
    assert code == 3, output
    step = _first_failure(data)
    assert step["step"] == "enter-credentials"
    assert step["finding"]["kind"] == "error"
    assert "the page reports an outage: 'Details: We received this unexpected response from " \
           "your application: An HTTP/500 Internal Server Error response" in step["finding"]["message"]


def test_drift_in_a_required_guide_blocks_the_guide_that_builds_on_it(tmp_path):
    """Verified alone, the token rotation guide first performs the seed guide, which drifts
    under the 2023 naming: that is drift (exit 1), reported as the seed guide's, and the
    rotation guide's steps are blocked by it, not an error of the environment (exit 3)."""
    code, data, output = verify(tmp_path, ROTATION, "--azure-ui", "2023", "--no-trace",
                                "--step-timeout", "2", "--no-follow-renames")
    assert code == 1, output
    first, *rest = data["steps"]
    assert first["guide"] == ROTATION and first["status"] == "failed"
    assert first["finding"]["kind"] == "blocked"
    assert first["finding"]["message"].startswith(
        "blocked by structure drift in required guide 'zenkit-azure-scim-provisioning' at step "
        "'open-app-provisioning': link 'Azure Active Directory' not found")
    assert {s["status"] for s in rest} == {"not run"}
    summary = (tmp_path / "report" / "summary.md").read_text("utf-8")
    assert "❌ blocked |" in summary


# Rows that need a portal change: scenarios of the simulators' drift corpus (portalsim.drift).
QUICK = ("--skip-outcome", "--no-trace", "--no-plan-claims", "--step-timeout", "3")


def test_a_reworded_label_fails_before_and_after_a_screenshot_refresh(tmp_path):
    """'Test Connection' -> 'Test connection' changes a few pixels only; the guide still
    quotes **Test Connection**. It is structure drift, and a refresh of the screenshots (what
    the nightly runs) must not make it pass."""
    drift = ("--drift", "azure-test-connection-case")
    baseline = tmp_path / "project/screenshots" / SEED / "azure-admin-credentials.png"
    for extra in ((), ("--update-screenshots",), ()):
        code, data, output = verify(tmp_path, SEED, *QUICK, *drift, *extra)
        assert code == 1, output
        step = next(s for s in data["steps"] if s["step"] == "enter-credentials")
        assert step["status"] == "failed" and step["finding"]["kind"] == "structure drift"
        assert [(r["old"], r["new"]) for r in step["finding"]["renamed"]] == [
            ("Test Connection", "Test connection")]
        if not extra:
            before = baseline.read_bytes()
        else:
            assert baseline.read_bytes() == before  # the step failed: its shot is not promoted


def test_a_control_moved_under_an_expander_is_found_and_fix_proposes_the_way(tmp_path):
    """The app's menu puts Provisioning under a collapsed 'Manage' group, a name unlike the
    control's: the search finds it, the report names the path, and `guidegen fix` adds the
    click and the prose; the guide then passes against the changed portal."""
    drift = ("--drift", "azure-app-menu-manage-expander")
    code, data, output = verify(tmp_path, SEED, *QUICK, *drift)
    assert code == 1, output
    first = data["steps"][0]
    assert first["finding"]["kind"] == "structure drift"
    assert first["finding"]["message"] == ("changed: link 'Provisioning' is now behind button "
                                           "'Manage'")
    assert first["finding"]["renamed"][0]["via"] == [{"role": "button", "name": "Manage"}]
    assert all(s["status"] == "passed" for s in data["steps"][1:])
    project = tmp_path / "project"
    fixed = subprocess.run(
        [sys.executable, "-m", "guidegen.cli", "fix", "--root", str(project),
         str(tmp_path / "report"), *QUICK, *drift],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    page = (project / "steps/pages/azure-enterprise-app.yml").read_text("utf-8")
    assert "manage: {role: button, name: Manage}" in page
    reusable = (project / "steps/reusable/azure.yml").read_text("utf-8")
    assert "**Manage** > **Provisioning**" in reusable
    # The menu's pixels changed too: what is left is visual, and a refresh takes it.
    code, data, output = verify(tmp_path, SEED, *QUICK, *drift)
    assert {s["finding"]["kind"] for s in data["steps"] if s["status"] == "failed"} <= \
        {"visual drift"}, output
    verify(tmp_path, SEED, *QUICK, *drift, "--update-screenshots")
    code, data, output = verify(tmp_path, SEED, *QUICK, *drift)
    assert code == 0, output


def test_an_unexpected_dialog_is_named_as_the_drift(tmp_path):
    code, data, output = verify(tmp_path, SEED, *QUICK, "--drift", "azure-save-confirm-dialog")
    assert code == 1, output
    step = _first_failure(data)
    assert step["step"] == "save-credentials"
    finding = step["finding"]
    assert finding["kind"] == "structure drift"
    assert finding["message"] == ("an unexpected dialog 'Save changes?' is open after action 1 "
                                  "(click button 'Save'); the step expected button 'Mappings'")
    assert finding["found"] == ["Yes", "No"]
    assert finding["control"] is None  # the Mappings control's line needs no edit


def test_a_masked_value_fails_the_step_that_remembers_it(tmp_path):
    code, data, output = verify(tmp_path, SEED, *QUICK, "--drift", "zenkit-token-masked")
    assert code == 1, output
    step = _first_failure(data)
    assert step["step"] == "zenkit-scim-credentials"
    assert step["finding"]["kind"] == "structure drift"
    assert step["finding"]["message"].startswith(
        "field labelled 'Bearer Token' is masked: there is no value to remember as "
        "'zenkit_token'")


def test_a_failed_expectation_says_what_the_page_shows(tmp_path):
    """Zenkit now wants the token without its scheme: Test Connection fails with a 401, and
    the finding says what the notification shows instead of `found: []`."""
    code, data, output = verify(tmp_path, SEED, *QUICK, "--drift", "zenkit-token-with-scheme")
    assert code == 1, output
    step = _first_failure(data)
    assert step["step"] == "enter-credentials"
    finding = step["finding"]
    assert finding["kind"] == "structure drift"
    assert finding["shown"].startswith("Testing connection to Zenkit You appear to have entered "
                                       "invalid credentials.")
    assert "Error code: SystemForCrossDomainIdentityManagement" in finding["shown"]
    assert finding["shown"] not in finding["notices"]  # the alert is the element: said once
    summary = (tmp_path / "report" / "summary.md").read_text("utf-8")
    assert "it shows: 'Testing connection to Zenkit You appear" in summary


def test_a_failing_fetch_the_page_waits_on_is_an_error(tmp_path):
    """Zenkit's switch saves with a fetch that answers 500 and the page reveals the token
    anyway: the step's checks pass, yet nothing was saved. That is the portal failing."""
    code, data, output = verify(tmp_path, SEED, *QUICK, "--drift", "zenkit-500-on-switch")
    assert code == 3, output
    step = _first_failure(data)
    assert step["step"] == "zenkit-scim-credentials"
    assert step["finding"]["kind"] == "error"
    assert step["finding"]["message"].startswith(
        "HTTP 500 from /settings/provisioning (a fetch of the page) while this step ran")


def test_a_dialog_left_open_by_a_step_whose_checks_pass_is_drift(tmp_path):
    """'Regenerate token' now asks for confirmation: the old token stays, so the step's own
    checks pass and only the screenshot differs. The dialog the guide never mentions is the
    drift, reported at the step that left it open."""
    code, data, output = verify(tmp_path, ROTATION, *QUICK, "--drift", "zenkit-regenerate-confirm")
    assert code == 1, output
    step = _first_failure(data)
    assert step["step"] == "regenerate-token"
    assert step["finding"]["kind"] == "structure drift"
    assert step["finding"]["message"] == ("an unexpected dialog 'Regenerate the token?' is still "
                                          "open when the step ends; the step does not mention it")
    assert step["finding"]["found"] == ["Regenerate", "Cancel"]
