"""pytest-playwright's browser fixtures as guidegen needs them: Debian's Chromium (or a
Playwright browser server's) and contexts pinned for identical pixels.

A module plugin, registered by the verify plugin's pytest_configure: that runs after the
entry-point plugins, so these override pytest-playwright's defaults (a plugin given with -p
loads before them). Module functions, not methods of a plugin object: pytest deprecates
session fixtures bound to an instance.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Error as PlaywrightError

from ..browser import launch_options, remote_launch_headers
from .actions import register_selectors


@dataclass(frozen=True)
class Unavailable:
    """The browser that did not start, in place of one. A session fixture that raises is
    re-raised for every step, each with a traceback; this way each guide's first step says
    why, as an environment error, and its other steps are not run."""

    message: str


def _why(error: PlaywrightError, endpoint: str | None) -> str:
    first = error.message.splitlines()[0]  # Playwright adds a call log and install banners
    if not endpoint:
        return (f"{first} (install Chromium with `make chromium`, or name a Chromium binary "
                "with GUIDEGEN_CHROMIUM)")
    if "executable doesn't exist" in first.lower():
        return (f"the browser server at {endpoint} has no browser to launch: {first} (start "
                "`playwright run-server` where Playwright's browsers are installed, or name "
                "the Chromium on the server's machine with GUIDEGEN_CHROMIUM and start the "
                "server with --unsafe)")
    return f"no browser server at {endpoint}: {first} (is `playwright run-server` running?)"


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


@pytest.fixture(scope="session")
def browser(playwright, browser_type, browser_type_launch_args, pytestconfig):
    """One browser per worker: launched here, or, with --browser-endpoint, one of a
    Playwright browser server's (`playwright run-server`), so capture scales out. Its
    contexts know the selector engine that finds the fields showing secrets."""
    register_selectors(playwright)
    endpoint = pytestconfig.getoption("browser_endpoint")
    try:
        if endpoint:
            browser = browser_type.connect(endpoint, headers=remote_launch_headers(),
                                           timeout=30_000)
        else:
            browser = browser_type.launch(**browser_type_launch_args)
    except PlaywrightError as error:
        yield Unavailable(_why(error, endpoint))
        return
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, **context_args()}
