"""pytest-playwright's browser fixtures as guidegen needs them: Debian's Chromium (or a
Playwright browser server's) and contexts pinned for identical pixels.

A module plugin, registered by the verify plugin's pytest_configure: that runs after the
entry-point plugins, so these override pytest-playwright's defaults (a plugin given with -p
loads before them). Module functions, not methods of a plugin object: pytest deprecates
session fixtures bound to an instance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from ..browser import Unavailable, launch_options, remote_launch_headers, why_not_launched

if TYPE_CHECKING:
    from .early import Started


def launch_args() -> dict:
    """How the runner launches Chromium (bench/verify_bench.py's floor launches it so too)."""
    return launch_options()


def context_args() -> dict:
    """Pinned so that the same UI gives the same pixels on every machine."""
    return {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1,
            "locale": "en-US", "timezone_id": "UTC", "reduced_motion": "reduce",
            "color_scheme": "light"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **launch_args()}


def started_before(config: pytest.Config) -> Started | None:
    """What `guidegen verify` started before pytest (early.py), if it did."""
    from .early import Started

    return next((p for p in config.pluginmanager.get_plugins() if isinstance(p, Started)), None)


@pytest.fixture(scope="session")
def playwright(pytestconfig):
    """Playwright's driver: the one `guidegen verify` started before pytest, or started here.
    (pytest-playwright's own also instruments API requests for its tracing, which verify
    leaves off: it records traces of its own.)"""
    started = started_before(pytestconfig)
    if started is not None:
        yield started.playwright  # stopped by verify, after pytest
        return
    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def browser(browser_type, browser_type_launch_args, pytestconfig):
    """One browser per worker: the one `guidegen verify` launched before pytest, launched
    here, or, with --browser-endpoint, one of a Playwright browser server's (`playwright
    run-server`), so capture scales out."""
    started = started_before(pytestconfig)
    if started is not None:
        yield started.browser  # closed by verify, after pytest
        return
    endpoint = pytestconfig.getoption("browser_endpoint")
    try:
        if endpoint:
            browser = browser_type.connect(endpoint, headers=remote_launch_headers(),
                                           timeout=30_000)
        else:
            browser = browser_type.launch(**browser_type_launch_args)
    except PlaywrightError as error:
        yield Unavailable(why_not_launched(error, endpoint))
        return
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **context_args()}
