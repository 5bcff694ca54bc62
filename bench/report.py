"""The figure tables of project-docs/benchmarks.md, generated from the saved runs.

Each benchmark saves bench/results/<name>.json (bench/record.py); this script writes each
one's tables between the marker comments `<!-- bench:<name> -->` and `<!-- /bench:<name> -->`
of benchmarks.md, with a line saying when, at which commit and on what machine it ran, so
every figure there can be traced to a committed file. A marker pair whose JSON is missing is
an error: a table nobody can regenerate is a typed-in one.

    .venv/bin/python bench/report.py           # rewrite the tables
    .venv/bin/python bench/report.py --check   # exit 1 when they differ from the JSON files

tests/unit/test_bench_report.py runs the check, so a number typed into a table fails it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import record

from guidegen.atomic import write_atomic

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
DOC = HERE.parent / "project-docs" / "benchmarks.md"
BLOCK = re.compile(r"(<!-- bench:(?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- /bench:(?P=name) -->)",
                   re.S)


# ── Formatting ─────────────────────────────────────────────────────────────────────────────


def spread(summary: dict, unit: str = "s", digits: int = 2, scale: float = 1.0) -> str:
    """'median unit (min–max)' of a summary from bench/record.py."""
    median, low, high = (summary[k] * scale for k in ("median", "min", "max"))
    unit = f" {unit}" if unit and unit != "×" else unit
    return f"{median:.{digits}f}{unit} ({low:.{digits}f}–{high:.{digits}f})"


def ratio(summary: dict) -> str:
    return spread(summary, "×")


def table(rows: list[tuple[str, ...]]) -> list[str]:
    head, *body = rows
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(row) + " |" for row in body)]


def provenance(data: dict) -> str:
    """When, at which commit and on what the run was made, from the file's metadata. Older
    files (drift.json before bench/record.py) name less, and say what they have."""
    commit = data.get("commit")
    if isinstance(commit, dict):
        sha = (commit.get("sha") or "unknown")[:7]
        commit_text = f"`{sha}`" + (" with uncommitted changes" if commit.get("dirty") else "")
    else:
        commit_text = f"`{commit}`" if commit else "an unrecorded commit"
    machine = data.get("machine") or {}
    cores = machine.get("cores", machine.get("cpus"))
    parts = [f"{cores} cores"] if cores else []
    if machine.get("cpu"):
        parts.append(machine["cpu"])
    if machine.get("memory_gib"):
        parts.append(f"{machine['memory_gib']:g} GiB")
    for key, label in (("os", ""), ("platform", ""), ("python", "Python "),
                       ("chromium", "")):
        if machine.get(key):
            parts.append(f"{label}{machine[key]}")
    load = data.get("load") or {}
    before = load.get("before", machine.get("load_average_at_start"))
    load_text = ""
    if before:
        load_text = f"; load average {before[0]:.1f} before"
        if load.get("after"):
            load_text += f", {load['after'][0]:.1f} after"
    return (f"*Run {data.get('date', 'at an unrecorded date')[:10]} at commit {commit_text}, on "
            f"{', '.join(parts) or 'an unrecorded machine'}{load_text} "
            f"(`bench/results/{data['_name']}.json`).*")


def figures(data: dict) -> dict:
    return data.get("figures", data)


# ── One renderer per benchmark ─────────────────────────────────────────────────────────────


def build(data: dict) -> list[str]:
    f = figures(data)
    api, inproc, child = f["api"], f["in_process"], f["child_process"]
    per_step = 1e6 / api["steps"]

    def both(pair: dict, **kw) -> tuple[str, str]:
        return spread(pair["wall"], **kw), spread(pair["cpu"], **kw)

    r = f["ratio"]
    rows = [("Measure", "Wall time, median (min–max)", "CPU time, median (min–max)"),
            ("Load + validate, per step", *both(api["load"], unit="µs", digits=0, scale=per_step)),
            ("Render, per step", *both(api["render"], unit="µs", digits=0, scale=per_step)),
            (f"Load + validate, all {api['steps']:,} steps", *both(api["load"])),
            (f"Render, all {api['steps']:,} steps", *both(api["render"])),
            ("`guidegen build`, in-process", *both(inproc["guidegen"])),
            ("plain `mkdocs build`, in-process", *both(inproc["mkdocs"])),
            (f"**Ratio**, in-process (goal ≤ {f['goal']})", ratio(r["in_process_wall"]),
             ratio(r["in_process_cpu"])),
            *([("`guidegen build`, in-process, nothing cached (a first build)",
                *both(inproc["guidegen-cold"])),
               ("Ratio, in-process, nothing cached", ratio(r["cold_wall"]),
                ratio(r["cold_cpu"]))] if "guidegen-cold" in inproc else []),
            ("`guidegen build`, child process", *both(child["guidegen"])),
            ("plain `mkdocs build`, child process", *both(child["mkdocs"])),
            ("Ratio, child processes", ratio(r["child_wall"]), ratio(r["child_cpu"]))]
    mem = f["memory"]
    memory = [("Memory", "Peak"),
              ("`guidegen build`, child process (RSS)",
               spread(child["guidegen"]["max_rss_mib"], "MiB", 0)),
              ("plain `mkdocs build`, child process (RSS)",
               spread(child["mkdocs"]["max_rss_mib"], "MiB", 0)),
              ("Load (`tracemalloc`)", f"{mem['load_peak_mib']:.1f} MiB, of which the catalog "
               f"it keeps: {mem['catalog_mib']:.1f} MiB"),
              ("Render (`tracemalloc`)", f"{mem['render_peak_mib']:.1f} MiB on top of the catalog")]
    repeat, c = f["repeat"], api["features"]
    return [f"{f['corpus']['guides']} guides × {f['corpus']['steps_per_guide']} steps "
            f"({api['steps']:,} steps, {f['corpus']['yaml_kib']:,.0f} KiB of YAML): "
            f"{c['sections']:,} sections, {c['guides_for_some_plans']} guides for a subset of "
            f"plans, {c['narrower_steps']} steps narrower than their section, "
            f"{c['steps_with_variants']} with plan variants, {c['steps_with_admonitions']} with "
            f"admonitions, {c['screenshots']:,} screenshot declarations, {c['actions']:,} "
            f"actions, {c['reusable_uses']} uses of reusable steps; step text averages "
            f"{c['text_chars_per_step']} characters.", "",
            f"{repeat['in_process']} in-process rounds, {repeat['child']} child rounds; "
            f"ratios are medians of the per-round ratios. Verdict: {f['verdict']}.", "",
            *table(rows), "", *table(memory)]


def goal(g: dict, sign: str, ratios: dict) -> str:
    """A goal and the run's verdict on it: met, not met, or unclear (the runs' interval for
    the median holds the goal; bench/verify_bench.py), with that interval, which the verdict
    stands on (the range beside it is min–max)."""
    low, high = record.median_interval(ratios["runs"])
    return (f"goal {sign} {g['goal']}×: {g['verdict']}; {record.CONFIDENCE:.0%} interval "
            f"{low:.2f}–{high:.2f}")


def verify(data: dict) -> list[str]:
    f = figures(data)
    seed, scale = f["seed"], f.get("scaling")

    def run(runs: list[dict], key: str) -> str:
        return spread(record.summary([r[key] for r in runs]))

    def side(label: str, runs: list[dict]) -> tuple[str, ...]:
        others = record.summary([r["other_work_cores"] for r in runs])["median"]
        return (label, run(runs, "wall"), run(runs, "cpu"), f"{others:.2f}")

    rows = [("", "wall, median (min–max)", "CPU, median (min–max)", "other work, cores"),
            side(f"guidegen verify, seed guide ({seed['steps']} steps, {seed['shots']} shots)",
                 seed["guidegen"]),
            side("bare Playwright floor, same actions and shots", seed["floor"]),
            (f"**guidegen / floor** ({goal(f['goals']['ratio'], '≤', seed['ratio_wall'])})",
             f"**{ratio(seed['ratio_wall'])}**", ratio(seed["ratio_cpu"]), "")]
    if seed.get("no_trace"):
        rows += [side("guidegen verify `--no-trace`", seed["no_trace"]),
                 ("guidegen `--no-trace` / floor"
                  + (f" ({goal(f['goals']['no_trace_ratio'], '≤', seed['no_trace_ratio_wall'])})"
                     if f["goals"].get("no_trace_ratio") else ""),
                  f"**{ratio(seed['no_trace_ratio_wall'])}**",
                  ratio(seed["no_trace_ratio_cpu"]), "")]
    if scale:
        rows += [side(f"{scale['guides']} guides, serial", scale["serial"]),
                 side(f"{scale['guides']} guides, `-n 2`", scale["parallel"]),
                 (f"**speed-up, 2 workers** ({goal(f['goals']['speedup'], '≥', scale['speedup_wall'])})",
                  f"**{ratio(scale['speedup_wall'])}**", "", "")]
    crops = seed["crops"]
    same = ("the same" if crops["same"] else "different for " + ", ".join(crops["differ"]))
    return [f"{f['runs']} alternating runs of each side, each a fresh process; *other work* is "
            "how many cores the rest of the machine kept busy meanwhile (from /proc/stat, less "
            f"the run's own CPU). Crop sizes of guidegen's {len(crops['shots'])} shots against "
            f"the floor's: {same}. A goal is met (or not) when a {record.CONFIDENCE:.0%} "
            "interval for the median ratio lies wholly on one side of it, and unclear when the "
            "interval holds it.", "", *table(rows)]


def scale(data: dict) -> list[str]:
    f = figures(data)
    rows = [c for c in f["configs"] if c["guides"] == f["guides"]]
    base = rows[0]["seconds"]["median"]
    main = [("configuration", "wall", "steps/s", "speed-up (medians)", "peak memory")]
    for c in rows:
        main.append((c["name"], spread(c["seconds"], digits=0), spread(c["steps_per_s"], ""),
                     f"{base / c['seconds']['median']:.2f}×", spread(c["peak_mib"], "MiB", 0)))
    out = [f"{f['guides']} guides of one step; each configuration run "
           f"{len(rows[0]['seconds']['runs'])} times, round by round; steps counted from each "
           "run's results.json.", "", *table(main)]
    growth = sorted((c for c in f["configs"] if c["workers"] == 1 and c["shards"] == 1),
                    key=lambda c: c["guides"])
    if len(growth) > 1:
        out += ["", *table([("guides (1 shard, 1 worker)", "wall", "seconds per guide"),
                            *((str(c["guides"]), spread(c["seconds"], digits=0),
                               spread(c["seconds_per_guide"])) for c in growth)])]
    return out


def drift(data: dict) -> list[str]:
    t = figures(data)["totals"]

    def pct(part: int, whole: int) -> str:
        return f"{part} / {whole} ({100 * part / whole:.0f} %)" if whole else "none"

    goals = figures(data).get("goals", {})
    rows = [("measure", "result", "goal"),
            ("right class", pct(t["right_class"], t["counted"]),
             f"{goals.get('right_class', 1.0) * 100:.0f} %"),
            ("right step", pct(t["right_step"], t["counted"]),
             f"≥ {goals.get('right_step', 0.9) * 100:.0f} %"),
            (f"false alarms in {t['clean_runs']} clean runs", str(t["false_alarms"]),
             str(goals.get("false_alarms", 0))),
            (f"faults and slow pages reported as drift (of {t['fault_scenarios']})",
             str(t["faults_as_drift"]), str(goals.get("faults_as_drift", 0))),
            ("renames and moves repaired by `guidegen fix`",
             pct(t["fix_repaired"], t["fix_scenarios"]), ""),
            ("runs that crashed", str(len(t["crashes"])), "0")]
    return [f"{t['scenarios']} scenarios, {t['counted']} scored.", "", *table(rows)]


def serve(data: dict) -> list[str]:
    f = figures(data)
    zensical = "zensical" in f
    rows = [("measure", "`guidegen serve`", "plain `mkdocs serve`", "ratio (per round)",
             *(("plain `zensical serve`", "ratio (per round)") if zensical else ()))]
    for key, label in (("startup", "start → first page served"),
                       ("save_text", "save a step's text → the changed page served"),
                       ("save_title", "save a guide's title → the changed page served")):
        rows.append((label, spread(f["guidegen"][key]), spread(f["mkdocs"][key]),
                     ratio(f["ratio"][key]),
                     *((spread(f["zensical"][key]), ratio(f["ratio_zensical"][key]))
                       if zensical else ())))
    return [f"{f['guides']} guides × {f['steps']} steps; {f['repeat']} rounds, each side "
            f"started once per round and {f['saves']} saves of each kind timed per start.",
            "", *table(rows)]


def flake(data: dict) -> list[str]:
    f = figures(data)
    runs = len(f["runs"])
    rows = [("measure", "result"),
            ("runs with a failed step (false alarms)", f"{f['failed_runs']} of {runs}"),
            ("failed steps", f"{f['failed_steps']} of {f['step_runs']} step runs"),
            ("wall time per run", spread(f["seconds"], digits=0))]
    return [f"{runs} consecutive runs of every guide against the unchanged simulators.", "",
            *table(rows)]


def sim(data: dict) -> list[str]:
    f = figures(data)
    median = f["guidegen"]["median"]
    verdict = "met" if median <= f["goal"] else "not met"
    rows = [("", "start → both portals answer, median (min–max)"),
            (f"`guidegen sim` (goal ≤ {f['goal']:g} s: {verdict})", f"**{spread(f['guidegen'])}**"),
            ("bare Python floor: two `http.server` servers", spread(f["floor"])),
            ("`guidegen sim` above the floor (per round)", spread(f["above_floor"])),
            ("`guidegen sim` / floor (per round)", ratio(f["ratio"]))]
    return [f"{f['repeat']} rounds, each starting both processes once (which goes first "
            "alternates), on free loopback ports.", "", *table(rows)]


def diff(data: dict) -> list[str]:
    f = figures(data)
    rows = [("", "guidegen, median (min–max)", "pixelmatch, median (min–max)",
             f"speed-up (goal ≥ {f['goal_speed_ratio']}×)")]
    for label, row in f["results"].items():
        rows.append((label, spread(row["guidegen_s"], "ms", 1, 1000),
                     spread(row["pixelmatch_s"], "ms", 0, 1000), f"{row['speed_ratio']:.0f}×"))
    counts = {row["differing_pixels"] for row in f["results"].values()}
    return [f"{f['pair']}: {f['pixels_with_changed_bytes']:,} pixels with changed bytes; both "
            f"count {', '.join(f'{c:,}' for c in sorted(counts))} differing pixels "
            f"({f['anti_aliased_pixels']:,} candidates taken as anti-aliasing).", "",
            *table(rows)]


RENDERERS: dict[str, Callable[[dict], list[str]]] = {
    "build": build, "verify": verify, "scale": scale, "drift": drift, "serve": serve,
    "flake": flake, "sim": sim, "diff": diff}


# ── The document ───────────────────────────────────────────────────────────────────────────


class Missing(Exception):
    pass


def block(name: str, results: Path) -> str:
    path = results / f"{name}.json"
    if name not in RENDERERS:
        raise Missing(f"{DOC.name}: no renderer for marker bench:{name}")
    if not path.exists():
        raise Missing(f"{DOC.name}: marker bench:{name} but no {path}")
    data = {**json.loads(path.read_text(encoding="utf-8")), "_name": name}
    return "\n".join([provenance(data), "", *RENDERERS[name](data)]) + "\n"


def generate(text: str, results: Path = RESULTS) -> str:
    """The document with every marked block regenerated from its JSON file."""
    return BLOCK.sub(lambda m: m.group(1) + block(m.group("name"), results) + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 when the tables differ from the JSON files")
    args = parser.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    try:
        new = generate(text)
    except Missing as error:
        print(error, file=sys.stderr)
        return 1
    if args.check:
        if new != text:
            print(f"{DOC} is out of date with bench/results/: run bench/report.py",
                  file=sys.stderr)
            return 1
        return 0
    if new != text:
        write_atomic(DOC, new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
