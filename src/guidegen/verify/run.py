"""`guidegen verify`: pytest with the guidegen plugin and the right options; pytest's exit
status mapped onto guidegen's exit codes."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from ..errors import GuideError, Problem
from ..folders import require_writable
from ..live import (
    default_state_dir,
    load_sign_ins,
    outside_project,
    private_file_problem,
    read_secrets_file,
)
from ..load import load_catalog
from ..project import Layout
from ..results import Kind, read_results
from ..scratch import run_folder
from . import checkpoints
from .options import pytest_args, speaks_for_site, with_defaults
from .pytest_plugin import REFRESHED, LoadedCatalog, live_urls, write_empty_results
from .shards import select


def collection_args(root: Path, guides: list) -> list[str]:
    """What pytest is told to collect: the steps folder and the chosen guides' ids. Not the
    guides' files: given a list of files, pytest walks their folder once per file named,
    which is quadratic in the number of guides."""
    return [str(Layout(root).steps), "--guidegen-guides", ",".join(g.id for g in guides)]


def run_pytest(root: Path, guide_ids: tuple[str, ...], **options) -> int:
    """`guidegen verify`: `options` are its options by name (verify.options), each left out
    taking its default; a bad value is a GuideError (exit 2) before anything starts."""
    values = with_defaults(options)
    target, plan_claims, shard = values["target"], values["plan_claims"], values["shard"]
    report_dir = Path(values["report_dir"])
    catalog = load_catalog(Layout(root).steps, root)  # GuideError -> exit 2 in the CLI
    known = {g.id: g for g in catalog.guides}
    unknown = [g for g in guide_ids if g not in known]
    if unknown:
        raise GuideError([Problem("command line", 0, "guides", f"unknown guide '{g}'")
                          for g in unknown])
    chosen = [known[g] for g in (guide_ids or known)]
    if shard:
        chosen = select(chosen, shard, known)
    if target == "live" and plan_claims:
        raise GuideError([Problem("command line", 0, "--plan-claims", "plan claims are checked "
                                  "against the simulators, whose organization can be on any "
                                  "plan; a live portal has one organization on one plan")])
    live_only = [flag for flag, name in (("--portal-url", "portal_urls"),
                                         ("--state-dir", "state_dir"),
                                         ("--secrets-file", "secrets_file")) if values[name]]
    if target != "live" and live_only:
        # Ignored, the run would pass against the simulators as if it had used them.
        raise GuideError([Problem("command line", 0, flag, "only with --target live: this "
                                  "run drives the simulators") for flag in live_only])
    locales = [loc.id for loc in catalog.locales]
    if values["locale"] is not None and values["locale"] not in locales:
        raise GuideError([Problem("command line", 0, "--locale", f"unknown locale "
                                  f"'{values['locale']}' (steps/project.yml has: "
                                  f"{', '.join(locales)})")])
    if values["locale"] == catalog.source_locale:
        values["locale"] = None  # the source language's run, as without the option
    if values["from_step"]:
        _check_from(root, values, chosen)
    if target == "live":
        values["state_dir"] = values["state_dir"] or default_state_dir()
        _check_live(root, catalog, chosen, values["portal_urls"], values["state_dir"],
                    values["secrets_file"])
    files = sorted({str(root / g.origin.file) for g in chosen})
    require_writable(_output_folders(root, chosen, values))  # OSError: exit 3 in the CLI
    report_dir.mkdir(parents=True, exist_ok=True)
    # An earlier run's refreshed baselines are not this run's: a merge would copy them back.
    shutil.rmtree(report_dir / REFRESHED, ignore_errors=True)
    if not files:  # more shards than guides: this one has nothing to do, and that is fine
        write_empty_results(report_dir, target, catalog)
        return 0
    args = [
        *collection_args(root, chosen), "-p", "guidegen.verify.pytest_plugin", "-p", "no:cacheprovider",
        "--rootdir", str(root), "-o", "addopts=", "-o", "testpaths=", "-q", "-rfE",
        "--guidegen-progress", "-p", "no:warnings", "--guidegen-root", str(root),
        # Hypothesis's plugin (a dev dependency, for guidegen's own tests) imports all of
        # Hypothesis in its terminal summary: most of a second per run, for steps it never runs.
        "-p", "no:hypothesispytest",
        # The steps are not Python test files: no assertion rewriting (without a writable
        # bytecode cache it compiled every plugin's modules again on each run), and none of
        # the plugins that only warn about Python tests (the unraisable-exception one
        # collects garbage twice at the end, a tenth of a second each on this heap) or add
        # options verify never takes (unittest's, doctest's and the debugger's: 50 ms of
        # imports, pdb and readline among them).
        "--assert=plain", "-p", "no:unraisableexception", "-p", "no:threadexception",
        "-p", "no:xdist.looponfail", "-p", "no:platformdirs", "-p", "no:timeout",
        "-p", "no:unittest", "-p", "no:doctest", "-p", "no:debugging",
        "--junitxml", str(report_dir / "junit.xml"), *pytest_args(values),
    ]
    if values["workers"] not in ("0", ""):
        args += ["-n", values["workers"], "--dist", "loadfile"]
    # What was imported and loaded so far lives as long as the run: the garbage collector
    # need not walk it again on every full collection (as gunicorn does for its workers).
    gc.freeze()
    try:
        # The browser's profile and Playwright's buffers in a folder of this run's, which the
        # next run removes should this one be killed (guidegen.scratch).
        with run_folder():
            status = pytest.main(args, plugins=[LoadedCatalog(root, catalog)])
    finally:
        gc.unfreeze()  # a caller that goes on (a test) collects it again
    if status == pytest.ExitCode.OK:
        return 0
    if status == pytest.ExitCode.TESTS_FAILED:
        # With no step failed, pytest failed a guide's teardown: its files could not be written.
        return classify(report_dir / "results.json", no_step_failed=3)
    if status == pytest.ExitCode.USAGE_ERROR:
        return 2
    return 3


def _check_from(root: Path, values: dict, chosen: list) -> None:
    """--from STEP: one guide, one of its steps, on the simulators, whose state can be saved
    and put back (a live portal's cannot)."""
    def refuse(message: str) -> None:
        raise GuideError([Problem("command line", 0, "--from", message)])

    if values["target"] != "sim":
        refuse("needs --target sim: a live portal's state cannot be saved and put back")
    if values["shard"] or len(chosen) != 1:
        refuse("name exactly one guide: `guidegen verify GUIDE --from STEP`")
    if values["plan_claims"]:
        refuse("plan claims run the whole guide on each plan: leave out --plan-claims")
    guide, step = chosen[0], values["from_step"]
    ids = [s.id for s in guide.all_steps()]
    if step not in ids:
        refuse(f"no step '{step}' in guide '{guide.id}' (its steps: {', '.join(ids)})")
    saved = checkpoints.location(root, guide, guide.all_steps()[ids.index(step)])
    problem = saved.exists() and private_file_problem(saved)
    if problem:  # it is unpickled: one others could write is never read
        raise GuideError([Problem(str(saved), 0, "--from", problem)])
    values["plan_claims"] = False  # the claims would run every step again, on every plan


def _output_folders(root: Path, guides: list, values: dict) -> list[Path]:
    """Where the run will write: the report (its captures and traces), and screenshots/ when
    the run refreshes baselines or updates the site's status file there."""
    report, screenshots = Path(values["report_dir"]), Layout(root).screenshots
    folders = [report, report / "traces", *(report / "screenshots" / g.id for g in guides)]
    if speaks_for_site(values.get):
        folders.append(screenshots)
    if values["update_screenshots"]:
        folders += [p for g in guides for p in (screenshots / g.id, report / REFRESHED / g.id)]
    return folders


def _check_live(root: Path, catalog, guides: list, portal_urls: tuple[str, ...],
                state_dir: Path, secrets_file: Path | None) -> None:
    """Everything a live run needs, checked before a browser starts: config problems are
    exit 2 with a message, not a failed step."""
    problems = []
    for item in portal_urls:
        portal, sep, url = item.partition("=")
        if not sep or portal not in catalog.portals or not url.startswith(("http://", "https://")):
            problems.append(Problem("command line", 0, "--portal-url", f"'{item}' is not "
                                    f"PORTAL=URL with a portal of {', '.join(catalog.portals)}"))
    if problems:
        raise GuideError(problems)
    urls = live_urls(catalog, list(portal_urls))
    needed = [p for g in guides for r in (*catalog.requirements(g), g) for p in r.portals]
    for portal in dict.fromkeys(needed):
        if not urls.get(portal):
            problems.append(Problem("steps/project.yml", 0, f"portals.{portal}.url",
                                    "the live target needs the portal's URL (or --portal-url)"))
    if problems:
        raise GuideError(problems)
    outside_project(state_dir, root, "saved sign-ins", "--state-dir")
    load_sign_ins(state_dir, list(dict.fromkeys(needed)))
    if secrets_file is not None:
        outside_project(secrets_file, root, "secrets files", "--secrets-file")
        read_secrets_file(secrets_file)


def classify(results: Path, no_step_failed: int = 1) -> int:
    """1 for drift or failure; 3 when every failure was an environment error."""
    try:
        steps = read_results(results).steps
    except GuideError:
        return 3
    failed = [s for s in steps if s.status == "failed"]
    if not failed:
        return no_step_failed
    if failed and all(s.kind == Kind.ERROR for s in failed):
        return 3
    return 1
