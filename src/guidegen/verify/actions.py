"""Performing a step's declared actions on a page, with web-first waits and no sleeps."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator as PwLocator
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..locate import to_locator
from ..model import (
    Check,
    Click,
    Expect,
    Expectation,
    Fill,
    GoTo,
    Locator,
    Remember,
    Select,
    Wait,
    action_kind,
    action_target,
)
from . import fingerprints
from .drift import closest_names
from .findings import ERROR, STRUCTURE, Finding

VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
NETWORK = re.compile(r"net::ERR_|ECONNREFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION")


@dataclass
class RunState:
    """What one guide's run carries from step to step."""

    base_urls: dict[str, str]            # portal id -> base URL of the target
    variables: dict[str, str]            # project and guide variables
    secrets: dict[str, str] = field(default_factory=dict)   # name -> value, never logged
    values: dict[str, str] = field(default_factory=dict)    # remembered, non-secret
    timeout_ms: float = 10_000
    portal: str = ""

    def resolve(self, text: str) -> str:
        return VARIABLE.sub(lambda m: {**self.variables, **self.values}.get(m.group(1), m.group(0)),
                            text)

    def secret_values(self) -> list[str]:
        return [v for v in self.secrets.values() if v]


def describe(action) -> str:
    kind = action_kind(action)
    target = action_target(action)
    if isinstance(action, GoTo):
        return f"goto {action.goto}"
    if isinstance(target, Expectation):
        parts = [target.target().describe()] if target.target() else []
        parts += [f"{k} {getattr(target, k)!r}" for k in ("text", "value", "visible", "checked")
                  if getattr(target, k) is not None]
        return f"{kind} " + ", ".join(parts)
    return f"{kind} {Locator.describe(target)}"


def _expected_name(loc: Locator) -> tuple[str | None, str]:
    if loc.role:
        return loc.role, loc.name or ""
    if loc.region:
        return "region", loc.region
    return None, loc.label or loc.text or ""


SIGN_IN = re.compile(r"^sign in", re.I)
LOG_IN = re.compile(r"^log in$", re.I)
GOTO_ATTEMPTS = 3  # a navigation that meets a network error or a 5xx is tried this often
HOP_CANDIDATES = 3  # links tried when a control seems to have moved one level down


def _missing(page: Page, loc: Locator, index: int, action, portal: str = "") -> Finding:
    if page.get_by_role("heading", name=SIGN_IN).count() or \
            page.get_by_role("heading", name=LOG_IN).count():
        # Not drift: the portal signed us out, and the page we expected is behind sign-in.
        return Finding(ERROR, "the portal asked to sign in again (the session expired); "
                       f"refresh the saved sign-in with `guidegen login {portal or '<portal>'}`",
                       index, describe(action))
    role, name = _expected_name(loc)
    return Finding(STRUCTURE, f"{loc.describe()} not found", index, describe(action),
                   expected=loc.describe(), found=closest_names(page, role, name),
                   control=loc.control)


class Performer:
    """Performs actions as a person would, with one browser tab per portal: a guide that
    copies a value from Zenkit into the Azure portal switches tabs, it does not navigate."""

    def __init__(self, context: BrowserContext, state: RunState,
                 baseline_prints: dict[str, dict] | None = None, record: bool = False,
                 heal: bool = True) -> None:
        self.context, self.state = context, state
        self.pages: dict[str, Page] = {}
        self.front: Page | None = None
        self.baseline_prints = baseline_prints or {}  # control key -> fingerprint
        self.record, self.heal = record, heal
        self.prints: dict[str, dict] = {}   # taken during the current step (when recording)
        self.known: set[str] = set()        # keys taken in this run
        self.renames: list[dict] = []       # controls found under a new name, this step
        self.override: PwLocator | None = None  # the renamed control, while acting on it

    @property
    def page(self) -> Page:
        portal = self.state.portal
        if portal not in self.pages:
            self.pages[portal] = self.context.new_page()
        page = self.pages[portal]
        if page is not self.front:
            # A background tab gets no animation frames, so Playwright's "stable" check on a
            # click would stall there for seconds.
            page.bring_to_front()
            self.front = page
        return page

    def resolved(self, loc: Locator) -> Locator:
        """The locator with {{ variables }} in its names filled in."""
        update = {k: self.state.resolve(getattr(loc, k)) for k in ("name", "label", "text", "region")
                  if getattr(loc, k)}
        if loc.within is not None:
            update["within"] = self.resolved(loc.within)
        return loc.model_copy(update=update)

    def control(self, loc: Locator) -> PwLocator:
        """The control; Playwright's actions wait for it and refuse an ambiguous match."""
        if self.override is not None:
            return self.override
        return to_locator(self.page, self.resolved(loc))

    def begin_step(self) -> None:
        self.prints, self.renames = {}, []

    def _fingerprint(self, action) -> None:
        target = action_target(action)
        if isinstance(target, Expectation) and target.visible is False:
            return  # expected to be gone: nothing to fingerprint, and no wait for it
        loc = target.target() if isinstance(target, Expectation) else target
        if isinstance(loc, Locator) and not isinstance(action, GoTo):
            key = fingerprints.key(self.resolved(loc))
            if key in self.baseline_prints or key in self.known:
                return  # taken once, when the control is new: a rename gives a new key
            info = fingerprints.take(self.control(loc), self.state.secret_values())
            if info:
                self.prints[key] = info
                self.known.add(key)

    def _renamed(self, index: int, action, loc: Locator) -> bool:
        """Perform `action` on the control `loc` names, found under a new name by its
        fingerprint, or one link further on. True when that worked; what changed is kept
        for the step's finding."""
        if not self.heal or self.override is not None:
            return False
        role, old_name = _expected_name(loc)
        change = {"action": index, "action_text": self.state.resolve(describe(action)),
                  "control": loc.control, "role": role or "field", "old": old_name,
                  "new": old_name}
        old = self.baseline_prints.get(fingerprints.key(loc))
        found = fingerprints.find_renamed(self.page, loc, old) if old else None
        if found is not None:
            self.override, change["new"] = found
            if self._act_on_override(index, action):
                self.renames.append(change)
                return True
        via = self._one_link_further(loc, old_name)
        if via is not None and self._act_on_override(index, action, to_locator(self.page, loc)):
            self.renames.append({**change, "via": via})
            return True
        return False

    def _act_on_override(self, index: int, action, control: PwLocator | None = None) -> bool:
        if control is not None:
            self.override = control
        try:
            self._run(index, action)
            return True
        except (PlaywrightError, AssertionError, Finding):
            return False
        finally:
            self.override = None

    def _one_link_further(self, loc: Locator, name: str) -> str | None:
        """A portal that moved a control one level down (Identity > Applications >
        Enterprise applications): follow the links whose names are closest to the missing
        control's, and come back unless the control is there. The name of the link that led
        to it, or None. Links only: following one changes no settings."""
        page = self.page
        start = page.url
        for link in closest_names(page, "link", name, limit=HOP_CANDIDATES):
            target = page.get_by_role("link", name=link, exact=True)
            if target.count() != 1:
                continue
            try:
                target.click(timeout=self.state.timeout_ms)
                page.wait_for_load_state()
                if to_locator(page, loc).count() == 1:
                    return link
                page.goto(start, timeout=self.state.timeout_ms)
            except PlaywrightError:
                return None
        return None

    def run(self, index: int, action) -> None:
        attempts = GOTO_ATTEMPTS if isinstance(action, GoTo) else 1
        for attempt in range(1, attempts + 1):
            try:
                return self._run_once(index, action)
            except Finding as finding:
                if finding.action_text:  # as the writer reads it on the page, variables filled in
                    finding.action_text = self.state.resolve(finding.action_text)
                if finding.kind != ERROR or attempt == attempts:
                    raise

    def _run_once(self, index: int, action) -> None:
        try:
            if self.record:
                self._fingerprint(action)
            self._run(index, action)
        except Finding:
            raise
        except AssertionError as err:
            finding = self._assertion(index, action, err)
            if finding is not None:
                raise finding from None
        except PlaywrightTimeout as err:
            loc = action_target(action)
            if isinstance(loc, Locator) and self.control(loc).count() == 0:
                loc = self.resolved(loc)
                finding = _missing(self.page, loc, index, action, self.state.portal)
                if finding.kind == ERROR or not self._renamed(index, action, loc):
                    raise finding from None
                return
            raise Finding(ERROR, f"timed out: {_first_line(err)}", index, describe(action)) from None
        except PlaywrightError as err:
            if "strict mode violation" in str(err):
                target = action_target(action)
                raise Finding(STRUCTURE, f"{Locator.describe(target)} matches several "
                              "elements; name it more precisely (exact: true, or within:)", index,
                              describe(action), control=getattr(target, "control", None)) from None
            kind = ERROR if NETWORK.search(str(err)) else STRUCTURE
            raise Finding(kind, _first_line(err), index, describe(action)) from None

    def _assertion(self, index: int, action, err: AssertionError) -> Finding | None:
        """The finding for a failed expectation; None when the control was only renamed
        and the expectation holds for it under its new name."""
        target = action_target(action)
        loc = target.target() if isinstance(target, Expectation) else None
        found: list[str] = []
        if loc is not None:
            loc = self.resolved(loc)
        if loc is not None and to_locator(self.page, loc).count() == 0:
            finding = _missing(self.page, loc, index, action, self.state.portal)
            if finding.kind != ERROR and self._renamed(index, action, loc):
                return None
            return finding
        if isinstance(target, Expectation) and target.text and loc is None:
            found = closest_names(self.page, None, target.text)
        message = _first_line(err)
        return Finding(STRUCTURE, message, index, describe(action), expected=describe(action),
                       found=found, control=getattr(target, "control", None))

    def _run(self, index: int, action) -> None:
        page, state, timeout = self.page, self.state, self.state.timeout_ms
        if isinstance(action, GoTo):
            if action.portal:
                state.portal = action.portal
                page = self.page
            url = urljoin(state.base_urls[state.portal] + "/", state.resolve(action.goto).lstrip("/"))
            response = page.goto(url, timeout=timeout)
            if response is not None and response.status >= 500:
                raise Finding(ERROR, f"HTTP {response.status} from {url}", index, describe(action))
            return
        # A click that submits a form returns once the next page has begun to load, before
        # its deferred scripts ran: a select made then changes nothing the page reacts to (a
        # person waits for the page). Returns at once on a page that has loaded.
        page.wait_for_load_state("load", timeout=timeout)
        target = action_target(action)
        if isinstance(action, Click):
            self.control(target).click(timeout=timeout)
        elif isinstance(action, Fill):
            value = state.secrets.get(target.secret, "") if target.secret else state.resolve(
                target.value or "")
            self.control(target).fill(value, timeout=timeout)
        elif isinstance(action, Select):
            self.control(target).select_option(label=state.resolve(target.option), timeout=timeout)
        elif isinstance(action, Check):
            self.control(target).set_checked(target.checked, timeout=timeout)
        elif isinstance(action, Remember):
            control = self.control(target)
            # Read what a person would read: the value once it is shown, not a hidden field
            # the page has not revealed yet.
            control.wait_for(state="visible", timeout=timeout)
            tag = control.evaluate("e => e.tagName")
            value = control.input_value() if tag in ("INPUT", "TEXTAREA", "SELECT") else \
                control.inner_text()
            (state.secrets if target.secret else state.values)[target.as_] = value
        elif isinstance(action, (Expect, Wait)):
            wait = timeout if isinstance(action, Expect) else target.timeout * 1000
            self.expect(target, wait)

    def expect(self, spec: Expectation, timeout: float) -> None:
        loc = spec.target()
        if loc is not None:
            loc = self.resolved(loc)
        if loc is None:
            expect(self.page.locator("body")).to_contain_text(self.state.resolve(spec.text),
                                                              timeout=timeout)
            return
        target = self.override or to_locator(self.page, loc)
        if spec.visible is False:
            expect(target.first).to_be_hidden(timeout=timeout)  # passes when it is gone, too
            return
        target = target.first
        if spec.text is not None:
            expect(target).to_contain_text(self.state.resolve(spec.text), timeout=timeout)
        if spec.value is not None:
            expect(target).to_have_value(self.state.resolve(spec.value), timeout=timeout)
        if spec.checked is not None:
            expect(target).to_be_checked(checked=spec.checked, timeout=timeout)
        if spec.visible or (spec.text is None and spec.value is None and spec.checked is None):
            expect(target).to_be_visible(timeout=timeout)


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
