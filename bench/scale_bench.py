"""How the nightly run scales: 200 synthetic guides on 1, 2 and 4 shards, and on 1 and 2
workers, on this machine; and how the cost grows with the number of guides.

Run `.venv/bin/python bench/scale_bench.py` (`--guides 200 --repeat 3`: each guide costs about
1.1 s on a quiet machine, so the four 200-guide configurations and the 25/50/100-guide growth
runs take about an hour and three quarters on two cores; `--guides 16 --repeat 3` 10 to 15
minutes).

Each synthetic guide is small and real: it opens Zenkit's provisioning settings in the
simulator, checks the heading, switches SCIM on, remembers the (secret) token and takes one
padded, masked element screenshot, so a guide costs what the nightly run pays per guide
(a browser context, page loads, a capture and its diff) without the seed guide's 73 actions.
Shards run as separate `guidegen verify --shard i/n` processes at the same time, as a CI
matrix would on one machine; workers are `-n 2` in one process. Peak memory is the largest
proportional set size (PSS) over each run's whole process tree (Python, simulators,
Chromium), sampled every 100 ms.

Every configuration runs `--repeat` times, round by round, and is reported as the median and
range. Steps per second counts the steps each run's own results.json says passed; a run
(the untimed warm-ups included) that exits non-zero or leaves a step unpassed stops the
benchmark with status 1. Figures go to bench/results/scale.json (bench/report.py puts them
into project-docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import record

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

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
STEPS_PER_GUIDE = 1  # a check of the results: each run must pass this many per guide
BASELINE = "1 shard, 1 worker"


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
    """Wall seconds until all finish, peak summed PSS, exit codes."""
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


@dataclass(frozen=True)
class Config:
    name: str
    guides: int
    shards: int = 1
    workers: int = 1


def steps_passed(config: Config, reports: list[Path], codes: list[int]) -> int:
    """The steps the run's own results.json files say passed, every shard's run checked; a
    run that did not pass all its guide's steps (or did not exit 0) stops the benchmark."""
    steps = sum(record.passed_steps(code, report, f"{config.name}, {report.name}")
                for code, report in zip(codes, reports, strict=True))
    if steps != config.guides * STEPS_PER_GUIDE:
        raise record.RunFailed(f"{config.name}: {steps} steps passed, expected "
                               f"{config.guides * STEPS_PER_GUIDE}")
    return steps


def timed_run(project: Path, work: Path, config: Config, round_: int) -> dict:
    procs, reports = [], []
    for i in range(1, config.shards + 1):
        args = ["--shard", f"{i}/{config.shards}"] if config.shards > 1 else []
        if config.workers > 1:
            args += ["-n", str(config.workers)]
        reports.append(work / f"{config.name}-{round_}-{i}".replace(" ", "_"))
        procs.append(run(project, reports[-1], *args))
    seconds, peak, codes = measure(procs)
    steps = steps_passed(config, reports, codes)
    print(f"    {config.name}, round {round_ + 1}: {seconds:.1f} s, {steps} steps passed, "
          f"peak {peak / 2**20:.0f} MiB", flush=True)
    return {"seconds": seconds, "steps": steps, "peak_mib": peak / 2**20}


def warm_up(project: Path, report: Path, config: Config) -> None:
    """Baselines for the synthetic guides (untimed); checked like a timed run, since a failed
    warm-up leaves guides without baselines and every timed run would measure that."""
    proc = run(project, report, "--update-screenshots", "-n", "2")
    steps_passed(Config(f"warm-up of {config.guides} guides", config.guides), [report],
                 [proc.wait()])


def summarise(config: Config, runs: list[dict]) -> dict:
    return {"name": config.name, "guides": config.guides, "shards": config.shards,
            "workers": config.workers, "steps": runs[0]["steps"],
            "seconds": record.summary([r["seconds"] for r in runs]),
            "steps_per_s": record.summary([r["steps"] / r["seconds"] for r in runs]),
            "seconds_per_guide": record.summary([r["seconds"] / config.guides for r in runs]),
            "peak_mib": record.summary([r["peak_mib"] for r in runs])}


def configs(guides: int, growth: bool) -> list[Config]:
    found = [Config(BASELINE, guides), Config("2 shards", guides, shards=2),
             Config("4 shards", guides, shards=4),
             Config("1 shard, 2 workers (-n 2)", guides, workers=2)]
    if growth:
        found += [Config(f"growth {n}", n) for n in (guides // 8, guides // 4, guides // 2)]
    return found


def run_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guides", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each configuration")
    parser.add_argument("--skip-growth", action="store_true")
    args = parser.parse_args(argv)
    if args.guides < 8 or args.repeat < 1:
        # The smallest growth run has an eighth of the guides; 4 shards need a guide each.
        parser.error("--guides must be at least 8 and --repeat at least 1")
    recording = record.Recording("scale", vars(args))
    chosen = configs(args.guides, not args.skip_growth)
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        work = Path(tmp)
        projects = {}
        for count in sorted({c.guides for c in chosen}):
            projects[count] = make_project(work / f"project-{count}", count)
            print(f"warm-up: baselines for {count} synthetic guides (untimed)", flush=True)
            warm_up(projects[count], work / f"warm-up-{count}", Config("", count))
        runs: dict[str, list[dict]] = {c.name: [] for c in chosen}
        # Round by round, every configuration once, so that outside load falls on all alike.
        for round_ in range(args.repeat):
            print(f"  round {round_ + 1}/{args.repeat}", flush=True)
            for config in chosen:
                runs[config.name].append(timed_run(projects[config.guides], work, config, round_))
    figures = {"guides": args.guides, "configs": [summarise(c, runs[c.name]) for c in chosen]}
    print(f"figures in {recording.save(figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(record.main(run_bench))
