"""`guidegen verify`: pytest with the guidegen plugin and the right options; pytest's exit
status mapped onto guidegen's exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..load import load_catalog
from ..project import Layout
from .findings import ERROR


def run_pytest(root: Path, guide_ids: tuple[str, ...], *, target: str, azure_ui: str,
               faults: tuple[str, ...], workers: str, report_dir: Path,
               step_timeout: float, update_screenshots: bool = False,
               plan_claims: bool = False, sim_scim_plans: str | None = None,
               skip_outcome: bool = False, trace: bool = True) -> int:
    catalog = load_catalog(Layout(root).steps, root)  # GuideError -> exit 2 in the CLI
    known = {g.id: g for g in catalog.guides}
    unknown = [g for g in guide_ids if g not in known]
    if unknown:
        from ..errors import GuideError, Problem
        raise GuideError([Problem("command line", 0, "guides", f"unknown guide '{g}'")
                          for g in unknown])
    files = sorted({str(root / known[g].origin.file) for g in (guide_ids or known)})
    report_dir.mkdir(parents=True, exist_ok=True)
    args = [
        *files, "-p", "guidegen.verify.pytest_plugin", "-p", "no:cacheprovider",
        "--rootdir", str(root), "-o", "addopts=", "-o", "testpaths=", "-q", "-rfE",
        "--guidegen-progress", "-p", "no:warnings",
        "--guidegen-root", str(root), "--target", target, "--azure-ui", azure_ui,
        "--step-timeout", str(step_timeout), "--report-dir", str(report_dir),
        "--junitxml", str(report_dir / "junit.xml"),
    ]
    if update_screenshots:
        args.append("--update-screenshots")
    if plan_claims:
        args.append("--plan-claims")
    if skip_outcome:
        args.append("--skip-outcome")
    if not trace:
        args += ["--guidegen-trace", "off"]
    if sim_scim_plans:
        args += ["--sim-scim-plans", sim_scim_plans]
    for fault in faults:
        args += ["--sim-fault", fault]
    if workers not in ("0", ""):
        args += ["-n", workers, "--dist", "loadfile"]
    status = pytest.main(args)
    if status == pytest.ExitCode.OK:
        return 0
    if status == pytest.ExitCode.TESTS_FAILED:
        return _classify(report_dir / "results.json")
    if status == pytest.ExitCode.USAGE_ERROR:
        return 2
    return 3


def _classify(results: Path) -> int:
    """1 for drift or failure; 3 when every failure was an environment error."""
    try:
        steps = json.loads(results.read_text("utf-8"))["steps"]
    except (OSError, ValueError, KeyError):
        return 3
    failed = [s for s in steps if s["status"] == "failed"]
    if failed and all((s.get("finding") or {}).get("kind") == ERROR for s in failed):
        return 3
    return 1
