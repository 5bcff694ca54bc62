"""How much does guidegen add to a site build? A benchmark, not a test: it reports, never fails.

Run `make bench` (or `.venv/bin/python bench/build_bench.py`). It writes a synthetic project of
200 guides x 15 steps into bench/out/project (see corpus.py), then measures:

- load+validate and render per step, through the engine's Python API;
- `guidegen build` against a plain `mkdocs build` of the same pre-rendered Markdown, both
  in-process and both as child processes, as a ratio (goal: at most 1.15);
- peak memory: tracemalloc for load and render, ru_maxrss of a child running each build.

Figures go to stdout as a table and to bench/results/build.json, with the commit, machine and
load (bench/report.py puts them into project-docs/benchmarks.md). A child build that exits
non-zero stops the benchmark with one line and status 1.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import corpus
import mkdocs
import record
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

import guidegen
from guidegen.build import build as guidegen_build
from guidegen.build import mkdocs_log
from guidegen.build import render as guidegen_render
from guidegen.cache import FOLDER as CACHE_FOLDER
from guidegen.catalog import Catalog
from guidegen.load import load_catalog
from guidegen.project import Layout
from guidegen.render import render_catalog

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
GOAL = 1.15
BIN = Path(sys.executable).parent
# Material prints a banner about MkDocs 2.0 on every build; it is noise here.
os.environ["NO_MKDOCS_2_WARNING"] = "1"


# ── Measuring ──────────────────────────────────────────────────────────────────────────────


@dataclass
class Stats:
    """Repeated measurements of one thing; the median is the figure, min/max the spread."""

    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def as_dict(self, scale: float = 1.0) -> dict:
        return record.summary([r * scale for r in self.runs])


@dataclass
class Timing:
    wall: float
    cpu: float  # this process's CPU time: steadier than wall time when other work runs


def timed(func: Callable[[], object]) -> Timing:
    # Garbage left by the previous run must not be collected on this run's clock.
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


@dataclass
class ChildRun:
    wall: float
    cpu: float
    max_rss_mib: float


# Runs the command and reports its own rusage. It sits between this process and the build
# because Linux carries a parent's peak RSS into a forked child across exec: spawned from
# this (large) benchmark process, every build would report at least the benchmark's own peak.
LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "wall": time.perf_counter() - start,
                  "cpu": usage.ru_utime + usage.ru_stime, "max_rss_kib": usage.ru_maxrss}))
"""


def run_child(argv: list[str], cwd: Path) -> ChildRun:
    out = subprocess.run([sys.executable, "-c", LAUNCHER, *argv], cwd=cwd, capture_output=True,
                         text=True, check=True)
    usage = json.loads(out.stdout)
    if usage["code"] != 0:
        raise record.RunFailed(f"{' '.join(argv)} exited with {usage['code']}: "
                               f"{out.stderr.strip().splitlines()[-1:]}")
    return ChildRun(usage["wall"], usage["cpu"], usage["max_rss_kib"] / 1024)


# ── The two projects ───────────────────────────────────────────────────────────────────────


def plain_project(layout: Layout, dest: Path) -> Path:
    """The same site without guidegen: the pre-rendered docs/ and mkdocs.yml minus the plugin.

    Returns the plain mkdocs.yml. The guidegen build's own output is not reused: `guidegen
    render` writes docs/guides/ exactly as `guidegen build` does, and that is what a Zensical
    or plain MkDocs user builds.
    """
    guidegen_render(layout)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(layout.docs, dest / "docs")
    config = layout.mkdocs_yml.read_text(encoding="utf-8")
    plain, removed = re.subn(r"^\s*- guidegen\b.*\n", "", config, flags=re.M)
    if removed != 1:
        sys.exit(f"expected one '- guidegen' plugin line in {layout.mkdocs_yml}, found {removed}")
    (dest / "mkdocs.yml").write_text(plain, encoding="utf-8")
    return dest / "mkdocs.yml"


def plain_build(config_file: Path) -> None:
    """What `mkdocs build --strict` does, in-process and as quiet as guidegen's own build."""
    with mkdocs_log(verbose=False):
        mkdocs_build(load_config(str(config_file), strict=True))


# ── The measurements ───────────────────────────────────────────────────────────────────────


def measure_api(layout: Layout, repeat: int) -> dict:
    """Load+validate and render through the Python API, without any MkDocs."""
    load = [timed(lambda: load_catalog(layout.steps, layout.root)) for _ in range(repeat)]
    catalog = load_catalog(layout.steps, layout.root)
    render = [timed(lambda: render_catalog(catalog, layout.templates, layout.screenshots))
              for _ in range(repeat)]
    return {"steps": sum(len(g.all_steps()) for g in catalog.guides), "features": features(catalog),
            "load": wall_and_cpu(load), "render": wall_and_cpu(render)}


def wall_and_cpu(timings: list[Timing]) -> dict[str, Stats]:
    return {"wall": Stats([t.wall for t in timings]), "cpu": Stats([t.cpu for t in timings])}


def _count_sections(sections: list) -> int:
    return len(sections) + sum(_count_sections(s.sections) for s in sections)


def features(catalog: Catalog) -> dict:
    """What the corpus exercises, so a reader can judge how realistic it is."""
    steps = [s for g in catalog.guides for s in g.all_steps()]
    all_plans = set(catalog.plan_ids)
    return {
        "guides_for_some_plans": sum(set(g.plans) != all_plans for g in catalog.guides),
        "sections": sum(_count_sections(g.sections) for g in catalog.guides),
        "narrower_steps": sum(s.narrower for s in steps),
        "steps_with_variants": sum(bool(s.variants) for s in steps),
        "steps_with_admonitions": sum(bool(s.admonitions) for s in steps),
        "screenshots": sum(s.screenshot is not None for s in steps),
        "actions": sum(len(s.actions) for s in steps),
        "reusable_uses": sum(s.reusable is not None for s in steps),
        "text_chars_per_step": round(statistics.mean(len(s.text) for s in steps)),
    }


def cold_build(layout: Layout) -> None:
    """`guidegen build` with no checked guides kept from an earlier run (a first build, or
    the first after guidegen itself changed): .guidegen-cache/load/ emptied first."""
    shutil.rmtree(layout.root / CACHE_FOLDER, ignore_errors=True)
    guidegen_build(layout)


def measure_builds(layout: Layout, plain_config: Path, repeat: int) -> dict:
    """The builds in this process, alternating the order each round, after one untimed
    warm-up each (imports and first-use caches are not what is compared). `guidegen` is a
    build after another (the step files unchanged: what the cache is for); `guidegen-cold`
    one with the cache emptied first."""
    sides = {"guidegen": lambda: guidegen_build(layout), "mkdocs": lambda: plain_build(plain_config),
             "guidegen-cold": lambda: cold_build(layout)}
    for func in sides.values():
        func()
    runs: dict[str, list[Timing]] = {name: [] for name in sides}
    for round_ in range(repeat):
        order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
        for name in order:
            runs[name].append(timed(sides[name]))
            progress(f"  in-process {name} build {round_ + 1}/{repeat}: "
                     f"{runs[name][-1].wall:.2f} s")
    return {name: wall_and_cpu(ts) for name, ts in runs.items()}


def measure_children(layout: Layout, plain_config: Path, repeat: int) -> dict:
    """Each build as its own process: start-up and imports included, and a peak RSS that is
    the whole build's. Same kind on both sides: the venv's console scripts."""
    argv = {
        "guidegen": ([str(BIN / "guidegen"), "build", "--root", str(layout.root)], layout.root),
        "mkdocs": ([str(BIN / "mkdocs"), "build", "--strict", "--quiet"], plain_config.parent),
    }
    runs: dict[str, list[ChildRun]] = {name: [] for name in argv}
    for round_ in range(repeat):
        order = list(argv) if round_ % 2 == 0 else list(reversed(argv))
        for name in order:
            runs[name].append(run_child(*argv[name]))
            progress(f"  child {name} build {round_ + 1}/{repeat}: {runs[name][-1].wall:.2f} s")
    return {name: {"wall": Stats([r.wall for r in rs]), "cpu": Stats([r.cpu for r in rs]),
                   "max_rss_mib": Stats([r.max_rss_mib for r in rs])}
            for name, rs in runs.items()}


def measure_python_memory(layout: Layout) -> dict:
    """Peak Python allocations of load and of render (tracemalloc slows code down, so this
    runs apart from the timings)."""
    gc.collect()
    tracemalloc.start()
    catalog = load_catalog(layout.steps, layout.root)
    held, load_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    render_catalog(catalog, layout.templates, layout.screenshots)
    render_peak = tracemalloc.get_traced_memory()[1] - held
    tracemalloc.stop()
    mib = 1024 * 1024
    return {"load_peak_mib": load_peak / mib, "catalog_mib": held / mib,
            "render_peak_mib": render_peak / mib}


def profile_build(layout: Layout, top: int = 25) -> None:
    """`--profile`: one warm guidegen build under cProfile, the costliest functions first.

    The profiler slows pure-Python code (the YAML scanner most of all) more than C code, so
    read the shares as where to look, and the benchmark's timings as what it costs.
    """
    guidegen_build(layout)
    profiler = cProfile.Profile()
    profiler.runcall(guidegen_build, layout)
    profiler.dump_stats(OUT / "build.prof")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(r"guidegen|mkdocs/commands/build", top)
    stats.sort_stats("tottime").print_stats(top)
    print(f"full profile in {OUT / 'build.prof'} (python -m pstats, or snakeviz)")


# ── Reporting ──────────────────────────────────────────────────────────────────────────────


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def spread(stats: Stats, scale: float = 1.0, unit: str = "s", digits: int = 2) -> str:
    d = stats.as_dict(scale)
    return f"{d['median']:.{digits}f} {unit} ({d['min']:.{digits}f}–{d['max']:.{digits}f})"


def ratio(num: Stats, den: Stats) -> dict:
    """The median of per-round ratios, and their range. The two builds of a round run back to
    back, so load from other work on the machine tends to hit both sides of a round alike."""
    paired = [a / b for a, b in zip(num.runs, den.runs, strict=True)]
    return {"median": statistics.median(paired), "min": min(paired), "max": max(paired),
            "of_medians": num.median / den.median,
            # Best against best: the two runs least disturbed by other work.
            "best": min(num.runs) / min(den.runs)}


def verdict(wall: float, cpu: float) -> str:
    """The goal is on wall time; when CPU time disagrees, other work on the machine decided
    the outcome, not guidegen, and the honest answer is that this run cannot tell."""
    figures = f"wall {wall:.2f}, CPU {cpu:.2f}"
    if wall <= GOAL and cpu <= GOAL:
        return f"met ({figures})"
    if wall > GOAL and cpu > GOAL:
        return f"MISSED ({figures})"
    return f"unclear ({figures}): other work skewed this run; run again on a quieter machine"


def fmt_ratio(r: dict) -> str:
    return f"{r['median']:.2f} ({r['min']:.2f}–{r['max']:.2f}), best/best {r['best']:.2f}"


def overhead(result: dict) -> str:
    """What guidegen adds to the MkDocs build: the median of the per-round differences."""
    builds = result["in_process"]
    added = statistics.median(a - b for a, b in zip(builds["guidegen"]["wall"].runs,
                                                    builds["mkdocs"]["wall"].runs, strict=True))
    return f"+{added:.2f} s"


def table(result: dict) -> str:
    """Rows of: what, wall time median (min–max), CPU time median (min–max)."""
    api, inproc, child, mem = (result["api"], result["in_process"], result["child_process"],
                               result["memory"])
    per_step = 1e6 / api["steps"]

    def both(pair: dict[str, Stats], scale: float = 1.0, unit: str = "s", digits: int = 2):
        return spread(pair["wall"], scale, unit, digits), spread(pair["cpu"], scale, unit, digits)

    rows = [
        ("", "wall time", "CPU time"),
        ("load + validate, per step", *both(api["load"], per_step, "µs", 0)),
        ("render, per step", *both(api["render"], per_step, "µs", 0)),
        ("load + validate, all", *both(api["load"])),
        ("render, all", *both(api["render"])),
        ("guidegen build (in-process)", *both(inproc["guidegen"])),
        ("mkdocs build (in-process)", *both(inproc["mkdocs"])),
        ("ratio (per round)", fmt_ratio(result["ratio"]["in_process_wall"]),
         fmt_ratio(result["ratio"]["in_process_cpu"])),
        ("added by guidegen", overhead(result), ""),
        ("guidegen build (child)", *both(child["guidegen"])),
        ("mkdocs build (child)", *both(child["mkdocs"])),
        ("ratio (child, per round)", fmt_ratio(result["ratio"]["child_wall"]),
         fmt_ratio(result["ratio"]["child_cpu"])),
    ]
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"{a:<{width[0]}}  {b:<{width[1]}}  {c}" for a, b, c in rows]
    features = api["features"]
    lines += [
        "",
        f"goal: ratio ≤ {GOAL}: {result['verdict']}",
        f"peak RSS: guidegen build {spread(child['guidegen']['max_rss_mib'], unit='MiB', digits=0)}, "
        f"mkdocs build {spread(child['mkdocs']['max_rss_mib'], unit='MiB', digits=0)}",
        f"tracemalloc peak: load {mem['load_peak_mib']:.1f} MiB (catalog kept: "
        f"{mem['catalog_mib']:.1f} MiB), render {mem['render_peak_mib']:.1f} MiB more",
        f"corpus: {result['corpus']['guides']} guides, {api['steps']} steps, "
        f"{result['corpus']['yaml_kib']:.0f} KiB of YAML; {features['narrower_steps']} narrower "
        f"steps, {features['steps_with_variants']} with variants, "
        f"{features['steps_with_admonitions']} with admonitions, {features['screenshots']} "
        f"screenshots, {features['actions']} actions, {features['reusable_uses']} reusable uses",
    ]
    return "\n".join(lines)


def to_json(value):
    """Stats become median/min/max/runs; everything else is already plain."""
    if isinstance(value, Stats):
        return value.as_dict()
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def measure_all(layout: Layout, plain_config: Path, args: argparse.Namespace) -> dict:
    progress("load and render through the API")
    api = measure_api(layout, args.repeat)
    progress("Python memory (tracemalloc)")
    memory = measure_python_memory(layout)
    progress("builds in this process")
    in_process = measure_builds(layout, plain_config, args.repeat)
    progress("builds as child processes")
    child = measure_children(layout, plain_config, args.child_runs)
    per_step = 1e6 / api["steps"]
    wall = ratio(in_process["guidegen"]["wall"], in_process["mkdocs"]["wall"])
    cpu = ratio(in_process["guidegen"]["cpu"], in_process["mkdocs"]["cpu"])
    cold = {kind: ratio(in_process["guidegen-cold"][kind], in_process["mkdocs"][kind])
            for kind in ("wall", "cpu")}
    return {
        "goal": GOAL,
        "meets_goal": wall["median"] <= GOAL,
        "verdict": verdict(wall["median"], cpu["median"]),
        "ratio": {"in_process_wall": wall, "in_process_cpu": cpu,
                  "cold_wall": cold["wall"], "cold_cpu": cold["cpu"],
                  "child_wall": ratio(child["guidegen"]["wall"], child["mkdocs"]["wall"]),
                  "child_cpu": ratio(child["guidegen"]["cpu"], child["mkdocs"]["cpu"])},
        "api": {**api, "load_us_per_step": Stats([t * per_step for t in api["load"]["wall"].runs]),
                "render_us_per_step": Stats([t * per_step for t in api["render"]["wall"].runs])},
        "in_process": in_process,
        "child_process": child,
        "memory": memory,
        "repeat": {"in_process": args.repeat, "child": args.child_runs},
    }


# ── Main ───────────────────────────────────────────────────────────────────────────────────


def run_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guides", type=int, default=200)
    parser.add_argument("--steps", type=int, default=15, help="steps per guide")
    parser.add_argument("--repeat", type=int, default=7, help="runs of each in-process timing")
    parser.add_argument("--child-runs", type=int, default=3, help="runs of each child build")
    parser.add_argument("--profile", action="store_true",
                        help="only profile one guidegen build (cProfile) and print where time goes")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    recording = record.Recording("build", {k: v for k, v in vars(args).items() if k != "profile"})

    progress(f"generating {args.guides} guides x {args.steps} steps in {OUT / 'project'}")
    # Absolute paths: MkDocs resolves docs_dir against mkdocs.yml's folder.
    layout = Layout(corpus.make_project(OUT / "project", args.guides, args.steps).resolve())
    if args.profile:
        profile_build(layout)
        return 0
    yaml_bytes = sum(p.stat().st_size for p in layout.steps.rglob("*.yml"))
    plain_config = plain_project(layout, OUT / "plain")

    result = measure_all(layout, plain_config, args)
    result["corpus"] = {"guides": args.guides, "steps_per_guide": args.steps, "seed": corpus.SEED,
                        "yaml_kib": yaml_bytes / 1024}
    result["versions"] = {"mkdocs": mkdocs.__version__, "guidegen": guidegen.__version__}
    result["script_seconds"] = time.perf_counter() - started
    print(table(result))
    saved = recording.save(to_json(result))
    print(f"\nscript took {result['script_seconds']:.0f} s; figures in {saved}")
    return 0


if __name__ == "__main__":
    sys.exit(record.main(run_bench))
