"""A verify run killed with its whole process group (as a CI job's timeout kills it) cannot
remove the browser's profile or Playwright's buffers; they are in the run's own folder, and
the next run removes them."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from guidegen import scratch
from tests.processes import stop_group

pytestmark = pytest.mark.browser

GUIDE = "zenkit-azure-scim-provisioning"


def test_a_killed_verify_leaves_its_debris_where_the_next_run_removes_it(tmp_path, monkeypatch):
    from tests.site.conftest import copy_project

    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    # Short, as /tmp is: pytest's tmp_path is too long a TMPDIR for Chromium to start.
    tmp = Path(tempfile.mkdtemp(prefix="killed-"))
    out = tmp_path / "verify.log"
    with open(out, "w", encoding="utf-8") as log:
        run = subprocess.Popen(
            [sys.executable, "-m", "guidegen.cli", "verify", "--root", str(project),
             "--report-dir", str(tmp_path / "report"), "--skip-outcome", "--no-plan-claims",
             GUIDE],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "TMPDIR": str(tmp), "NO_MKDOCS_2_WARNING": "1"})
    try:
        deadline = time.monotonic() + 180
        while "step 2/" not in out.read_text("utf-8"):  # the browser is up, steps are running
            assert run.poll() is None and time.monotonic() < deadline, out.read_text("utf-8")
            time.sleep(0.2)
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=60)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        stop_group(run)  # whatever the kill left, so that this test leaves nothing running

    # Chromium's profile (a live portal's session cookies) is left behind, but only inside
    # the run's folder: nothing of the run lies loose in the temporary folder.
    (folder,) = tmp.iterdir()
    assert folder.name.startswith(scratch.PREFIX)
    assert list(folder.glob("playwright_chromiumdev_profile-*")), [p.name for p in folder.iterdir()]

    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    try:
        with scratch.run_folder() as next_run:  # what the next verify or sign-in does first
            assert list(tmp.iterdir()) == [next_run]
        assert list(tmp.iterdir()) == []
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
