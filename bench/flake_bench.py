"""False alarms: N consecutive verify runs of every guide against the default simulators,
where nothing changed, must all pass. Reports the flake rate (runs with any failed step,
and failed steps per step run) and what each false alarm said.

A measurement, not a test: `.venv/bin/python bench/flake_bench.py` (ten runs, about six
minutes on two cores; `--runs N`). Each run is a fresh `guidegen verify` process on a copy
of the project (the repo's screenshots and status file stay untouched), comparing every
screenshot with its committed baseline. Figures go to bench/out/flake.json and flake.md.
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

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
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
            steps = json.loads((report / "results.json").read_text("utf-8"))["steps"]
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
              "failed_steps": failed_steps}
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
    (OUT / "flake.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    (OUT / "flake.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
