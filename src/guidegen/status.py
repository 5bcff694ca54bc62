"""The small status file the verify run leaves for the site: when each guide was last
verified, against what, which steps drifted, and what verification established about each
plan the guide claims. It is committed with the screenshots.

A verdict's date is when a run last established something new about it. Against the
simulators that is when the verdict last changed: the simulators and the guides are both in
the repository, so a run on a later day that finds the same proves the same thing again,
and keeping its date leaves the file (and `git status`) unchanged after `make demo`.
Against the live portals, which change outside the repository, every run's date counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from .atomic import write_atomic
from .results import Kind, StepResult

STATUS_FILE = "status.json"  # under screenshots/

TARGET_NAMES = {"sim": "the portal simulators", "live": "the live portals"}


def read_status(screenshots: Path) -> dict:
    """{guide id: {...}}; a missing or unreadable file means "never verified"."""
    try:
        data = json.loads((screenshots / STATUS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("guides", {}) if isinstance(data, dict) else {}


def update_status(screenshots: Path, target: str, steps: list[StepResult],
                  today: str | None = None) -> None:
    """Merge this run's results in (guides not run keep their last status); atomic write.

    A guide's `problems` come from its plain run. Its `plans` hold, for each plan a run
    checked its claim to, the last verdict: {result: passed | failed, date, target, and for
    a failed claim the step}. A plan a run could not tell about keeps the verdict before.
    Plans are checked against the simulators only, so a simulator run updates them without
    replacing a guide's last verification against the live portals.
    """
    guides = read_status(screenshots)
    date = today or datetime.now(UTC).date().isoformat()
    for guide in dict.fromkeys(s.guide for s in steps):
        mine = [s for s in steps if s.guide == guide]
        plain = [s for s in mine if not s.plan]
        problems = {s.step: str(s.kind or "failed") for s in plain if s.status == "failed"}
        entry = guides.get(guide)
        # A browser, network, sign-in, required guide or set-up that failed says nothing of
        # this one; the simulators say nothing of the live portals (the nightly run merges both).
        learnt = plain and not (problems and set(problems.values()) <=
                                {Kind.ERROR, Kind.BLOCKED, Kind.SETUP})
        if learnt and not (target == "sim" and (entry or {}).get("target") == "live"):
            entry = {"target": target, "date": date, "result": "failed" if problems else
                     "passed", "problems": problems, "plans": (entry or {}).get("plans", {})}
            # Steps the run did not perform: checked by hand (verify: manual), never drift.
            manual = [s.step for s in plain if s.status == "manual"]
            if manual:
                entry["manual"] = manual
            entry = kept_date(guides.get(guide), entry)
        if entry is None:
            continue
        for plan in dict.fromkeys(s.claim for s in mine if s.claim):
            verdict = claim_verdict([s for s in mine if s.claim == plan])
            if verdict is not None:
                plans = entry.setdefault("plans", {})
                plans[plan] = kept_date(plans.get(plan), {"target": target, "date": date,
                                                          **verdict})
        guides[guide] = entry
    write_atomic(screenshots / STATUS_FILE, json.dumps({"guides": dict(sorted(guides.items()))},
                                                       indent=2, sort_keys=True) + "\n")


def kept_date(old: dict | None, new: dict) -> dict:
    """`new` with the date of `old` when both are the same simulator verdict (see the
    module's docstring); a guide's plans are dated each on their own, so they do not count."""
    def verdict(entry: dict) -> dict:
        return {key: value for key, value in entry.items() if key not in ("date", "plans")}
    if old and new["target"] == "sim" and verdict(old) == verdict(new) and "date" in old:
        return {**new, "date": old["date"]}
    return new


def claim_verdict(steps: list[StepResult]) -> dict | None:
    """What one run established about a guide's claim to a plan, from the steps that ran
    with the organization on it: passed when every step of the guide passed (visual drift
    is the same UI; an outcome check is about the guide's result, not the plan), failed at a
    plan-claim finding; None when the run could not tell (drift, an error, steps not run)."""
    for step in steps:
        if step.status in ("passed", "manual") or step.kind == Kind.VISUAL:
            continue
        if step.kind == Kind.OUTCOME:
            break  # the outcome checks run after the guide's last step
        if step.kind == Kind.PLAN_CLAIM:
            return {"result": "failed", "step": step.step}
        return None
    return {"result": "passed"}
