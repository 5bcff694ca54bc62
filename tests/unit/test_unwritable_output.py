"""An output folder verify cannot write to is exit 3 and one line, said before anything
starts (it was exit 1 and 409 lines of tracebacks, or a run that lost its report at the end).

These tests run as root, whom permission bits do not stop: a folder is made unwritable as an
immutable one (`chattr +i`, which stops root too; skipped where the file system has no such
flag) or by a file standing where the folder must be."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.site.conftest import copy_project

REPO = Path(__file__).resolve().parents[2]
GUIDE = "zenkit-azure-scim-provisioning"


@contextlib.contextmanager
def immutable(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(folder)], capture_output=True, check=False).returncode:
        pytest.skip("no immutable folders here (chattr +i refused)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def verify(root: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The real command; a pytest run it started would print its header on stdout."""
    return subprocess.run([sys.executable, "-m", "guidegen.cli", "verify", "--root", str(root),
                           "--no-plan-claims", GUIDE, *args], capture_output=True, text=True,
                          check=False, cwd=cwd, timeout=120)


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "project").mkdir()
    return copy_project(tmp_path / "project").root


def test_a_file_where_a_guide_s_screenshots_go(project, tmp_path):
    shots = project / "screenshots" / GUIDE
    shutil.rmtree(shots)
    shots.write_text("not a folder", "utf-8")
    result = verify(project, "--update-screenshots", "--report-dir", "report", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        3, "", f"error: {shots}: not writable ({shots} is not a folder)\n")
    assert not (tmp_path / "report").exists()  # nothing started, nothing written


def test_an_immutable_report_folder(project, tmp_path):
    report = tmp_path / "report"
    with immutable(report):
        result = verify(project, "--report-dir", str(report), cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        3, "", f"error: {report}: not writable (Operation not permitted)\n")


def test_an_immutable_screenshots_folder_when_the_run_updates_the_status_file(project, tmp_path):
    """screenshots/status.json is written at the end of a run that speaks for the site: the
    17 steps ran, then the results and the report were lost."""
    screenshots = project / "screenshots"
    with immutable(screenshots):
        result = verify(project, "--report-dir", str(tmp_path / "report"), cwd=tmp_path)
        what_if = verify(project, "--report-dir", str(tmp_path / "what-if"), "--azure-ui", "2023",
                         "--shard", "2/2", cwd=tmp_path)  # writes no status: not refused
    assert (result.returncode, result.stdout, result.stderr) == (
        3, "", f"error: {screenshots}: not writable (Operation not permitted)\n")
    assert what_if.returncode == 0, what_if.stderr  # an empty shard: nothing to do, and fine
