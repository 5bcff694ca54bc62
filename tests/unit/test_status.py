"""The status file from the last verify run feeds the site: a date per guide, drift per step."""

from __future__ import annotations

import json
from pathlib import Path

from guidegen.load import load_catalog
from guidegen.render import render_catalog
from guidegen.status import read_status, update_status

REPO = Path(__file__).resolve().parents[2]
SEED = "zenkit-azure-scim-provisioning"


def steps(status_of: dict[str, str], guide: str = SEED) -> list[dict]:
    return [{"guide": guide, "step": step, "status": status,
             "finding": {"kind": "structure drift"} if status == "failed" else None}
            for step, status in status_of.items()]


def test_update_merges_and_keeps_guides_not_run(tmp_path):
    update_status(tmp_path, "sim", steps({"a": "passed"}, "other"), today="2026-11-01")
    update_status(tmp_path, "sim", steps({"a": "passed", "b": "failed", "c": "not run"}),
                  today="2026-11-29")
    status = read_status(tmp_path)
    assert status["other"]["date"] == "2026-11-01"
    assert status[SEED] == {"target": "sim", "date": "2026-11-29", "result": "failed",
                            "problems": {"b": "structure drift"}}
    assert not list(tmp_path.glob("*.tmp"))


def test_a_run_that_only_met_environment_errors_keeps_the_last_status(tmp_path):
    """A browser that did not start says nothing about the guide: readers see no failure."""
    update_status(tmp_path, "sim", steps({"a": "passed"}), today="2026-11-01")
    update_status(tmp_path, "sim", [{"guide": SEED, "step": "a", "status": "failed",
                                     "finding": {"kind": "error"}}], today="2026-11-29")
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
