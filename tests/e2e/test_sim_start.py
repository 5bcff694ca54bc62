"""verify starts the simulators in a thread as soon as it knows it has steps to run, while
pytest starts Playwright's driver and Chromium, instead of after them; and simulators started
for steps that never ran are stopped."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.e2e import test_traces as traces
from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser

# test_traces' guide without the step that fails: one page of Zenkit.
GUIDE = traces.GUIDE.split("      - id: find-switch")[0].replace("trace-me", "one-page")

# In a fresh process: in this one, pytest-playwright's scope of the running test would wrap
# the inner run's steps. Records when the simulators' start began and ended, in which thread,
# and when the browser fixture's set-up ended; `stop` ends the session before any step runs.
RUN = """
import json, sys, threading, time, urllib.request
from pathlib import Path
import portalsim, pytest
from guidegen.verify.run import run_pytest

seen = {"sims": []}
real = portalsim.start_simulators

def start_simulators(**kwargs):
    began = time.perf_counter()
    sims = real(**kwargs)
    seen["sims"].append({"began": began, "ended": time.perf_counter(), "urls": [sims.azure_url,
                         sims.zenkit_url], "thread": threading.current_thread().name})
    return sims

portalsim.start_simulators = start_simulators

class Watch:
    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        try:
            return (yield)
        finally:
            if fixturedef.argname == "browser":
                seen["browser_ready"] = time.perf_counter()

    def pytest_runtest_setup(self, item):
        if sys.argv[3] == "stop":
            pytest.exit("stopped before the first step")

main = pytest.main
pytest.main = lambda args, plugins=(): main(args, plugins=[*plugins, Watch()])
seen["code"] = run_pytest(Path(sys.argv[1]), ("one-page",), report_dir=Path(sys.argv[2]),
                          plan_claims=False, skip_outcome=True)

def answers(url):
    try:
        urllib.request.urlopen(url, timeout=5)
    except OSError:
        return False
    return True

# Still in the process that started them: after the run, nothing of them answers.
seen["answering"] = [answers(url) for sims in seen["sims"] for url in sims["urls"]]
print(json.dumps(seen))
"""


def run(tmp_path, how: str) -> dict:
    project = tmp_path / "project"
    if not project.exists():
        project.mkdir()
        copy_project(project)
        (project / "steps" / "one-page.yml").write_text(GUIDE, "utf-8")
    result = subprocess.run([sys.executable, "-c", RUN, str(project), str(tmp_path / how), how],
                            capture_output=True, text=True, timeout=300, check=False,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_simulators_start_beside_the_browser_not_after_it(tmp_path):
    seen = run(tmp_path, "run")
    assert seen["code"] == 0
    [sims] = seen["sims"]
    assert sims["thread"] == "portalsim-start"
    assert sims["began"] < seen["browser_ready"]  # before the browser was ready, not after
    assert seen["answering"] == [False, False]


def test_simulators_started_for_steps_that_never_ran_are_stopped(tmp_path):
    seen = run(tmp_path, "stop")
    [sims] = seen["sims"]
    assert "browser_ready" not in seen  # no step began: the fixture never took them
    assert seen["answering"] == [False, False]
