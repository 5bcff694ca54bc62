"""The SAML single sign-on guide verifies end to end: its outcome is a real SAML sign-in of
the assigned user into the Zenkit simulator through the Azure simulator, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_verify import verify

GUIDE = "zenkit-azure-saml-sso"

pytestmark = pytest.mark.browser


def test_the_sso_guide_signs_the_assigned_user_in_to_zenkit(tmp_path: Path):
    code, data, output = verify(tmp_path, GUIDE, "--no-plan-claims")
    assert code == 0, output
    steps = [(s["step"], s["status"]) for s in data["steps"]]
    assert steps[-1] == ("sign-in-with-azure", "passed")
    assert all(status == "passed" for _, status in steps), steps


def test_without_the_assignment_the_sign_in_is_refused_as_an_outcome_failure(tmp_path: Path):
    """Azure signs assertions for assigned users only: with the assignment step gone, the
    outcome check sees Azure's AADSTS50105 page instead of Zenkit's welcome."""
    verify(tmp_path, "--help")  # makes the copy
    guide = tmp_path / "project" / "steps" / f"{GUIDE}.yml"
    text = guide.read_text("utf-8")
    start, end = text.index("  - id: assign-members"), text.index("outro:")
    guide.write_text(text[:start] + text[end:], "utf-8")
    code, data, output = verify(tmp_path, GUIDE, "--no-plan-claims", "--step-timeout", "3")
    assert code == 1, output
    failed = [s for s in data["steps"] if s["status"] == "failed"]
    assert [(s["step"], s["finding"]["kind"]) for s in failed] == [
        ("sign-in-with-azure", "outcome failure")]
