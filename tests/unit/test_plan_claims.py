"""Plan claims in the default verify, without a browser: which runs are collected, what the
results keep of them, and the options that turn them off."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.results import StepResult
from guidegen.verify.pytest_plugin import SIM_PLAN, summarize

REPO = Path(__file__).resolve().parents[2]
GUIDE = """\
id: claims
title: Claims
summary: One step.
plans: [free, business, enterprise]
portals: [zenkit]
sections:
  - title: Zenkit
    steps:
      - id: open
        portal: zenkit
        text: Open the provisioning settings.
        actions:
          - goto: /settings/provisioning
            portal: zenkit
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    steps = tmp_path / "steps"
    steps.mkdir()
    shutil.copy2(REPO / "steps" / "project.yml", steps)
    shutil.copytree(REPO / "steps" / "pages", steps / "pages")
    (steps / "claims.yml").write_text(GUIDE, "utf-8")
    return tmp_path


def collect(project: Path, *args: str) -> list[str]:
    collected: list[str] = []

    class Items:
        def pytest_collection_finish(self, session) -> None:
            collected.extend(item.nodeid for item in session.items)

    code = pytest.main([str(project / "steps"), "--co", "-q", "-p", "guidegen.verify.pytest_plugin",
                        "-p", "no:cacheprovider", "--rootdir", str(project), "-o", "addopts=",
                        "-o", "testpaths=", "--guidegen-root", str(project),
                        "--report-dir", str(project / "report"), *args], plugins=[Items()])
    assert code == 0
    return collected


def test_default_checks_each_claim_the_plain_run_does_not(project):
    assert SIM_PLAN == "business"  # the plain run's organization: it checks that claim itself
    assert collect(project) == [
        "steps/claims.yml::open",
        "steps/claims.yml::open[free]",
        "steps/claims.yml::open[enterprise]",
    ]


@pytest.mark.parametrize("args", [("--no-plan-claims",), ("--target", "live")])
def test_no_claim_runs_without_plan_claims_or_on_a_live_portal(project, args):
    assert collect(project, *args) == ["steps/claims.yml::open"]


def test_plan_claims_on_a_live_portal_is_bad_input(project):
    result = CliRunner().invoke(main, ["verify", "--root", str(project), "--target", "live",
                                       "--plan-claims"])
    assert result.exit_code == 2
    assert "command line: --plan-claims: plan claims are checked against the simulators" \
        in result.output


def entry(status: str, plan: str | None = None, step: str = "open",
          kind: str | None = None) -> StepResult:
    return StepResult(guide="claims", step=step, plan=plan, claim=plan, status=status,
                      finding={"kind": kind} if kind else None)


def test_claim_runs_that_never_started_are_left_out_of_the_results():
    """The plain run failed, so the claim runs were skipped: the failure is told once."""
    steps = [entry("failed", kind="structure drift"), entry("not run", "free"),
             entry("not run", "enterprise")]
    summary = summarize("sim", steps, True)
    assert summary.steps == steps[:1]
    assert (summary.failed, summary.not_run) == (1, 0)
    # A claim run that ran keeps every step, those after its failure included.
    ran = [entry("passed"), entry("failed", "free", kind="plan claim"),
           entry("not run", "free", "next")]
    assert summarize("sim", ran, True).steps == ran


def test_the_nightly_publishes_the_plans_the_simulators_verified():
    """Claims are checked by the Simulators job; its verdicts reach the status file the site
    is built with before the live shards' results, which the upload then carries."""
    nightly = yaml.safe_load((REPO / ".github/workflows/nightly.yml").read_text("utf-8"))
    simulators = " ".join(s.get("run", "") for s in nightly["jobs"]["simulators"]["steps"])
    assert ".venv/bin/guidegen verify" in simulators and "--no-plan-claims" not in simulators
    report = nightly["jobs"]["report"]
    assert "simulators" in report["needs"]
    steps = report["steps"]
    # One simulators report per language (the job is a matrix over the project's locales).
    download = next(i for i, s in enumerate(steps)
                    if s.get("with", {}).get("pattern") == "simulators-report-*")
    claims = next(i for i, s in enumerate(steps)
                  if 'report merge "$RUNNER_TEMP"/simulators/simulators-report-*'
                  in s.get("run", ""))
    live = next(i for i, s in enumerate(steps) if '"$RUNNER_TEMP"/shards/report-*'
                in s.get("run", ""))
    upload = next(i for i, s in enumerate(steps)
                  if s.get("with", {}).get("path") == "screenshots/status.json")
    assert download < claims < live < upload
    assert "--update-screenshots" in steps[claims]["run"]
