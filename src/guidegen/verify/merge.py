"""`guidegen report merge`: the report folders of several shards as the one report an
unsharded run would have written (results.json, junit.xml, report.html, summary.md), with
their diff images, traces and refreshed baselines copied along; and, asked to, the project's
screenshots/ as an unsharded `verify --update-screenshots` run would have left it."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image

from ..atomic import write_atomic
from ..catalog import Catalog
from ..errors import GuideError, Problem
from ..paths import confined
from ..report import PNG_SIGNATURE
from ..results import FILE as RESULTS_FILE
from ..results import Kind, Results, StepResult, read_results
from ..status import update_status
from .fingerprints import FILE as FINGERPRINTS
from .pytest_plugin import REFRESHED, summarize, write_results

# controls.json, or a run in another language's controls.de.json (fingerprints.file_name)
FINGERPRINT_FILE = re.compile(r"controls(\.[a-z]{2,3}(-[A-Z]{2})?)?\.json")
CAPTURES = "screenshots"  # under a report folder: a visual finding's new capture and diff
ARTIFACT_DIRS = (CAPTURES, "traces", REFRESHED)
JUNIT = "junit.xml"


def merge_reports(shards: list[Path], out: Path, catalog: Catalog, screenshots: Path) -> Results:
    """A shard's report is data from another machine, and may be crafted: every path it
    names and every file it holds stays inside its folder (a report naming /etc/passwd, or
    holding a symlink to the saved sign-in, is bad input), and all of it is checked before
    anything is written."""
    problems = [Problem(str(folder / name), 0, "", "a symbolic link out of the shard's "
                        "report folder") for folder in shards for name in (RESULTS_FILE, JUNIT)
                if confined(folder / name, folder) is None]
    if problems:
        raise GuideError(problems)
    results = [read_results(folder) for folder in shards]
    targets = {r.target for r in results}
    if len(targets) > 1:
        raise GuideError([Problem("command line", 0, "shards", "the shards ran against "
                                  f"different targets ({', '.join(sorted(targets))})")])
    _check_disjoint(shards, results)
    copies = {folder: [path for sub in ARTIFACT_DIRS for path in _files(folder / sub, problems)]
              for folder in shards if folder.resolve() != out.resolve()}
    steps = [_here(step, f"steps[{i}].finding", folder, out, screenshots, problems)
             for folder, data in zip(shards, results, strict=True)
             for i, step in enumerate(data.steps)]
    junit = merge_junit([folder / JUNIT for folder in shards])
    if problems:
        raise GuideError(problems)
    if not any((out / REFRESHED).resolve() == (f / REFRESHED).resolve() for f in shards):
        _remove(out / REFRESHED)  # a previous merge's, not these
    for folder, paths in copies.items():
        for path in paths:
            write_atomic(out / path.relative_to(folder), path.read_bytes(),
                         mode=stat.S_IMODE(path.lstat().st_mode))
    # An empty shard ran nothing, so it has no say in whether the status changes.
    speaks = all(r.speaks_for_site for r in results if r.steps)
    summary = summarize(results[0].target if results else "sim", steps, speaks)
    write_results(out, summary, catalog, screenshots)
    junit.write(out / JUNIT, encoding="utf-8", xml_declaration=True)
    return summary


def _here(step: StepResult, field: str, shard: Path, out: Path, screenshots: Path,
          problems: list[Problem]) -> StepResult:
    """A step as the merged report records it: a visual finding's images (recorded where the
    shard's machine had its report and its checkout) moved under `out`, and its baseline
    into this project's `screenshots`. A path that does not stay in those folders is a
    problem, never a file to read."""
    finding = step.finding
    if finding is None or finding.kind != Kind.VISUAL:
        return step  # `found` holds names on the page, `expected` a control: no paths
    found = []
    for i, path in enumerate(finding.found):
        tail = _tail(path, shard / CAPTURES)
        if tail is None:
            problems.append(Problem(str(shard / RESULTS_FILE), 0, f"{field}.found[{i}]",
                                    f"'{path}' is not in the shard's {CAPTURES}/ folder"))
        else:
            found.append(str(out / CAPTURES / tail))
    expected = finding.expected
    if expected is not None:
        tail = _tail(expected, screenshots)
        if tail is None:
            problems.append(Problem(str(shard / RESULTS_FILE), 0, f"{field}.expected",
                                    f"'{expected}' is not a baseline in screenshots/"))
        else:
            expected = str(screenshots / tail)
    return step.model_copy(update={"finding": finding.model_copy(update={
        "found": found, "expected": expected})})


def _tail(path: str, folder: Path) -> Path | None:
    """`path` relative to `folder`: the part after its last `/<folder's name>/`, wherever the
    machine that recorded it had that folder, as long as it leads to something inside
    `folder` here (no `..` out, no symlink out); else None."""
    parts = ("/" + path).rsplit(f"/{folder.name}/", 1)
    here = confined(folder / parts[1], folder) if len(parts) == 2 else None
    if here is None or here == folder.resolve():
        return None
    return here.relative_to(folder.resolve())


def _files(top: Path, problems: list[Problem]) -> list[Path]:
    """The files under `top`, a folder of a report. A symbolic link, which could lead
    anywhere (the saved sign-in, a secrets file), is a problem and is not followed; so is
    anything else that is not a regular file (a FIFO would block the read)."""
    if top.is_symlink():
        problems.append(Problem(str(top), 0, "", "a symbolic link; a report folder holds "
                                "only files (not followed)"))
        return []
    found = []
    for folder, dirs, files in os.walk(top):  # does not descend into links to folders
        for name in sorted([*dirs, *files]):
            path = Path(folder, name)
            if path.is_symlink():
                problems.append(Problem(str(path), 0, "", "a symbolic link; a report folder "
                                        "holds only files (not followed)"))
            elif name in files and not path.is_file():
                problems.append(Problem(str(path), 0, "", "not a regular file"))
            elif name in files:
                found.append(path)
    return found


def _remove(folder: Path) -> None:
    if folder.is_symlink():
        folder.unlink()  # the link itself, never what it points to
    else:
        shutil.rmtree(folder, ignore_errors=True)


def _check_disjoint(shards: list[Path], results: list[Results]) -> None:
    """Each guide runs in one shard: a guide in two reports is the same folder given twice,
    or shards of two different runs, and merging would count its steps twice."""
    seen: dict[tuple[str, str | None, str | None], Path] = {}
    twice: dict[tuple[str, str | None, str | None], Path] = {}  # -> the second report holding it
    for folder, data in zip(shards, results, strict=True):
        # A guide runs once per language: the English and the German run are not twins.
        for key in dict.fromkeys((s.guide, s.plan, s.locale) for s in data.steps):
            if key in seen:
                twice.setdefault(key, folder)
            seen.setdefault(key, folder)
    if twice:
        raise GuideError([Problem("command line", 0, "shards",
                                  f"guide '{guide}{f'@{locale}' if locale else ''}"
                                  f"{f'[{plan}]' if plan else ''}' is in both "
                                  f"{seen[guide, plan, locale]} and {second}: each guide runs in "
                                  "one shard (a report given twice, or shards of different runs?)")
                          for (guide, plan, locale), second in twice.items()])


def update_screenshots(report: Path, screenshots: Path, summary: Results) -> list[Path]:
    """Copy the baselines and fingerprints the shards refreshed into `screenshots`, and
    record the guides they ran in its status file (unless the shards ran a what-if, which an
    unsharded run would not have recorded either). Each shard's checkout holds every guide's
    old baselines, so copying whole screenshot folders would undo the other shards' work.

    What a refresh writes is committed, so the files are checked first and all or none are
    written: a PNG that is a real PNG image, a controls.json shaped as fingerprints, each
    landing inside `screenshots`; anything else (a link, the saved sign-in renamed .png, a
    secrets file named controls.json) is refused, naming it."""
    refreshed = report / REFRESHED
    problems: list[Problem] = []
    writes: dict[Path, bytes] = {}
    for path in sorted(_files(refreshed, problems)):
        dest = confined(screenshots / path.relative_to(refreshed), screenshots)
        data = path.read_bytes()
        if dest is None:
            why = f"would be written outside {screenshots}"
        elif path.suffix == ".png":
            why = None if _is_png(data) else "not a PNG image"
        elif FINGERPRINT_FILE.fullmatch(path.name):
            why = None if _is_fingerprints(data) else "not control fingerprints"
        else:
            why = f"neither a baseline (.png) nor the fingerprints ({FINGERPRINTS}, or " \
                "controls.<locale>.json)"
        if why:
            problems.append(Problem(str(path), 0, "", f"{why}: refused, {screenshots} is left "
                                    "as it was"))
        else:
            writes[dest] = data
    if problems:
        raise GuideError(problems)
    for dest, data in writes.items():
        write_atomic(dest, data)
    if summary.steps and summary.speaks_for_site:
        update_status(screenshots, summary.target, summary.steps)
    return list(writes)


def _is_png(data: bytes) -> bool:
    if not data.startswith(PNG_SIGNATURE):
        return False
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # every chunk's checksum, without decoding the pixels
            return image.format == "PNG"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False


def _is_fingerprints(data: bytes) -> bool:
    """Shaped as verify writes controls.json: portal -> control -> its fingerprint."""
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return False
    return isinstance(parsed, dict) and all(
        isinstance(controls, dict) and all(isinstance(info, dict) and "tag" in info
                                           for info in controls.values())
        for controls in parsed.values())


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
            try:
                for key in totals:
                    totals[key] += int(suite.get(key, 0))
                seconds += float(suite.get("time", 0))
            except ValueError:
                raise GuideError([Problem(str(path), 0, "testsuite",
                                          "a count or time that is not a number")]) from None
            cases.extend(suite.findall("testcase"))
    cases.sort(key=lambda c: c.get("classname", ""))  # stable: a guide's steps keep their order
    suite = ElementTree.Element("testsuite", {"name": "pytest", **{k: str(v) for k, v in
                                                                   totals.items()},
                                              "time": f"{seconds:.3f}"})
    suite.extend(cases)
    top = ElementTree.Element("testsuites")
    top.append(suite)
    return ElementTree.ElementTree(top)
