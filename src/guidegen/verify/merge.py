"""`guidegen report merge`: the report folders of several shards as the one report an
unsharded run would have written (results.json, junit.xml, report.html, summary.md), with
their diff images, traces and refreshed baselines copied along; and, asked to, the project's
screenshots/ as an unsharded `verify --update-screenshots` run would have left it."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree

from ..capture import write_atomic
from ..catalog import Catalog
from ..errors import GuideError, Problem
from ..results import Results, read_results
from ..status import update_status
from .fingerprints import FILE as FINGERPRINTS
from .pytest_plugin import REFRESHED, summarize, write_results

ARTIFACT_DIRS = ("screenshots", "traces", REFRESHED)


def _moved(path: str, shard: Path, out: Path) -> str:
    """A report file's path as recorded by its shard (wherever that machine had it), moved
    under `out`; a baseline path (outside any report folder) stays as it is."""
    for sub in ARTIFACT_DIRS:
        marker = f"/{sub}/"
        tail = ("/" + path).rsplit(marker, 1)
        if len(tail) == 2 and (shard / sub / tail[1]).is_file():
            return str(out / sub / tail[1])
    return path


def merge_reports(shards: list[Path], out: Path, catalog: Catalog, screenshots: Path) -> Results:
    results = [read_results(folder) for folder in shards]
    targets = {r.target for r in results}
    if len(targets) > 1:
        raise GuideError([Problem("command line", 0, "shards", "the shards ran against "
                                  f"different targets ({', '.join(sorted(targets))})")])
    _check_disjoint(shards, results)
    if not any((out / REFRESHED).resolve() == (f / REFRESHED).resolve() for f in shards):
        shutil.rmtree(out / REFRESHED, ignore_errors=True)  # a previous merge's, not these
    steps = []
    for folder, data in zip(shards, results, strict=True):
        for sub in ARTIFACT_DIRS:
            if (folder / sub).is_dir() and (folder / sub).resolve() != (out / sub).resolve():
                shutil.copytree(folder / sub, out / sub, dirs_exist_ok=True)
        for step in data.steps:
            if step.finding:
                step = step.model_copy(update={"finding": step.finding.model_copy(update={
                    "found": [_moved(f, folder, out) for f in step.finding.found]})})
            steps.append(step)
    # An empty shard ran nothing, so it has no say in whether the status changes.
    speaks = all(r.speaks_for_site for r in results if r.steps)
    summary = summarize(results[0].target if results else "sim", steps, speaks)
    junit = merge_junit([folder / "junit.xml" for folder in shards])
    write_results(out, summary, catalog, screenshots)
    junit.write(out / "junit.xml", encoding="utf-8", xml_declaration=True)
    return summary


def _check_disjoint(shards: list[Path], results: list[Results]) -> None:
    """Each guide runs in one shard: a guide in two reports is the same folder given twice,
    or shards of two different runs, and merging would count its steps twice."""
    seen: dict[tuple[str, str | None], Path] = {}
    twice: dict[tuple[str, str | None], Path] = {}  # guide -> the second report holding it
    for folder, data in zip(shards, results, strict=True):
        for key in dict.fromkeys((s.guide, s.plan) for s in data.steps):
            if key in seen:
                twice.setdefault(key, folder)
            seen.setdefault(key, folder)
    if twice:
        raise GuideError([Problem("command line", 0, "shards",
                                  f"guide '{guide}{f'[{plan}]' if plan else ''}' is in both "
                                  f"{seen[guide, plan]} and {second}: each guide runs in one "
                                  "shard (a report given twice, or shards of different runs?)")
                          for (guide, plan), second in twice.items()])


def update_screenshots(report: Path, screenshots: Path, summary: Results) -> list[Path]:
    """Copy the baselines and fingerprints the shards refreshed into `screenshots`, and
    record the guides they ran in its status file (unless the shards ran a what-if, which an
    unsharded run would not have recorded either). Each shard's checkout holds every guide's
    old baselines, so copying whole screenshot folders would undo the other shards' work."""
    refreshed = report / REFRESHED
    written = []
    for path in sorted(refreshed.rglob("*")) if refreshed.is_dir() else ():
        if path.is_file() and (path.suffix == ".png" or path.name == FINGERPRINTS):
            dest = screenshots / path.relative_to(refreshed)
            write_atomic(dest, path.read_bytes())
            written.append(dest)
    if summary.steps and summary.speaks_for_site:
        update_status(screenshots, summary.target, summary.steps)
    return written


def merge_junit(paths: list[Path]) -> ElementTree.ElementTree:
    """One <testsuite> with every shard's test cases, in guide (file) order, totals summed."""
    cases: list[ElementTree.Element] = []
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    seconds = 0.0
    for path in paths:
        try:
            root = ElementTree.parse(path).getroot()
        except (OSError, ElementTree.ParseError):
            raise GuideError([Problem(str(path), 0, "", "missing or not JUnit XML")]) from None
        for suite in root.iter("testsuite"):
            for key in totals:
                totals[key] += int(suite.get(key, 0))
            seconds += float(suite.get("time", 0))
            cases.extend(suite.findall("testcase"))
    cases.sort(key=lambda c: c.get("classname", ""))  # stable: a guide's steps keep their order
    suite = ElementTree.Element("testsuite", {"name": "pytest", **{k: str(v) for k, v in
                                                                   totals.items()},
                                              "time": f"{seconds:.3f}"})
    suite.extend(cases)
    top = ElementTree.Element("testsuites")
    top.append(suite)
    return ElementTree.ElementTree(top)
