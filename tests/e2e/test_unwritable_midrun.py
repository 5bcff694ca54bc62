"""A folder that becomes unwritable during a verify run: the step that could not write is an
environment error (exit 3), one line where pytest printed tracebacks, and results.json and
the report are still written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
GUIDE = "zenkit-azure-scim-provisioning"


def test_a_screenshots_folder_made_read_only_mid_run(tmp_path):
    if shutil.which("chattr") is None:
        pytest.skip("no chattr here")
    (tmp_path / "project").mkdir()
    project = copy_project(tmp_path / "project").root
    shots = project / "screenshots" / GUIDE
    for png in shots.glob("*.png"):  # every step's capture is then a new baseline to write
        png.unlink()
    probe = tmp_path / "probe"
    probe.mkdir()
    if subprocess.run(["chattr", "+i", str(probe)], capture_output=True, check=False).returncode:
        pytest.skip("no immutable folders here (chattr +i refused)")
    subprocess.run(["chattr", "-i", str(probe)], check=True)
    report = tmp_path / "report"
    env = {**os.environ, "PYTEST_PLUGINS": "tests.e2e.freeze_after_first_step",
           "GUIDEGEN_TEST_FREEZE": str(shots),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "guidegen.cli", "verify", "--root", str(project), GUIDE,
             "--update-screenshots", "--no-plan-claims", "--skip-outcome", "--no-trace",
             "--report-dir", str(report)],
            capture_output=True, text=True, check=False, cwd=tmp_path, env=env, timeout=600)
    finally:
        subprocess.run(["chattr", "-i", str(shots)], check=True)
    told = f"{shots}: not writable (Operation not permitted)"
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "def " not in result.stdout  # no source lines of a pytest traceback either
    steps = json.loads((report / "results.json").read_text("utf-8"))["steps"]
    statuses = [s["status"] for s in steps]
    failed = statuses.index("failed")  # the first step after the first that writes a baseline
    assert set(statuses[:failed]) == {"passed"} and set(statuses[failed + 1:]) == {"not run"}
    finding = steps[failed]["finding"]
    assert (finding["kind"], finding["message"]) == ("error", told)
    assert (report / "report.html").is_file() and (report / "summary.md").is_file()
