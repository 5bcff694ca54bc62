"""pytest-playwright's browser fixtures as guidegen needs them: Debian's Chromium (or a
Playwright browser server's) and contexts pinned for identical pixels.

A module plugin, registered by the verify plugin's pytest_configure: that runs after the
entry-point plugins, so these override pytest-playwright's defaults (a plugin given with -p
loads before them). Module functions, not methods of a plugin object: pytest deprecates
session fixtures bound to an instance.
"""

from __future__ import annotations

import pytest

from ..browser import launch_options, remote_launch_headers


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **launch_options()}


@pytest.fixture(scope="session")
def browser(browser_type, browser_type_launch_args, pytestconfig):
    """One browser per worker: launched here, or, with --browser-endpoint, one of a
    Playwright browser server's (`playwright run-server`), so capture scales out."""
    endpoint = pytestconfig.getoption("browser_endpoint")
    if endpoint:
        browser = browser_type.connect(endpoint, headers=remote_launch_headers(), timeout=30_000)
    else:
        browser = browser_type.launch(**browser_type_launch_args)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Pinned so that the same UI gives the same pixels on every machine."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800},
            "device_scale_factor": 1, "locale": "en-US", "timezone_id": "UTC",
            "reduced_motion": "reduce", "color_scheme": "light"}
