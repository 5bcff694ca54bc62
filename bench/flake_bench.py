"""False alarms: N consecutive verify runs of every guide against the default simulators,
where nothing changed, must all pass. Reports the flake rate (runs with any failed step,
and failed steps per step run) and what each false alarm said.

A measurement, not a test: `.venv/bin/python bench/flake_bench.py` (ten runs, about six
minutes on two quiet cores, over half an hour at a load average of 13; `--runs N`). Each run
is a fresh `guidegen verify` process on a copy of the project (the repo's screenshots and
status file stay untouched), comparing every screenshot with its committed baseline. A run
that fails a step (exit 1) is what this counts; a run that ends any other way (an
environment error, a crash, no results.json) says nothing about false alarms and stops the
benchmark with one line and status 1. Figures go to bench/results/flake.json
(bench/report.py puts them into project-docs/benchmarks.md) and bench/out/flake.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import record

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"


def run_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    recording = record.Recording("flake", vars(args))
    OUT.mkdir(exist_ok=True)
    runs = []
    with tempfile.TemporaryDirectory(prefix="flake-bench-") as tmp:
        project = Path(tmp) / "project"
        for folder in ("steps", "screenshots"):
            shutil.copytree(REPO / folder, project / folder)
        for n in range(1, args.runs + 1):
            report = Path(tmp) / f"report-{n}"
            start = time.perf_counter()
            code = subprocess.run(
                [sys.executable, "-m", "guidegen.cli", "verify", "--root", str(project),
                 "--report-dir", str(report)], capture_output=True, text=True, check=False,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "true"}).returncode
            results = report / "results.json"
            if code not in (0, 1) or not results.exists():
                raise record.RunFailed(f"run {n}: guidegen verify exited with {code}"
                                       + ("" if results.exists() else ", no results.json"))
            steps = json.loads(results.read_text("utf-8"))["steps"]
            failed = [{"guide": s["guide"], "step": s["step"], **(s.get("finding") or {})}
                      for s in steps if s["status"] == "failed"]
            runs.append({"run": n, "exit": code, "seconds": round(time.perf_counter() - start, 1),
                         "steps": len(steps), "failed": failed})
            print(f"run {n}/{args.runs}: exit {code}, {len(steps)} steps, "
                  f"{len(failed)} failed, {runs[-1]['seconds']} s", flush=True)
    bad = [r for r in runs if r["exit"] != 0]
    step_runs = sum(r["steps"] for r in runs)
    failed_steps = sum(len(r["failed"]) for r in runs)
    result = {"runs": runs, "failed_runs": len(bad), "step_runs": step_runs,
              "failed_steps": failed_steps,
              "seconds": record.summary([r["seconds"] for r in runs])}
    lines = ["## False alarms: consecutive runs against the unchanged simulators", "",
             f"Measured by `bench/flake_bench.py`: {len(runs)} consecutive `guidegen verify` "
             "runs of every guide against the default simulators, each a fresh process "
             "comparing every screenshot with its committed baseline.", "",
             f"- Runs that failed: **{len(bad)} of {len(runs)}** "
             f"(flake rate {len(bad) / len(runs):.0%} per run).",
             f"- Steps that failed: {failed_steps} of {step_runs} step runs "
             f"({failed_steps / max(step_runs, 1):.2%}).",
             f"- Wall time per run: {min(r['seconds'] for r in runs):.0f}-"
             f"{max(r['seconds'] for r in runs):.0f} s."]
    for r in bad:
        for f in r["failed"]:
            lines.append(f"- run {r['run']}: {f['guide']} / {f['step']}: {f.get('kind')}: "
                         f"{f.get('message')}")
    recording.save(result)
    (OUT / "flake.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(record.main(run_bench))
