"""Performing a step's declared actions on a page, with web-first waits and no sleeps."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from playwright.sync_api import BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator as PwLocator
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ..checks import SECRET_FIELD, json_strings
from ..locate import to_locator
from ..model import (
    Check,
    Click,
    Expect,
    Expectation,
    Fill,
    GoTo,
    Http,
    Locator,
    Remember,
    Select,
    Wait,
    action_kind,
    action_target,
    in_locale,
)
from . import fingerprints
from .drift import accessible_names, closest_names, other_roles
from .findings import ERROR, MISSING_DATA, STRUCTURE, Finding
from .network import NetworkWatch
from .redact import Secrets

VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
NETWORK = re.compile(r"net::ERR_|ECONNREFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION")
# The ways to open from a page when a control is missing: [{role, name, nav}].
ASSETS = Path(__file__).parent.parent / "assets"
WAYS_JS = (ASSETS / "ways.js").read_text("utf-8")
# The page's secret fields (declared ones named by a label, password fields, fields labelled
# as secrets), found by a selector engine of our own, and what such elements show.
SECRET_ENGINE = "guidegen-secret-fields"
SECRET_FIELDS_JS = (ASSETS / "secret_fields.js").read_text("utf-8")
SECRET_VALUES_JS = (ASSETS / "secret_values.js").read_text("utf-8")


def register_selectors(playwright) -> None:
    """Make the secret-field engine known to the Playwright instance whose contexts a
    Performer acts in (its browser contexts get it, those made before included). Done by
    the verify plugin's browser fixture; once per instance."""
    try:
        playwright.selectors.register(SECRET_ENGINE, SECRET_FIELDS_JS, content_script=True)
    except PlaywrightError as error:
        if "already registered" not in error.message:
            raise


@dataclass
class RunState:
    """What one guide's run carries from step to step."""

    base_urls: dict[str, str]            # portal id -> base URL of the target
    variables: dict[str, str]            # project and guide variables
    secrets: dict[str, str] = field(default_factory=dict)   # name -> value, never logged
    values: dict[str, str] = field(default_factory=dict)    # remembered, non-secret
    timeout_ms: float = 10_000
    portal: str = ""
    # portal id -> what the portal shows when it, or a service it calls, is failing
    outage: dict[str, list[re.Pattern]] = field(default_factory=dict)
    # Where pages show secrets, known by what they are (a control declared secret, a value
    # remembered as secret; password fields too, without a locator), and every value seen
    # there: artifacts are scrubbed of them, even of one shown before the step that uses it.
    secret_fields: list[Locator] = field(default_factory=list)
    redact: Secrets = field(default_factory=Secrets)
    # What the run has typed or sent so far: a row named after none of it was never created.
    entered: list[str] = field(default_factory=list)
    # The portal's language in this run (None: the source language): controls are found by
    # their names in it, expected texts are its.
    locale: str | None = None

    def __post_init__(self) -> None:
        for value in self.secrets.values():
            self.redact.add(value)

    def resolve(self, text: str) -> str:
        return VARIABLE.sub(lambda m: {**self.variables, **self.values}.get(m.group(1), m.group(0)),
                            text)

    def secret_values(self) -> list[str]:
        return self.redact.values


def describe(action) -> str:
    kind = action_kind(action)
    target = action_target(action)
    if isinstance(action, GoTo):
        return f"goto {action.goto}"
    if isinstance(action, Http):
        return f"http {target.method} {target.path}"
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
ATTEMPTS = 3  # an action whose request meets a network error or a 5xx is tried this often
MOVE_CLICKS = 12  # clicks spent looking for a control that moved, per missing control
MOVE_DEPTH = 2    # at most this many clicks from where the control was expected
NOTICE_ROLES = ("alert", "status", "alertdialog")
DIALOG_ROLES = ("dialog", "alertdialog")
DIALOGS = "dialog[open], [role=dialog], [role=alertdialog]"
MASKED = re.compile(r"^[\s•●*·∙⋅]*$")  # nothing but mask characters (or nothing at all)
SHOWN_CHARS = 400  # enough for a notification's error code and details


def _signed_out(page: Page) -> bool:
    return bool(page.get_by_role("heading", name=SIGN_IN).count() or
                page.get_by_role("heading", name=LOG_IN).count())


def _expects_dialog(loc: Locator | None) -> bool:
    while loc is not None:
        if loc.role in DIALOG_ROLES:
            return True
        loc = loc.within
    return False


def _missing(page: Page, loc: Locator, index: int, action, portal: str = "",
             entered: list[str] = ()) -> Finding:
    if _signed_out(page):
        # Not drift: the portal signed us out, and the page we expected is behind sign-in.
        return Finding(ERROR, "the portal asked to sign in again (the session expired); "
                       f"refresh the saved sign-in with `guidegen login {portal or '<portal>'}`",
                       index, describe(action))
    data = _absent_data(page, loc)
    if data is not None and not _entered(data, entered):
        # Not the portal's structure: the data the step acts on was never there.
        role, name = _expected_name(data)
        return Finding(MISSING_DATA, f"no {role or 'element'} '{name}'{_where(page)}: nothing "
                       "earlier created it (create it in a 'setup' step, or require the guide "
                       "that does)", index, describe(action), expected=data.describe())
    role, name = _expected_name(loc)
    near = to_locator(page, loc.within) if loc.within is not None else None
    message = f"{loc.describe()} not found{_where(page)}"
    others = other_roles(page, role, name)
    if others:
        message += f"; the page shows {', '.join(others)}: another role"
    return Finding(STRUCTURE, message, index,
                   describe(action), expected=loc.describe(),
                   found=closest_names(page, role, name, near=near), control=loc.control)


def _absent_data(page: Page, loc: Locator) -> Locator | None:
    """The outermost part of `loc` that names data (exact: false, a row named by its cells)
    and is not on the page."""
    absent = None
    while loc is not None:
        if not loc.exact:
            try:
                if to_locator(page, loc).count() == 0:
                    absent = loc
            except PlaywrightError:
                pass
        loc = loc.within
    return absent


def _entered(data: Locator, entered: list[str]) -> bool:
    """Whether an earlier action typed or sent what the data's name holds (a user's name)."""
    name = " ".join((_expected_name(data)[1]).split()).casefold()
    return any(value.casefold() in name or name in value.casefold()
               for value in (" ".join(v.split()) for v in entered) if value)


def _unexpected_dialog(page: Page, loc: Locator | None, index: int, action,
                       previous: str | None) -> Finding | None:
    """The step meets a dialog the guide does not mention: that is the drift, not the
    control it then looks for (whose page-object line needs no edit). `loc` None: the step
    ended with it open."""
    if loc is not None and _expects_dialog(loc):
        return None
    nodes = accessible_names(page)
    dialogs = [(role, name) for role, name in nodes if role in DIALOG_ROLES]
    if not dialogs:
        return None
    role, name = dialogs[0]
    try:
        buttons = page.get_by_role(role, name=name, exact=True).get_by_role("button") \
            .all_inner_texts()
    except PlaywrightError:
        buttons = []
    buttons = [" ".join(b.split()) for b in buttons if b.strip()]
    if loc is None:
        return Finding(STRUCTURE, f"an unexpected dialog '{name}' is still open when the "
                       "step ends; the step does not mention it", index, describe(action),
                       expected="no dialog", found=buttons)
    after = f" after action {index} ({previous})" if previous and index else ""
    return Finding(STRUCTURE, f"an unexpected dialog '{name}' is open{after}; the step "
                   f"expected {loc.describe()}", index, describe(action),
                   expected=loc.describe(), found=buttons)


def _where(page: Page) -> str:
    """' on page 'Title' (/path)': which page the step reached, to tell an unexpected page."""
    try:
        title = page.title()
    except PlaywrightError:
        return ""
    path = urlsplit(page.url).path or "/"
    return f" on page '{title}' ({path})" if title else f" on {path}"


def _notices(page: Page) -> list[str]:
    """The alerts, status messages and toasts a person would read on the page now."""
    out: list[str] = []
    for role in NOTICE_ROLES:
        try:
            texts = page.get_by_role(role).all_inner_texts()
        except PlaywrightError:
            continue
        out += [" ".join(t.split())[:SHOWN_CHARS] for t in texts if t.strip()]
    return list(dict.fromkeys(out))[:3]


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
        self.watch = NetworkWatch(context)
        self.step_mark = 0                  # the watch's failures before this step
        self.previous: str | None = None    # the step's last action done, as described
        self.last: tuple[int, object] | None = None  # its index and the action
        self.dialog_named = False           # an action of this step names a dialog
        # Per tab: how many navigations its main frame has made, and how many it had made
        # when a wait last saw it loaded. Equal: no page has come since, so there is no load
        # to wait for, and no call to make (three messages to the driver, most actions).
        self.documents: dict[Page, int] = {}
        self.loaded: dict[Page, int] = {}

    @property
    def page(self) -> Page:
        portal = self.state.portal
        if portal not in self.pages:
            page = self.pages[portal] = self.context.new_page()
            self.documents[page] = 0
            page.on("framenavigated", lambda frame, page=page: self._navigated(page, frame))
        page = self.pages[portal]
        if page is not self.front:
            # A background tab gets no animation frames, so Playwright's "stable" check on a
            # click would stall there for seconds.
            page.bring_to_front()
            self.front = page
        return page

    def _navigated(self, page: Page, frame) -> None:
        if frame.parent_frame is None:
            self.documents[page] += 1

    def wait_loaded(self, page: Page, timeout: float) -> None:
        """Wait for the tab's page to have loaded, unless a wait already saw it loaded and the
        tab has not navigated since. Counted before the wait: a page that comes during it is
        waited for next time."""
        seen = self.documents.get(page)
        if seen is not None and self.loaded.get(page) == seen:
            return
        page.wait_for_load_state("load", timeout=timeout)
        if seen is not None:
            self.loaded[page] = seen

    def resolved(self, loc: Locator) -> Locator:
        """The locator in the run's language, with {{ variables }} in its names filled in."""
        if self.state.locale:
            loc = loc.in_locale(self.state.locale)
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

    def harvest(self, every_page: bool = False) -> None:
        """Learn the secret values the page shows now (all open pages: `every_page`), by
        what shows them, before any artifact can hold them: a trace keeps the page even when
        the step that would remember its token never ran."""
        pages = list(self.pages.values()) if every_page else \
            [p for p in (self.pages.get(self.state.portal),) if p is not None]
        for page in pages:
            try:
                if page.is_closed():
                    continue
                values = self._shown_secrets(page)
            except PlaywrightError:
                continue  # a page going away: the next action's harvest reads the next one
            for value in values:
                self.state.redact.add(value)

    def _shown_secrets(self, page: Page) -> list[str]:
        """What the page's secret fields show: are any on the page (one count, where
        Playwright performs actions, so it costs no more than the next action's own lookup),
        and only if so, one script reads them all. The fields secret by what they are, and
        the declared fields named by a label itself, are found by secret_fields.js (by
        Playwright's rules for getByLabel, matched more loosely, so it misses none of them);
        a declared field named otherwise (a role, a text, a region) by Playwright's
        locators. Most pages show no secret field, and run no script of ours in their own
        world: there the page's scripts could hide a field from it, and Playwright first
        injects its helper script (17-20 ms on each new static page, measured; the verify
        benchmark did not show that gain on the seed guide: project-docs/benchmarks.md)."""
        labels: list[str] = []
        others = None
        for loc in self.state.secret_fields:
            loc = self.resolved(loc)
            if loc.role is None and loc.label is not None:
                labels.append(loc.label)  # wherever it is: the region does not narrow it
                continue
            found = to_locator(page, loc)
            others = found if others is None else others.or_(found)
        body = quote(json.dumps({"pattern": SECRET_FIELD.pattern, "labels": labels}), safe="")
        fields = page.locator(f"{SECRET_ENGINE}={body}")
        if others is not None:
            fields = fields.or_(others)
        if not fields.count():
            return []
        return fields.evaluate_all(SECRET_VALUES_JS)

    def begin_step(self) -> None:
        self.prints, self.renames = {}, []
        self.step_mark, self.previous, self.last = self.watch.mark(), None, None
        self.dialog_named = False

    def _fingerprint(self, action) -> None:
        target = action_target(action)
        if isinstance(target, Expectation) and target.visible is False:
            return  # expected to be gone: nothing to fingerprint, and no wait for it
        loc = target.target() if isinstance(target, Expectation) else target
        if isinstance(loc, Locator) and not isinstance(action, GoTo):
            key = fingerprints.key(self.resolved(loc), self.state.portal)
            if key in self.baseline_prints or key in self.known:
                return  # taken once, when the control is new: a rename gives a new key
            info = fingerprints.take(self.control(loc), self.state.redact)
            if info:
                self.prints[key] = info
                self.known.add(key)

    def _renamed(self, index: int, action, loc: Locator) -> bool:
        """Perform `action` on the control `loc` names, found under a new name by its
        fingerprint, or a few clicks further on. True when that worked; what changed is kept
        for the step's finding."""
        if not self.heal or self.override is not None:
            return False
        role, old_name = _expected_name(loc)
        change = {"action": index, "action_text": self.state.resolve(describe(action)),
                  "control": loc.control, "role": role or "field", "old": old_name,
                  "new": old_name}
        old = self.baseline_prints.get(fingerprints.key(loc, self.state.portal))
        found = fingerprints.find_renamed(self.page, loc, old) if old else None
        if found is not None:
            self.override, change["new"] = found
            if self._act_on_override(index, action):
                self.renames.append(change)
                return True
        via = self._search_moved(loc)
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

    def _ways_on(self, page: Page, name: str, tried: set) -> list[dict]:
        """What a person would open to look for a control that moved: links, tabs, collapsed
        expanders and menu buttons, closest in name first. None of them changes a setting."""
        found = page.evaluate(WAYS_JS)
        ways = [w for w in found if (w["role"], w["name"]) not in tried]
        names = [w["name"] for w in ways]
        close = difflib.get_close_matches(name, names, n=max(1, len(names)), cutoff=0)
        return sorted(ways, key=lambda w: (not w["nav"], close.index(w["name"])))

    def _follow(self, page: Page, start: str, path: list[dict]) -> bool:
        """From `start`, click along `path`; False when a step of it is gone."""
        page.goto(start, timeout=self.state.timeout_ms)
        for way in path:
            target = page.get_by_role(way["role"], name=way["name"], exact=True)
            if target.count() != 1:
                return False
            target.click(timeout=self.state.timeout_ms)
            page.wait_for_load_state(timeout=self.state.timeout_ms)
        return True

    def _search_moved(self, loc: Locator) -> list[dict] | None:
        """A control that moved under another parent (Identity > Applications > Enterprise
        applications, or a "Manage" expander): search breadth-first from here, along links,
        tabs, expanders and menus, at most MOVE_DEPTH clicks deep and MOVE_CLICKS clicks in
        all. The clicks that lead to it, or None; the page is left where it was found."""
        page = self.page
        start = page.url
        role, name = _expected_name(loc)
        budget = MOVE_CLICKS
        frontier: list[list[dict]] = [[]]
        tried: set = set()
        try:
            for _ in range(MOVE_DEPTH):
                following: list[list[dict]] = []
                for path in frontier:
                    if budget <= 0 or not self._follow(page, start, path):
                        continue
                    for way in self._ways_on(page, name, tried)[:budget]:
                        tried.add((way["role"], way["name"]))
                        budget -= 1
                        if path and not self._follow(page, start, path):
                            break
                        target = page.get_by_role(way["role"], name=way["name"], exact=True)
                        if target.count() != 1:
                            continue
                        target.click(timeout=self.state.timeout_ms)
                        page.wait_for_load_state(timeout=self.state.timeout_ms)
                        self.harvest()  # the search may open a page that shows a secret
                        step = {"role": way["role"], "name": way["name"]}
                        if to_locator(page, loc).count() == 1 and \
                                to_locator(page, loc).is_visible():
                            return [*path, step]
                        following.append([*path, step])
                        if page.url != start or path:
                            self._follow(page, start, path)
                frontier = following
            page.goto(start, timeout=self.state.timeout_ms)
        except PlaywrightError:
            return None
        return None

    def run(self, index: int, action) -> None:
        """Perform one action. A request of its own that fails (HTTP 5xx, a dropped
        connection) makes it an error, and it is tried again, ATTEMPTS times in all. In a run
        in another language, the action as it is there: its names, options and expected texts
        in that language (findings then quote what was looked for)."""
        if self.state.locale:
            action = in_locale(action, self.state.locale)
        try:
            self._attempts(index, action)
        finally:
            self.harvest()

    def _attempts(self, index: int, action) -> None:
        first = self.watch.mark()
        for attempt in range(1, ATTEMPTS + 1):
            mark = self.watch.mark()
            page = self.pages.get(self.state.portal)
            before = page.url if page is not None and not isinstance(action, GoTo) else None
            try:
                self._run_once(index, action)
                failed = [f for f in self.watch.since(mark) if f.navigation]
                if failed:
                    raise Finding(ERROR, f"{failed[-1].describe()}: the portal failed, not the "
                                  "guide", index, describe(action))
                self.previous = self.state.resolve(describe(action))
                self.last = (index, action)
                target = action_target(action)
                loc = target.target() if isinstance(target, Expectation) else target
                self.dialog_named |= isinstance(loc, Locator) and _expects_dialog(loc)
                if attempt > 1:
                    self.watch.recover(first)
                return
            except Finding as finding:
                if finding.action_text:  # as the writer reads it on the page, variables filled in
                    finding.action_text = self.state.resolve(finding.action_text)
                finding = self._fault(finding) or finding
                # A page that failed is asked for again; a fetch is not repeated by acting
                # again (a switch already on stays on), so it is not retried.
                retry = finding.kind == ERROR and attempt < ATTEMPTS and (
                    isinstance(action, GoTo) or any(f.navigation for f in self.watch.since(mark)))
                if not retry:
                    raise finding from None
                if before is not None and self.page.url != before:
                    self._back(before)

    def end_step(self) -> None:
        """A step whose checks passed still errs when a request it caused failed: a fetch
        that saved a setting answered 500, and the page went on as if it had worked."""
        failed = self.watch.since(self.step_mark)
        if failed:
            raise Finding(ERROR, f"{failed[-1].describe()} while this step ran: the portal "
                          "failed, not the guide (the step's checks passed, but what it changed "
                          "may not have been saved)")
        # A step that leaves a dialog open it never mentions has not done what it says (a
        # confirmation now guards "Regenerate token"), even when its checks pass. A guide
        # that goes on in the dialog in the next step names it in this one (an expect).
        page = self.pages.get(self.state.portal)
        if self.last is None or self.dialog_named or page is None or \
                not page.locator(DIALOGS).filter(visible=True).count():
            return
        index, action = self.last
        finding = _unexpected_dialog(page, None, index, action, self.previous)
        if finding is not None:
            finding.action_text = self.previous
            raise finding

    def _back(self, before: str) -> None:
        """Back to where the failed action started, its form fields as they were (the
        browser restores them on a history navigation, as it does for a person)."""
        try:
            if self.page.go_back(timeout=self.state.timeout_ms) is None or \
                    self.page.url != before:
                self.page.goto(before, timeout=self.state.timeout_ms)
        except PlaywrightError:
            pass  # the retry meets the same fault and says so

    def _fault(self, finding: Finding) -> Finding | None:
        """An error finding for what looked like drift, when the target was failing: a
        request of this step failed, a page is still loading, or the page says the portal
        (or a service it calls) is down. None when nothing failed."""
        if finding.kind == ERROR:
            return None
        failed = self.watch.since(self.step_mark)
        if failed:
            reason = f"{failed[-1].describe()} while this step ran"
        elif self.watch.still_loading():
            reason = (f"the page {self.watch.still_loading()[-1]} did not load within "
                      f"{self.state.timeout_ms / 1000:g} s")
        else:
            reason = self._outage()
        if reason is None:
            return None
        then = f" (then: {finding.message})" if finding.message else ""
        return Finding(ERROR, f"{reason}: the portal failed, not the guide{then}",
                       finding.action, finding.action_text)

    def _outage(self) -> str | None:
        patterns = self.state.outage.get(self.state.portal) or []
        if not patterns:
            return None
        try:
            text = self.page.locator("body").inner_text(timeout=2_000)
        except PlaywrightError:
            return None
        for pattern in patterns:
            match = pattern.search(text)
            if match:
                line = next((ln for ln in text.splitlines() if match.group(0) in ln), match.group(0))
                return f"the page reports an outage: '{' '.join(line.split())[:SHOWN_CHARS]}'"
        return None

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
            loading = self.watch.still_loading()
            if loading:
                raise Finding(ERROR, f"the page {loading[-1]} did not load within "
                              f"{self.state.timeout_ms / 1000:g} s", index,
                              describe(action)) from None
            if isinstance(loc, Locator) and self.control(loc).count() == 0:
                finding = self._not_found(index, action, self.resolved(loc))
                if finding is not None:
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
        """The finding for a failed expectation, saying what the page shows instead; None
        when the control was only renamed and the expectation holds for it under its new
        name."""
        target = action_target(action)
        loc = target.target() if isinstance(target, Expectation) else None
        found: list[str] = []
        shown = None
        if loc is not None:
            loc = self.resolved(loc)
        if loc is not None and to_locator(self.page, loc).count() == 0:
            return self._not_found(index, action, loc)
        if loc is not None:
            shown = self._shown(self.override or to_locator(self.page, loc))
        elif isinstance(target, Expectation) and target.text:
            found = closest_names(self.page, None, self.state.resolve(target.text))
        notices = [n for n in _notices(self.page) if n != shown]  # the element may be one
        return Finding(STRUCTURE, _first_line(err), index, describe(action),
                       expected=describe(action), found=found,
                       control=getattr(target, "control", None), shown=shown, notices=notices)

    def _not_found(self, index: int, action, loc: Locator) -> Finding | None:
        """What a control not on the page means: the portal failing, a dialog in the way, or
        the control renamed or moved (None when it was found so and the action done)."""
        fault = self._fault(Finding(STRUCTURE, "", index, describe(action)))
        if fault is not None:
            return fault
        dialog = _unexpected_dialog(self.page, loc, index, action, self.previous)
        if dialog is not None:
            return dialog  # nothing to look for: the control may be right behind it
        finding = _missing(self.page, loc, index, action, self.state.portal, self.state.entered)
        if finding.kind == STRUCTURE and self._renamed(index, action, loc):
            return None
        return finding

    def _shown(self, control: PwLocator) -> str | None:
        """What the element shows a person: a field's value, else its text."""
        try:
            element = control.first
            tag = element.evaluate("e => e.tagName", timeout=2_000)
            text = element.input_value(timeout=2_000) if tag in ("INPUT", "TEXTAREA", "SELECT") \
                else element.inner_text(timeout=2_000)
        except PlaywrightError:
            return None
        return " ".join(text.split())[:SHOWN_CHARS]

    def _run(self, index: int, action) -> None:
        state, timeout = self.state, self.state.timeout_ms
        if isinstance(action, Http):
            self.http(index, action)
            return
        page = self.page
        if isinstance(action, GoTo):
            if action.portal:
                state.portal = action.portal
                page = self.page
            # Joined as text, not with urljoin, which follows a scheme in the path
            # ('/file:///etc/passwd', a remembered value) off the portal.
            url = state.base_urls[state.portal].rstrip("/") + "/" + \
                state.resolve(action.goto).lstrip("/")
            response = page.goto(url, timeout=timeout)
            if response is not None and response.status >= 500:
                raise Finding(ERROR, f"HTTP {response.status} from {url}", index, describe(action))
            return
        # A click that submits a form returns once the next page has begun to load, before
        # its deferred scripts ran: a select made then changes nothing the page reacts to (a
        # person waits for the page).
        self.wait_loaded(page, timeout)
        target = action_target(action)
        if isinstance(action, Click):
            self.control(target).click(timeout=timeout)
        elif isinstance(action, Fill):
            value = state.secrets.get(target.secret, "") if target.secret else state.resolve(
                target.value or "")
            self.control(target).fill(value, timeout=timeout)
            if not target.secret:
                state.entered.append(value)
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
            if MASKED.match(value):
                # A value the page hides (or has not filled in) would only fail later, on
                # the other portal, where nothing says why: this step is where it broke.
                what = "is empty" if not value.strip() else "is masked"
                raise Finding(STRUCTURE, f"{target.describe()} {what}: there is no value to "
                              f"remember as '{target.as_}' (does the page hide it now, behind "
                              "a button?)", index, describe(action), expected=target.describe(),
                              control=target.control, notices=_notices(page))
            (state.secrets if target.secret else state.values)[target.as_] = value
            if target.secret:
                state.redact.add(value)
        elif isinstance(action, (Expect, Wait)):
            wait = timeout if isinstance(action, Expect) else target.timeout * 1000
            self.expect(target, wait)

    def http(self, index: int, action: Http) -> None:
        """A request to a portal's API, in the browser context's own cookie jar (the
        simulators keep an organization per session): what set-up does behind the reader's
        back. Its answer is portal text; only its status and a short excerpt are kept."""
        req, state = action.http, self.state
        path, base = state.resolve(req.path), state.base_urls[req.portal]
        parts = urlsplit(path)
        if parts.scheme in ("http", "https"):
            # A URL the portal showed (its SCIM address), remembered: only its path is used,
            # under the portal's own address, so the bearer secret never goes anywhere else.
            path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith("/") or path.startswith("//"):
            raise Finding(STRUCTURE, f"http: '{path}' is no path under the {req.portal} "
                          "portal's address; the request was not sent", index, describe(action))
        url = base + path
        headers = {"Accept": "application/json"}
        if req.bearer is not None:
            headers["Authorization"] = f"Bearer {state.secrets.get(req.bearer, '')}"
        body = _resolve_json(req.json_, state.resolve)
        if body is not None:
            headers["Content-Type"] = "application/json"
            state.entered += list(json_strings(body))
        what = f"{req.method} {path}"
        try:
            response = self.context.request.fetch(
                url, method=req.method, headers=headers, timeout=state.timeout_ms,
                data=None if body is None else json.dumps(body), fail_on_status_code=False)
        except PlaywrightError as err:
            raise Finding(ERROR, f"{what}: {_first_line(err)}", index, what) from None
        if response.status >= 500:
            raise Finding(ERROR, f"HTTP {response.status} from {what}: the portal failed, not "
                          "the guide", index, what)
        if response.status not in req.status:
            excerpt = " ".join(response.text()[:SHOWN_CHARS].split())
            raise Finding(STRUCTURE, f"{what} answered HTTP {response.status}, not "
                          f"{' or '.join(map(str, req.status))}", index, what,
                          expected=f"HTTP {' or '.join(map(str, req.status))}",
                          shown=excerpt or None)

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


def _resolve_json(data, resolve):
    """The body with {{ names }} filled in its strings, keys and values."""
    if isinstance(data, str):
        return resolve(data)
    if isinstance(data, list):
        return [_resolve_json(x, resolve) for x in data]
    if isinstance(data, dict):
        return {resolve(k): _resolve_json(v, resolve) for k, v in data.items()}
    return data


def _first_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
