"""`verify --locale`: a language steps/project.yml does not declare is refused before anything
starts (tests/e2e/test_verify_german.py runs the German UI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_an_undeclared_language_is_refused(tmp_path):
    run = subprocess.run([sys.executable, "-m", "guidegen.cli", "verify", "--root", str(REPO),
                          "--report-dir", str(tmp_path / "report"), "--locale", "fr"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert (run.returncode, run.stderr.splitlines()[0]) == \
        (2, "command line: --locale: unknown locale 'fr' (steps/project.yml has: en, de)")
    assert not (tmp_path / "report").exists()
