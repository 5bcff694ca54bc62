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


def read_status(screenshots: Path, locale: str | None = None) -> dict:
    """{guide id: {...}} of runs in the source language, or with `locale` of runs whose
    portal spoke that language (`"locales": {"de": {"guides": {...}}}` in the file); a
    missing or unreadable file means "never verified"."""
    return _section(_read(screenshots), locale)


def _read(screenshots: Path) -> dict:
    try:
        data = json.loads((screenshots / STATUS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _section(data: dict, locale: str | None) -> dict:
    if locale:
        data = data.get("locales", {}).get(locale, {}) if isinstance(data.get("locales"), dict) \
            else {}
    guides = data.get("guides", {}) if isinstance(data, dict) else {}
    return guides if isinstance(guides, dict) else {}


def update_status(screenshots: Path, target: str, steps: list[StepResult],
                  today: str | None = None) -> None:
    """Merge this run's results in (guides not run keep their last status); atomic write.

    A guide's `problems` come from its plain run. Its `plans` hold, for each plan a run
    checked its claim to, the last verdict: {result: passed | failed, date, target, and for
    a failed claim the step}. A plan a run could not tell about keeps the verdict before.
    Plans are checked against the simulators only, so a simulator run updates them without
    replacing a guide's last verification against the live portals.
    """
    data = _read(screenshots)
    date = today or datetime.now(UTC).date().isoformat()
    saved = data.get("locales") if isinstance(data.get("locales"), dict) else {}
    sections = {loc: _section(data, loc) for loc in [None, *saved]}
    for locale in dict.fromkeys(s.locale for s in steps):  # each language's verdicts apart
        guides = sections.setdefault(locale, {})
        _merge(guides, target, [s for s in steps if s.locale == locale], date)
    out: dict = {"guides": dict(sorted(sections.pop(None).items()))}
    if sections:
        out["locales"] = {loc: {"guides": dict(sorted(guides.items()))}
                          for loc, guides in sorted(sections.items())}
    write_atomic(screenshots / STATUS_FILE, json.dumps(out, indent=2, sort_keys=True) + "\n")


def _merge(guides: dict, target: str, steps: list[StepResult], date: str) -> None:
    """One language's verdicts: this run's merged into `guides`, in place."""
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
