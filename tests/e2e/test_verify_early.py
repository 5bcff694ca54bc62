"""`guidegen verify` starts Playwright's driver and Chromium first, and imports pytest and the
plugin and starts the simulators in a thread meanwhile (verify/early.py); the steps use that
browser and those simulators, and everything is stopped at the end, also when the run stops
on bad input before pytest starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.e2e.test_sim_start import AFTER, GUIDE
from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser

# `guidegen verify` in a fresh process, watched: which thread imported pytest and started the
# simulators, when Chromium was launched (and how often) against when pytest.main began.
RUN = """
import json, os, sys, threading, time, urllib.request
import portalsim
from playwright._impl.browser_type import BrowserType
from guidegen.cli import main

seen = {"launches": [], "sims": [], "pytest_imported_in": None}

def audit(event, args):
    if event == "import" and args[0] == "pytest" and seen["pytest_imported_in"] is None:
        seen["pytest_imported_in"] = threading.current_thread().name

sys.addaudithook(audit)
real_launch = BrowserType.launch

async def launch(self, *args, **kwargs):
    seen["launches"].append({"at": time.perf_counter(),
                             "thread": threading.current_thread().name})
    return await real_launch(self, *args, **kwargs)

BrowserType.launch = launch
real_sims = portalsim.start_simulators

def start_simulators(**kwargs):
    sims = real_sims(**kwargs)
    seen["sims"].append({"thread": threading.current_thread().name,
                         "urls": [sims.azure_url, sims.zenkit_url]})
    return sims

portalsim.start_simulators = start_simulators

def pytest_configure(config):
    # This script, loaded by pytest as a plugin (PYTEST_PLUGINS): when pytest began.
    seen["pytest_began"] = time.perf_counter()

if "-n" not in sys.argv:  # xdist's workers are other processes, with no such module
    os.environ["PYTEST_PLUGINS"] = "__main__"

try:
    main(["verify", *sys.argv[1:]])
except SystemExit as done:
    seen["code"] = done.code
""" + AFTER


def verify(tmp_path, *args: str) -> dict:
    project = tmp_path / "project"
    if not project.exists():
        project.mkdir()
        copy_project(project)
        (project / "steps" / "one-page.yml").write_text(GUIDE, "utf-8")
    result = subprocess.run(
        [sys.executable, "-c", RUN, "--root", str(project), "--report-dir",
         str(tmp_path / "report"), "--no-plan-claims", "--skip-outcome", *args],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    seen["stderr"] = result.stderr
    return seen


def test_the_browser_starts_while_the_run_loads(tmp_path):
    seen = verify(tmp_path, "one-page")
    assert seen["code"] == 0, seen["stderr"]
    # One Chromium, launched by the main thread before pytest began: the steps ran in it.
    [launch] = seen["launches"]
    assert launch["thread"] == "MainThread"
    assert launch["at"] < seen["pytest_began"]
    # Meanwhile another thread imported pytest and started the simulators, once.
    assert seen["pytest_imported_in"] == "verify-imports"
    assert [s["thread"] for s in seen["sims"]] == ["verify-imports"]
    assert seen["answering"] == [False, False]  # stopped at the end


def test_bad_input_after_the_start_stops_everything(tmp_path):
    """The step files are read once the browser is up: a broken one is still one line and
    exit 2, and the simulators started for the run do not outlive it."""
    verify(tmp_path, "--help")  # makes the project
    steps = tmp_path / "project" / "steps" / "one-page.yml"
    steps.write_text(steps.read_text("utf-8").replace("title:", "titel:", 1), "utf-8")
    seen = verify(tmp_path, "one-page")
    assert seen["code"] == 2
    assert "Traceback" not in seen["stderr"]
    assert "one-page.yml:" in seen["stderr"]
    assert len(seen["launches"]) == 1 and len(seen["sims"]) == 1
    assert seen["answering"] == [False, False]


def test_xdist_workers_launch_their_own_browsers(tmp_path):
    seen = verify(tmp_path, "one-page", "-n", "1")
    assert seen["code"] == 0, seen["stderr"]
    assert seen["launches"] == []  # none in the controller: the worker launched its own
    assert seen["sims"] == []
