"""A run's private temporary folder: TMPDIR for everything the run starts, gone afterwards;
and the sweep that removes a killed run's folder, never a live run's."""

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

# Holds a run folder (in the TMPDIR it is given) until it is killed; says where it is first.
# It waits on its stdin, which the test holds open: killed by the test, or gone with it.
HOLDER = """
import sys
from guidegen.scratch import run_folder
with run_folder() as folder:
    (folder / "profile").mkdir()
    (folder / "profile" / "Cookies").write_text("session=secret", encoding="utf-8")
    print(folder, flush=True)
    sys.stdin.read()
"""


def as_system_temp(folder, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", None)  # computed again, from TMPDIR


@pytest.fixture
def base(monkeypatch):
    """A temporary folder of the test's own, as the system's; short, as /tmp is (pytest's
    tmp_path is too long a TMPDIR for Chromium, see scratch.CHROMIUM_TMPDIR_MAX)."""
    folder = Path(tempfile.mkdtemp(prefix="scratch-"))
    as_system_temp(folder, monkeypatch)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_run_and_all_it_starts_use_its_folder_which_goes_afterwards(base):
    with scratch.run_folder() as folder:
        assert folder.parent == base and folder.name.startswith(scratch.PREFIX)
        assert folder.stat().st_mode & 0o777 == 0o700
        assert tempfile.gettempdir() == str(folder)
        child = subprocess.run([sys.executable, "-c", "import tempfile; print(tempfile.gettempdir())"],
                               capture_output=True, text=True, check=True, timeout=60)
        assert child.stdout.strip() == str(folder)
        (folder / "profile").mkdir()
    assert os.environ["TMPDIR"] == str(base) and tempfile.gettempdir() == str(base)
    assert list(base.iterdir()) == []


def test_a_killed_runs_folder_goes_with_the_next_run_and_a_live_ones_stays(base):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "TMPDIR": str(base)})
    try:
        folder = base / os.path.basename(holder.stdout.readline().strip())
        assert (folder / "profile" / "Cookies").is_file()
        assert scratch.sweep(base) == []  # its run goes on: left alone
        with scratch.run_folder() as mine:  # another run beside it
            assert (folder / "profile").is_dir()
            assert scratch.sweep(base) == []  # nor is the run that sweeps its own folder's
    finally:
        holder.send_signal(signal.SIGKILL)  # no clean-up of its own: as a CI timeout kills
        holder.wait(timeout=60)
    assert (folder / "profile" / "Cookies").is_file() and not mine.exists()
    with scratch.run_folder():
        assert not folder.exists()


def test_a_folder_without_its_lock_goes_only_once_it_is_old(base):
    young, old = base / f"{scratch.PREFIX}young", base / f"{scratch.PREFIX}old"
    for folder in (young, old):
        (folder / "profile").mkdir(parents=True)
    long_ago = time.time() - scratch.SETTING_UP_SECONDS - 5
    os.utime(old, (long_ago, long_ago))
    assert scratch.sweep(base) == [old]
    assert young.is_dir() and not old.exists()


def test_where_the_folder_would_make_chromium_fail_the_run_goes_without_one(tmp_path,
                                                                          monkeypatch):
    long = tmp_path / "tmp"  # pytest's folders: 50 characters and more
    long.mkdir()
    assert len(str(long / scratch.PREFIX)) + 8 > scratch.CHROMIUM_TMPDIR_MAX
    as_system_temp(long, monkeypatch)
    with scratch.run_folder() as folder:
        assert folder == long and os.environ["TMPDIR"] == str(long)
        assert list(long.iterdir()) == []


def test_nothing_else_in_the_folder_is_touched(base, tmp_path):
    other = base / "playwright-artifacts-abc"
    other.mkdir()
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "keep").mkdir(parents=True)
    (base / f"{scratch.PREFIX}link").symlink_to(elsewhere)
    assert scratch.sweep(base) == []
    assert other.is_dir() and (elsewhere / "keep").is_dir()
