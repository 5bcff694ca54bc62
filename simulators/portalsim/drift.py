"""The drift corpus: realistic portal changes, each a switchable patch of the simulators, and
the verdict a careful reader of the guides expects verification to give for it.

    start_simulators(drift=("azure-test-connection-case",))
    python -m portalsim --drift azure-test-connection-case
    python -m portalsim --list-drift

A scenario is data: its name, a one-line description, its kind, the expected verdict (the
guide, the step and the class of the first finding that matters, or a pass) and the faults it
bundles. The patches themselves live where the portals would change: templates and handlers
ask `drift("<name>")` (a typo raises), so `grep -rn <name> simulators/` finds every line a
scenario changes. Without any scenario the simulators serve exactly the pages they always did.

The expectations were written from the guides' text and steps, before the engine was changed
to meet them, never from what a verify run reported. Conventions:
- A renamed or moved control, an inserted dialog or page, a removed default or a changed text
  is structure drift at the step whose action meets it first (an inserted dialog: the step
  whose action opens it).
- A change also shows in every earlier screenshot of the same page as visual drift; that is
  a symptom, not the verdict (see bench/drift_bench.py).
- A semantic break a guide's outcome step catches is an outcome failure at that outcome step.
- A fault or a slow page is an error at the step whose request failed, never drift.
- A change no step and no screenshot sees passes.

Labels that have no public source (portals.md lists those that do) are invented, and the
description says so.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

SEED = "zenkit-azure-scim-provisioning"
ROTATION = "zenkit-scim-token-rotation"

# The classes verification reports (guidegen.verify.findings, whose strings they must equal:
# the simulators do not import the engine), and a pass.
STRUCTURE = "structure drift"
VISUAL = "visual drift"
OUTCOME = "outcome failure"
ERROR = "error"
PASS = "pass"
VERDICTS = (STRUCTURE, VISUAL, OUTCOME, ERROR, PASS)

KINDS = ("rename", "move", "dialog", "default-removed", "semantic", "benign", "slow", "fault")


class Expected(NamedTuple):
    """Where verification must report a scenario, and as what."""

    guide: str | None  # None for a pass
    step: str | None   # a step id; an outcome step's id for an outcome failure
    verdict: str

    def __str__(self) -> str:
        return PASS if self.verdict == PASS else f"{self.verdict} at {self.guide}/{self.step}"


def at(step: str, verdict: str, guide: str = SEED) -> Expected:
    return Expected(guide, step, verdict)


PASSES = Expected(None, None, PASS)


@dataclass(frozen=True)
class Scenario:
    name: str         # kebab-case id
    kind: str         # one of KINDS
    description: str  # one line: what changed in the portal
    expected: Expected
    faults: tuple[str, ...] = ()  # portalsim.faults specs the scenario switches on

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: unknown kind {self.kind!r}")
        if self.expected.verdict not in VERDICTS:
            raise ValueError(f"{self.name}: unknown verdict {self.expected.verdict!r}")


SCENARIOS: tuple[Scenario, ...] = (
    # Renames: Microsoft's move to sentence case, suffixes and synonyms, and Zenkit's own.
    Scenario("azure-test-connection-case", "rename",
             'Provisioning blade: "Test Connection" is now "Test connection" (sentence case only)',
             at("enter-credentials", STRUCTURE)),
    Scenario("azure-secret-token-suffix", "rename",
             'Admin Credentials: "Secret Token" is now "Secret Token (Bearer)" (invented suffix)',
             at("enter-credentials", STRUCTURE)),
    Scenario("azure-save-apply", "rename",
             'Provisioning blade\'s command bar: "Save" is now "Apply" (invented synonym)',
             at("save-credentials", STRUCTURE)),
    Scenario("azure-get-started-start", "rename",
             'Provisioning blade: "Get started" is now "Start" (invented synonym)',
             at("open-app-provisioning", STRUCTURE)),
    Scenario("azure-provisioning-status-case", "rename",
             'Provisioning blade: "Provisioning Status" is now "Provisioning status" (sentence case only)',
             at("provisioning-status-on", STRUCTURE)),
    Scenario("azure-delete-remove", "rename",
             'Attribute Mapping rows: "Delete" is now "Remove" (invented synonym)',
             at("user-delete-mail", STRUCTURE)),
    Scenario("zenkit-bearer-token-case", "rename",
             'Zenkit\'s SCIM settings: "Bearer Token" is now "Bearer token" (case only)',
             at("zenkit-scim-credentials", STRUCTURE)),
    Scenario("zenkit-bearer-token-api-token", "rename",
             'Zenkit\'s SCIM settings: "Bearer Token" is now "API token" (invented synonym)',
             at("zenkit-scim-credentials", STRUCTURE)),
    Scenario("zenkit-regenerate-rotate", "rename",
             'Zenkit\'s SCIM settings: "Regenerate token" is now "Rotate token" (invented synonym)',
             at("regenerate-token", STRUCTURE, ROTATION)),
    Scenario("zenkit-heading-user-provisioning", "rename",
             'Zenkit\'s settings section "Provisioning" is now "User provisioning", menu and '
             "heading (invented)",
             at("zenkit-scim-credentials", STRUCTURE)),
    # Moves under a new parent whose name is unlike the control's.
    Scenario("azure-app-menu-manage-expander", "move",
             'Enterprise app menu: "Provisioning" and the rest of Manage under a collapsed '
             '"Manage" expander',
             at("open-app-provisioning", STRUCTURE)),
    Scenario("azure-app-menu-manage-page", "move",
             'Enterprise app menu: "Provisioning" and the rest of Manage behind a "Manage" link '
             "to a page of links",
             at("open-app-provisioning", STRUCTURE)),
    Scenario("azure-directory-applications-expander", "move",
             'Directory menu: "Enterprise applications" under a collapsed "Applications" expander',
             at("open-app-provisioning", STRUCTURE)),
    Scenario("zenkit-scim-tab", "move",
             'Zenkit\'s Provisioning page in tabs: the SCIM card is in a "SCIM" tab, not the one '
             "shown first (invented)",
             at("zenkit-scim-credentials", STRUCTURE)),
    # Inserted dialogs and pages.
    Scenario("azure-save-confirm-dialog", "dialog",
             'Provisioning blade: Save first asks "Save changes?" (Yes / No), as Attribute '
             "Mapping does",
             at("save-credentials", STRUCTURE)),
    Scenario("azure-mapping-whats-new", "dialog",
             'Opening an attribute mapping first shows a "What\'s new in attribute mapping" page '
             "with Continue, once per session (invented)",
             at("open-group-mapping", STRUCTURE)),
    Scenario("zenkit-regenerate-confirm", "dialog",
             'Zenkit: "Regenerate token" first asks "Regenerate the token?" (Regenerate / Cancel); '
             "until confirmed the old token stays (invented)",
             at("regenerate-token", STRUCTURE, ROTATION)),
    # Defaults removed.
    Scenario("azure-precedence-not-prefilled", "default-removed",
             "Edit Attribute: Match objects = Yes no longer fills in the next Matching precedence",
             at("group-match-objectid", STRUCTURE)),
    Scenario("zenkit-token-masked", "default-removed",
             'Zenkit shows the Bearer Token masked ("••••••••") until "Show" is pressed '
             "(invented)",
             at("zenkit-scim-credentials", STRUCTURE)),
    Scenario("azure-mode-placeholder", "default-removed",
             'Provisioning Mode starts on "Select a mode" instead of "Manual"; the guide sets '
             "Automatic anyway (invented)",
             PASSES),
    # Semantic breaks: the labels stay, the behaviour changes.
    Scenario("zenkit-token-with-scheme", "semantic",
             'Zenkit\'s Bearer Token field now holds "Bearer zk_...", so the pasted token is '
             "rejected (401)",
             at("enter-credentials", STRUCTURE)),
    Scenario("zenkit-base-url-wrong-path", "semantic",
             "Zenkit's Base URL shows /scim/v2/<org> where the API serves /scim/<org>/v2 (404)",
             at("enter-credentials", STRUCTURE)),
    Scenario("zenkit-scim-requires-name", "semantic",
             "Zenkit's SCIM API rejects users without name.givenName and name.familyName, "
             "which the guide deletes (400)",
             at("provision-on-demand", OUTCOME)),
    Scenario("azure-mapping-save-dropped", "semantic",
             "Attribute Mapping: Save says it saved but the portal keeps the previous mappings, "
             "so userName stays userPrincipalName",
             at("user-in-zenkit", OUTCOME)),
    Scenario("zenkit-users-active-only", "semantic",
             "Zenkit's Users page lists only members who have signed in: provisioned ones are "
             "missing (invented)",
             at("user-in-zenkit", OUTCOME)),
    # Benign: outside every screenshot and every control a step names.
    # Benign for every step, but the SAML guide's shot of the gallery's sign-on methods takes
    # in the portal menu: the new link is in that picture, true visual drift.
    Scenario("azure-portal-menu-link", "benign",
             'The portal menu gains a "Cost Management + Billing" link after the directory',
             at("choose-saml", VISUAL, guide="zenkit-azure-saml-sso")),
    Scenario("azure-home-tiles", "benign",
             "The home page's Azure services tiles change (Microsoft Entra ID, Cost Management)",
             PASSES),
    Scenario("zenkit-nav-integrations", "benign",
             'Zenkit\'s settings menu gains an "Integrations" link at the end (invented)',
             PASSES),
    # Slow pages: longer than the step timeout (default 10 s).
    Scenario("azure-slow-provisioning-blade", "slow",
             "The provisioning blade takes 15 s to load after its menu link is clicked",
             at("open-app-provisioning", ERROR),
             faults=("azure:latency:GET /enterprise-apps/zenkit/provisioning:15000",)),
    Scenario("azure-slow-mapping-page", "slow",
             "Attribute Mapping takes 15 s to load after its link is clicked",
             at("open-group-mapping", ERROR),
             faults=("azure:latency:GET /enterprise-apps/zenkit/provisioning/mappings/*:15000",)),
    # Faults, one per kind of action.
    Scenario("azure-500-on-goto", "fault",
             "The portal's home page answers HTTP 500 (a goto)",
             at("open-app-provisioning", ERROR),
             faults=("azure:error:GET /",)),
    Scenario("azure-500-on-save", "fault",
             "Saving the provisioning settings answers HTTP 500 (a click that posts a form)",
             at("save-credentials", ERROR)),
    Scenario("zenkit-500-on-switch", "fault",
             "Zenkit's SCIM switch saves with a fetch that answers HTTP 500; the page reveals "
             "the token anyway",
             at("zenkit-scim-credentials", ERROR),
             faults=("zenkit:error:POST /settings/provisioning",)),
    Scenario("azure-drop-mapping-page", "fault",
             "Attribute Mapping's connection drops after the link is clicked",
             at("open-group-mapping", ERROR),
             faults=("azure:drop:/enterprise-apps/zenkit/provisioning/mappings/*",)),
    Scenario("azure-session-expired", "fault",
             "The provisioning blade shows the sign-in page (the session expired)",
             at("open-app-provisioning", ERROR),
             faults=("azure:expire:/enterprise-apps/zenkit/provisioning",)),
    Scenario("zenkit-scim-500-test-connection", "fault",
             "Zenkit's SCIM API answers HTTP 500, so Azure's Test Connection fails",
             at("enter-credentials", ERROR),
             faults=("zenkit:error:/scim/*",)),
    Scenario("zenkit-scim-500-on-create", "fault",
             "Zenkit's SCIM API answers HTTP 500 to creating a user, so provisioning on demand "
             "fails",
             at("provision-on-demand", ERROR),
             faults=("zenkit:error:POST /scim/*/Users",)),
)

# Not drift a portal would make but text an attacker would put on a page, for the tests of
# guidegen's handling of untrusted portal text (tests/e2e/test_hostile_portal_text.py).
# Kept out of SCENARIOS, so the drift benchmark (bench/drift_bench.py) never counts them.
HOSTILE: tuple[Scenario, ...] = (
    Scenario("azure-save-markup", "rename",
             'Provisioning blade\'s command bar: "Save" is now "Save <img src=x onerror=...>", '
             "markup as text (test-only: not in the drift corpus)",
             at("save-credentials", STRUCTURE)),
)

BY_NAME = {s.name: s for s in (*SCENARIOS, *HOSTILE)}


def resolve(names: Iterable[str]) -> list[Scenario]:
    """The scenarios of these names; ValueError names an unknown one and the closest."""
    chosen = []
    for name in names:
        if name not in BY_NAME:
            close = difflib.get_close_matches(name, BY_NAME, n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown drift scenario {name!r}{hint}; "
                             "`python -m portalsim --list-drift` lists them")
        chosen.append(BY_NAME[name])
    return chosen


class Active:
    """The scenarios a simulator runs with. Templates and handlers ask `drift("<name>")`."""

    def __init__(self, names: Iterable[str] = ()):
        self.names = frozenset(s.name for s in resolve(names))

    def __call__(self, name: str) -> bool:
        if name not in BY_NAME:  # a patch that names no scenario: a typo, never silently off
            raise KeyError(f"no drift scenario {name!r}")
        return name in self.names

    def __bool__(self) -> bool:
        return bool(self.names)


def listing() -> str:
    """What `--list-drift` prints: each scenario with its kind, description and verdict."""
    width = max(len(s.name) for s in SCENARIOS)
    lines = []
    for s in SCENARIOS:
        lines.append(f"{s.name:<{width}}  {s.kind:<15}  {s.description}")
        lines.append(f"{'':<{width}}  {'':<15}  expected: {s.expected}")
    return "\n".join(lines)
