"""`guidegen report merge --update-screenshots` without a browser: what it copies from the
merged report's refreshed/ folder, and when it leaves the status file alone."""

from __future__ import annotations

import json

from guidegen.verify.merge import update_screenshots

STEP = {"guide": "g", "step": "s1", "plan": None, "status": "passed", "finding": None}


def report_with(tmp_path, speaks: bool):
    refreshed = tmp_path / "report" / "refreshed" / "g"
    refreshed.mkdir(parents=True)
    (refreshed / "shot.png").write_bytes(b"new pixels")
    (refreshed / "controls.json").write_text("{}\n", encoding="utf-8")
    (refreshed / "notes.txt").write_text("not a baseline", encoding="utf-8")
    return tmp_path / "report", {"target": "sim", "speaks_for_site": speaks, "steps": [STEP]}


def test_refreshed_baselines_and_fingerprints_are_written_and_the_status_updated(tmp_path):
    report, summary = report_with(tmp_path, speaks=True)
    shots = tmp_path / "screenshots"
    written = update_screenshots(report, shots, summary)
    assert sorted(p.name for p in written) == ["controls.json", "shot.png"]
    assert (shots / "g" / "shot.png").read_bytes() == b"new pixels"
    assert not (shots / "g" / "notes.txt").exists()  # only what a verify run refreshes
    assert json.loads((shots / "status.json").read_text("utf-8"))["guides"]["g"]["result"] == \
        "passed"


def test_a_what_if_run_leaves_the_status_file_alone(tmp_path):
    report, summary = report_with(tmp_path, speaks=False)
    shots = tmp_path / "screenshots"
    update_screenshots(report, shots, summary)
    assert (shots / "g" / "shot.png").exists()
    assert not (shots / "status.json").exists()
