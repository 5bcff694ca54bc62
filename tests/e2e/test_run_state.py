"""A verify run's state belongs to that run: two runs in one process (a benchmark, a tool
that re-verifies, a test) each report only their own steps."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from guidegen.load import load_catalog
from tests.site.conftest import copy_project

SEED = "zenkit-azure-scim-provisioning"

pytestmark = pytest.mark.browser

# Two runs in one fresh process: not in this one, where pytest-playwright's assertion scope of
# the running test would wrap the inner runs' steps.
TWICE = """
import sys
from pathlib import Path
from guidegen.verify.run import run_pytest
project, endpoint = Path(sys.argv[1]), sys.argv[2]
for report in sys.argv[3:]:
    code = run_pytest(project, ("zenkit-azure-scim-provisioning",), target="sim",
                      azure_ui="2020", faults=(), workers="0", report_dir=Path(report),
                      step_timeout=2.0, plan_claims=False, browser_endpoint=endpoint)
    print("exit", code, file=sys.stderr)
"""


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_second_run_in_the_same_process_reports_only_its_own_steps(tmp_path):
    """No browser server listens at the endpoint: each guide's first step is an environment
    error at once, and the runs are cheap. The second must not count the first one's steps."""
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    reports = [tmp_path / "first", tmp_path / "second"]
    result = subprocess.run(
        [sys.executable, "-c", TWICE, str(project), f"ws://127.0.0.1:{closed_port()}/",
         *map(str, reports)], capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.stderr.count("exit 3\n") == 2, result.stdout + result.stderr
    guide = next(g for g in load_catalog(project / "steps", project).guides if g.id == SEED)
    steps = [s.id for s in guide.all_steps()] + [s.id for s in guide.outcome]
    first, second = (json.loads((r / "results.json").read_text("utf-8")) for r in reports)
    assert [s["step"] for s in second["steps"]] == steps  # each step once
    assert (second["failed"], second["not_run"]) == (1, len(steps) - 1)
    assert first == second
    # Progress too: each run counts its guide's steps from the first.
    assert result.stderr.count(f"{SEED}: step 1/{len(steps)} ") == 2
