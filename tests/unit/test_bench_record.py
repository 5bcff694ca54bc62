"""What every benchmark shares (bench/record.py): a timed run that did not pass stops the
benchmark, repeated runs are summarised as median and range, and a saved run names the
commit, machine, load and date its figures come from. No timing here: fake run results."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import record  # noqa: E402  (bench/ is scripts, not a package)


def results(folder: Path, *statuses: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    steps = [{"guide": "g", "step": f"s{n}", "status": s} for n, s in enumerate(statuses)]
    (folder / "results.json").write_text(json.dumps({"target": "sim", "steps": steps}))
    return folder


def test_the_steps_are_counted_from_the_runs_own_results(tmp_path):
    assert record.passed_steps(0, results(tmp_path, "passed", "passed", "manual"), "run") == 2


@pytest.mark.parametrize("code", [143, 1, 3, None])
def test_a_run_that_exited_non_zero_stops_the_benchmark(tmp_path, code):
    with pytest.raises(record.RunFailed, match=f"exited with {code}"):
        record.passed_steps(code, results(tmp_path, "passed"), "run")


@pytest.mark.parametrize("status", ["failed", "not run"])
def test_a_run_with_a_step_that_did_not_pass_stops_the_benchmark(tmp_path, status):
    with pytest.raises(record.RunFailed, match=f"g/s1: {status}"):
        record.passed_steps(0, results(tmp_path, "passed", status), "run")


def test_a_run_without_results_or_without_a_passed_step_stops_the_benchmark(tmp_path):
    with pytest.raises(record.RunFailed, match="no readable"):
        record.passed_steps(0, tmp_path / "nothing", "run")
    with pytest.raises(record.RunFailed, match="no step passed"):
        record.passed_steps(0, results(tmp_path, "manual"), "run")


def test_a_failed_run_ends_the_benchmark_with_one_line_and_status_1(capsys):
    def bench(argv):
        raise record.RunFailed("2 shards, shard-1: guidegen verify exited with 143")

    assert record.main(bench, []) == 1
    err = capsys.readouterr().err
    assert err == "benchmark failed: 2 shards, shard-1: guidegen verify exited with 143\n"


def test_repeated_runs_are_summarised_as_median_and_range():
    assert record.summary([3.0, 1.0, 2.0]) == {"median": 2.0, "min": 1.0, "max": 3.0,
                                               "runs": [3.0, 1.0, 2.0]}
    assert record.summary([4.0, 1.0, 2.0, 3.0])["median"] == 2.5
    with pytest.raises(ValueError):
        record.summary([])


def test_a_saved_run_names_commit_machine_load_and_date(tmp_path):
    recording = record.Recording("demo", {"repeat": 3})
    saved = json.loads(recording.save({"seconds": record.summary([1.0])}, tmp_path)
                       .read_text(encoding="utf-8"))
    assert saved["benchmark"] == "demo" and saved["options"] == {"repeat": 3}
    assert re.fullmatch(r"[0-9a-f]{40}", saved["commit"]["sha"])
    assert isinstance(saved["commit"]["dirty"], bool)
    machine = saved["machine"]
    assert set(machine) == {"cpu", "cores", "memory_gib", "os", "python", "chromium"}
    assert machine["cores"] >= 1 and machine["memory_gib"] > 0 and machine["python"]
    assert machine["chromium"] and "Chromium" in machine["chromium"]
    assert len(saved["load"]["before"]) == 3 and len(saved["load"]["after"]) == 3
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", saved["date"])
    assert saved["figures"]["seconds"]["median"] == 1.0


def test_the_interval_for_a_median_covers_it_at_the_stated_confidence():
    assert record.median_interval([3.0, 1.0, 2.0, 5.0, 4.0]) == (1.0, 5.0)  # 94%: min-max
    assert record.median_interval(list(range(1, 10))) == (2, 8)  # 96%; the next, 82%
    assert record.median_interval(list(range(1, 21))) == (6, 15)
    # The k-th run from each end holds the true median unless k runs or fewer fall on one
    # side of it; each run falls on either side with even odds. Counted over every way.
    from itertools import product

    for n, k in ((5, 1), (9, 2), (20, 6)):
        sides = list(product((0, 1), repeat=n))
        held = sum(k <= sum(below) <= n - k for below in sides) / len(sides)
        assert held >= record.CONFIDENCE
        wider = sum(k + 1 <= sum(below) <= n - k - 1 for below in sides) / len(sides)
        assert wider < record.CONFIDENCE  # and k is the largest that holds it so often
