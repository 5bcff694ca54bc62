"""`guidegen report merge` without a browser: what `--update-screenshots` copies from the
merged report's refreshed/ folder, when it leaves the status file alone, and shards that
overlap."""

from __future__ import annotations

import json

import pytest

from guidegen.errors import GuideError
from guidegen.results import Results
from guidegen.verify.merge import merge_reports, update_screenshots

STEP = {"guide": "g", "step": "s1", "plan": None, "status": "passed", "finding": None}


def report_with(tmp_path, speaks: bool):
    refreshed = tmp_path / "report" / "refreshed" / "g"
    refreshed.mkdir(parents=True)
    (refreshed / "shot.png").write_bytes(b"new pixels")
    (refreshed / "controls.json").write_text("{}\n", encoding="utf-8")
    (refreshed / "notes.txt").write_text("not a baseline", encoding="utf-8")
    return tmp_path / "report", Results(target="sim", speaks_for_site=speaks, steps=[STEP])


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


def test_a_guide_in_two_shard_reports_is_bad_input_and_writes_nothing(tmp_path):
    """The same folder given twice (or shards of two runs) would count its steps twice."""
    shard = tmp_path / "report-1"
    shard.mkdir()
    (shard / "results.json").write_text(json.dumps(
        {"target": "sim", "speaks_for_site": True, "steps": [STEP]}), encoding="utf-8")
    out = tmp_path / "merged"
    with pytest.raises(GuideError) as info:
        merge_reports([shard, shard], out, catalog=None, screenshots=tmp_path / "screenshots")
    assert str(info.value) == (f"command line: shards: guide 'g' is in both {shard} and {shard}: "
                               "each guide runs in one shard (a report given twice, or shards "
                               "of different runs?)")
    assert not out.exists()
