"""Nothing left running: a test session that used the browser-server fixture leaves no
process behind (the fixture once ended the `python -m playwright run-server` wrapper and left
its node child running, orphaned, after every `make test`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.processes import outliving

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
PROBE = "GUIDEGEN_PROCESS_PROBE"

SESSION = """
from tests.e2e.test_remote_browser import browser_server


def test_the_server_listens(browser_server):
    assert browser_server.startswith("ws://127.0.0.1:")
"""


def test_a_session_with_the_browser_server_leaves_nothing_running(tmp_path):
    (tmp_path / "test_inner.py").write_text(SESSION, "utf-8")
    probe = uuid.uuid4().hex
    left: list[tuple[int, str]] = []
    try:
        inner = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider",
             "--rootdir", str(tmp_path), str(tmp_path / "test_inner.py")],
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, PROBE: probe})
        assert inner.returncode == 0, inner.stdout + inner.stderr
        left = outliving(PROBE, probe)
        assert left == [], f"left running: {left}"
    finally:
        for pid, _ in left:  # this test must not leave them either
            os.kill(pid, signal.SIGKILL)
