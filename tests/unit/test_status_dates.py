"""The status file's dates, and why `make demo` leaves `git status` clean: a simulator run
that finds what the file already says keeps its dates, so the file stays byte for byte; a
changed verdict, or any run against the live portals, is dated on the day of the run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from guidegen.results import StepResult
from guidegen.status import STATUS_FILE, read_status, update_status

REPO = Path(__file__).resolve().parents[2]
SEED = "zenkit-azure-scim-provisioning"


def run(guide: str, plans: dict[str, str], failed: str | None = None) -> list[StepResult]:
    """A verify run of `guide`: its plain run (on Business, so Business's claim) and a claim
    run for each other plan; `plans` says how each claim came out, `failed` a drifted step."""
    steps = [StepResult(guide=guide, step="first", status="passed", claim="business")]
    if failed:
        steps.append(StepResult(guide=guide, step=failed, status="failed", claim="business",
                                finding={"kind": "structure drift"}))
    for plan, result in plans.items():
        if plan == "business":
            continue
        steps.append(StepResult(
            guide=guide, step="first", plan=plan, claim=plan, status=result,
            finding={"kind": "plan claim"} if result == "failed" else None))
    return steps


def test_make_demo_on_a_fresh_clone_leaves_the_shipped_status_file_unchanged(tmp_path):
    """What `make demo`'s verify writes when the simulators agree with the committed file."""
    shutil.copy(REPO / "screenshots" / STATUS_FILE, tmp_path / STATUS_FILE)
    shipped = (tmp_path / STATUS_FILE).read_bytes()
    replay = [step for guide, entry in read_status(tmp_path).items()
              if entry["result"] == "passed" and entry["target"] == "sim"
              and all(p["result"] == "passed" for p in entry["plans"].values())
              for step in run(guide, {plan: "passed" for plan in entry["plans"]})]
    assert {s.guide for s in replay} >= {SEED, "zenkit-scim-token-rotation"}
    update_status(tmp_path, "sim", replay, today="2099-01-01")
    assert (tmp_path / STATUS_FILE).read_bytes() == shipped


def test_a_simulator_verdict_keeps_the_day_it_was_established(tmp_path):
    both = {"business": "passed", "enterprise": "passed"}
    update_status(tmp_path, "sim", run(SEED, both), today="2026-12-02")
    update_status(tmp_path, "sim", run(SEED, both), today="2026-12-09")
    entry = read_status(tmp_path)[SEED]
    assert entry["date"] == "2026-12-02"
    assert {p["date"] for p in entry["plans"].values()} == {"2026-12-02"}


def test_a_changed_verdict_is_dated_on_the_day_of_the_run(tmp_path):
    both = {"business": "passed", "enterprise": "passed"}
    update_status(tmp_path, "sim", run(SEED, both), today="2026-12-02")
    update_status(tmp_path, "sim", run(SEED, {**both, "enterprise": "failed"}, failed="save"),
                  today="2026-12-09")
    entry = read_status(tmp_path)[SEED]
    assert (entry["date"], entry["result"], entry["problems"]) == (
        "2026-12-09", "failed", {"save": "structure drift"})
    assert entry["plans"]["enterprise"] == {"target": "sim", "date": "2026-12-09",
                                            "result": "failed", "step": "first"}
    # Business's claim came out as before: its own date stays.
    assert entry["plans"]["business"]["date"] == "2026-12-02"

    update_status(tmp_path, "sim", run(SEED, both), today="2026-12-16")  # fixed again
    entry = read_status(tmp_path)[SEED]
    assert (entry["date"], entry["result"]) == ("2026-12-16", "passed")
    assert entry["plans"]["enterprise"]["date"] == "2026-12-16"


def test_every_run_against_the_live_portals_is_dated(tmp_path):
    """The live portals change outside the repository: the same verdict, proved again on a
    later day, says something new about them."""
    update_status(tmp_path, "live", run(SEED, {}), today="2026-12-02")
    update_status(tmp_path, "live", run(SEED, {}), today="2026-12-09")
    data = json.loads((tmp_path / STATUS_FILE).read_text("utf-8"))["guides"][SEED]
    assert (data["target"], data["date"]) == ("live", "2026-12-09")
