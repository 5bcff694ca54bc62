"""The status file from the last verify run feeds the site: a date per guide, drift per step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from guidegen.load import load_catalog
from guidegen.render import render_catalog
from guidegen.results import StepResult
from guidegen.status import claim_verdict, read_status, update_status

REPO = Path(__file__).resolve().parents[2]
SEED = "zenkit-azure-scim-provisioning"


def steps(status_of: dict[str, str], guide: str = SEED) -> list[StepResult]:
    return [StepResult(guide=guide, step=step, status=status,
                       finding={"kind": "structure drift"} if status == "failed" else None)
            for step, status in status_of.items()]


def test_update_merges_and_keeps_guides_not_run(tmp_path):
    update_status(tmp_path, "sim", steps({"a": "passed"}, "other"), today="2026-11-01")
    update_status(tmp_path, "sim", steps({"a": "passed", "b": "failed", "c": "not run"}),
                  today="2026-11-29")
    status = read_status(tmp_path)
    assert status["other"]["date"] == "2026-11-01"
    assert status[SEED] == {"target": "sim", "date": "2026-11-29", "result": "failed",
                            "problems": {"b": "structure drift"}, "plans": {}}
    assert not list(tmp_path.glob("*.tmp"))


def test_a_run_that_only_met_environment_errors_keeps_the_last_status(tmp_path):
    """A browser that did not start says nothing about the guide: readers see no failure."""
    update_status(tmp_path, "sim", steps({"a": "passed"}), today="2026-11-01")
    update_status(tmp_path, "sim", [StepResult(guide=SEED, step="a", status="failed",
                                               finding={"kind": "error"})], today="2026-11-29")
    assert read_status(tmp_path)[SEED]["date"] == "2026-11-01"
    assert read_status(tmp_path)[SEED]["result"] == "passed"


def test_unreadable_status_means_never_verified(tmp_path):
    (tmp_path / "status.json").write_text("{not json", "utf-8")
    assert read_status(tmp_path) == {}


def render(screenshots: Path) -> str:
    catalog = load_catalog(REPO / "steps", REPO)
    return render_catalog(catalog, REPO / "templates", screenshots)[f"guides/{SEED}.md"].text


def test_page_says_when_and_against_what_it_was_verified(tmp_path):
    assert "gg-verified" not in render(tmp_path)
    update_status(tmp_path, "sim", steps({"enter-credentials": "passed"}), today="2026-11-29")
    page = render(tmp_path)
    assert ('Verified against the portal simulators on <time datetime="2026-11-29">'
            "29 November 2026</time>.") in page
    assert "gg-step-drift" not in page


def test_drifted_step_is_marked_for_readers(tmp_path):
    update_status(tmp_path, "live", steps({"enter-credentials": "failed"}), today="2026-11-29")
    page = render(tmp_path)
    assert "The last verification against the live portals on" in page
    assert "found 1 step that no longer matches" in page
    block = page[page.index('id="enter-credentials"'):page.index('id="save-credentials"')]
    assert "did not pass its last verification (structure drift)" in block
    assert json.loads((tmp_path / "status.json").read_text())["guides"][SEED]["result"] == "failed"


def run(plan: str | None, claim: str | None,
        status_of: dict[str, str | tuple[str, str]]) -> list[StepResult]:
    """Steps of one run of the seed guide: `plan` of the claim run (None: the plain run) and
    the plan whose claim it speaks for; a status or (status, finding kind) per step."""
    out = []
    for step, result in status_of.items():
        status, kind = result if isinstance(result, tuple) else (result, None)
        out.append(StepResult(guide=SEED, step=step, plan=plan, claim=claim, status=status,
                              finding={"kind": kind} if kind else None))
    return out


def test_each_claimed_plan_keeps_its_last_verdict(tmp_path):
    update_status(tmp_path, "sim", [
        *run(None, "business", {"a": "passed", "b": "passed"}),
        *run("enterprise", "enterprise", {"a": "passed", "b": "passed"}),
        *run("free", "free", {"a": ("failed", "plan claim"), "b": "not run"}),
    ], today="2026-12-01")
    entry = read_status(tmp_path)[SEED]
    # A claim that fails is the plan's, not a step that drifted for every reader.
    assert (entry["result"], entry["problems"]) == ("passed", {})
    assert entry["plans"] == {
        "business": {"result": "passed", "date": "2026-12-01", "target": "sim"},
        "enterprise": {"result": "passed", "date": "2026-12-01", "target": "sim"},
        "free": {"result": "failed", "step": "a", "date": "2026-12-01", "target": "sim"},
    }
    # Drift in the plain run: no claim was checked, so each keeps what the last run found.
    update_status(tmp_path, "sim", run(None, "business", {"a": ("failed", "structure drift"),
                                                          "b": "not run"}), today="2026-12-02")
    entry = read_status(tmp_path)[SEED]
    assert (entry["date"], entry["result"]) == ("2026-12-02", "failed")
    assert {p: v["date"] for p, v in entry["plans"].items()} == dict.fromkeys(
        ("business", "enterprise", "free"), "2026-12-01")
    # A live run checks no claim (one organization, on a plan no run can switch).
    update_status(tmp_path, "live", run(None, None, {"a": "passed", "b": "passed"}),
                  today="2026-12-03")
    assert read_status(tmp_path)[SEED]["plans"]["business"]["date"] == "2026-12-01"
    # The nightly run merges the simulators' claims, then the live shards: the simulators
    # date the plans whose verdict changed (Free passes now; Business passed before too),
    # and the guide keeps its verification against the live portals.
    update_status(tmp_path, "sim", [*run(None, "business", {"a": ("failed", "visual drift")}),
                                    *run("free", "free", {"a": "passed", "b": "passed"})],
                  today="2026-12-04")
    entry = read_status(tmp_path)[SEED]
    assert (entry["target"], entry["date"], entry["result"]) == ("live", "2026-12-03", "passed")
    assert {p: (v["result"], v["date"]) for p, v in entry["plans"].items()} == {
        "business": ("passed", "2026-12-01"), "enterprise": ("passed", "2026-12-01"),
        "free": ("passed", "2026-12-04")}


@pytest.mark.parametrize(("steps", "verdict"), [
    ({"a": "passed", "b": "passed"}, {"result": "passed"}),
    ({"a": ("failed", "visual drift"), "b": "passed"}, {"result": "passed"}),
    ({"a": "passed", "outcome": ("failed", "outcome failure"), "later": "not run"},
     {"result": "passed"}),
    ({"a": "passed", "b": ("failed", "plan claim"), "c": "not run"},
     {"result": "failed", "step": "b"}),
    ({"a": ("failed", "error"), "b": "not run"}, None),
    ({"a": ("failed", "structure drift")}, None),
    ({"a": "not run"}, None),
])
def test_what_a_run_establishes_about_a_claim(steps, verdict):
    assert claim_verdict(run("free", "free", steps)) == verdict


def test_plan_box_shows_what_verification_established(tmp_path):
    assert 'gg-plan-unverified" data-gg-plan="business"' in render(tmp_path)  # never verified
    update_status(tmp_path, "sim", [
        *run(None, "business", {"enter-credentials": "passed"}),
        *run("enterprise", "enterprise", {"zenkit-scim-credentials": ("failed", "plan claim")}),
    ], today="2026-12-02")
    page = render(tmp_path)
    box = page[page.index('class="admonition gg-plans-box"'):page.index('class="gg-verified')]
    assert ('<span class="gg-mark" aria-hidden="true">✓</span> Business<span class="gg-sr"> '
            "(included, verified)</span>") in box
    assert ('<span class="gg-mark" aria-hidden="true">⚠</span> Enterprise<span class="gg-sr"> '
            "(included, but its verification failed)</span>") in box
    assert ("Business: verified step by step against the portal simulators on "
            '<time datetime="2026-12-02">2 December 2026</time>, with an organization on that '
            "plan.") in box
    assert ("Enterprise: this guide is written for this plan, but its verification against the "
            'portal simulators on <time datetime="2026-12-02">2 December 2026</time>, with an '
            'organization on that plan, failed at <a href="#zenkit-scim-credentials">step 2</a>.'
            ) in box
    assert 'gg-plan-excluded" data-gg-plan="free"' in box
