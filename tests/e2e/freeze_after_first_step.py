"""A pytest plugin for a verify run under test (PYTEST_PLUGINS): once the first step has
passed, the folder named by GUIDEGEN_TEST_FREEZE becomes immutable (`chattr +i`, which stops
root too), as if someone made it read-only in the middle of the run."""

from __future__ import annotations

import os
import subprocess


def pytest_runtest_logreport(report) -> None:
    folder = os.environ.get("GUIDEGEN_TEST_FREEZE")
    if folder and report.when == "call" and report.passed:
        subprocess.run(["chattr", "+i", folder], check=True)
        os.environ.pop("GUIDEGEN_TEST_FREEZE")
