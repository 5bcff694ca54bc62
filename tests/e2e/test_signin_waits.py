"""`guidegen login --unattended` waits for the sign-in pages by what they do, not on a clock:
it looks again when a page changes (a navigation, or its DOM), so it never sleeps between
looks, and it notices a page that changes without navigating. (The whole flow against the
simulators, MFA and refusals included, is tests/e2e/test_live.py's.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from guidegen import signin
from guidegen.model import Locator

pytestmark = pytest.mark.browser


def test_a_field_a_script_reveals_is_waited_for_without_sleeping(page: Page, tmp_path,
                                                                 monkeypatch):
    """A single-page sign-in shows its password field by script, on the same document, a
    moment after Next: the change wakes the wait, with not one fixed pause (a sleep would
    fail the test)."""
    def no_sleep(self, timeout):
        raise AssertionError(f"slept {timeout} ms")

    (tmp_path / "spa.html").write_text(
        """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title>
        </head><body><label for="u">User</label><input id="u">
        <button onclick="setTimeout(() => { document.getElementById('p').hidden = false; }, 300)">
        Next</button><div id="p" hidden><label for="pw">Password</label>
        <input id="pw" type="password"></div></body></html>""", encoding="utf-8")
    page.goto((tmp_path / "spa.html").as_uri())
    monkeypatch.setattr(Page, "wait_for_timeout", no_sleep)
    controls = {"user": Locator(label="User"), "next": Locator(role="button", name="Next"),
                "password": Locator(label="Password"), "sign-in": Locator(role="button",
                                                                          name="Sign in")}
    flow = signin._Flow(page, controls, signin.Account("u", "p", None), "spa",
                        lambda url: False, timeout=5)
    flow.click("next")
    flow.until(lambda: flow.shown("password"), "the password field")
    assert flow.shown("password")
