"""The command spends no time at exit looking for cycles in what the process is about to give
back anyway: an exit handler freezes the objects left, before the interpreter's last
collection; while the commands run, nothing is frozen."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import atexit, gc, json, sys
# Registered before the command's own handler, so it runs after it (last in, first out).
atexit.register(lambda: print(json.dumps({"at exit": gc.get_freeze_count() > 0})))
from guidegen.cli import main
try:
    main(["check", "--root", sys.argv[1]], standalone_mode=False)
    main(["check", "--root", sys.argv[1]], standalone_mode=False)
finally:
    print(json.dumps({"after the commands": gc.get_freeze_count()}))
"""


def test_objects_are_frozen_at_exit_and_not_before():
    done = subprocess.run([sys.executable, "-c", PROBE, str(REPO)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines == [{"after the commands": 0}, {"at exit": True}]
