"""How the nightly run scales: 200 synthetic guides on 1, 2 and 4 shards, and on 1 and 2
workers, on this machine; and how the cost grows with the number of guides.

A benchmark, not a test: it reports, never fails. Run `.venv/bin/python bench/scale_bench.py`
(200 guides, with the 25/50/100-guide growth runs and the warm-ups, take about 35 minutes on
two cores, each guide about 1.1 s; `--guides 32` about six minutes).

Each synthetic guide is small and real: it opens Zenkit's provisioning settings in the
simulator, checks the heading, switches SCIM on, remembers the (secret) token and takes one
padded, masked element screenshot, so a guide costs what the nightly run pays per guide
(a browser context, page loads, a capture and its diff) without the seed guide's 73 actions.
Shards run as separate `guidegen verify --shard i/n` processes at the same time, as a CI
matrix would on one machine; workers are `-n 2` in one process. Peak memory is the largest
proportional set size (PSS) over each run's whole process tree (Python, simulators,
Chromium), sampled every 100 ms. Figures go to stdout and to bench/out/scale.json and bench/out/scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"

GUIDE = """\
id: {id}
title: Scale guide {n}
summary: Switch SCIM on in Zenkit and read the Base URL.
plans: all
portals: [zenkit]
order: {n}
sections:
  - title: SCIM in Zenkit
    steps:
      - id: scim-on
        portal: zenkit
        text: Under **Provisioning through SCIM**, switch **Enabled** on.
        actions:
          - goto: /settings/provisioning
            portal: zenkit
          - expect: {{control: zenkit-provisioning.heading}}
          - check: {{control: zenkit-provisioning.scim-enabled}}
          - remember: {{control: zenkit-provisioning.bearer-token, as: token, secret: true}}
        screenshot:
          name: scim
          of: {{control: zenkit-provisioning.scim}}
          mask: [{{control: zenkit-provisioning.bearer-token}}]
          alt: Zenkit's SCIM settings.
"""
STEPS_PER_GUIDE, SHOTS_PER_GUIDE = 1, 1
ACTIONS_PER_GUIDE = 4


def make_project(dest: Path, count: int) -> Path:
    steps = dest / "steps"
    steps.mkdir(parents=True)
    shutil.copy2(REPO / "steps" / "project.yml", steps)
    shutil.copytree(REPO / "steps" / "pages", steps / "pages")
    for n in range(1, count + 1):
        (steps / f"scale-{n:03d}.yml").write_text(GUIDE.format(id=f"scale-{n:03d}", n=n), "utf-8")
    return dest


def tree_pss(root_pid: int) -> int:
    """Proportional set size (bytes) of `root_pid` and all its descendants: shared pages
    (Chromium's processes share many) are split between their users, not counted again."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def run(project: Path, report: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "guidegen.cli", "verify", "--root", str(project), "--report-dir",
         str(report), "--no-trace", "--no-plan-claims", *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "true"})


def measure(processes: list[subprocess.Popen]) -> tuple[float, int, list[int]]:
    """Wall seconds until all finish, peak summed RSS, exit codes."""
    start, peak = time.perf_counter(), 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, sum(tree_pss(p.pid) for p in processes))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    codes = [p.wait() for p in processes]
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    return elapsed, peak, codes


def config(project: Path, work: Path, name: str, shards: int, workers: int, guides: int) -> dict:
    print(f"  {name}: {guides} guides ...", flush=True)
    procs = []
    for i in range(1, shards + 1):
        args = ["--shard", f"{i}/{shards}"] if shards > 1 else []
        if workers > 1:
            args += ["-n", str(workers)]
        procs.append(run(project, work / f"{name}-{i}", *args))
    seconds, peak, codes = measure(procs)
    row = {"name": name, "guides": guides, "shards": shards, "workers": workers,
           "seconds": round(seconds, 2), "steps_per_s": round(guides * STEPS_PER_GUIDE / seconds, 2),
           "shots_per_s": round(guides * SHOTS_PER_GUIDE / seconds, 2),
           "actions_per_s": round(guides * ACTIONS_PER_GUIDE / seconds, 2),
           "peak_mib": round(peak / 2**20), "exit_codes": codes}
    print(f"    {row['seconds']} s, {row['steps_per_s']} steps/s, {row['shots_per_s']} shots/s, "
          f"peak {row['peak_mib']} MiB, exit {codes}", flush=True)
    return row


def markdown(result: dict) -> str:
    rows = result["configs"]
    base = next(r for r in rows if r["name"] == "1 shard, 1 worker")
    lines = [f"## Scale: {result['guides']} synthetic guides on shards and workers", "",
             f"Measured by `bench/scale_bench.py` on {os.cpu_count()} cores: {result['guides']} "
             "guides of one step each (4 actions: a page load, an expectation, a switch, a "
             "secret read; one padded, masked element screenshot and its diff against the "
             "baseline). Shards are separate processes started together, as a CI matrix on "
             "one machine; `-n 2` is two workers in one process. Peak memory is the largest "
             "PSS of the whole process tree (Python, simulators, Chromium), shared pages "
             "split between their users.", "",
             "| configuration | wall | steps/s | screenshots/s | speed-up | peak memory |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        if r["guides"] != result["guides"]:
            continue
        lines.append(f"| {r['name']} | {r['seconds']:.0f} s | {r['steps_per_s']:.2f} | "
                     f"{r['shots_per_s']:.2f} | {base['seconds'] / r['seconds']:.2f}x | "
                     f"{r['peak_mib']} MiB |")
    growth = [r for r in rows if r["name"].startswith("growth")]
    if growth:
        lines += ["", "How the cost grows with the number of guides (1 shard, 1 worker):", "",
                  "| guides | wall | seconds per guide |", "|---|---|---|"]
        for r in sorted(growth + [base], key=lambda r: r["guides"]):
            lines.append(f"| {r['guides']} | {r['seconds']:.0f} s | "
                         f"{r['seconds'] / r['guides']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guides", type=int, default=200)
    parser.add_argument("--skip-growth", action="store_true")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        work = Path(tmp)
        project = make_project(work / "project", args.guides)
        print("warm-up: baselines for the synthetic guides (untimed)", flush=True)
        run(project, work / "warm-up", "--update-screenshots", "-n", "2").wait()
        configs = [config(project, work, "1 shard, 1 worker", 1, 1, args.guides),
                   config(project, work, "2 shards", 2, 1, args.guides),
                   config(project, work, "4 shards", 4, 1, args.guides),
                   config(project, work, "1 shard, 2 workers (-n 2)", 1, 2, args.guides)]
        if not args.skip_growth:
            for count in (args.guides // 8, args.guides // 4, args.guides // 2):
                small = make_project(work / f"project-{count}", count)
                run(small, work / f"warm-{count}", "--update-screenshots").wait()
                configs.append(config(small, work, f"growth {count}", 1, 1, count))
    result = {"guides": args.guides, "configs": configs}
    (OUT / "scale.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    (OUT / "scale.md").write_text(markdown(result), "utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
