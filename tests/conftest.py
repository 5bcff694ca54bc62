"""Shared by every test: pytest-playwright launches Debian's Chromium (Playwright cannot
download its own browser here; GUIDEGEN_CHROMIUM picks another binary), and a session that
leaves a process running (a browser, a server, a wrapper's child) fails, naming it."""

from __future__ import annotations

import contextlib
import os
import signal
import uuid

import pytest

from guidegen.browser import launch_options
from guidegen.verify.actions import register_selectors
from tests.processes import MARK, outliving

_mark_key = pytest.StashKey[str]()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **launch_options()}


@pytest.fixture(scope="session")
def browser_type(browser_type, playwright):
    """A test that acts with verify's Performer on pytest-playwright's browser needs the
    selector engine that verify's own browser fixture registers."""
    register_selectors(playwright)
    return browser_type


def pytest_configure(config: pytest.Config) -> None:
    # Inherited by every process the session starts, and by theirs: found again at the end
    # even once re-parented away from this one.
    config.stash[_mark_key] = os.environ[MARK] = uuid.uuid4().hex


def pytest_sessionfinish(session: pytest.Session) -> None:
    left = outliving(MARK, session.config.stash[_mark_key])
    if not left:
        return
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.ensure_newline()
        reporter.write_sep("=", "processes the tests started are still running", red=True)
    for pid, command in left:
        if reporter:
            reporter.write_line(f"{pid}: {command}")
        # Named above; ended here so that the failed run does not leave them behind either.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
