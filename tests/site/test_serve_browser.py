"""`guidegen serve` in real Chromium: a broken step file shows its problems in the page the
writer has open, new requests are answered at once, and the next good save brings the site
back, all without touching the browser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import free_port
from tests.processes import stop_group
from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser

GUIDE = "zenkit-scim-token-rotation"
TITLE = "title: Rotating the SCIM bearer token\n"
BROKEN = "<b>tilte</b>: Rotating the SCIM bearer token\n"  # a typo, and markup to escape


def get(url: str) -> str:
    """The page's text, a 404 page's too; a request that waits 10 s fails."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        if err.code != 404:
            raise
        return err.read().decode("utf-8")


@contextmanager
def serving(project: Path, log: Path) -> Iterator[str]:
    """`guidegen serve` on `project` until it answers; ended with everything it started."""
    port = free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "guidegen.cli", "serve", "--root", str(project),
             "--dev-addr", f"127.0.0.1:{port}"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    get(url + "/")
                    break
                except OSError:
                    assert server.poll() is None, log.read_text("utf-8")
                    assert time.monotonic() < deadline, "guidegen serve did not answer in 60 s"
                    time.sleep(0.3)
            yield url
        finally:
            stop_group(server)


@pytest.fixture
def step_file(tmp_path) -> Path:
    """The guide's step file in a copy of the project."""
    (tmp_path / "project").mkdir()
    return copy_project(tmp_path / "project").steps / f"{GUIDE}.yml"


def test_a_broken_step_file_shows_in_the_page_and_the_next_good_save_recovers(
        page: Page, step_file, tmp_path):
    good = step_file.read_text("utf-8")
    assert TITLE in good
    with serving(step_file.parents[1], tmp_path / "serve.log") as url:
        watch_break_and_fix(page, url, step_file, good)


def watch_break_and_fix(page: Page, url: str, step_file: Path, good: str) -> None:
    page.goto(f"{url}/guides/{GUIDE}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rotating the SCIM bearer token")

    step_file.write_text(good.replace(TITLE, BROKEN), "utf-8")
    problems = page.locator("#gg-build-problems")  # the open page reloads by itself
    expect(problems).to_contain_text(
        f"steps/{GUIDE}.yml:4: <b>tilte</b>: unknown key '<b>tilte</b>'", timeout=30_000)
    expect(problems).to_contain_text(f"steps/{GUIDE}.yml:3: (top): missing required key 'title'")
    expect(problems.locator("b")).to_have_count(0)  # step file text is shown, never run
    # Any other page is answered at once, with the same problems (MkDocs' serve held it).
    assert "unknown key &#x27;&lt;b&gt;tilte&lt;/b&gt;&#x27;" in get(f"{url}/guides/")

    step_file.write_text(good, "utf-8")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Rotating the SCIM bearer token", timeout=30_000)
    expect(problems).to_have_count(0)


def test_a_preview_started_on_a_broken_step_file_shows_it_then_the_site(step_file, tmp_path):
    good = step_file.read_text("utf-8")
    step_file.write_text(good.replace(TITLE, BROKEN), "utf-8")
    with serving(step_file.parents[1], tmp_path / "serve.log") as url:
        for path in ("/", f"/guides/{GUIDE}/"):  # a page the site never had: the 404 page
            assert "missing required key &#x27;title&#x27;" in get(url + path)
        step_file.write_text(good, "utf-8")
        deadline = time.monotonic() + 30
        while "Rotating the SCIM bearer token" not in get(f"{url}/guides/{GUIDE}/"):
            assert time.monotonic() < deadline, "the good save did not bring the site back"
            time.sleep(0.3)
