"""The benchmarks check the runs they time, with fake runs instead of real ones (no timing):
scale_bench stops on a warm-up or timed run that exits non-zero (143: killed) or leaves a
step unpassed, and counts steps from the runs' own results.json; verify_bench's crop
comparison can say "the same"; serve_bench stops on a server that exits, and summarises
rounds as medians, ranges and per-round ratios."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import diff_bench  # noqa: E402  (bench/ is scripts, not a package)
import flake_bench  # noqa: E402
import record  # noqa: E402
import scale_bench  # noqa: E402
import serve_bench  # noqa: E402
import verify_bench  # noqa: E402


class FakeRun:
    """A finished `guidegen verify` process: its exit code, and this process's pid for the
    memory sampler to read."""

    def __init__(self, code: int) -> None:
        self.code, self.pid = code, os.getpid()

    def wait(self) -> int:
        return self.code


def fake_verify(monkeypatch, warm_up: int = 0, shard_2: int = 0, status: str = "passed",
                drop: int = 0) -> None:
    """Each fake run writes results.json for its share of the guides (`drop` of them left
    out) and exits with the given code: `warm_up` for --update-screenshots runs, `shard_2`
    for the second of two shards."""
    def run(project: Path, report: Path, *args: str) -> FakeRun:
        guides = sorted(p.stem for p in (project / "steps").glob("scale-*.yml"))
        if "--shard" in args:
            i, n = map(int, args[args.index("--shard") + 1].split("/"))
            guides = guides[i - 1::n]
        guides = guides[drop:]
        report.mkdir(parents=True)
        steps = [{"guide": g, "step": "scim-on", "status": status} for g in guides]
        (report / "results.json").write_text(json.dumps({"target": "sim", "steps": steps}))
        if "--update-screenshots" in args:
            return FakeRun(warm_up)
        return FakeRun(shard_2 if "2/2" in args else 0)

    monkeypatch.setattr(scale_bench, "run", run)


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(record, "RESULTS", tmp_path / "results")
    return tmp_path / "results"


ARGS = ["--guides", "8", "--repeat", "2", "--skip-growth"]


def test_scale_bench_fails_when_the_warm_up_fails(monkeypatch, results, capsys):
    fake_verify(monkeypatch, warm_up=143)
    assert record.main(scale_bench.run_bench, ARGS) == 1
    assert "warm-up of 8 guides" in capsys.readouterr().err
    assert not (results / "scale.json").exists()


def test_scale_bench_fails_when_a_timed_shard_was_killed(monkeypatch, results, capsys):
    fake_verify(monkeypatch, shard_2=143)
    assert record.main(scale_bench.run_bench, ARGS) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "2 shards" in err[0] and "exited with 143" in err[0]


def test_scale_bench_fails_when_a_run_passed_fewer_steps_than_it_has(monkeypatch, results,
                                                                     capsys):
    fake_verify(monkeypatch, drop=1)
    assert record.main(scale_bench.run_bench, ARGS) == 1
    assert "expected 8" in capsys.readouterr().err


def test_scale_bench_fails_when_a_step_failed(monkeypatch, results, capsys):
    fake_verify(monkeypatch, status="failed")
    assert record.main(scale_bench.run_bench, ARGS) == 1
    assert "did not pass" in capsys.readouterr().err


def test_scale_bench_counts_steps_from_the_results_and_summarises_the_rounds(monkeypatch,
                                                                            results):
    fake_verify(monkeypatch)
    assert record.main(scale_bench.run_bench, ARGS) == 0
    configs = json.loads((results / "scale.json").read_text())["figures"]["configs"]
    assert [c["name"] for c in configs] == ["1 shard, 1 worker", "2 shards", "4 shards",
                                             "1 shard, 2 workers (-n 2)"]
    for config in configs:
        assert config["steps"] == 8 and len(config["seconds"]["runs"]) == 2
        assert config["steps_per_s"]["runs"] == [8 / s for s in config["seconds"]["runs"]]


def png(path: Path, size: tuple[int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size).save(path)


def test_the_crop_comparison_says_same_when_the_kept_baselines_match_the_floor(tmp_path):
    for name, size in (("a", (100, 40)), ("b", (300, 200))):
        png(tmp_path / "baselines" / f"{name}.png", size)
        png(tmp_path / "floor" / f"{name}.png", size)
    crops = verify_bench.compare_crops(tmp_path / "baselines", tmp_path / "floor")
    assert crops["same"] and crops["differ"] == []
    assert crops["shots"]["a"] == {"guidegen": [100, 40], "floor": [100, 40]}


def test_the_crop_comparison_names_the_shots_that_differ_or_are_missing(tmp_path):
    png(tmp_path / "baselines" / "a.png", (100, 40))
    png(tmp_path / "floor" / "a.png", (100, 41))
    png(tmp_path / "floor" / "b.png", (10, 10))
    crops = verify_bench.compare_crops(tmp_path / "baselines", tmp_path / "floor")
    assert not crops["same"] and crops["differ"] == ["a", "b"]
    assert not verify_bench.compare_crops(tmp_path / "none", tmp_path / "none")["same"]


def test_the_crop_comparison_leaves_out_the_other_languages_pictures(tmp_path):
    """The floor takes the source language's shots; a guide's baselines hold the German
    ones beside them (name.de.png), which have no counterpart to compare with."""
    png(tmp_path / "baselines" / "a.png", (100, 40))
    png(tmp_path / "baselines" / "a.de.png", (120, 40))
    png(tmp_path / "floor" / "a.png", (100, 40))
    crops = verify_bench.compare_crops(tmp_path / "baselines", tmp_path / "floor")
    assert crops["same"] and list(crops["shots"]) == ["a"]


def test_the_floor_uses_the_runners_browser_settings():
    from guidegen.verify import browser_fixtures

    source = verify_bench.FLOOR_TEMPLATE.format(
        guide="g", launch=verify_bench.LAUNCH_ARGS, context=verify_bench.CONTEXT_ARGS,
        clock=verify_bench.SIM_CLOCK.isoformat(), timeout=verify_bench.STEP_TIMEOUT_MS, body="")
    assert repr(browser_fixtures.context_args()) in source
    assert repr(browser_fixtures.launch_args()) in source
    # The runner's fixtures give the same, on pytest-playwright's defaults (no device, base
    # URL or video: nothing).
    assert browser_fixtures.browser_context_args.__wrapped__({}) == browser_fixtures.context_args()
    assert browser_fixtures.browser_type_launch_args.__wrapped__({}) == \
        browser_fixtures.launch_args()
    assert "expect.set_options(timeout=10000)" in source  # verify's --step-timeout default


def test_serve_bench_stops_when_a_server_exits_instead_of_serving(tmp_path):
    process = subprocess.Popen([sys.executable, "-c", "raise SystemExit(2)"],
                               start_new_session=True)
    process.wait()
    server = serve_bench.Server("guidegen serve", process, tmp_path / "serve.log")
    url = f"http://127.0.0.1:{serve_bench.free_port()}/guides/x/"
    with pytest.raises(record.RunFailed, match="guidegen serve: exited with 2"):
        serve_bench.wait_for(server, url, "the guide page", timeout=60)


def test_serve_figures_are_medians_ranges_and_per_round_ratios():
    def saves(text: list[float], title: list[float]) -> dict:
        return {"text": text, "title": title}

    runs = {"guidegen serve": [{"startup": 12.0, "saves": saves([8.0, 7.0, 9.0], [1.0])},
                               {"startup": 10.0, "saves": saves([6.0, 6.0, 6.0], [3.0])}],
            "mkdocs serve": [{"startup": 6.0, "saves": saves([4.0, 4.0, 4.0], [2.0])},
                             {"startup": 5.0, "saves": saves([2.0, 3.0, 3.0], [2.0])}]}
    figures = serve_bench.summarise(runs)
    assert figures["guidegen"]["startup"] == {"median": 11.0, "min": 10.0, "max": 12.0,
                                              "runs": [12.0, 10.0]}
    assert figures["guidegen"]["save_text"]["median"] == 6.5
    assert figures["guidegen"]["save_title"]["median"] == 2.0
    assert figures["ratio"]["startup"]["runs"] == [2.0, 2.0]
    assert figures["ratio"]["save_text"]["runs"] == [2.0, 2.0]
    assert figures["ratio"]["save_title"]["runs"] == [0.5, 1.5]
    assert "zensical" not in figures  # not installed: no second peer
    runs["zensical serve"] = [{"startup": 4.0, "saves": saves([1.0], [1.0])},
                              {"startup": 5.0, "saves": saves([2.0], [1.0])}]
    figures = serve_bench.summarise(runs)
    assert figures["ratio_zensical"]["startup"]["runs"] == [3.0, 2.0]
    assert figures["ratio_zensical"]["save_text"]["runs"] == [8.0, 3.0]


@pytest.mark.parametrize("code", [3, 143])
def test_flake_bench_stops_on_a_run_that_is_no_verdict(monkeypatch, results, capsys, code):
    """Exit 1 (a failed step) is what the flake benchmark counts; an environment error or a
    killed run is not a false alarm, nor a pass."""
    monkeypatch.setattr(flake_bench.subprocess, "run",
                        lambda *a, **k: subprocess.CompletedProcess(a, code, "", ""))
    assert record.main(flake_bench.run_bench, ["--runs", "2"]) == 1
    assert capsys.readouterr().err == (f"benchmark failed: run 1: guidegen verify exited with "
                                       f"{code}, no results.json\n")


def test_diff_bench_stops_when_the_two_diffs_count_differently(monkeypatch, results, capsys):
    """Timing two diffs that disagree compares two different computations: no figures."""
    black = np.zeros((8, 8, 4), np.uint8)
    black[..., 3] = 255
    pair = black, np.full((8, 8, 4), 255, np.uint8)  # black against white: all 64 differ
    monkeypatch.setattr(diff_bench, "render_pair", lambda: pair)
    monkeypatch.setattr(diff_bench, "pixelmatch", lambda *args: 7)  # ours counts 64
    assert record.main(diff_bench.run_bench, ["--runs", "1", "--peer-runs", "1"]) == 1
    assert capsys.readouterr().err == ("benchmark failed: count only: guidegen counts 64 "
                                       "differing pixels, pixelmatch 7: not the same "
                                       "computation\n")
    assert not (results / "diff.json").exists()


def test_a_goal_is_met_or_not_only_when_the_runs_tell():
    verdict, Stats = verify_bench.verdict, verify_bench.Stats
    assert verdict(Stats([1.13, 1.14, 1.14, 1.15, 1.12]), 1.15, False) == "met"
    assert verdict(Stats([1.153, 1.159, 1.165, 1.167, 1.19]), 1.15, False) == "not met"
    # A median below the goal on a machine that spread the runs widely: no verdict.
    assert verdict(Stats([0.96, 1.05, 1.06, 1.10, 1.13, 1.20, 1.26]), 1.15, False) == "unclear"
    assert verdict(Stats([1.62, 1.7, 1.65]), 1.6, True) == "met"
    assert verdict(Stats([1.15, 1.2, 1.18]), 1.6, True) == "not met"
