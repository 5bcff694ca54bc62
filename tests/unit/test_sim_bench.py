"""bench/sim_bench.py times real starts and stops loudly on a start that failed: a process
that exits, or a page never answered within the bound, ends it with one line and status 1
and saves nothing; a real run of `guidegen sim` and the floor saves its figures (no
assertion on how fast: tests never assert on wall time)."""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import record  # noqa: E402  (bench/ is scripts, not a package)
import sim_bench  # noqa: E402

PAGES = (("/", "ok"), ("/", "ok"))


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(record, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(sim_bench, "OUT", tmp_path / "out")
    return tmp_path / "results"


def side(code: str) -> sim_bench.Side:
    return sim_bench.Side("guidegen sim", lambda a, b: [sys.executable, "-c", code], PAGES)


def test_a_start_that_exits_stops_the_benchmark(monkeypatch, results, capsys):
    monkeypatch.setattr(sim_bench, "SIDES", (side("raise SystemExit(3)"), sim_bench.SIDES[1]))
    assert record.main(sim_bench.run_bench, ["--repeat", "1"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "guidegen sim: exited with 3 before" in err[0]
    assert not (results / "sim.json").exists()


def test_a_portal_that_never_answers_stops_the_benchmark(monkeypatch, results, capsys):
    monkeypatch.setattr(sim_bench, "SIDES", (side("import time; time.sleep(60)"),
                                             sim_bench.SIDES[1]))
    assert record.main(sim_bench.run_bench, ["--repeat", "1", "--timeout", "0.5"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "not answered with its page within 0.5 s" in err[0]
    assert not (results / "sim.json").exists()


def test_a_real_run_saves_both_sides_per_round(results):
    assert record.main(sim_bench.run_bench, ["--repeat", "2"]) == 0
    saved = json.loads((results / "sim.json").read_text(encoding="utf-8"))
    figures = saved["figures"]
    assert saved["benchmark"] == "sim" and saved["load"]["before"]
    assert [len(figures["runs"][name]) for name in ("guidegen sim", "floor")] == [2, 2]
    ours, floor = figures["runs"]["guidegen sim"], figures["runs"]["floor"]
    assert figures["ratio"]["runs"] == [a / b for a, b in zip(ours, floor, strict=True)]
    assert figures["above_floor"]["runs"] == [a - b for a, b in zip(ours, floor, strict=True)]
    assert figures["guidegen"]["median"] == statistics.median(ours)
