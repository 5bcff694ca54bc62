"""`--browser-endpoint`: the verify run drives a Playwright browser server's Chromium
(`playwright run-server`, on loopback here) instead of launching its own."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidegen.browser import chromium_path
from tests.site.conftest import copy_project

SEED = "zenkit-azure-scim-provisioning"

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    server = subprocess.Popen(
        [sys.executable, "-m", "playwright", "run-server", "--host", "127.0.0.1", "--port",
         str(port), "--unsafe"],  # --unsafe: the client may name the Chromium binary
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = server.stdout.readline()  # "Listening on ws://127.0.0.1:<port>/"
        assert line.startswith("Listening on"), line
        yield f"ws://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=30)


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
                                env={"GUIDEGEN_CHROMIUM": str(wrapper)})
    assert code == 0, output
    assert data["passed"] == 17  # and every screenshot equals its committed baseline
    launched = (tmp_path / "launched-by").read_text("utf-8").splitlines()
    assert launched and all("run-server" in line for line in launched)


def test_an_unreachable_browser_server_is_an_environment_error(tmp_path):
    code, data, output = verify(tmp_path, "--browser-endpoint", f"ws://127.0.0.1:{free_port()}/",
                                env={})
    assert code == 3, output
    first = data["steps"][0]
    assert first["finding"]["kind"] == "error"
    assert first["finding"]["message"].startswith("could not start: ")
    assert "Traceback" not in output.split("short test summary")[-1]


def test_a_browser_endpoint_that_is_no_websocket_url_is_bad_input(tmp_path):
    code, _, output = verify(tmp_path, "--browser-endpoint", "http://127.0.0.1:1/", env={})
    assert code == 2
    assert "command line: --browser-endpoint: 'http://127.0.0.1:1/' is not a ws:// or wss:// URL" \
        in output
