"""What one browser session of the Azure simulator holds: a small directory and the Zenkit app."""

from __future__ import annotations

import copy
import datetime
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from portalsim.i18n import Text

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
SWITCH_ACTIVE = 'Switch([IsSoftDeleted], , "False", "True", "True", "False")'
MAPPING_TYPES = (Text("Direct"), Text("Constant"), Text("Expression"), Text("None"))
APPLY = (Text("Always"), Text("Only during object creation"))
SCOPES = (Text("Sync only assigned users and groups"), Text("Sync all users and groups"))
# Stable ids, so that pages and logs are the same on every run.
_IDS = uuid.UUID("6f1c3a52-2c1e-4d8a-9d34-7a6b0c2f9e11")

USER_SOURCES = (
    "accountEnabled",
    "city",
    "companyName",
    "country",
    "department",
    "displayName",
    "employeeId",
    "facsimileTelephoneNumber",
    "givenName",
    "IsSoftDeleted",
    "jobTitle",
    "mail",
    "mailNickname",
    "manager",
    "mobile",
    "objectId",
    "physicalDeliveryOfficeName",
    "postalCode",
    "preferredLanguage",
    "state",
    "streetAddress",
    "surname",
    "telephoneNumber",
    "userPrincipalName",
    "userType",
)
GROUP_SOURCES = ("description", "displayName", "IsSoftDeleted", "mail", "mailNickname", "members", "objectId")

# (target, source, type, matching precedence) of a non-gallery SCIM app, in the portal's order.
DEFAULT_USER_MAPPINGS = (
    ("userName", "userPrincipalName", "Direct", 1),
    ("active", SWITCH_ACTIVE, "Expression", None),
    ("displayName", "displayName", "Direct", None),
    ("title", "jobTitle", "Direct", None),
    ('emails[type eq "work"].value', "mail", "Direct", None),
    ("preferredLanguage", "preferredLanguage", "Direct", None),
    ("name.givenName", "givenName", "Direct", None),
    ("name.familyName", "surname", "Direct", None),
    ("name.formatted", 'Join(" ", [givenName], [surname])', "Expression", None),
    ('addresses[type eq "work"].formatted', "physicalDeliveryOfficeName", "Direct", None),
    ('addresses[type eq "work"].streetAddress', "streetAddress", "Direct", None),
    ('addresses[type eq "work"].locality', "city", "Direct", None),
    ('addresses[type eq "work"].region', "state", "Direct", None),
    ('addresses[type eq "work"].postalCode', "postalCode", "Direct", None),
    ('addresses[type eq "work"].country', "country", "Direct", None),
    ('phoneNumbers[type eq "work"].value', "telephoneNumber", "Direct", None),
    ('phoneNumbers[type eq "mobile"].value', "mobile", "Direct", None),
    ('phoneNumbers[type eq "fax"].value', "facsimileTelephoneNumber", "Direct", None),
    ("externalId", "mailNickname", "Direct", None),
    (f"{ENTERPRISE}:employeeNumber", "employeeId", "Direct", None),
    (f"{ENTERPRISE}:department", "department", "Direct", None),
    (f"{ENTERPRISE}:manager", "manager", "Direct", None),
)
DEFAULT_GROUP_MAPPINGS = (
    ("displayName", "displayName", "Direct", 1),
    ("externalId", "objectId", "Direct", None),
    ("members", "members", "Direct", None),
)
EXTRA_USER_TARGETS = (
    "id",
    "locale",
    "nickName",
    "profileUrl",
    "timezone",
    "userType",
    'emails[type eq "other"].value',
    'ims[type eq "work"].value',
    "name.honorificPrefix",
)
REQUIRED_TARGETS = {"users": {"userName"}, "groups": {"displayName"}}


@dataclass
class AttributeMapping:
    id: int
    target: str
    source: str  # an attribute name, an expression or a constant, after `type`
    type: str = "Direct"
    default: str = ""
    match: bool = False
    precedence: int | None = None
    apply: str = "Always"
    required: bool = False


@dataclass
class ObjectMapping:
    key: str  # "users" or "groups"
    enabled: bool = True
    scope: str = Text("All records")
    create: bool = True
    update: bool = True
    delete: bool = True
    attributes: list[AttributeMapping] = field(default_factory=list)

    @property
    def sources(self) -> tuple[str, ...]:
        return USER_SOURCES if self.key == "users" else GROUP_SOURCES

    @property
    def targets(self) -> list[str]:
        defaults = DEFAULT_USER_MAPPINGS if self.key == "users" else DEFAULT_GROUP_MAPPINGS
        extra = EXTRA_USER_TARGETS if self.key == "users" else ()
        return [t for t, *_ in defaults] + list(extra)

    def find(self, attribute_id: int) -> AttributeMapping | None:
        return next((a for a in self.attributes if a.id == attribute_id), None)

    def matching(self) -> list[AttributeMapping]:
        found = [a for a in self.attributes if a.match]
        return sorted(found, key=lambda a: a.precedence or 99)


def default_mapping(key: str) -> ObjectMapping:
    rows = DEFAULT_USER_MAPPINGS if key == "users" else DEFAULT_GROUP_MAPPINGS
    return ObjectMapping(
        key,
        attributes=[
            AttributeMapping(
                i,
                target,
                source,
                kind,
                match=precedence is not None,
                precedence=precedence,
                required=target in REQUIRED_TARGETS[key],
            )
            for i, (target, source, kind, precedence) in enumerate(rows, start=1)
        ],
    )


@dataclass
class ProvisioningConfig:
    """The fields of the provisioning blade; the session keeps a saved copy and a draft."""

    mode: str = "Manual"
    tenant_url: str = ""
    secret_token: str = ""
    notification_email: str = ""
    notify_on_failure: bool = False
    prevent_deletion: bool = True
    deletion_threshold: str = "500"
    scope: str = SCOPES[0]
    status: str = "Off"


def user_object_id(upn: str) -> str:
    return str(uuid.uuid5(_IDS, upn.lower()))


@dataclass
class DirectoryUser:
    upn: str
    display_name: str
    mail: str | None = None
    given_name: str | None = None
    surname: str | None = None
    job_title: str | None = None
    department: str | None = None
    preferred_language: str | None = "en-US"
    city: str | None = None
    country: str | None = None
    soft_deleted: bool = False  # deleted in the directory (kept 30 days, as Entra does)
    account_enabled: bool = True  # cleared by "Block sign in" / "Account enabled"
    manager: str | None = None  # the manager's user principal name (Edit properties)

    @property
    def object_id(self) -> str:
        return user_object_id(self.upn)

    def attributes(self) -> dict[str, Any]:
        """The user as Azure's source attributes."""
        return {
            "objectId": self.object_id,
            "userPrincipalName": self.upn,
            "displayName": self.display_name,
            "mail": self.mail,
            "givenName": self.given_name,
            "surname": self.surname,
            "jobTitle": self.job_title,
            "department": self.department,
            "preferredLanguage": self.preferred_language,
            "city": self.city,
            "country": self.country,
            "mailNickname": self.upn.split("@")[0],
            # Microsoft: IsSoftDeleted is true when the user is deleted, blocked from signing
            # in, unassigned or out of scope; the cycle sets the last two.
            "IsSoftDeleted": self.soft_deleted or not self.account_enabled,
            "accountEnabled": self.account_enabled and not self.soft_deleted,
            "userType": "Member",
            # A reference, as in Entra: the manager's objectId, which a cycle translates into
            # the manager's id in the target.
            "manager": user_object_id(self.manager) if self.manager else None,
        }


@dataclass
class DirectoryGroup:
    name: str
    members: list[str]  # user principal names
    description: str = ""

    @property
    def object_id(self) -> str:
        return str(uuid.uuid5(_IDS, f"group:{self.name.lower()}"))

    def attributes(self) -> dict[str, Any]:
        return {
            "objectId": self.object_id,
            "displayName": self.name,
            "description": self.description,
            "mailNickname": self.name.replace(" ", ""),
            "IsSoftDeleted": False,
        }


def sample_users() -> list[DirectoryUser]:
    # Microsoft's own demo tenant people; mail differs from the UPN so mappings show.
    return [
        DirectoryUser(
            "AdeleV@contoso.onmicrosoft.com",
            "Adele Vance",
            "adele.vance@contoso.com",
            "Adele",
            "Vance",
            "Retail Manager",
            "Retail",
            "en-US",
            "Tulsa",
            "United States",
        ),
        DirectoryUser(
            "AlexW@contoso.onmicrosoft.com",
            "Alex Wilber",
            "alex.wilber@contoso.com",
            "Alex",
            "Wilber",
            "Marketing Assistant",
            "Marketing",
            "en-US",
            "San Diego",
            "United States",
        ),
        DirectoryUser(
            "MeganB@contoso.onmicrosoft.com",
            "Megan Bowen",
            "megan.bowen@contoso.com",
            "Megan",
            "Bowen",
            "Marketing Manager",
            "Marketing",
            "en-US",
            "Pittsburgh",
            "United States",
        ),
    ]


def sample_groups() -> list[DirectoryGroup]:
    return [
        DirectoryGroup(
            "Marketing",
            ["AlexW@contoso.onmicrosoft.com", "MeganB@contoso.onmicrosoft.com"],
            "Marketing department",
        ),
        DirectoryGroup("Retail", ["AdeleV@contoso.onmicrosoft.com"], "Retail department"),
    ]


# The provisioning logs' columns (portals.md): what happened to one identity in one cycle.
ACTIONS = (Text("Create"), Text("Update"), Text("Delete"), Text("Disable"), Text("Other"))
STATUSES = (Text("Success"), Text("Failure"), Text("Skipped"), Text("Warning"))


@dataclass
class LogEntry:
    when: datetime.datetime  # shown in the reader's language
    identity: str
    action: str  # one of ACTIONS
    status: str  # one of STATUSES
    detail: str
    requests: list[str] = field(default_factory=list)
    # The details pane: (step, status) of Import, Determine if in scope, Match, Perform action.
    steps: list[tuple[str, str]] = field(default_factory=list)
    error_code: str = ""  # on Failure and Skipped: the code the details show with the reason


@dataclass
class CycleStatus:
    """The "Current cycle status" of the provisioning blade, after the last cycle."""

    kind: str  # "Initial" or "Incremental"
    users: int  # users in Zenkit that this app manages, after the cycle
    groups: int
    failures: int

    @property
    def text(self) -> Text:
        if self.kind == "Initial":
            return Text("Initial cycle completed")
        return Text("Incremental cycle completed")


@dataclass
class AzureState:
    lock: threading.RLock = field(default_factory=threading.RLock)
    started: bool = False  # "Get started" (or "+ New configuration") was clicked
    saved_once: bool = False
    saved: ProvisioningConfig = field(default_factory=ProvisioningConfig)
    draft: ProvisioningConfig = field(default_factory=ProvisioningConfig)
    errors: dict[str, str] = field(default_factory=dict)  # field -> validation message
    notification: dict[str, Any] | None = None  # shown once, on the next page
    mappings: dict[str, ObjectMapping] = field(
        default_factory=lambda: {k: default_mapping(k) for k in ("groups", "users")}
    )
    mapping_drafts: dict[str, ObjectMapping] = field(default_factory=dict)
    users: list[DirectoryUser] = field(default_factory=sample_users)
    # Users whose 30 days as deleted users are over (/_sim/purge-deleted): gone from the
    # directory; the next cycle deletes those the app provisioned from the target.
    purged: list[DirectoryUser] = field(default_factory=list)
    groups: list[DirectoryGroup] = field(default_factory=sample_groups)
    assigned: list[str] = field(default_factory=list)  # UPNs and group names
    logs: list[LogEntry] = field(default_factory=list)
    scim_ids: dict[str, str] = field(default_factory=dict)  # objectId -> id in the target app
    disabled: set[str] = field(default_factory=set)  # objectIds the app has disabled in the target
    cycle: CycleStatus | None = None  # None until a cycle ran (or after Restart provisioning)
    on_demand_result: LogEntry | None = None
    dismissed: set[str] = field(default_factory=set)  # notices the admin has closed

    def mapping_draft(self, key: str) -> ObjectMapping:
        if key not in self.mapping_drafts:
            self.mapping_drafts[key] = copy.deepcopy(self.mappings[key])
        return self.mapping_drafts[key]

    def user(self, upn: str) -> DirectoryUser | None:
        return next((u for u in self.users if u.upn.lower() == upn.lower()), None)

    def user_by_id(self, object_id: str) -> DirectoryUser | None:
        """A user of the directory, deleted ones included (as the portal's Deleted users)."""
        return next((u for u in self.users if u.object_id == object_id), None)

    def take_notification(self) -> dict[str, Any] | None:
        note, self.notification = self.notification, None
        return note
