"""Processes a test session starts, found again after it ends.

A process that outlives its parent is re-parented to init, so it is no longer a descendant of
the test run; it still carries the environment it was started with. Each session marks its
environment with a variable of its own, and whatever still runs with that mark once the
session is over was left running by it."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

MARK = "GUIDEGEN_TEST_SESSION"


def marked(name: str, value: str) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose environment has `name=value`, this
    process aside. Zombies have ended already (and show no environment)."""
    needle = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                "utf-8", "replace").strip()
        except OSError:  # ended meanwhile, or another user's
            continue
        found.append((int(entry.name), command))
    return found


def outliving(name: str, value: str, grace: float = 10.0) -> list[tuple[int, str]]:
    """The marked processes still running after `grace` seconds: a browser that was asked to
    close takes a moment to go."""
    deadline = time.monotonic() + grace
    while (left := marked(name, value)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def stop_group(process: subprocess.Popen, grace: float = 20.0) -> None:
    """End a process started with `start_new_session=True` and everything it started (a
    wrapper's children too: `python -m playwright run-server` runs node, which outlives a
    terminated wrapper): SIGTERM to its process group, SIGKILL to what is left after `grace`."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass  # the whole group ended already
    process.wait(timeout=grace)
    deadline = time.monotonic() + grace
    while _group_alive(process.pid):
        if time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            break
        time.sleep(0.1)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
