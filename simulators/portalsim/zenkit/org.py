"""A Zenkit organization: its plan, its provisioning settings and its own SCIM 2.0 service.

The SCIM protocol is scim2-server's (portalsim.zenkit.scim); an organization makes its
in-memory service, guarded by its current bearer token, when something first needs it.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from portalsim.i18n import Text
from portalsim.web import EMAIL

if TYPE_CHECKING:
    from scim2_server.testserver.application import BearerTokenApplication

PLANS = ("free", "plus", "business", "enterprise")
# Zenkit's organization help: organizations, and with them SCIM provisioning, are available
# on Business and Enterprise. An organization on another plan sees the upgrade notice, and
# its SCIM API answers 401.
SCIM_PLANS = ("business", "enterprise")
# The plans as Zenkit's pages name them (in German, Free is "Kostenlos": portals.md).
PLAN_NAMES = {"free": Text("Free"), "plus": Text("Plus"), "business": Text("Business"),
              "enterprise": Text("Enterprise")}


# A member's status on the Users page. "Provisioned" (created by SCIM, until the first
# sign-in) is Zenkit's (portals.md); the reference names no label for a member SCIM
# deactivated or one invited by e-mail, so "Deactivated" and "Invited" are invented.
ACTIVE, PROVISIONED, INVITED, DEACTIVATED = (Text("Active"), Text("Provisioned"), Text("Invited"),
                                             Text("Deactivated"))
# A member's role on the Users page.
OWNER, MEMBER = Text("Owner"), Text("Member")
STATUSES = (ACTIVE, PROVISIONED, INVITED, DEACTIVATED)


@dataclass
class Member:
    name: str
    email: str
    role: str
    status: str


@dataclass
class Organization:
    id: str
    token_seed: str
    plan: str
    scim_plans: tuple[str, ...]
    name: str = "Contoso"
    manual_provisioning: bool = True
    scim_enabled: bool = False
    generation: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    owner: Member = field(
        default_factory=lambda: Member("Megan Bowen", "megan.bowen@contoso.com", OWNER, ACTIVE)
    )
    invited: list[Member] = field(default_factory=list)  # invited by e-mail on the Users page
    _scim: BearerTokenApplication | None = field(init=False, default=None, repr=False)

    @property
    def scim(self) -> BearerTokenApplication:
        """The organization's SCIM service, made on first use (see portalsim.zenkit.scim)."""
        with self.lock:
            if self._scim is None:
                from portalsim.zenkit import scim

                self._scim = scim.service(self.token_seed, self.token)
            return self._scim

    def resources(self) -> list[Any]:
        """What SCIM created here: nothing before the organization's service was first used."""
        return self._scim.storage.resources if self._scim is not None else []

    @property
    def token(self) -> str:
        # Deterministic per server start and organization, so tests and screenshots repeat;
        # the engine masks it in screenshots all the same.
        digest = hashlib.sha256(f"{self.token_seed}:{self.id}:{self.generation}".encode()).hexdigest()
        return f"zk_{digest[:40]}"

    @property
    def plan_name(self) -> Text:
        return PLAN_NAMES[self.plan]

    @property
    def scim_included(self) -> bool:
        return self.plan in self.scim_plans

    @property
    def scim_active(self) -> bool:
        return self.scim_included and self.scim_enabled

    def regenerate_token(self) -> None:
        self.generation += 1
        if self._scim is not None:  # a service made later takes the token it has then
            self._scim.bearer_tokens = {self.token}

    def members(self) -> list[Member]:
        """The owner, then everyone SCIM created: Zenkit lists them as "Provisioned", and
        those SCIM set `active: false` as deactivated (a SCIM DELETE removes the member);
        then those invited by e-mail who have not joined. An invited address that SCIM
        then provisions is one member, the provisioned one: Zenkit matches on the e-mail.
        So is the owner's address (the owner is a directory user too): still the owner,
        who has joined, so Active until SCIM deactivates them. Whether Zenkit lets SCIM
        deactivate an organization's owner is not public: invented, like the label."""
        people = [self.owner]
        for resource in self.resources():
            if type(resource).__name__.startswith("User"):
                email = resource.user_name or ""
                if email.casefold() == self.owner.email.casefold():
                    people[0] = replace(self.owner, status=DEACTIVATED if resource.active is False
                                        else ACTIVE)
                    continue
                status = DEACTIVATED if resource.active is False else PROVISIONED
                people.append(Member(_user_name(resource), email, MEMBER, status))
        known = {person.email.casefold() for person in people}
        return people + [m for m in self.invited if m.email.casefold() not in known]

    def invite(self, email: str) -> Text | None:
        """Invite a member by e-mail; the reason it cannot be done, or None."""
        if not EMAIL.match(email):
            return Text("Enter an email address, for example pat@contoso.com.")  # invented wording
        if any(m.email.casefold() == email.casefold() for m in self.members()):
            return Text("%(email)s is already a member of this organization.", email=email)  # invented
        # Until they join, Zenkit knows an invitee only by the address.
        self.invited.append(Member(email, email, MEMBER, INVITED))
        return None

    def groups(self) -> list[dict[str, Any]]:
        return [
            {"name": g.display_name, "external_id": g.external_id or "", "members": len(g.members or [])}
            for g in self.resources()
            if type(g).__name__ == "Group"
        ]


def _user_name(user: Any) -> str:
    if user.display_name:
        return user.display_name
    if user.name and user.name.formatted:
        return user.name.formatted
    return user.user_name or ""


class Organizations:
    """Every organization of the simulator (one per browser session).

    They all show the same organization id, so a screenshot of the Base URL is the same
    whichever session took it; the SCIM API tells them apart by their bearer tokens, which
    differ per organization."""

    def __init__(self, plan: str, scim_plans: tuple[str, ...], seed: str):
        self.plan, self.scim_plans, self.seed = plan, scim_plans, seed
        self.all: list[Organization] = []
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        self.org_id = hashlib.sha1(f"{seed}:org".encode()).hexdigest()[:8]

    def create(self) -> Organization:
        with self.lock:
            org = Organization(self.org_id, f"{self.seed}:{next(self.counter)}", self.plan,
                               self.scim_plans)
            self.all.append(org)
            return org

    def find(self, org_id: str, token: str) -> Organization | None:
        """The organization a SCIM request is for: its id and its current token; with a
        wrong token, any organization of that id (which then answers 401)."""
        with self.lock:
            same_id = [org for org in self.all if org.id == org_id]
        return next((org for org in same_id if org.token == token), same_id[0] if same_id else None)
