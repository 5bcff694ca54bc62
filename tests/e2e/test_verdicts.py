"""The verdict table (docs/about/verdicts.md), one test per row: each cause of a failed step
gets the class it deserves. A portal that is down is an error, never drift; drift in a guide
another guide builds on is reported on that guide and blocks the other."""

from __future__ import annotations

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
