"""Fixtures for site tests: a copy of the project built once per session, served on loopback."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from guidegen.browser import launch_options
from guidegen.build import build
from guidegen.project import Layout

REPO = Path(__file__).resolve().parents[2]
CONTENT = ("mkdocs.yml", "steps", "templates", "screenshots", "docs")


def copy_project(dest: Path) -> Layout:
    for name in CONTENT:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("guides"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    return Layout(dest)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Layout:
    """The shipped content, rendered and built strictly by `guidegen build`."""
    layout = copy_project(tmp_path_factory.mktemp("project"))
    build(layout)
    return layout


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Layout) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium (Playwright cannot download one here)."""
    return {**browser_type_launch_args, **launch_options()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900},
            "locale": "en-US", "reduced_motion": "reduce"}
