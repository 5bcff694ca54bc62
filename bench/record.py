"""What every benchmark shares: checking that a timed run passed, summarising repeated runs,
and saving the figures with what they were measured on.

A benchmark's figures mean nothing when the run it timed failed (a verify that stopped at the
first step is fast), so a run that did not pass raises RunFailed, and `main` turns it into one
line on stderr and exit status 1. Figures are saved as bench/results/<name>.json with the
commit (and whether the working tree had changes), the machine, the load average before and
after, and the date; bench/report.py turns those files into the tables of
project-docs/benchmarks.md, so every figure there can be traced to a saved run.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from guidegen.atomic import write_atomic
from guidegen.browser import chromium_path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"


class RunFailed(Exception):
    """A timed run did not pass: the benchmark stops and says which and why."""


def summary(values: Sequence[float]) -> dict:
    """Repeated measurements of one thing: the median is the figure, min–max the range."""
    if not values:
        raise ValueError("no measurements to summarise")
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": list(values)}


def passed_steps(code: int | None, report: Path, what: str) -> int:
    """The number of steps a `guidegen verify` run passed, from its own results.json; raises
    RunFailed unless it exited 0 with every step it ran passed (a step that failed, was not
    run or was killed by a signal makes the timing meaningless)."""
    if code != 0:
        raise RunFailed(f"{what}: guidegen verify exited with {code} (report: {report})")
    results = report / "results.json"
    try:
        steps = json.loads(results.read_text(encoding="utf-8"))["steps"]
    except (OSError, ValueError, KeyError) as error:
        raise RunFailed(f"{what}: no readable {results}: {error}") from None
    bad = [f"{s['guide']}/{s['step']}: {s['status']}" for s in steps
           if s["status"] not in ("passed", "manual")]
    if bad:
        raise RunFailed(f"{what}: {len(bad)} step(s) did not pass ({bad[0]}, ...)")
    passed = sum(s["status"] == "passed" for s in steps)
    if not passed:
        raise RunFailed(f"{what}: no step passed ({results})")
    return passed


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                          check=False).stdout.strip()


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            return next((line.split(":", 1)[1].strip() for line in info
                         if line.startswith("model name")), None)
    except OSError:
        return None


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as info:
            kib = next(int(line.split()[1]) for line in info if line.startswith("MemTotal:"))
    except (OSError, StopIteration):
        return None
    return round(kib / 2**20, 1)


def chromium_version() -> str | None:
    """The version of the Chromium the runner launches (guidegen.browser's choice)."""
    path = chromium_path()
    if not path:
        return None
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30,
                             check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


CONFIDENCE = 0.9  # of the interval for a median that a benchmark's verdict stands on


def median_interval(runs: list[float], confidence: float = CONFIDENCE) -> tuple[float, float]:
    """A distribution-free interval for the median of the runs: the k-th smallest and k-th
    largest run, k the largest with P(the median lies between them) >= `confidence` (from the
    binomial distribution; with 5 or 7 runs it is min-max, with 9 the second of each end)."""
    ordered, n = sorted(runs), len(runs)

    def coverage(k: int) -> float:
        return 1 - 2 * sum(math.comb(n, i) for i in range(k)) / 2 ** n

    k = 1
    while k + 1 <= n // 2 and coverage(k + 1) >= confidence:
        k += 1
    return ordered[k - 1], ordered[n - k]


def metadata() -> dict:
    """What the figures were measured on: the code, the machine, the date."""
    return {
        "commit": {"sha": _git("rev-parse", "HEAD") or None,
                   # Uncommitted changes to tracked files: the figures may not match the sha.
                   # Other benchmarks' saved results are no code: `make bench` runs several.
                   "dirty": bool(_git("status", "--porcelain", "--untracked-files=no", "--",
                                      ".", ":(exclude)bench/results"))},
        "machine": {"cpu": _cpu_model(), "cores": os.cpu_count(), "memory_gib": _memory_gib(),
                    "os": platform.platform(), "python": platform.python_version(),
                    "chromium": chromium_version()},
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


class Recording:
    """One benchmark run: the load average is read when it starts and when it is saved."""

    def __init__(self, name: str, options: dict) -> None:
        self.name, self.options = name, options
        self.load_before = list(os.getloadavg())

    def save(self, figures: dict, folder: Path | None = None) -> Path:
        folder = folder or RESULTS  # read at call time, so a test can point it elsewhere
        data = {"benchmark": self.name, **metadata(), "options": self.options,
                "load": {"before": self.load_before, "after": list(os.getloadavg())},
                "figures": figures}
        path = folder / f"{self.name}.json"
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())
        return path


def main(run: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """Run a benchmark's main; a run that did not pass ends it with one line and status 1."""
    try:
        return run(argv)
    except RunFailed as failed:
        print(f"benchmark failed: {failed}", file=sys.stderr)
        return 1
