"""Shared by every browser test: pytest-playwright launches Debian's Chromium (Playwright
cannot download its own browser here); GUIDEGEN_CHROMIUM picks another binary."""

from __future__ import annotations

import pytest

from guidegen.browser import launch_options


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, **launch_options()}
