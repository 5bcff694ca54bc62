"""The offboarding guide end to end on the simulators as shipped: it builds on the seed and
the provisioning-logs guides (both performed first, as its requirements), removes a user's
assignment, restarts provisioning and proves the user deactivated in Zenkit, compared with
its baselines. One run covers the logs guide's steps too, without a second run of the seed."""

from __future__ import annotations

from .test_verify import verify

OFFBOARDING = "zenkit-azure-offboarding"


def test_offboarding_guide_deactivates_the_user_in_zenkit(tmp_path):
    code, data, output = verify(tmp_path, OFFBOARDING, "--no-plan-claims")
    assert code == 0, output
    steps = [(s["step"], s["status"]) for s in data["steps"]]
    assert steps == [
        ("open-users-and-groups", "passed"), ("remove-assignment", "passed"),
        ("restart-provisioning", "passed"), ("check-zenkit", "passed"),
        ("disable-logged", "passed"), ("deactivated-in-zenkit", "passed"),
    ], output
