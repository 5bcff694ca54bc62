"""A private temporary folder for each run that starts a browser, and the removal of the
folders of runs that were killed.

Chromium keeps its profile (the portals' cookies and storage: a signed-in session on a live
portal), Playwright its trace buffers and downloads, and pytest-playwright its artifacts in
the system's temporary folder, and removes them when the browser closes. A run killed with
its whole process group (a CI job's timeout, `kill -9 -PGID`, the OOM killer) removes
nothing: those folders stayed in /tmp for good. So a run points every process it starts at a
folder of its own (TMPDIR, which the Playwright driver, Chromium and Python all read) and holds
a lock on it for as long as it lives. The kernel releases the lock of a process that dies,
however it dies, so the next run can tell a killed run's folder from a live one's by trying
the lock, whatever became of its process id, and removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PREFIX = "guidegen-run-"
LOCK = ".lock"
# A folder with no lock yet is a run being set up (mkdtemp, then the lock, microseconds
# apart); one that old had its run killed in between.
SETTING_UP_SECONDS = 60.0
# The longest TMPDIR with which Chromium still starts (measured: 62 starts, 63 does not). Its
# singleton socket lives at $TMPDIR/org.chromium.Chromium.XXXXXX/SingletonSocket, and a Unix
# socket's path holds at most 107 bytes. Where the run's folder would make it longer, the
# run goes without one rather than without a browser.
CHROMIUM_TMPDIR_MAX = 62


@contextlib.contextmanager
def run_folder() -> Iterator[Path]:
    """For the block: a new private folder (0700) as TMPDIR of this process and of every
    process it starts, removed afterwards; or, where the system's temporary folder has too
    long a path for that, the system's, unchanged. First removes the folders of killed runs."""
    base = Path(tempfile.gettempdir())
    sweep(base)
    if len(os.fsencode(base / f"{PREFIX}12345678")) > CHROMIUM_TMPDIR_MAX:  # mkdtemp adds 8
        yield base
        return
    folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=base))
    # Held open for the run: the lock lives exactly as long as this process does. Locked
    # before it takes its name, so that no sweep ever finds it unlocked.
    lock = open(folder / f"{LOCK}.new", "w", encoding="ascii")  # noqa: SIM115
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.replace(folder / f"{LOCK}.new", folder / LOCK)
    saved_env, saved_tempdir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = str(folder)
    tempfile.tempdir = str(folder)  # Python's own temporary files (pytest-playwright's)
    try:
        yield folder
    finally:
        tempfile.tempdir = saved_tempdir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        shutil.rmtree(folder, ignore_errors=True)
        lock.close()


def sweep(base: Path) -> list[Path]:
    """Remove the run folders in `base` whose run is gone; return them. A folder whose
    lock is held (a run going on, here or in another process) is left alone, and so is one
    that is not this user's (its owner's runs sweep it)."""
    removed = []
    for folder in base.glob(f"{PREFIX}*"):
        try:
            if folder.is_symlink() or not folder.is_dir() or folder.stat().st_uid != os.getuid():
                continue
            with open(folder / LOCK, encoding="ascii") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held: BlockingIOError
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:  # no lock: being set up, or killed before it took one
            with contextlib.suppress(OSError):
                if time.time() - folder.stat().st_mtime > SETTING_UP_SECONDS:
                    shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # BlockingIOError: a live run's; or unreadable: not ours to judge
            continue
        if not folder.exists():
            removed.append(folder)
    return removed
