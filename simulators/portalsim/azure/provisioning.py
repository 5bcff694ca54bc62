"""One provisioning cycle: map in-scope directory objects through the saved mappings, then
look each one up in the target by its matching attributes and create or update it over SCIM."""

from __future__ import annotations

import datetime
import re
from typing import Any

from portalsim.azure import expressions
from portalsim.azure.connection import dummy_guid, judge
from portalsim.azure.scimclient import PATCH_OP, Exchange, filter_url, send
from portalsim.azure.state import (
    ENTERPRISE,
    AttributeMapping,
    AzureState,
    CycleStatus,
    DirectoryGroup,
    DirectoryUser,
    LogEntry,
    ObjectMapping,
)
from portalsim.i18n import Text

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
BOOLEAN_TARGETS = {"active"}
_MULTI = re.compile(r'^(\w+)\[type eq "(\w+)"\]\.(\w+)$')
# Log times come from a frozen clock so that pages and screenshots are reproducible.
_EPOCH = datetime.datetime(2026, 1, 15, 9, 0, 0)


def resolve(attribute: AttributeMapping, source: dict[str, Any]) -> Any:
    if attribute.type == "Direct":
        value = source.get(attribute.source)
    elif attribute.type == "Constant":
        value = attribute.source
    elif attribute.type == "Expression":
        value = expressions.evaluate(expressions.parse(attribute.source), source)
    else:
        value = None
    if value in (None, "") and attribute.default:
        value = attribute.default
    if attribute.target in BOOLEAN_TARGETS and isinstance(value, str):
        value = value.strip().lower() == "true"
    return value


def map_values(mapping: ObjectMapping, source: dict[str, Any], creating: bool) -> dict[str, Any]:
    """Target path -> value, for the attributes that apply to this operation and have a value."""
    values = {}
    for attribute in mapping.attributes:
        if attribute.apply != "Always" and not creating:
            continue
        value = resolve(attribute, source)
        if value not in (None, "", []):
            values[attribute.target] = value
    return values


def to_resource(values: dict[str, Any]) -> dict[str, Any]:
    """Turn target paths (name.givenName, emails[type eq "work"].value, urn:...:department) into JSON."""
    resource: dict[str, Any] = {}
    for path, value in values.items():
        if path.startswith(ENTERPRISE + ":"):
            attribute = path.removeprefix(ENTERPRISE + ":")
            extension = resource.setdefault(ENTERPRISE, {})
            extension[attribute] = {"value": value} if attribute == "manager" else value
        elif match := _MULTI.match(path):
            name, kind, sub = match.groups()
            entries = resource.setdefault(name, [])
            entry = next((e for e in entries if e.get("type") == kind), None)
            if entry is None:
                entry = {"type": kind, **({"primary": True} if not entries else {})}
                entries.append(entry)
            entry[sub] = value
        elif "." in path:
            parent, child = path.split(".", 1)
            resource.setdefault(parent, {})[child] = value
        else:
            resource[path] = value
    return resource


# The steps a log entry's details list (portals.md: Import, Determine if in scope, Match,
# Perform action); the long names are those of Microsoft's provisioning documentation.
IMPORT = Text("Import user")
SCOPE = Text("Determine if user is in scope")
MATCH = Text("Match user between source and target system")
PERFORM = Text("Perform action")
# The steps before the action, for a user the app provisioned earlier.
MATCHED = ((IMPORT, "Success"), (SCOPE, "Success"), (MATCH, "Success"))
# Skip reason of Microsoft's provisioning logs documentation (not in portals.md).
NOT_ENTITLED = "NotEffectivelyEntitled"
# Invented (portals.md names no code for a failed write): what a create, update or disable
# shows when the target answers an error.
WRITE_FAILED = "SystemForCrossDomainIdentityManagementBadResponse"
# A Warning: the user was written, one reference attribute not. Code and wording invented
# (the logs documentation lists Warning as a status but no public example of its details).
MANAGER = f"{ENTERPRISE}:manager"
MANAGER_UNRESOLVED = "ReferenceAttributeNotResolved"
MANAGER_NOT_SET = Text("The manager attribute was not set: the manager is not provisioned in Zenkit.")
SKIP_REASONS = {
    "unassigned": Text("The user is not assigned to the application and is not in scope for provisioning."),
    "blocked": Text("The user is blocked from signing in and does not exist in the target system."),
    "deleted": Text("The user is deleted in the directory and does not exist in the target system."),
}


class Cycle:
    def __init__(self, state: AzureState, timeout: float):
        self.state = state
        self.config = state.saved
        self.base = self.config.tenant_url.strip().rstrip("/")
        self.timeout = timeout
        self.entries: list[LogEntry] = []

    def log(self, identity: str, action: str, status: str, detail: str, requests: list[str],
            steps: list[tuple[str, str]] = (), error_code: str = "") -> LogEntry:
        when = _EPOCH + datetime.timedelta(seconds=len(self.state.logs))
        entry = LogEntry(when, identity, action, status, detail, requests, list(steps), error_code)
        self.state.logs.append(entry)
        self.entries.append(entry)
        return entry

    def ready(self, require_on: bool = True) -> bool:
        if self.config.mode != "Automatic" or (require_on and self.config.status != "On"):
            self.log("-", "Other", "Skipped", Text("Provisioning Status is Off: nothing was sent."), [])
            return False
        probe = send(
            "GET",
            filter_url(self.base, "Users", "userName", dummy_guid()),
            self.config.secret_token,
            timeout=self.timeout,
        )
        failure = judge(probe)
        if failure:
            self.log("-", "Other", "Failure", failure[1], [probe.summary()], error_code=failure[0])
            return False
        return True

    def in_scope(self, user: DirectoryUser) -> bool:
        if self.config.scope == "Sync all users and groups":
            return True
        assigned = {name.lower() for name in self.state.assigned}
        groups = (g for g in self.state.groups if g.name.lower() in assigned)
        return user.upn.lower() in assigned or any(
            user.upn.lower() in {m.lower() for m in g.members} for g in groups
        )

    def in_scope_groups(self) -> list[DirectoryGroup]:
        if self.config.scope == "Sync all users and groups":
            return list(self.state.groups)
        assigned = {name.lower() for name in self.state.assigned}
        return [g for g in self.state.groups if g.name.lower() in assigned]

    def run(self) -> list[LogEntry]:
        """One cycle. An initial cycle also logs every user it skips; an incremental one only
        what changed (the simulator treats every in-scope user as changed)."""
        initial = self.state.cycle is None
        if not self.ready():
            return self.entries
        for user in self.state.users:
            self.user(user, initial)
        for user in self.state.purged:
            if user.object_id in self.state.scim_ids:
                self.delete(user)
        self.state.purged.clear()
        for group in self.in_scope_groups():
            self.sync("groups", "Groups", group.name, group.object_id, self.group_source(group))
        self.state.cycle = CycleStatus(
            "Initial" if initial else "Incremental",
            users=len([u for u in self.state.users if u.object_id in self.state.scim_ids
                       and u.object_id not in self.state.disabled]),
            groups=len([g for g in self.state.groups if g.object_id in self.state.scim_ids]),
            failures=len([e for e in self.entries if e.status == "Failure"]),
        )
        return self.entries

    def user(self, user: DirectoryUser, initial: bool) -> None:
        """Create or update a user in scope; disable one the app provisioned that is no
        longer in scope, blocked or deleted (IsSoftDeleted); skip the others."""
        active = user.account_enabled and not user.soft_deleted
        if active and self.in_scope(user):
            self.sync("users", "Users", user.upn, user.object_id, user.attributes())
        elif user.object_id in self.state.scim_ids:
            if user.object_id not in self.state.disabled:
                self.disable(user)
        elif initial:
            reason = "deleted" if user.soft_deleted else ("blocked" if not active else "unassigned")
            self.log(user.upn, "Other", "Skipped", SKIP_REASONS[reason], [],
                     [(IMPORT, "Success"), (SCOPE, "Skipped")], NOT_ENTITLED)

    def disable(self, user: DirectoryUser) -> None:
        """Soft delete, as Azure deprovisions: PATCH active false to the id it created."""
        body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": False}]}
        if self.deprovision(user, "Disable", "PATCH", body, (200, 204)):
            self.state.disabled.add(user.object_id)

    def manager_reference(self, values: dict[str, Any]) -> bool:
        """Turn the manager's objectId into the manager's id in the target, as Azure resolves
        references; False when the manager is not provisioned there, so it is left out."""
        if MANAGER not in values:
            return True
        target = self.state.scim_ids.get(values[MANAGER])
        if target is None:
            del values[MANAGER]
            return False
        values[MANAGER] = target
        return True

    def delete(self, user: DirectoryUser) -> None:
        """Hard delete, as Azure deprovisions a user deleted for good: a SCIM DELETE of the
        id it created, if Delete is a target object action of the user mapping."""
        if not self.state.mappings["users"].delete:
            self.log(user.upn, "Delete", "Skipped", Text("Delete is not a target object action."), [],
                     [*MATCHED, (PERFORM, "Skipped")])
            return
        # 404: already gone from the target, which is what the delete was for.
        if self.deprovision(user, "Delete", "DELETE", None, (204, 404)):
            del self.state.scim_ids[user.object_id]
            self.state.disabled.discard(user.object_id)

    def deprovision(self, user: DirectoryUser, action: str, method: str, body: dict[str, Any] | None,
                    succeeded: tuple[int, ...]) -> bool:
        """Send `method` to the user the app created in the target and log it as `action`;
        True when the target's answer is one of the statuses that mean it `succeeded`."""
        found = self.state.scim_ids[user.object_id]
        answer = send(method, f"{self.base}/Users/{found}", self.config.secret_token, body, self.timeout)
        if answer.status in succeeded:
            self.log(user.upn, action, "Success", done(action, "Users"), [answer.summary()],
                     [*MATCHED, (PERFORM, "Success")])
            return True
        self.log(user.upn, action, "Failure", failure_detail(answer), [answer.summary()],
                 [*MATCHED, (PERFORM, "Failure")], WRITE_FAILED)
        return False

    def group_source(self, group: DirectoryGroup) -> dict[str, Any]:
        ids = [self.state.scim_ids.get(u.object_id) for upn in group.members if (u := self.state.user(upn))]
        return {**group.attributes(), "members": [{"value": i} for i in ids if i]}

    def sync(self, key: str, resource: str, identity: str, object_id: str, source: dict[str, Any]) -> None:
        mapping = self.state.mappings[key]
        if not mapping.enabled:
            return
        requests: list[str] = []
        steps = [(IMPORT, "Success"), (SCOPE, "Success")]
        try:
            created = map_values(mapping, source, creating=True)
        except expressions.ExpressionError as error:
            self.log(
                identity, "Other", "Failure",
                Text("An attribute mapping could not be evaluated: %(error)s", error=str(error)), [],
                [*steps, (MATCH, "Failure")], WRITE_FAILED,
            )
            return
        found = None
        for attribute in mapping.matching():
            if attribute.target not in created:
                continue
            lookup = send(
                "GET",
                filter_url(self.base, resource, attribute.target, str(created[attribute.target])),
                self.config.secret_token,
                timeout=self.timeout,
            )
            requests.append(lookup.summary())
            if (failure := judge(lookup)) is not None:
                self.log(identity, "Other", "Failure", failure[1], requests,
                         [*steps, (MATCH, "Failure")], failure[0])
                return
            hits = lookup.json().get("Resources", [])
            if hits:
                found = hits[0]["id"]
                break
        steps.append((MATCH, "Success"))
        schema = USER_SCHEMA if key == "users" else GROUP_SCHEMA
        manager_set = self.manager_reference(created)
        if found is None:
            if not mapping.create:
                self.log(identity, "Create", "Skipped", Text("Create is not a target object action."),
                         requests,
                         [*steps, (PERFORM, "Skipped")])
                return
            body = {"schemas": [schema], **to_resource(created)}
            if ENTERPRISE in body:
                body["schemas"].append(ENTERPRISE)
            answer = send("POST", f"{self.base}/{resource}", self.config.secret_token, body, self.timeout)
            action, ok = "Create", answer.status == 201
        else:
            if not mapping.update:
                self.log(identity, "Update", "Skipped", Text("Update is not a target object action."),
                         requests,
                         [*steps, (PERFORM, "Skipped")])
                return
            updated = map_values(mapping, source, creating=False)
            manager_set = self.manager_reference(updated)
            values = to_resource(updated)
            body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "value": values}]}
            answer = send(
                "PATCH", f"{self.base}/{resource}/{found}", self.config.secret_token, body, self.timeout
            )
            action, ok = "Update", answer.status in (200, 204)
        requests.append(answer.summary())
        if ok:
            self.state.scim_ids[object_id] = found or (answer.json() or {}).get("id", "")
            if source.get("IsSoftDeleted"):
                self.state.disabled.add(object_id)
            else:
                self.state.disabled.discard(object_id)
            written = done(action, resource)
            if manager_set:
                self.log(identity, action, "Success", written, requests, [*steps, (PERFORM, "Success")])
            else:
                self.log(identity, action, "Warning", Text("%(done)s %(warning)s", done=written,
                                                           warning=MANAGER_NOT_SET), requests,
                         [*steps, (PERFORM, "Warning")], MANAGER_UNRESOLVED)
        else:
            self.log(identity, action, "Failure", failure_detail(answer), requests,
                     [*steps, (PERFORM, "Failure")], WRITE_FAILED)


def done(action: str, resource: str) -> Text:
    """What a row says when its write succeeded."""
    return {
        ("Create", "Users"): Text("Created user in Zenkit."),
        ("Update", "Users"): Text("Updated user in Zenkit."),
        ("Disable", "Users"): Text("Disabled user in Zenkit."),
        ("Delete", "Users"): Text("Deleted user in Zenkit."),
        ("Create", "Groups"): Text("Created group in Zenkit."),
        ("Update", "Groups"): Text("Updated group in Zenkit."),
    }[action, resource]


def failure_detail(answer: Exchange) -> str:
    """What the target said went wrong: its SCIM error detail, else the transport's or the status."""
    return str((answer.json() or {}).get("detail") or answer.error or f"HTTP {answer.status}")


def run_cycle(state: AzureState, timeout: float = 10.0) -> list[LogEntry]:
    return Cycle(state, timeout).run()


def restart(state: AzureState, timeout: float = 10.0) -> list[LogEntry]:
    """Restart provisioning: clear the cycle state and run an initial cycle now. What the app
    created in the target is still known, so users out of scope are still disabled."""
    state.cycle = None
    return run_cycle(state, timeout)


def provision_on_demand(state: AzureState, upn: str, timeout: float = 10.0) -> list[LogEntry]:
    """Provision one user now, whatever the scope, as the portal's "Provision on demand" does."""
    cycle = Cycle(state, timeout)
    user = state.user(upn)
    if user is None:
        return [cycle.log(upn, "Other", "Failure", Text("The user was not found in the directory."), [])]
    if cycle.ready(require_on=False):
        # Microsoft: on demand disables a user unassigned from the app, like a cycle would.
        if not cycle.in_scope(user) and user.object_id in state.scim_ids:
            cycle.disable(user)
        else:
            cycle.sync("users", "Users", user.upn, user.object_id, user.attributes())
    return cycle.entries
