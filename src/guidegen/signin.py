"""Signing in to a portal and saving the session for `verify --target live`.

Two ways, one saved file (live.state_file, written owner-only by live.write_private):

- a person at a browser window signs in as usual, MFA included (`guidegen login PORTAL`);
- `--unattended`, for the nightly: guidegen answers the portal's sign-in pages itself with a
  test account's user name, password and authenticator (TOTP) seed, read from environment
  variables (CI secrets) that `sign_in:` in steps/project.yml names. The pages' fields and
  buttons are a page object (`sign_in.page`), found by role and accessible name like any
  other control, so the same flow signs in to the simulators and to the real portal.

The password, the seed and every one-time code go into form fields and nowhere else: no
message quotes them or a Playwright error about them, and no trace or screenshot is taken.
`--if-expiring` renews a saved sign-in only when its cookies end within a margin.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pyotp

from .catalog import Catalog
from .errors import GuideError, Problem, did_you_mean
from .live import default_state_dir, outside_project, save_sign_in, state_file
from .model import Locator, Portal
from .project import Layout
from .yamlfile import read_yaml

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Controls the page object of `sign_in.page` must have, and those it may have.
_REQUIRED = ("user", "password", "sign-in")
_OPTIONAL = ("next", "code", "verify", "error", "stay-signed-in")
# Telling when the sign-in page changed (a navigation, or its DOM), to look at it again then.
_ASSETS = Path(__file__).parent / "assets"
_WATCH_JS = (_ASSETS / "signin_watch.js").read_text("utf-8")
_CHANGED_JS = (_ASSETS / "signin_changed.js").read_text("utf-8")


class SignInFailed(Exception):
    """The portal refused the account or never got to the end (exit 3). The message names
    the step, never what was typed."""


@dataclass(frozen=True)
class Request:
    """What `guidegen login` was asked to do."""

    root: Path
    portal: str
    url: str | None = None
    state_dir: Path | None = None
    until: str | None = None
    timeout: float = 600
    headless: bool = False
    unattended: bool = False
    # Environment variable names overriding the portal's `sign_in:`.
    env: dict[str, str] = field(default_factory=dict)
    if_expiring: str | None = None


@dataclass(frozen=True)
class Account:
    """A test account, from the environment. repr=False: a traceback or a debugger printing
    it shows no password."""

    user: str = field(repr=False)
    password: str = field(repr=False)
    totp: pyotp.TOTP | None = field(repr=False)


def parse_duration(text: str, option: str) -> float:
    """'24h', '90m', '2d', '30s' -> seconds."""
    match = _DURATION.match(text)
    if not match:
        raise GuideError([Problem("command line", 0, option, f"'{text}' is not a duration "
                                  "(a number and s, m, h or d, e.g. 24h)")])
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def expires_at(path: Path) -> float | None:
    """When the first cookie of a saved sign-in ends (seconds since the epoch), or None when
    there is no usable saved sign-in or none of its cookies says when it ends."""
    try:
        cookies = json.loads(path.read_text("utf-8"))["cookies"]
        ends = [float(c["expires"]) for c in cookies if float(c.get("expires", -1)) > 0]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return min(ends, default=None)


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def still_good(path: Path, margin: float, now: float) -> tuple[bool, str]:
    """Whether the saved sign-in at `path` outlives `margin` seconds, and why (for stderr)."""
    end = expires_at(path)
    if end is None:
        return False, "no saved sign-in with a known expiry"
    if end - now <= margin:
        return False, f"the saved sign-in ends {_when(end)}, within the margin"
    return True, f"the saved sign-in holds until {_when(end)}, beyond the margin"


def sign_in_controls(catalog: Catalog, root: Path, portal: Portal) -> dict[str, Locator]:
    """The page object's controls for the sign-in flow, or bad input naming project.yml."""
    project = Layout(root).steps / "project.yml"
    doc = read_yaml(project, str(project.relative_to(root)) if project.is_relative_to(root)
                    else str(project))
    index = next(i for i, p in enumerate(catalog.portals) if p == portal.id)
    where = ("portals", index, "sign_in")
    if portal.sign_in is None:
        raise GuideError([Problem(doc.file, doc.line_of(where), f"portals[{index}].sign_in",
                                  "missing: --unattended needs the sign-in page and the "
                                  "environment variables holding the account")])
    page = portal.sign_in.page
    controls = {ref.split(".", 1)[1]: c.locator for ref, c in catalog.controls.items()
                if ref.split(".", 1)[0] == page}
    needed = [*_REQUIRED, *(("code", "verify") if portal.sign_in.totp_seed else ())]
    field_path = f"portals[{index}].sign_in.page"
    if not controls:
        pages = {ref.split(".", 1)[0] for ref in catalog.controls}
        raise GuideError([Problem(doc.file, doc.line_of((*where, "page")), field_path,
                                  f"no page '{page}' in steps/pages/{did_you_mean(page, pages)}")])
    missing = [name for name in needed if name not in controls]
    unknown = [name for name in controls if name not in (*_REQUIRED, *_OPTIONAL)]
    problems = [Problem(doc.file, doc.line_of((*where, "page")), field_path,
                        f"page '{page}' has no control '{name}' (the sign-in needs it)")
                for name in missing]
    problems += [Problem(doc.file, doc.line_of((*where, "page")), field_path,
                         f"page '{page}' has a control '{name}' the sign-in does not use"
                         f"{did_you_mean(name, (*_REQUIRED, *_OPTIONAL))}; its controls are "
                         f"{', '.join((*_REQUIRED, *_OPTIONAL))}") for name in unknown]
    if problems:
        raise GuideError(problems)
    return controls


def account_from_env(portal: Portal, overrides: dict[str, str]) -> Account:
    """The account from the environment variables named by the command line or the portal's
    `sign_in:`. A message names a variable, never its value."""
    declared = portal.sign_in
    names = {
        "user": overrides.get("user") or (declared.user if declared else None),
        "password": overrides.get("password") or (declared.password if declared else None),
        "totp": overrides.get("totp") or (declared.totp_seed if declared else None),
    }
    option = {"user": "--user-env", "password": "--password-env", "totp": "--totp-env"}
    problems, values = [], {}
    for key, name in names.items():
        if name is None:
            if key != "totp":
                problems.append(Problem("command line", 0, option[key], "no environment "
                                        "variable named (give it, or `sign_in:` in "
                                        "steps/project.yml)"))
            continue
        values[key] = os.environ.get(name, "")
        if not values[key]:
            problems.append(Problem("command line", 0, option[key], f"{name} is not set "
                                    "(the account's secret for the unattended sign-in: set "
                                    "it from your CI secret store)"))
    totp = None
    if values.get("totp"):
        seed = re.sub(r"[\s-]", "", values["totp"]).upper()
        try:
            totp = pyotp.TOTP(seed)
            totp.now()
        except ValueError:  # binascii.Error included: not base32
            problems.append(Problem("command line", 0, "--totp-env", f"{names['totp']} is not "
                                    "a base32 TOTP seed (the secret key the authenticator "
                                    "set-up shows)"))
    if problems:
        raise GuideError(problems)
    return Account(values["user"], values["password"], totp)


class _Flow:
    """Answers the sign-in pages of one portal in a page that has just opened its URL."""

    def __init__(self, page, controls: dict[str, Locator], account: Account, portal: str,
                 landed: Callable[[str], bool], timeout: float) -> None:
        from .locate import to_locator

        self.page, self.account, self.portal, self.timeout = page, account, portal, timeout
        self.landed = landed
        self.c = {name: to_locator(page, loc).first for name, loc in controls.items()}

    def run(self) -> None:
        c, account = self.c, self.account
        self.until(lambda: self.shown("user"), "the user name field")
        self.fill("user", account.user, "user name")
        if "next" in c:
            self.click("next")
            self.until(lambda: self.shown("password"), "the password field", "user name")
        self.fill("password", account.password, "password")
        self.click("sign-in")
        if account.totp:
            self.until(lambda: self.shown("code"), "the one-time code field", "password")
            self.fill("code", account.totp.now(), "one-time code")
            self.click("verify")
            refused = "one-time code"
        else:
            refused = "password"
        if "stay-signed-in" in c:
            self.until(lambda: self.shown("stay-signed-in") or self.done(),
                       "the portal", refused)
            if self.shown("stay-signed-in"):
                self.click("stay-signed-in")
        self.until(self.done, "the portal", refused)

    def done(self) -> bool:
        if "code" in self.c and not self.account.totp and self.shown("code"):
            raise SignInFailed(f"the sign-in to {self.portal} asks for a one-time code, and "
                               "no TOTP seed is configured (sign_in.totp_seed)")
        # Positively back at the portal: a page that asks for more than the page object names
        # (a code, with no `code` control) is not the end, whatever it lacks.
        return (self.landed(self.page.url)
                and not any(self.shown(n) for n in ("user", "password", "code")))

    def shown(self, name: str) -> bool:
        return name in self.c and self.c[name].is_visible()

    def until(self, ready: Callable[[], bool], what: str, refused: str | None = None) -> None:
        """Wait (bounded by the timeout) until `ready()`, looking again each time the page
        changes (a navigation, or its DOM), not on a clock; a refusal the page shows after
        the `refused` answer ends the sign-in at once."""
        from playwright.sync_api import Error as PlaywrightError

        deadline = time.monotonic() + self.timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                # Marked before looking: a change while we look is not missed.
                self.page.evaluate(_WATCH_JS)
                if refused and self.shown("error"):
                    raise SignInFailed(f"the sign-in to {self.portal} refused the {refused}")
                if ready():
                    return
                self.page.wait_for_function(_CHANGED_JS, timeout=left * 1000)
            except PlaywrightError:
                pass  # the page navigated while we looked (look again), or time ran out
        raise SignInFailed(f"the sign-in to {self.portal} did not reach {what} within "
                           f"{self.timeout:g} s")

    def fill(self, name: str, value: str, what: str) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            self.c[name].fill(value, timeout=self.timeout * 1000)
        except PlaywrightError:
            # Playwright's message may quote the value: say only which field it was.
            raise SignInFailed(f"the sign-in to {self.portal} could not type the {what}") from None

    def click(self, name: str) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            self.c[name].click(timeout=self.timeout * 1000)
        except PlaywrightError:
            raise SignInFailed(f"the sign-in to {self.portal} could not click its "
                               f"'{name}' control") from None


def landed(url: str, until: str | None) -> Callable[[str], bool]:
    """Whether a page is the end of the sign-in: the `until` glob's URL, or the URL the
    sign-in started at (the portal sends the browser back there), query and fragment aside."""
    if until:
        return lambda current: fnmatch.fnmatchcase(current, until)

    def bare(address: str) -> str:
        return urlsplit(address)._replace(query="", fragment="").geturl().rstrip("/")

    return lambda current: bare(current) == bare(url)


def login(request: Request, say: Callable[[str], None], ask: Callable[[str], None]) -> None:
    """Sign in to `request.portal` and save the session; `say` reports progress, `ask`
    waits for the person at the window. Raises GuideError (bad input) or SignInFailed."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from .browser import launch_options
    from .load import load_catalog
    from .scratch import run_folder

    root = request.root
    catalog = load_catalog(Layout(root).steps, root)
    if request.portal not in catalog.portals:
        raise GuideError([Problem("command line", 0, "portal", f"unknown portal "
                                  f"'{request.portal}'{did_you_mean(request.portal, catalog.portals)}"
                                  f"; portals are: {', '.join(catalog.portals)}")])
    portal = catalog.portals[request.portal]
    margin = (parse_duration(request.if_expiring, "--if-expiring")
              if request.if_expiring is not None else None)
    url = request.url or portal.url
    if not url:
        raise GuideError([Problem("steps/project.yml", 0, f"portals.{portal.id}.url",
                                  "no URL to sign in at (or pass --url)")])
    state_dir = request.state_dir or default_state_dir()
    outside_project(state_dir, root, "saved sign-ins", "--state-dir")
    if request.unattended:
        controls = sign_in_controls(catalog, root, portal)
        account = account_from_env(portal, request.env)
    dest = state_file(state_dir, portal.id)
    if margin is not None:
        good, why = still_good(dest, margin, time.time())
        say(f"{why}: {'nothing to do' if good else 'signing in'}")
        if good:
            return
    headless = request.headless or request.unattended
    if not headless and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise SignInFailed("signing in needs a browser window, and there is no display here; "
                           "run `guidegen login` on a desktop and copy the saved file, or use "
                           "--unattended with a test account")

    def wait(page) -> None:
        if request.unattended:
            _Flow(page, controls, account, portal.id, landed(url, request.until),
                  request.timeout).run()
        elif request.until:
            say(f"Sign in to {portal.id} in the browser window; the session is saved once the "
                f"page reaches {request.until}.")
            page.wait_for_url(request.until, timeout=request.timeout * 1000)
        else:
            ask(f"Sign in to {portal.id} in the browser window (MFA included), then press "
                "Enter here")

    try:
        # A killed sign-in leaves no signed-in browser profile behind (guidegen.scratch).
        with run_folder(), sync_playwright() as pw:
            browser = pw.chromium.launch(headless=headless, **launch_options())
            try:
                cookies = save_sign_in(browser, url, dest, wait)
            finally:
                browser.close()
    except PlaywrightError as err:
        raise SignInFailed(f"sign-in not saved: {str(err).splitlines()[0]}") from None
    say(f"saved the sign-in to {portal.id} ({cookies} cookies) to {dest}")
