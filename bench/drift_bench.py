"""Does verification give the right verdict for realistic portal changes, and for faults?

A benchmark, not a test: `.venv/bin/python bench/drift_bench.py` runs the drift corpus
(`simulators/portalsim/drift.py`, `python -m portalsim --list-drift`): for each scenario one
`guidegen verify --drift NAME` as its own process, on a fresh scratch copy of the project's
steps/ and screenshots/ (nothing in the repository is touched), then compares the verdict
with the scenario's expectation. It measures:

1. Right class and right step: the verdict of a run is its first failing step, visual drift
   excepted when a later step fails for another reason. A change shows in every earlier
   screenshot of its page ("Test connection" is in the shot of the blade two steps before
   the step that clicks it), so visual drift there is a true symptom but never the verdict
   while a structural, outcome or error finding names where the change happened.
2. False alarms: `--clean-runs N` (default 10) runs of every guide with no scenario; any
   failed step is a false alarm.
3. Faults reported as drift: fault and slow scenarios whose verdict is anything but an error.
4. Repairs: for renames and moves, `guidegen fix REPORT --drift NAME` on the scratch copy,
   then verify again with the scenario; repaired when nothing but visual drift fails up to
   and including the changed step.

Each run is bounded: only the expected guide (a guide that requires another performs that
one's steps first), all guides when a pass is expected; `--skip-outcome` unless the
expectation is an outcome step or a pass; `--step-timeout 5` for slow pages (they take 15 s);
no Playwright traces; no plan-claim runs where the engine has `--no-plan-claims`. Goals
(issue 10): 100 % right class, >= 90 % right step, 0 false alarms, 0 faults as drift.

Exit status 1 when any verify or fix run crashed (an exit code other than 0, 1 or 3 for
verify, 0 or 1 for fix, or no results.json): the figures would not mean anything. Figures go
to bench/results/drift.json (`--json`), with the commit, the machine and the date.
`--only a,b` runs some scenarios, `--clean-runs 0` skips the clean runs, `--no-fix` the repairs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import record
from portalsim import drift as corpus

from guidegen.load import load_catalog
from guidegen.project import Layout

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results" / "drift.json"
SLOW_STEP_TIMEOUT = 5.0  # seconds; the corpus's slow pages take 15
RUN_TIMEOUT = 900        # seconds a single verify or fix may take before it counts as a crash
VERIFY_OK = (0, 1, 3)
FIX_OK = (0, 1)
# Verdicts that send a writer to the guide: a fault reported as any of them is a false drift.
DRIFT_CLASSES = (corpus.STRUCTURE, corpus.VISUAL, corpus.OUTCOME, "plan claim")
GOALS = {"right_class": 1.0, "right_step": 0.9, "false_alarms": 0, "faults_as_drift": 0}
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CI": "1"}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ── One verify run ──────────────────────────────────────────────────────────────────────────


@dataclass
class Verdict:
    guide: str | None
    step: str | None
    verdict: str
    message: str = ""

    def short(self) -> str:
        if self.verdict == corpus.PASS:
            return corpus.PASS
        guide = "" if self.guide == corpus.SEED else f"{self.guide}:"
        return f"{self.verdict} @ {guide}{self.step}"


@dataclass
class Run:
    argv: list[str]
    exit: int | None
    seconds: float
    steps: list[dict] = field(default_factory=list)
    crashed: str | None = None  # why the run does not count
    log: str = ""  # the end of pytest's output when a step failed: its short summary

    @property
    def failed(self) -> list[dict]:
        """Failed steps of the plain run, in order (plan-claim runs of a guide left out)."""
        return [s for s in self.steps if s["status"] == "failed" and not s.get("plan")]

    def verdict(self) -> Verdict:
        failed = self.failed
        if not failed:
            return Verdict(None, None, corpus.PASS)
        chosen = next((s for s in failed if _kind(s) != corpus.VISUAL), failed[0])
        return Verdict(chosen["guide"], chosen["step"], _kind(chosen),
                       (chosen.get("finding") or {}).get("message", ""))

    def first_failure(self) -> Verdict | None:
        failed = self.failed
        return Verdict(failed[0]["guide"], failed[0]["step"], _kind(failed[0])) if failed else None


def _kind(step: dict) -> str:
    return (step.get("finding") or {}).get("kind") or "failed without a finding"


def run_guidegen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegen.cli", *args], cwd=cwd, env=ENV,
                          capture_output=True, text=True, check=False, timeout=RUN_TIMEOUT)


def verify(project: Path, report: Path, options: list[str], guides: list[str]) -> Run:
    argv = ["verify", "--root", str(project), "--report-dir", str(report), *options, *guides]
    start = time.perf_counter()
    try:
        done = run_guidegen(*argv, cwd=project)
    except subprocess.TimeoutExpired:
        return Run(argv, None, time.perf_counter() - start, crashed=f"no exit after {RUN_TIMEOUT} s")
    run = Run(argv, done.returncode, time.perf_counter() - start,
              log=_tail(done.stdout, 12) if done.returncode else "")
    results = report / "results.json"
    if done.returncode not in VERIFY_OK:
        run.crashed = f"exit {done.returncode}: {_tail(done.stderr)}"
    elif not results.exists():
        run.crashed = f"exit {done.returncode} but no results.json: {_tail(done.stderr)}"
    else:
        run.steps = json.loads(results.read_text("utf-8"))["steps"]
    return run


def _tail(text: str, lines: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def scratch_project(where: Path) -> Path:
    project = where / "project"
    for folder in ("steps", "screenshots"):
        shutil.copytree(REPO / folder, project / folder)
    return project


def digest(folder: Path) -> str:
    sha = hashlib.sha1()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            sha.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


# ── Scenarios ───────────────────────────────────────────────────────────────────────────────


def plan_claims_option() -> list[str]:
    """Plan-claim runs repeat each guide per plan: not what this benchmark measures. Older
    engines have no such runs by default, and no option to turn them off."""
    done = run_guidegen("verify", "--help", cwd=REPO)
    return ["--no-plan-claims"] if "--no-plan-claims" in done.stdout else []


def options_for(scenario: corpus.Scenario, outcome_steps: set[tuple[str, str]],
                common: list[str]) -> tuple[list[str], list[str]]:
    """(verify options, guide ids) that keep a scenario's run as short as its verdict allows."""
    expected = scenario.expected
    options = [*common, "--drift", scenario.name]
    if expected.verdict != corpus.PASS and (expected.guide, expected.step) not in outcome_steps:
        options.append("--skip-outcome")
    if scenario.kind == "slow":
        options += ["--step-timeout", str(SLOW_STEP_TIMEOUT)]
    guides = [] if expected.verdict == corpus.PASS else [expected.guide]
    return options, guides


def step_order(catalog) -> dict[tuple[str, str], tuple[str, int]]:
    """Where each step comes in a run's results: guides by id, steps then outcome steps."""
    order = {}
    for guide in catalog.guides:
        for index, step in enumerate([*guide.all_steps(), *guide.outcome]):
            order[(guide.id, step.id)] = (guide.id, index)
    return order


def got_past(run: Run, expected: corpus.Expected, order: dict) -> bool:
    """Nothing but visual drift fails up to and including the step the change was at."""
    at = order[(expected.guide, expected.step)]
    return all(_kind(s) == corpus.VISUAL or order.get((s["guide"], s["step"]), at) > at
               for s in run.failed)


def run_scenario(scenario: corpus.Scenario, tmp: Path, outcome_steps: set, order: dict,
                 common: list[str], fix: bool) -> dict:
    where = tmp / scenario.name
    project = scratch_project(where)
    options, guides = options_for(scenario, outcome_steps, common)
    run = verify(project, where / "report", options, guides)
    expected = scenario.expected
    result = {"name": scenario.name, "kind": scenario.kind, "expected": expected._asdict(),
              "options": options, "guides": guides, "exit": run.exit,
              "seconds": round(run.seconds, 1), "crashed": run.crashed, "log": run.log}
    if run.crashed:
        progress(f"  CRASH {scenario.name}: {run.crashed}")
        return result
    got = run.verdict()
    first = run.first_failure()
    result.update(
        got=asdict(got), first_failure=asdict(first) if first else None,
        right_class=got.verdict == expected.verdict,
        right_step=(got.guide, got.step) == (expected.guide, expected.step),
    )
    if fix and scenario.kind in ("rename", "move"):
        result["fix"] = repair(scenario, project, where, options, guides, order)
    return result


def repair(scenario: corpus.Scenario, project: Path, where: Path, options: list[str],
           guides: list[str], order: dict) -> dict:
    before = digest(project / "steps")
    start = time.perf_counter()
    try:
        done = run_guidegen("fix", "--root", str(project), str(where / "report"), *options,
                            cwd=project)
    except subprocess.TimeoutExpired:
        return {"exit": None, "crashed": f"no exit after {RUN_TIMEOUT} s", "repaired": False}
    outcome = {"exit": done.returncode, "seconds": round(time.perf_counter() - start, 1),
               "said": _tail(done.stderr, 12), "crashed": None, "edited": False,
               "repaired": False}
    if done.returncode not in FIX_OK:
        outcome["crashed"] = f"exit {done.returncode}: {_tail(done.stderr)}"
        progress(f"  CRASH fix {scenario.name}: {outcome['crashed']}")
        return outcome
    outcome["edited"] = digest(project / "steps") != before
    if not outcome["edited"]:
        return outcome  # the same files verify the same way: not repaired
    again = verify(project, where / "report-fixed", options, guides)
    outcome.update(reverify_exit=again.exit, reverify_crashed=again.crashed)
    if again.crashed:
        progress(f"  CRASH re-verify {scenario.name}: {again.crashed}")
        return outcome
    outcome["after"] = asdict(again.verdict())
    outcome["repaired"] = got_past(again, scenario.expected, order)
    return outcome


def clean_runs(n: int, tmp: Path) -> list[dict]:
    """Every guide, as the nightly verifies them (plan claims included where the engine runs
    them by default), with nothing changed: every failed step is a false alarm."""
    runs = []
    for i in range(1, n + 1):
        where = tmp / f"clean-{i}"
        run = verify(scratch_project(where), where / "report", ["--no-trace"], [])
        failed = [{"guide": s["guide"], "step": s["step"], "plan": s.get("plan"),
                   "kind": _kind(s), "message": (s.get("finding") or {}).get("message", "")}
                  for s in run.steps if s["status"] == "failed"]
        runs.append({"run": i, "exit": run.exit, "seconds": round(run.seconds, 1),
                     "steps": len(run.steps), "failed": failed, "crashed": run.crashed})
        progress(f"clean run {i}/{n}: exit {run.exit}, {len(run.steps)} steps, {len(failed)} "
                 f"failed, {run.seconds:.0f} s" + (f"  CRASH: {run.crashed}" if run.crashed else ""))
    return runs


# ── Report ──────────────────────────────────────────────────────────────────────────────────


def totals(results: list[dict], clean: list[dict]) -> dict:
    counted = [r for r in results if not r["crashed"]]
    faults = [r for r in counted if r["kind"] in ("fault", "slow")]
    fixable = [r for r in counted if "fix" in r]
    clean_counted = [c for c in clean if not c["crashed"]]
    return {
        "scenarios": len(results),
        "counted": len(counted),
        "right_class": sum(r["right_class"] for r in counted),
        "right_step": sum(r["right_step"] for r in counted),
        "clean_runs": len(clean_counted),
        "false_alarms": sum(bool(c["failed"]) for c in clean_counted),
        "fault_scenarios": len(faults),
        "faults_as_drift": sum(r["got"]["verdict"] in DRIFT_CLASSES for r in faults),
        "fix_scenarios": len(fixable),
        "fix_repaired": sum(r["fix"]["repaired"] for r in fixable),
        "crashes": [r["name"] for r in results if r["crashed"] or (r.get("fix") or {}).get("crashed")
                    or (r.get("fix") or {}).get("reverify_crashed")]
        + [f"clean-{c['run']}" for c in clean if c["crashed"]],
    }


def percent(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "-"


def table(results: list[dict]) -> str:
    rows = [("scenario", "kind", "expected", "got", "class", "step", "fix", "first failure", "s")]
    for r in results:
        expected = Verdict(**r["expected"]).short()
        if r["crashed"]:
            rows.append((r["name"], r["kind"], expected, "CRASHED", "-", "-", "-", "-",
                         f"{r['seconds']:.0f}"))
            continue
        fix = r.get("fix")
        fixed = ("-" if fix is None else "crashed" if fix.get("crashed") or fix.get("reverify_crashed")
                 else "repaired" if fix["repaired"] else "edited" if fix["edited"] else "no edit")
        first = r["first_failure"]
        same = first is None or [first[k] for k in ("guide", "step", "verdict")] == [
            r["got"][k] for k in ("guide", "step", "verdict")]
        first_text = "" if same else Verdict(**first).short()
        rows.append((r["name"], r["kind"], expected, Verdict(**r["got"]).short(),
                     "yes" if r["right_class"] else "NO", "yes" if r["right_step"] else "NO",
                     fixed, first_text, f"{r['seconds']:.0f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows)


def summary(t: dict) -> str:
    met = {
        "right_class": t["counted"] and t["right_class"] / t["counted"] >= GOALS["right_class"],
        "right_step": t["counted"] and t["right_step"] / t["counted"] >= GOALS["right_step"],
        "false_alarms": t["false_alarms"] <= GOALS["false_alarms"],
        "faults_as_drift": t["faults_as_drift"] <= GOALS["faults_as_drift"],
    }
    mark = {k: "goal met" if v else "goal missed" for k, v in met.items()}
    lines = [
        f"right class:            {percent(t['right_class'], t['counted'])}   "
        f"(goal 100 %: {mark['right_class']})",
        f"right step:             {percent(t['right_step'], t['counted'])}   "
        f"(goal >= 90 %: {mark['right_step']})",
        f"false alarms:           {t['false_alarms']} in {t['clean_runs']} clean runs   "
        f"(goal 0: {mark['false_alarms']})" if t["clean_runs"] else "false alarms:           no clean runs",
        f"faults as drift:        {t['faults_as_drift']} of {t['fault_scenarios']} fault and "
        f"slow scenarios   (goal 0: {mark['faults_as_drift']})",
        f"fix repairs:            {percent(t['fix_repaired'], t['fix_scenarios'])} of the renames "
        "and moves (re-verified)",
    ]
    if t["crashes"]:
        lines.append(f"CRASHED runs:           {', '.join(t['crashes'])}")
    return "\n".join(lines)


# ── Main ────────────────────────────────────────────────────────────────────────────────────


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="NAME,...", help="run only these scenarios")
    parser.add_argument("--clean-runs", type=int, default=10, metavar="N",
                        help="verify runs without any scenario, for false alarms (default 10)")
    parser.add_argument("--no-fix", action="store_true", help="skip the `guidegen fix` repairs")
    parser.add_argument("--json", type=Path, default=RESULTS, metavar="PATH",
                        help=f"where the figures go (default {RESULTS.relative_to(REPO)})")
    args = parser.parse_args(argv)
    scenarios = list(corpus.SCENARIOS)
    if args.only:
        try:
            scenarios = corpus.resolve(n.strip() for n in args.only.split(",") if n.strip())
        except ValueError as error:
            parser.error(str(error))

    started = time.perf_counter()
    load_before = list(os.getloadavg())
    catalog = load_catalog(Layout(REPO).steps, REPO)
    outcome_steps = {(g.id, s.id) for g in catalog.guides for s in g.outcome}
    order = step_order(catalog)
    common = ["--no-trace", *plan_claims_option()]
    results = []
    with tempfile.TemporaryDirectory(prefix="drift-bench-") as tmp:
        for n, scenario in enumerate(scenarios, 1):
            progress(f"[{n}/{len(scenarios)}] {scenario.name} ({scenario.kind}): expecting "
                     f"{scenario.expected}")
            result = run_scenario(scenario, Path(tmp), outcome_steps, order, common,
                                  fix=not args.no_fix)
            results.append(result)
            if not result["crashed"]:
                fix = result.get("fix")
                progress(f"  got {Verdict(**result['got']).short()} in {result['seconds']:.0f} s"
                         + ("" if fix is None else f"; fix: exit {fix['exit']}, "
                            f"{'repaired' if fix['repaired'] else 'not repaired'}"))
        clean = clean_runs(args.clean_runs, Path(tmp))

    t = totals(results, clean)
    # The same commit, machine and date fields as every benchmark's saved run (bench/record.py).
    figures = {"benchmark": "drift", **record.metadata(),
               "load": {"before": load_before, "after": list(os.getloadavg())},
               "seconds": round(time.perf_counter() - started), "options": common,
               "slow_step_timeout": SLOW_STEP_TIMEOUT, "goals": GOALS, "totals": t,
               "scenarios": results, "clean_runs": clean}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    print(table(results))
    print()
    print(summary(t))
    false_alarms = [(c["run"], f) for c in clean for f in c["failed"]]
    for run, f in false_alarms:
        print(f"  false alarm in clean run {run}: {f['guide']}/{f['step']}"
              f"{'[' + f['plan'] + ']' if f['plan'] else ''}: {f['kind']}: {f['message'][:160]}")
    print(f"\nbenchmark took {figures['seconds']} s; figures in {args.json}")
    if t["crashes"]:
        for r in results:
            for why in (r["crashed"], (r.get("fix") or {}).get("crashed"),
                        (r.get("fix") or {}).get("reverify_crashed")):
                if why:
                    print(f"\nCRASH in {r['name']}:\n{why}", file=sys.stderr)
        for c in clean:
            if c["crashed"]:
                print(f"\nCRASH in clean run {c['run']}:\n{c['crashed']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
