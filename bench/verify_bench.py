"""How close is `guidegen verify` to a bare Playwright script, and how does it scale?

A benchmark, not a test: it never fails on a slow run, but a timed run that did not pass
(a non-zero exit, or a step its results.json does not record as passed) stops it with one
line and status 1, since its time would mean nothing. Run `.venv/bin/python bench/verify_bench.py`
(about ten minutes on two cores). It measures:

1. `guidegen verify --skip-outcome --update-screenshots` of the seed guide, on a copy of the
   project in a temporary folder (the repo's screenshots and status file stay untouched),
   against the floor: a plain Playwright script generated from the same step models (one
   literal `page.get_by_role(...)` / `get_by_label(...)` call per action, via
   `guidegen.locate.to_locator`; no drift detection, no retries, no overlays) that starts the
   same simulators, launches the same Chromium with the same flags and context, and takes the
   same padded element shots with `page.screenshot(clip=...)`. Each runs as its own process,
   start-up included, alternating which goes first. Goal: guidegen/floor at most 1.3 (1.15
   with `--no-trace`).
2. Twenty copies of the seed guide verified with `-n 2` against serially. Goal: a speed-up of
   at least 1.6.
3. Per-step mean times of the guidegen runs (from their JUnit XML), and one instrumented
   in-process run that says where the time goes (start-up, actions, capture, reports).

Figures go to stdout as tables, to bench/results/verify.json (with the commit, machine and
load; bench/report.py puts them into project-docs/benchmarks.md) and bench/out/verify.md (written
once the seed figures are in, and again at the end). The generated floor script is kept as
bench/out/verify_floor.py for anyone to read or rerun; each side's stderr is in bench/out/*.log.

Each seed-guide run drives 73 actions, most of them full page loads in the simulators, so it
takes 9-14 s here depending on what else the machine runs; twenty guides serially take three
to four minutes, so the default (3 rounds of 20 guides each way) makes the whole benchmark take
about twenty-five minutes on two cores. `--guides 10 --scaling-repeat 2` brings it to about
six minutes on a quiet machine, `--skip-scaling` to about four. `--render` rewrites the
Markdown from verify.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import record
from PIL import Image

from guidegen import model
from guidegen.catalog import RGuide, RStep
from guidegen.load import load_catalog
from guidegen.locate import to_locator
from guidegen.project import Layout
from guidegen.verify import browser_fixtures
from guidegen.verify.options import BY_NAME
from guidegen.verify.pytest_plugin import SIM_CLOCK

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
BIN = Path(sys.executable).parent
SEED = "zenkit-azure-scim-provisioning"
RATIO_GOAL = 1.3
NO_TRACE_GOAL = 1.15  # --no-trace records nothing even when a guide fails: closer to the floor
SPEEDUP_GOAL = 1.6
# The runner's own launch and context settings, from the functions its fixtures use.
LAUNCH_ARGS = browser_fixtures.launch_args()
CONTEXT_ARGS = browser_fixtures.context_args()
# How long the runner lets an action or expectation wait (verify's --step-timeout default);
# the floor waits as long, or a slow page fails the floor where guidegen would wait.
STEP_TIMEOUT_MS = int(BY_NAME["step_timeout"].default * 1000)
VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ── Measuring ──────────────────────────────────────────────────────────────────────────────


@dataclass
class Stats:
    """Repeated measurements of one thing; the median is the figure, min/max the spread."""

    runs: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    def as_dict(self) -> dict:
        return record.summary(self.runs)

    def show(self, unit: str = "s", digits: int = 2) -> str:
        return (f"{self.median:.{digits}f} {unit} ({min(self.runs):.{digits}f}–"
                f"{max(self.runs):.{digits}f})")

    def show_ratio(self) -> str:
        return f"{self.median:.2f}× ({min(self.runs):.2f}–{max(self.runs):.2f})"


@dataclass
class ChildRun:
    wall: float
    cpu: float  # user + system of the child and the descendants it waited for
    others: float  # cores that the rest of the machine kept busy meanwhile, on average
    stdout: str


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores, all processes)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(f) for f in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


# Plain progress lines; JUnit times of the call phase only, so that a step's time is its own
# and the session's start-up is not in the first step (an ini option: nothing else changes).
CHILD_ENV = {"CI": "1", "PYTEST_ADDOPTS": "-o junit_duration_report=call"}


def run_child(argv: list[str], cwd: Path, log: Path) -> ChildRun:
    """Run `argv` to completion; wall time from spawn to exit, CPU time from wait4."""
    with open(log, "w", encoding="utf-8") as err, tempfile.TemporaryFile("w+") as out:
        start, machine_busy = time.perf_counter(), busy_seconds()
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err,
                                env={**os.environ, **CHILD_ENV})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        machine_busy = busy_seconds() - machine_busy
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read()
    if proc.returncode != 0:
        raise record.RunFailed(f"{' '.join(map(str, argv))} exited with {proc.returncode}; "
                               f"see {log}")
    cpu = usage.ru_utime + usage.ru_stime
    return ChildRun(wall, cpu, max(machine_busy - cpu, 0.0) / wall, stdout)


def alternate(sides: dict[str, Callable[[int], ChildRun]], runs: int,
              label: str) -> dict[str, list[ChildRun]]:
    """Each side `runs` times, which goes first alternating each round, so that load from
    other work on the machine falls on both alike."""
    results: dict[str, list[ChildRun]] = {name: [] for name in sides}
    for round_ in range(runs):
        order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
        for name in order:
            results[name].append(sides[name](round_))
            run = results[name][-1]
            progress(f"  {label} {round_ + 1}/{runs} {name}: {run.wall:.2f} s wall, "
                     f"{run.cpu:.2f} s CPU, other work on the machine: {run.others:.2f} cores")
    return results


def paired(num: list[ChildRun], den: list[ChildRun], attr: str) -> Stats:
    """Ratio per round: both sides of a round ran under the same outside load."""
    return Stats([getattr(a, attr) / getattr(b, attr) for a, b in zip(num, den, strict=True)])


# ── Projects ───────────────────────────────────────────────────────────────────────────────


def copy_project(dest: Path) -> Path:
    """What verify reads and writes: the step files and the screenshots (with status.json)."""
    for folder in ("steps", "screenshots", "templates"):
        shutil.copytree(REPO / folder, dest / folder)
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def many_guides(source: Path, dest: Path, count: int) -> list[str]:
    """`count` copies of the seed guide, each with its own id, title, file and baselines (taken
    from `source`, a project whose seed baselines were just refreshed). The token-rotation
    guide requires the seed guide, so it is left out."""
    steps = dest / "steps"
    steps.mkdir(parents=True)
    shutil.copy2(source / "steps" / "project.yml", steps)
    shutil.copytree(source / "steps" / "reusable", steps / "reusable")
    shutil.copytree(source / "steps" / "pages", steps / "pages")
    text = (source / "steps" / f"{SEED}.yml").read_text(encoding="utf-8")
    ids = []
    for n in range(1, count + 1):
        guide = f"bench-guide-{n:02d}"
        copy, subs = re.subn(rf"^id: {SEED}$", f"id: {guide}", text, flags=re.M)
        copy = re.sub(r"^title: .*$", f"title: Benchmark guide {n}", copy, flags=re.M)
        copy = re.sub(r"^order: .*$", f"order: {n}", copy, flags=re.M)
        if subs != 1:
            sys.exit(f"could not rename the seed guide's id in {source / 'steps'}")
        (steps / f"{guide}.yml").write_text(copy, encoding="utf-8")
        shutil.copytree(source / "screenshots" / SEED, dest / "screenshots" / guide)
        ids.append(guide)
    return ids


# ── The floor: a bare Playwright script, generated from the step models ─────────────────────


class _Code:
    """Stands in for a Playwright page or locator and records the calls `to_locator` makes
    on it, so the floor script holds exactly the calls guidegen would make, as plain code."""

    def __init__(self, code: str) -> None:
        self.code = code

    def _call(self, method: str, *args, **kwargs) -> _Code:
        parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()
                                           if not (k == "exact" and not v)]
        return _Code(f"{self.code}.{method}({', '.join(parts)})")

    def get_by_role(self, role, **kwargs) -> _Code:
        return self._call("get_by_role", role, **kwargs)

    def get_by_label(self, text, **kwargs) -> _Code:
        return self._call("get_by_label", text, **kwargs)

    def get_by_text(self, text, **kwargs) -> _Code:
        return self._call("get_by_text", text, **kwargs)


class FloorWriter:
    """Python source for one guide: literal Playwright calls, step by step."""

    def __init__(self, guide: RGuide) -> None:
        self.guide = guide
        self.remembered = {a.remember.as_ for s in guide.all_steps() for a in s.actions
                           if isinstance(a, model.Remember)}
        self.lines: list[str] = []

    def text(self, value: str) -> str:
        """A Python expression for `value`: variables known now are filled in, values the run
        remembers are read from `v` at run time."""
        parts, last = [], 0
        for m in VARIABLE.finditer(value):
            parts.append(repr(value[last:m.start()]))
            name = m.group(1)
            parts.append(f"v[{name!r}]" if name in self.remembered
                         else repr(self.guide.variables.get(name, m.group(0))))
            last = m.end()
        parts.append(repr(value[last:]))
        parts = [p for p in parts if p != "''"] or ["''"]
        return " + ".join(parts)

    def locator(self, loc: model.Locator) -> str:
        return to_locator(_Code("page"), self.resolved(loc)).code

    def resolved(self, loc: model.Locator) -> model.Locator:
        """The locator with variables filled in, as guidegen's Performer.resolved does."""
        update = {}
        for key in ("name", "label", "text", "region"):
            value = getattr(loc, key)
            if value:
                filled = VARIABLE.sub(lambda m: self.guide.variables.get(m.group(1), m.group(0)),
                                      value)
                if VARIABLE.search(filled):
                    sys.exit(f"the floor does not support remembered values in locators ({value})")
                update[key] = filled
        if loc.within is not None:
            update["within"] = self.resolved(loc.within)
        return loc.model_copy(update=update)

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)

    def action(self, action) -> None:
        if isinstance(action, model.GoTo):
            if action.portal and action.portal != self.portal:
                self.emit(f"page = tab({action.portal!r})")
                self.portal = action.portal
            self.emit(f"page.goto(base[{self.portal!r}] + {'/' + action.goto.lstrip('/')!r})")
            return
        target = model.action_target(action)
        if isinstance(action, model.Click):
            self.emit(f"{self.locator(target)}.click()")
        elif isinstance(action, model.Fill):
            value = f"v[{target.secret!r}]" if target.secret else self.text(target.value or "")
            self.emit(f"{self.locator(target)}.fill({value})")
        elif isinstance(action, model.Select):
            self.emit(f"{self.locator(target)}.select_option(label={self.text(target.option)})")
        elif isinstance(action, model.Check):
            self.emit(f"{self.locator(target)}.set_checked({target.checked})")
        elif isinstance(action, model.Remember):
            read = "input_value()" if target.label else "inner_text()"
            self.emit(f"v[{target.as_!r}] = {self.locator(target)}.{read}")
        elif isinstance(action, (model.Expect, model.Wait)):
            timeout = (f", timeout={target.timeout * 1000:.0f}"
                       if isinstance(action, model.Wait) else "")
            self.expect(target, timeout)

    def expect(self, spec: model.Expectation, timeout: str) -> None:
        """The same assertions as guidegen's Performer.expect, as plain `expect` calls."""
        loc = spec.target()
        if loc is None:
            self.emit(f"expect(page.locator('body')).to_contain_text({self.text(spec.text)}{timeout})")
            return
        target = self.locator(loc) + ".first"
        if spec.visible is False:
            self.emit(f"expect({target}).to_be_hidden({timeout.lstrip(', ')})")
            return
        if spec.text is not None:
            self.emit(f"expect({target}).to_contain_text({self.text(spec.text)}{timeout})")
        if spec.value is not None:
            self.emit(f"expect({target}).to_have_value({self.text(spec.value)}{timeout})")
        if spec.checked is not None:
            self.emit(f"expect({target}).to_be_checked(checked={spec.checked}{timeout})")
        if spec.visible or (spec.text is None and spec.value is None and spec.checked is None):
            self.emit(f"expect({target}).to_be_visible({timeout.lstrip(', ')})")

    def shot(self, step: RStep) -> None:
        shot = step.screenshot
        portal = shot.portal or step.portal
        if portal != self.portal:
            self.emit(f"page = tab({portal!r})")
        path = f"OUT / {shot.name + '.png'!r}"
        if shot.of == "viewport":
            self.emit(f"timed_shot(lambda: page.screenshot(path={path}))")
        elif shot.of == "page":
            self.emit(f"timed_shot(lambda: page.screenshot(path={path}, full_page=True))")
        else:
            pad = shot.padding
            sides = ((pad, pad, pad, pad) if isinstance(pad, int)
                     else (pad.top, pad.right, pad.bottom, pad.left))
            self.emit(f"timed_shot(lambda: shot(page, {self.locator(shot.of)}, {sides}, {path}))")
        if portal != self.portal:
            self.emit(f"page = tab({self.portal!r})")

    def step(self, step: RStep) -> None:
        self.portal = step.portal
        self.lines.append(f"    # {step.id}")
        self.emit(f"begin({step.id!r})")
        self.emit(f"page = tab({step.portal!r})")
        shot = step.screenshot
        at = len(step.actions) if shot is None or shot.after_action is None else shot.after_action
        for index, action in enumerate(step.actions):
            if shot and index == at:
                self.shot(step)
            self.action(action)
        if shot and at >= len(step.actions):
            self.shot(step)

    def source(self) -> str:
        for step in self.guide.all_steps():
            self.step(step)
        body = "\n".join(self.lines)
        return FLOOR_TEMPLATE.format(guide=self.guide.id, launch=LAUNCH_ARGS,
                                     context=CONTEXT_ARGS, clock=SIM_CLOCK.isoformat(),
                                     timeout=STEP_TIMEOUT_MS, body=body)


FLOOR_TEMPLATE = '''"""The floor for guide {guide}: what a person would write in plain Playwright.

Generated by bench/verify_bench.py from the step models; run `python verify_floor.py OUT_DIR`.
Prints {{"startup": s, "steps": {{step: s}}, "shots": s}} as JSON on stdout.
"""

import datetime
import json
import math
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from portalsim import start_simulators  # noqa: E402

OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)
# Scrolled into view, then its box in page coordinates and the document's size, in one round
# trip. Page coordinates and full_page, so that a padded box reaching past the fold is not cut.
BOX = ("e => {{ e.scrollIntoView({{block: 'nearest', inline: 'nearest'}});"
       " const r = e.getBoundingClientRect(), d = document.documentElement;"
       " return [r.left + scrollX, r.top + scrollY, r.width, r.height, d.scrollWidth, d.scrollHeight]; }}")


def shot(page, target, padding, path):
    top, right, bottom, left = padding
    x, y, w, h, dw, dh = target.evaluate(BOX)
    x0, y0 = max(math.floor(x - left), 0), max(math.floor(y - top), 0)
    x1, y1 = min(math.ceil(x + w + right), dw), min(math.ceil(y + h + bottom), dh)
    clip = {{"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}}
    page.screenshot(path=path, clip=clip, full_page=True)


times, shots, current = {{}}, [0.0], [None, 0.0]


def begin(step):
    now = time.perf_counter()
    if current[0]:
        times[current[0]] = now - current[1]
    current[:] = [step, now]


def timed_shot(take):
    start = time.perf_counter()
    take()
    shots[0] += time.perf_counter() - start


# Warmed as verify starts them (its SCIM service imported behind the first pages).
with start_simulators(warm=True) as sims, sync_playwright() as pw:
    browser = pw.chromium.launch(**{launch!r})
    context = browser.new_context(**{context!r})
    # The runner stops the pages' clock at the same instant on the simulators.
    context.clock.set_fixed_time(datetime.datetime.fromisoformat({clock!r}))
    context.set_default_timeout({timeout})
    expect.set_options(timeout={timeout})
    base = {{"azure": sims.azure_url, "zenkit": sims.zenkit_url}}
    pages, front, v = {{}}, [None], {{}}

    def tab(portal):
        """One tab per portal, as the guide copies values between them; the tab in use in
        front, since a background tab gets no animation frames."""
        if portal not in pages:
            pages[portal] = context.new_page()
        if pages[portal] is not front[0]:
            pages[portal].bring_to_front()
            front[0] = pages[portal]
        return pages[portal]

    startup = time.perf_counter() - STARTED
{body}
    begin(None)
    browser.close()
print(json.dumps({{"startup": startup, "steps": times, "shots": shots[0]}}))
'''


# ── Where the time goes: one instrumented in-process run ────────────────────────────────────


def diagnose(root: Path, report: Path, guide: str) -> None:
    """Run `guidegen verify` in this process with timers around its parts; print JSON."""
    started = time.perf_counter()
    import oxipng
    import pytest
    from playwright.sync_api import Page

    from guidegen import capture as cap
    from guidegen.verify import actions, pytest_plugin, traces
    from guidegen.verify.run import run_pytest

    totals: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)

    def timer(label, func, key=None):
        def timed(*args, **kwargs):
            name = key(*args, **kwargs) if key else label
            t = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                totals[name] += time.perf_counter() - t
                counts[name] += 1
        return timed

    pytest_plugin.capture = timer("capture()", pytest_plugin.capture)
    cap._tag_elements = timer("capture: find and tag target, highlights, masks", cap._tag_elements)
    Page.evaluate = timer("page.evaluate (the capture's overlays)", Page.evaluate)
    Page.screenshot = timer("capture: page.screenshot (full_page + clip)", Page.screenshot)
    cap.decode = timer("capture: decode PNG", cap.decode)
    cap.oxipng = type("oxipng", (), {
        "optimize_from_memory": staticmethod(timer("capture: oxipng optimise",
                                                   oxipng.optimize_from_memory)),
        "StripChunks": oxipng.StripChunks})
    cap.write_atomic = timer("write PNG atomically (fsync)", cap.write_atomic)
    pytest_plugin.same_as_baseline = timer("compare with the baseline",
                                           pytest_plugin.same_as_baseline)
    pytest_plugin.store_png = timer("promote baseline (store_png)", pytest_plugin.store_png)
    actions.Performer.harvest = timer("after each action: learn the secrets the page shows",
                                      actions.Performer.harvest)
    actions.Performer._run_once = timer(
        "", actions.Performer._run_once,
        key=lambda self, index, action: f"action: {model.action_kind(action)}")
    traces.start = timer("trace start", traces.start)
    traces.stop = timer("trace stop", traces.stop)
    pytest_plugin.GuideFile.start = timer("guide start (new context, trace)",
                                          pytest_plugin.GuideFile.start)
    pytest_plugin.write_reports = timer("write reports (JSON, HTML, Markdown)",
                                        pytest_plugin.write_reports)
    pytest_plugin.update_status = timer("update status.json", pytest_plugin.update_status)

    phases: dict[str, float] = defaultdict(float)
    marks: dict[str, float] = {}

    class Phases:
        @pytest.hookimpl(tryfirst=True)
        def pytest_collection_finish(self, session):
            marks["collected"] = time.perf_counter()

        def pytest_runtest_logreport(self, report):
            phases[report.when] += report.duration
            if report.when == "setup" and "first_setup" not in marks:
                marks["first_setup"] = report.duration

        @pytest.hookimpl(tryfirst=True)
        def pytest_sessionfinish(self, session):
            marks["tests_done"] = time.perf_counter()

    main = pytest.main
    pytest.main = lambda args, plugins=None: main(args, plugins=[*(plugins or []), Phases()])
    imported = time.perf_counter()
    code = run_pytest(root, (guide,), target="sim", azure_ui="2020", faults=(), workers="0",
                      report_dir=report, step_timeout=10.0, update_screenshots=True,
                      skip_outcome=True, plan_claims=False)
    done = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "code": code, "wall": done - started,
        "cpu: this Python process (pytest, plugin, Playwright client, simulators)":
            time.process_time(),
        "cpu: Playwright driver and Chromium": children.ru_utime + children.ru_stime,
        "imports": imported - started,
        "pytest start and collection": marks["collected"] - imported,
        "first setup (simulators, browser)": marks["first_setup"],
        "setup": phases["setup"], "call": phases["call"], "teardown": phases["teardown"],
        "session finish (reports, status)": done - marks["tests_done"],
        "parts": {k: {"seconds": totals[k], "calls": counts[k]} for k in sorted(totals)},
    }))


# ── The measurements ───────────────────────────────────────────────────────────────────────


def step_times(junit: Path) -> dict[str, float]:
    """Seconds per step (setup + call + teardown) from pytest's JUnit XML."""
    return {case.get("name"): float(case.get("time"))
            for case in ET.parse(junit).getroot().iter("testcase")}


def image_sizes(folder: Path) -> dict[str, tuple[int, int]]:
    sizes = {}
    for png in sorted(folder.glob("*.png")):
        with Image.open(png) as image:
            sizes[png.stem] = list(image.size)
    return sizes


def compare_crops(baselines: Path, floor: Path) -> dict:
    """Each shot's size as guidegen keeps it and as the floor took it. guidegen's side is the
    guide's baselines after an `--update-screenshots` run that passed: each is the run's
    capture, or (when the capture differed only by rendering noise, which GuideRun.promote
    does not write) a picture of the same size, since a change of size is always refreshed."""
    # The floor takes the source language's shots: another language's (name.de.png) has
    # nothing to compare with.
    ours = {name: size for name, size in image_sizes(baselines).items() if "." not in name}
    theirs = image_sizes(floor)
    shots = {name: {"guidegen": ours.get(name), "floor": theirs.get(name)}
             for name in sorted(set(ours) | set(theirs))}
    return {"same": bool(shots) and all(s["guidegen"] == s["floor"] for s in shots.values()),
            "differ": [name for name, s in shots.items() if s["guidegen"] != s["floor"]],
            "shots": shots}


def measure_floor(work: Path, runs: int, no_trace: bool) -> dict:
    project = copy_project(work / "project")
    catalog = load_catalog(Layout(project).steps, project)
    guide = next(g for g in catalog.guides if g.id == SEED)
    floor = OUT / "verify_floor.py"
    floor.write_text(FloorWriter(guide).source(), encoding="utf-8")
    shots = sum(s.screenshot is not None for s in guide.all_steps())
    actions = sum(len(s.actions) for s in guide.all_steps())

    def guidegen(*options: str):
        def run(round_: int) -> ChildRun:
            # A fresh report folder each run, as in CI: nothing is carried over between runs.
            report = work / f"report{'-'.join(options)}-{round_}"
            child = run_child([str(BIN / "guidegen"), "verify", "--root", str(project),
                               "--skip-outcome", "--no-plan-claims", "--update-screenshots",
                               "--report-dir",
                               str(report), *options, SEED], project, OUT / "verify-guidegen.log")
            record.passed_steps(0, report, f"guidegen verify {SEED} {' '.join(options)}")
            if not options:
                junits.append(step_times(report / "junit.xml"))
            return child
        return run

    def floor_run(round_: int) -> ChildRun:
        run = run_child([sys.executable, str(floor), str(work / f"floor-{round_}")], work,
                        OUT / "verify-floor.log")
        floor_reports.append(json.loads(run.stdout.strip().splitlines()[-1]))
        return run

    junits: list[dict[str, float]] = []
    floor_reports: list[dict] = []
    progress("1. seed guide: guidegen verify against the bare Playwright floor")
    progress("  warm-up (untimed): one run of each")
    guidegen()(-1)
    floor_run(-1)
    junits.clear()
    floor_reports.clear()
    sides = {"guidegen": guidegen(), "floor": floor_run}
    if no_trace:
        sides["guidegen --no-trace"] = guidegen("--no-trace")
    # Right after the warm-ups, which refreshed the baselines and took the floor's shots.
    crops = compare_crops(project / "screenshots" / SEED, work / "floor--1")
    runs_ = alternate(sides, runs, "seed guide")
    steps = [s.id for s in guide.all_steps()]
    return {
        "project": project,
        "steps": len(steps), "actions": actions, "shots": shots,
        "guidegen": runs_["guidegen"], "floor": runs_["floor"],
        "ratio_wall": paired(runs_["guidegen"], runs_["floor"], "wall"),
        "ratio_cpu": paired(runs_["guidegen"], runs_["floor"], "cpu"),
        "no_trace": runs_.get("guidegen --no-trace"),
        "no_trace_ratio_wall": (paired(runs_["guidegen --no-trace"], runs_["floor"], "wall")
                                if no_trace else None),
        "no_trace_ratio_cpu": (paired(runs_["guidegen --no-trace"], runs_["floor"], "cpu")
                               if no_trace else None),
        "per_step": {s: {"guidegen": Stats([j[s] for j in junits]),
                         "floor": Stats([f["steps"][s] for f in floor_reports])} for s in steps},
        "floor_startup": Stats([f["startup"] for f in floor_reports]),
        "floor_shots": Stats([f["shots"] for f in floor_reports]),
        "crops": crops,
    }


def measure_scaling(work: Path, source: Path, guides: int, runs: int) -> dict:
    project = work / "many"
    ids = many_guides(source, project, guides)
    progress(f"2. {guides} guides: -n 2 against serial")

    def verify(workers: str):
        def run(round_: int) -> ChildRun:
            report = work / f"many-{workers}-{round_}"
            child = run_child([str(BIN / "guidegen"), "verify", "--root", str(project),
                               "--skip-outcome", "--no-plan-claims", "-n", workers,
                               "--report-dir", str(report)],
                              project, OUT / f"verify-many-{workers}.log")
            record.passed_steps(0, report, f"{len(ids)} guides, -n {workers}")
            return child
        return run

    runs_ = alternate({"serial": verify("0"), "2 workers": verify("2")}, runs, f"{guides} guides")
    return {"guides": len(ids), "serial": runs_["serial"], "parallel": runs_["2 workers"],
            "speedup_wall": paired(runs_["serial"], runs_["2 workers"], "wall"),
            "cpu_ratio": paired(runs_["2 workers"], runs_["serial"], "cpu")}


def ceiling(scale: dict, cores: int) -> Stats:
    """The speed-up two workers could reach per round, whatever guidegen does: a serial run
    keeps cpu/wall cores busy, and only the cores that other work left free were there to
    share (unless each guide costs less CPU)."""
    return Stats([min(2.0, (cores - par.others) / (ser.cpu / ser.wall))
                  for ser, par in zip(scale["serial"], scale["parallel"], strict=True)])


def measure_breakdown(work: Path, project: Path) -> dict:
    progress("3. one instrumented in-process run of the seed guide")
    run = run_child([sys.executable, __file__, "--diagnose", str(project),
                     str(work / "report-diagnose")], project, OUT / "verify-diagnose.log")
    diag = json.loads(run.stdout.strip().splitlines()[-1])
    if diag["code"] != 0:
        raise record.RunFailed(f"the instrumented run exited with {diag['code']}")
    return diag


# ── Reporting ──────────────────────────────────────────────────────────────────────────────


def wall(runs: list[ChildRun]) -> Stats:
    return Stats([r.wall for r in runs])


def cpu(runs: list[ChildRun]) -> Stats:
    return Stats([r.cpu for r in runs])


def table(rows: list[tuple[str, ...]]) -> list[str]:
    """A Markdown table; it reads as well on a terminal."""
    width = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, width, strict=True)) + " |"  # noqa: E731
    return [line(rows[0]), "|" + "|".join("-" * (w + 2) for w in width) + "|",
            *map(line, rows[1:])]


def others(runs: list[ChildRun]) -> str:
    return f"{statistics.median(r.others for r in runs):.2f}"


def summary_rows(seed: dict, scale: dict | None) -> list[tuple[str, ...]]:
    rows = [("", "wall, median (min–max)", "CPU, median (min–max)", "other work, cores"),
            (f"guidegen verify, seed guide ({seed['steps']} steps, {seed['shots']} shots)",
             wall(seed["guidegen"]).show(), cpu(seed["guidegen"]).show(), others(seed["guidegen"])),
            ("bare Playwright floor, same actions and shots",
             wall(seed["floor"]).show(), cpu(seed["floor"]).show(), others(seed["floor"])),
            (f"**guidegen / floor** (goal ≤ {RATIO_GOAL}×)",
             f"**{seed['ratio_wall'].show_ratio()}**", seed["ratio_cpu"].show_ratio(), "")]
    if seed["no_trace"]:
        rows += [("guidegen verify `--no-trace`", wall(seed["no_trace"]).show(),
                  cpu(seed["no_trace"]).show(), others(seed["no_trace"])),
                 (f"guidegen `--no-trace` / floor (goal ≤ {NO_TRACE_GOAL}×)",
                  seed["no_trace_ratio_wall"].show_ratio(),
                  seed["no_trace_ratio_cpu"].show_ratio(), "")]
    if scale:
        n = scale["guides"]
        rows += [(f"{n} guides, serial", wall(scale["serial"]).show(), cpu(scale["serial"]).show(),
                  others(scale["serial"])),
                 (f"{n} guides, `-n 2`", wall(scale["parallel"]).show(),
                  cpu(scale["parallel"]).show(), others(scale["parallel"])),
                 (f"**speed-up, 2 workers** (goal ≥ {SPEEDUP_GOAL}×)",
                  f"**{scale['speedup_wall'].show_ratio()}**",
                  f"{scale['cpu_ratio'].show_ratio()} of serial", ""),
                 ("speed-up the free cores allowed (free cores ÷ cores a serial run keeps busy)",
                  scale["ceiling"].show_ratio(),
                  f"{statistics.median(r.cpu / r.wall for r in scale['serial']):.2f} cores busy "
                  "(serial)", "")]
    return rows


def step_rows(seed: dict) -> list[tuple[str, ...]]:
    rows = [("step", "guidegen, mean", "floor, mean", "ratio")]

    def row(name: str, ours: float, floor: float, unit: str = "s", digits: int = 3):
        rows.append((name, f"{ours:.{digits}f} {unit}", f"{floor:.{digits}f} {unit}",
                     f"{ours / floor:.2f}×"))

    for step, both in seed["per_step"].items():
        row(step, statistics.mean(both["guidegen"].runs), statistics.mean(both["floor"].runs))
    ours = sum(statistics.mean(b["guidegen"].runs) for b in seed["per_step"].values())
    floor = sum(statistics.mean(b["floor"].runs) for b in seed["per_step"].values())
    row("all steps", ours, floor, digits=2)
    # The rest of each run: interpreter, imports, simulators, browser, closing, reports.
    row("outside the steps (start-up, shut-down, reports)",
        statistics.mean(r.wall for r in seed["guidegen"]) - ours,
        statistics.mean(r.wall for r in seed["floor"]) - floor, digits=2)
    return rows


def breakdown_rows(diag: dict) -> list[tuple[str, ...]]:
    rows = [("part of one guidegen run (in-process, instrumented)", "seconds", "calls")]
    for key in ("imports", "pytest start and collection", "first setup (simulators, browser)",
                "call", "teardown", "session finish (reports, status)"):
        rows.append((key if key != "call" else "steps (pytest call phase)", f"{diag[key]:.2f}", ""))
    rows.append(("of the steps:", "", ""))
    for name, part in sorted(diag["parts"].items(), key=lambda kv: -kv[1]["seconds"]):
        rows.append((f"  {name}", f"{part['seconds']:.2f}", str(part["calls"])))
    rows.append(("total wall", f"{diag['wall']:.2f}", ""))
    rows += [(key, f"{value:.2f}", "") for key, value in diag.items() if key.startswith("cpu: ")]
    return rows


def overhead(seed: dict, diag: dict) -> str:
    """Roughly what guidegen adds over the floor: in the steps and around them (the timed
    runs' means), and what the instrumented run says of the secrets learnt after each action."""
    def mean(side: str) -> float:
        return statistics.mean(r.wall for r in seed[side])

    steps = {side: sum(statistics.mean(b[side].runs) for b in seed["per_step"].values())
             for side in ("guidegen", "floor")}
    added = mean("guidegen") - mean("floor")
    in_steps = steps["guidegen"] - steps["floor"]
    harvest = diag["parts"].get("after each action: learn the secrets the page shows")
    text = (f"Roughly, guidegen adds {added:.1f} s per run to the floor (means): {in_steps:.1f} s "
            f"in the steps and {added - in_steps:.1f} s around them (start-up, shut-down, "
            "reports)")
    if harvest:
        text += (f"; learning after each action the secrets its page shows took "
                 f"{harvest['seconds']:.1f} s in {harvest['calls']} calls of the instrumented run "
                 "(each waits for the page its action opened, as the floor's next action does)")
    if seed["no_trace"]:
        trace = mean("guidegen") - mean("no_trace")
        text += (f"; a passing guide records no trace, so the default and `--no-trace` runs "
                 f"differ by noise ({trace:+.1f} s here)")
    return text + "."


def verdict(ratios: Stats, goal: float, higher_is_better: bool) -> str:
    """"met" or "not met" when the whole interval for the median is on one side of the goal;
    "unclear" when the goal lies inside it: the runs spread too widely (other work on the
    machine) to tell, and more rounds, on a quieter machine, would."""
    low, high = record.median_interval(ratios.runs)
    if (low >= goal) if higher_is_better else (high <= goal):
        return "met"
    if (high < goal) if higher_is_better else (low > goal):
        return "not met"
    return "unclear"


def markdown(result: dict, seed: dict, scale: dict | None, diag: dict | None) -> str:
    lines = [
        "## Verify: guidegen against a bare Playwright script",
        "",
        f"Measured by `bench/verify_bench.py` on {result['machine']['cpus']} cores "
        f"(load average {result['machine']['load_average_at_start'][0]:.1f} at the start), "
        f"{result['runs']} alternating runs of each, every run a fresh process that pays its own "
        "start-up (Python, simulators, Chromium). Figures are medians, with the spread (min–max) "
        "in brackets; ratios are taken per round, so both sides of a ratio saw the same outside "
        "load. *Other work* is how many cores the rest of the machine kept busy during the runs "
        "(from /proc/stat, less the run's own CPU): the higher, the less the wall times mean.",
        "",
        *table(summary_rows(seed, scale)),
        "",
        f"- **The floor** is a Playwright script generated from the same step models "
        f"(`bench/out/verify_floor.py`): the same simulators, Chromium flags and context "
        f"(1280×800), the same {seed['actions']} actions as literal `get_by_role` / `get_by_label` "
        f"calls, and the same {seed['shots']} padded element shots through "
        "`page.screenshot(clip=...)`, but no drift detection, no retries, no highlights or masks, "
        "no visual diff, no PNG optimisation, no trace and no reports. The ratio is what "
        "everything guidegen adds on top of driving the browser costs.",
        f"- **guidegen** is `guidegen verify --skip-outcome --update-screenshots "
        f"{SEED}` on a copy of the project.",
    ]
    if scale:
        lines.append(
            f"- **Scaling**: {scale['guides']} copies of the seed guide (with their baselines, so "
            "each shot is also diffed), `guidegen verify --skip-outcome -n 2` against serial. "
            "Each worker starts its own simulators and Chromium. A run is mostly CPU-bound, so "
            "the cores that other work leaves free bound the speed-up, whatever guidegen does: "
            "the last row is that bound, per round, from the serial run's CPU use and the other "
            "work during the parallel run.")
    lines += ["", "Per step, mean of the timed runs (guidegen: the pytest call phase from its "
              "JUnit XML; the floor: its own clock, shots included):", "",
              *table(step_rows(seed))]
    if diag:
        lines += ["", "Where one guidegen run's time goes (an instrumented run in one process; "
                  "nested parts are included in their parents):", "", *table(breakdown_rows(diag)),
                  "", overhead(seed, diag)]
    return "\n".join(lines) + "\n"


def to_json(value):
    if isinstance(value, Stats):
        return value.as_dict()
    if isinstance(value, ChildRun):
        return {"wall": value.wall, "cpu": value.cpu, "other_work_cores": value.others}
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, Path):
        return None
    return value


def from_json(value):
    """The inverse of to_json, for --render."""
    if isinstance(value, dict):
        if value.keys() == {"median", "min", "max", "runs"}:
            return Stats(value["runs"])
        if value.keys() == {"wall", "cpu", "other_work_cores"}:
            return ChildRun(value["wall"], value["cpu"], value["other_work_cores"], "")
        return {k: from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json(v) for v in value]
    return value


def machine() -> dict:
    """What the tables quote; bench/record.py saves the rest (commit, machine, load)."""
    return {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}


# ── Main ───────────────────────────────────────────────────────────────────────────────────


def run_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each side (median)")
    parser.add_argument("--guides", type=int, default=20, help="guides in the scaling project")
    parser.add_argument("--scaling-repeat", type=int, default=3,
                        help="timed runs of the scaling project, each way (median)")
    parser.add_argument("--skip-scaling", action="store_true", help="only the seed guide")
    parser.add_argument("--skip-no-trace", action="store_true",
                        help="do not also time the seed guide with --no-trace")
    parser.add_argument("--render", action="store_true",
                        help="measure nothing: rewrite bench/out/verify.md from the figures "
                        "in bench/results/verify.json")
    parser.add_argument("--diagnose", nargs=2, metavar=("ROOT", "REPORT_DIR"),
                        help=argparse.SUPPRESS)  # the instrumented child run
    args = parser.parse_args(argv)
    if args.diagnose:
        diagnose(Path(args.diagnose[0]), Path(args.diagnose[1]), SEED)
        return 0
    if args.render:
        saved = json.loads((record.RESULTS / "verify.json").read_text(encoding="utf-8"))
        result = from_json(saved["figures"])
        report(result, result["seed"], result["scaling"], result["breakdown"], None, None,
               final=True)
        return 0

    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    recording = record.Recording("verify", {k: v for k, v in vars(args).items()
                                            if k not in ("render", "diagnose")})
    result = {"machine": machine(), "runs": args.repeat, "scaling_runs": args.scaling_repeat}
    with tempfile.TemporaryDirectory(prefix="verify-bench-") as tmp:
        work = Path(tmp)
        seed = measure_floor(work, args.repeat, not args.skip_no_trace)
        diag = measure_breakdown(work, seed["project"])
        # Saved now as well, so that the seed figures survive an interrupted scaling run.
        report(result, seed, None, diag, started, recording, final=args.skip_scaling)
        if not args.skip_scaling:
            scale = measure_scaling(work, seed["project"], args.guides, args.scaling_repeat)
            report(result, seed, scale, diag, started, recording, final=True)
    return 0


def report(result: dict, seed: dict, scale: dict | None, diag: dict, started: float | None,
           recording: record.Recording | None, final: bool) -> None:
    if scale is not None:
        scale["ceiling"] = ceiling(scale, result["machine"]["cpus"])
    result.update(seed=seed, scaling=scale, breakdown=diag)
    result["goals"] = {
        "ratio": {"goal": RATIO_GOAL, "median": seed["ratio_wall"].median,
                  "verdict": verdict(seed["ratio_wall"], RATIO_GOAL, False)},
        "no_trace_ratio": None if not seed["no_trace"] else {
            "goal": NO_TRACE_GOAL, "median": seed["no_trace_ratio_wall"].median,
            "verdict": verdict(seed["no_trace_ratio_wall"], NO_TRACE_GOAL, False)},
        "speedup": None if scale is None else {
            "goal": SPEEDUP_GOAL, "median": scale["speedup_wall"].median,
            "verdict": verdict(scale["speedup_wall"], SPEEDUP_GOAL, True)},
    }
    if started is not None:
        result["seconds"] = time.perf_counter() - started
    text = markdown(result, seed, scale, diag)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "verify.md").write_text(text, encoding="utf-8")
    # --render measures nothing, so it saves nothing: the figures stay the saved run's.
    saved = recording.save(to_json(result)) if recording else record.RESULTS / "verify.json"
    if not final:
        progress(f"  seed figures written to {OUT / 'verify.md'}; scaling next")
        return
    print(text)
    crops = seed["crops"]
    print(f"crop sizes, guidegen against the floor: "
          f"{'the same' if crops['same'] else 'differ for ' + ', '.join(crops['differ'])}"
          f" ({len(crops['shots'])} shots)")
    no_trace = result["goals"]["no_trace_ratio"]
    print(f"ratio goal ≤ {RATIO_GOAL}×: {result['goals']['ratio']['verdict']}"
          + ("" if no_trace is None else
             f"; --no-trace ratio goal ≤ {NO_TRACE_GOAL}×: {no_trace['verdict']}")
          + ("" if scale is None else
             f"; speed-up goal ≥ {SPEEDUP_GOAL}×: {result['goals']['speedup']['verdict']}"))
    print(f"benchmark took {result['seconds']:.0f} s; figures in {saved} and {OUT / 'verify.md'}")


if __name__ == "__main__":
    sys.exit(record.main(run_bench))
