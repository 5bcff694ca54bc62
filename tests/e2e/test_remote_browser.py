"""`--browser-endpoint`: the verify run drives a Playwright browser server's Chromium
(`playwright run-server`, on loopback here) instead of launching its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidegen.browser import chromium_path
from tests.helpers import free_port
from tests.processes import stop_group
from tests.site.conftest import copy_project

SEED = "zenkit-azure-scim-provisioning"

pytestmark = pytest.mark.browser


@pytest.fixture
def wrapper(tmp_path) -> Path:
    """A Chromium that notes which process started it: proof the server launched it."""
    script = tmp_path / "chromium"
    script.write_text(f'#!/bin/sh\ntr "\\0" " " < /proc/$PPID/cmdline >> {tmp_path}/launched-by\n'
                      f'exec {chromium_path()} "$@"\n', "utf-8")
    script.chmod(0o755)
    return script


@pytest.fixture
def browser_server() -> Iterator[str]:
    port = free_port()
    # A session of its own: the Python wrapper runs node, which must end with it.
    server = subprocess.Popen(
        [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1", "--port",
         str(port), "--unsafe"],  # --unsafe: the client may name the Chromium binary
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        line = server.stdout.readline()  # "Listening on ws://127.0.0.1:<port>/"
        assert line.startswith("Listening on"), line
        yield f"ws://127.0.0.1:{port}/"
    finally:
        stop_group(server)
        server.stdout.close()


def verify(tmp_path: Path, *args: str, env: dict) -> tuple[int, dict, str]:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    copy_project(project)
    report = tmp_path / "report"
    result = subprocess.run(
        [sys.executable, "-m", "guidegen.cli", "verify", SEED, "--root", str(project),
         "--report-dir", str(report), "--skip-outcome", "--step-timeout", "5", *args],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
    results = report / "results.json"
    data = json.loads(results.read_text("utf-8")) if results.exists() else {}
    return result.returncode, data, result.stdout + result.stderr


def test_verify_through_a_browser_server_matches_the_baselines(tmp_path, wrapper, browser_server):
    code, data, output = verify(tmp_path, "--browser-endpoint", browser_server,
                                "--no-plan-claims", env={"GUIDEGEN_CHROMIUM": str(wrapper)})
    assert code == 0, output
    assert data["passed"] == 17  # and every screenshot equals its committed baseline
    launched = (tmp_path / "launched-by").read_text("utf-8").splitlines()
    assert launched and all("run-server" in line for line in launched)


def no_browser(code: int, data: dict, output: str) -> str:
    """The guide's first step is an environment error saying why; the rest are not run, and
    the log holds that one message, not a traceback per step."""
    assert code == 3, output
    first, *rest = data["steps"]
    assert first["finding"]["kind"] == "error"
    assert first["finding"]["message"].startswith("could not start: ")
    assert {s["status"] for s in rest} == {"not run"}
    assert "browser_fixtures.py" not in output and "playwright/_impl" not in output
    # once, before pytest's short summary (which repeats it, in full where there is no terminal)
    assert output.split("short test summary")[0].count("could not start: ") == 1
    return first["finding"]["message"]


def test_an_unreachable_browser_server_is_an_environment_error(tmp_path):
    endpoint = f"ws://127.0.0.1:{free_port()}/"
    message = no_browser(*verify(tmp_path, "--browser-endpoint", endpoint, env={}))
    assert message.startswith(f"could not start: no browser server at {endpoint}: ")
    assert message.endswith("(is `playwright run-server` running?)")


def test_a_browser_server_without_a_browser_says_how_to_give_it_one(tmp_path, browser_server):
    message = no_browser(*verify(tmp_path, "--browser-endpoint", browser_server,
                                 env={"GUIDEGEN_CHROMIUM": str(tmp_path / "no-chromium")}))
    assert message.startswith(f"could not start: the browser server at {browser_server} has "
                              "no browser to launch: ")
    assert "GUIDEGEN_CHROMIUM" in message and "--unsafe" in message


def test_a_chromium_that_does_not_launch_is_an_environment_error(tmp_path):
    message = no_browser(*verify(tmp_path, env={"GUIDEGEN_CHROMIUM": str(tmp_path / "nope")}))
    assert "make chromium" in message


def test_a_browser_endpoint_that_is_no_websocket_url_is_bad_input(tmp_path):
    code, _, output = verify(tmp_path, "--browser-endpoint", "http://127.0.0.1:1/", env={})
    assert code == 2
    assert "command line: --browser-endpoint: 'http://127.0.0.1:1/' is not a ws:// or wss:// URL" \
        in output
