"""The Azure portal simulator: the directory, the enterprise app "Zenkit" and its provisioning."""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound
from werkzeug.routing import Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from portalsim.azure import expressions, sso
from portalsim.azure.connection import test_connection, validate_credentials
from portalsim.azure.provisioning import provision_on_demand, restart, run_cycle
from portalsim.azure.scimclient import HOSTS
from portalsim.azure.state import (
    APPLY,
    MAPPING_TYPES,
    SCOPES,
    AttributeMapping,
    AzureState,
    DirectoryUser,
    ObjectMapping,
    default_mapping,
)
from portalsim.azure.ui import STYLES, UI, ui_for
from portalsim.i18n import Text
from portalsim.web import EMAIL, PortalApp

APP_NAME = "Zenkit"
APP = "/enterprise-apps/zenkit"
PROVISIONING = f"{APP}/provisioning"


class AzureApp(sso.SingleSignOn, PortalApp):
    name = "azure"
    # Microsoft's sign-in ends by asking "Stay signed in?".
    sign_in_stages = ("user", "password", "code", "stay")
    rules = [
        Rule("/", endpoint="home"),
        Rule("/<any(dashboard, 'all-services', favorites, 'cost-management'):page>", endpoint="home"),
        Rule("/directory", endpoint="directory"),
        Rule("/applications", endpoint="applications"),
        Rule("/directory/users", endpoint="users", methods=["GET", "POST"]),
        Rule("/directory/users/new", endpoint="new_user", methods=["GET", "POST"]),
        Rule("/directory/users/<object_id>", endpoint="user_profile", methods=["GET", "POST"]),
        Rule("/directory/groups", endpoint="groups"),
        Rule("/directory/provisioning-logs", endpoint="logs"),
        Rule("/directory/provisioning-logs/<int:number>", endpoint="log_details"),
        Rule("/enterprise-apps", endpoint="enterprise_apps"),
        Rule(APP, endpoint="app_overview"),
        Rule(f"{APP}/users-and-groups", endpoint="assignments", methods=["GET", "POST"]),
        Rule(f"{APP}/users-and-groups/edit", endpoint="edit_assignment", methods=["GET", "POST"]),
        Rule(f"{APP}/users-and-groups/add", endpoint="add_assignment", methods=["GET", "POST"]),
        Rule(PROVISIONING, endpoint="provisioning", methods=["GET", "POST"]),
        Rule(f"{PROVISIONING}/properties", endpoint="properties", methods=["GET"]),
        Rule(f"{PROVISIONING}/attribute-mapping", endpoint="attribute_mapping_list"),
        Rule(
            f"{PROVISIONING}/mappings/<any(users, groups):key>", endpoint="mapping", methods=["GET", "POST"]
        ),
        Rule(f"{APP}/provision-on-demand", endpoint="on_demand", methods=["GET", "POST"]),
        *sso.rules(APP),
        Rule(f"{APP}/<section>", endpoint="app_placeholder"),
        Rule("/settings/language", endpoint="language", methods=["GET", "POST"]),
        Rule("/_sim/provision", endpoint="sim_provision", methods=["POST"]),
        Rule("/_sim/purge-deleted", endpoint="sim_purge_deleted", methods=["POST"]),
        Rule("/_sim/state", endpoint="sim_state"),
    ]

    def __init__(self, ui_version: str = "2020", faults=(), http_timeout: float = 10.0,
                 style: str = "classic", drift=()):
        if style not in STYLES:
            raise ValueError(f"unknown Azure style {style!r}: use one of {', '.join(STYLES)}")
        self.ui: UI = ui_for(ui_version)
        self.style = style
        self.http_timeout = http_timeout
        self.hosts: dict[str, str] = {}  # public origin -> real URL (see scimclient.HOSTS)
        super().__init__(faults, drift)


    def dispatch(self, environ: dict, start_response):
        """Every request sees this app's host aliases, so its SCIM calls reach Zenkit."""
        token = HOSTS.set(self.hosts)
        try:
            return super().dispatch(environ, start_response)
        finally:
            HOSTS.reset(token)
    def new_state(self) -> AzureState:
        state = AzureState()
        if self.drift("azure-mode-placeholder"):  # no mode until the admin picks one
            state.draft.mode = state.saved.mode = ""
        return state

    def template_globals(self) -> dict[str, Any]:
        return {"ui": self.ui, "app_name": APP_NAME, "APP": APP, "PROVISIONING": PROVISIONING,
                "style": self.style}

    def page(self, request: Request, state: AzureState, template: str, **context: Any) -> Response:
        """A portal page: navigation for this path, and the pending notification once."""
        return self.render(
            template,
            nav=self.navigation(request.path),
            path=request.path,
            state=state,
            notification=state.take_notification(),
            **context,
        )

    def navigation(self, path: str) -> list[dict[str, Any]]:
        """The left navigation; the Entra admin center unfolds Identity > Applications as you go."""
        items = [{"label": label, "href": href, "children": []} for label, href in self.ui.nav]
        if self.ui.version != "2020" and path.startswith(("/directory", "/applications", "/enterprise-apps")):
            applications = {"label": Text("Applications"), "href": "/applications", "children": []}
            if path.startswith(("/applications", "/enterprise-apps")):
                applications["children"] = [
                    {"label": Text("Enterprise applications"), "href": "/enterprise-apps", "children": []},
                    {"label": Text("App registrations"), "href": "/applications", "children": []},
                ]
            items[-1]["children"] = [
                {"label": Text("Overview"), "href": "/directory", "children": []},
                {"label": Text("Users"), "href": "/directory/users", "children": []},
                {"label": Text("Groups"), "href": "/directory/groups", "children": []},
                applications,
                {"label": Text("Monitoring & health"), "href": "/directory/provisioning-logs",
                 "children": []},
            ]
        if self.drift("azure-portal-menu-link"):  # a service pinned after the directory
            items.append({"label": Text("Cost Management + Billing"), "href": "/cost-management",
                          "children": []})
        return items

    # Home and directory

    def on_home(self, request: Request, state: AzureState, page: str = "") -> Response:
        if page == "cost-management" and not self.drift("azure-portal-menu-link"):
            raise NotFound()
        return self.page(request, state, "home.html")

    def on_directory(self, request: Request, state: AzureState) -> Response:
        return self.page(request, state, "directory.html", users=state.users, groups=state.groups)

    def on_applications(self, request: Request, state: AzureState) -> Response:
        return self.page(request, state, "applications.html")

    def on_users(self, request: Request, state: AzureState) -> Response:
        if request.method == "POST" and request.form.get("action") == "delete":
            chosen = set(request.form.getlist("selected"))
            deleted = [u for u in state.users if u.object_id in chosen and not u.soft_deleted]
            for user in deleted:
                user.soft_deleted = True  # Entra keeps deleted users 30 days before hard deletion
            state.notification = (
                {"kind": "success", "title": Text("Deleted users"),
                 "body": Text("Successfully deleted %(count)s user(s).", count=len(deleted))}
                if deleted else NOTHING_SELECTED
            )
            return redirect("/directory/users", 303)
        return self.page(request, state, "users.html", users=live_users(state))

    def on_user_profile(self, request: Request, state: AzureState, object_id: str) -> Response:
        user = state.user_by_id(object_id)
        if user is None or user.soft_deleted:
            raise NotFound()
        here = f"/directory/users/{object_id}"
        if request.method == "POST":
            if request.form.get("action") == "save":
                for name in ("display_name", "job_title", "department", "manager"):
                    value = request.form.get(name, "").strip()
                    if name == "display_name" and not value:
                        continue  # the portal keeps the old name rather than save an empty one
                    setattr(user, name, value or None)
                if self.ui.version == "2020":
                    user.account_enabled = request.form.get("block_sign_in") != "Yes"
                else:
                    user.account_enabled = "account_enabled" in request.form
                state.notification = {
                    "kind": "success", "title": Text("Updated user"),  # invented wording
                    "body": Text("Successfully updated '%(name)s'.", name=user.display_name),
                }
            return redirect(here, 303)
        return self.page(request, state, "user_profile.html", user=user,
                         editing="edit" in request.args, here=here)

    def on_groups(self, request: Request, state: AzureState) -> Response:
        return self.page(request, state, "groups.html", groups=state.groups)

    def on_new_user(self, request: Request, state: AzureState) -> Response:
        form = {
            k: request.form.get(k, "").strip()
            for k in ("upn", "display_name", "mail", "given_name", "surname", "job_title", "department")
        }
        errors: dict[str, str] = {}
        if request.method == "POST":
            for name in ("upn", "display_name"):
                if not form[name]:
                    errors[name] = Text("The value must not be empty.")
            if form["upn"] and not EMAIL.match(form["upn"]):
                errors["upn"] = Text(
                    "The user principal name must look like name@domain, for example alex@contoso.com."
                )
            elif form["upn"] and state.user(form["upn"]):
                errors["upn"] = Text(
                    "Another object with the same value for property userPrincipalName already exists."
                )
            if form["mail"] and not EMAIL.match(form["mail"]):
                errors["mail"] = Text("Please enter a valid email address.")
            if not errors:
                state.users.append(
                    DirectoryUser(
                        form["upn"],
                        form["display_name"],
                        form["mail"] or None,
                        form["given_name"] or None,
                        form["surname"] or None,
                        form["job_title"] or None,
                        form["department"] or None,
                    )
                )
                state.notification = {
                    "kind": "success",
                    "title": Text("Successfully created user"),
                    "body": Text("Successfully created user '%(name)s'.", name=form["display_name"]),
                }
                return redirect("/directory/users", 303)
        return self.page(request, state, "new_user.html", form=form, errors=errors)

    def on_logs(self, request: Request, state: AzureState) -> Response:
        # Newest first, each with its number in the log for the details link.
        logs = list(reversed(list(enumerate(state.logs, start=1))))
        return self.page(request, state, "logs.html", logs=logs, opened=None)

    def on_log_details(self, request: Request, state: AzureState, number: int) -> Response:
        if not 1 <= number <= len(state.logs):
            raise NotFound()
        logs = list(reversed(list(enumerate(state.logs, start=1))))
        return self.page(request, state, "logs.html", logs=logs, opened=(number, state.logs[number - 1]))

    # The enterprise application

    def on_enterprise_apps(self, request: Request, state: AzureState) -> Response:
        return self.page(request, state, "enterprise_apps.html")

    def on_app_overview(self, request: Request, state: AzureState) -> Response:
        return self.page(request, state, "app_overview.html")

    def on_app_placeholder(self, request: Request, state: AzureState, section: str) -> Response:
        if section == "manage" and self.drift("azure-app-menu-manage-page"):
            return self.page(request, state, "app_manage.html")
        title = PLACEHOLDER_TITLES.get(section) or section.replace("-", " ").capitalize()
        return self.page(
            request, state, "app_placeholder.html", section=title
        )

    def on_assignments(self, request: Request, state: AzureState) -> Response:
        if request.method == "POST":
            chosen = [c for c in request.form.getlist("selected") if c in state.assigned]
            action = request.form.get("action")
            if not chosen:
                state.notification = NOTHING_SELECTED
            elif action == "edit":
                return redirect(f"{APP}/users-and-groups/edit?{urlencode({'selected': chosen}, True)}", 303)
            elif action == "remove":
                state.assigned = [a for a in state.assigned if a not in chosen]
                state.notification = {
                    "kind": "success",
                    "title": Text("Removed assignment"),  # invented wording
                    "body": Text("%(count)s user(s) or group(s) were removed from %(app)s.",
                                 count=len(chosen), app=APP_NAME),
                }
            return redirect(f"{APP}/users-and-groups", 303)
        return self.page(request, state, "assignments.html", rows=assignment_rows(state))

    def on_edit_assignment(self, request: Request, state: AzureState) -> Response:
        """Edit Assignment: the role of the selected users and groups. Zenkit's app has one
        role, User, so saving changes nothing but is what the portal offers."""
        chosen = [c for c in request.values.getlist("selected") if c in state.assigned]
        if request.method == "POST":
            state.notification = {
                "kind": "success",
                "title": Text("Assignment succeeded"),
                "body": assigned(len(chosen)),
            }
            return redirect(f"{APP}/users-and-groups", 303)
        rows = [row for row in assignment_rows(state) if row[2] in chosen]
        return self.page(request, state, "edit_assignment.html", rows=rows)

    def on_add_assignment(self, request: Request, state: AzureState) -> Response:
        if request.method == "POST":
            chosen = request.form.getlist("assign")
            known = {u.upn for u in state.users} | {g.name for g in state.groups}
            new = [c for c in chosen if c in known and c not in state.assigned]
            if not chosen:
                return self.page(
                    request,
                    state,
                    "add_assignment.html",
                    users=live_users(state),
                    groups=state.groups,
                    error=Text("Select at least one user or group."),
                )
            state.assigned.extend(new)
            state.notification = {
                "kind": "success",
                "title": Text("Assignment succeeded"),
                "body": assigned(len(new)),
            }
            return redirect(f"{APP}/users-and-groups", 303)
        return self.page(
            request, state, "add_assignment.html", users=live_users(state), groups=state.groups, error=""
        )

    # Provisioning blade

    def on_provisioning(self, request: Request, state: AzureState) -> Response:
        if request.method == "POST":
            return self.provisioning_action(request, state)
        template = "provisioning.html"
        if self.ui.new_config_flow and state.saved_once:
            template = "provisioning_overview.html"
        elif self.ui.new_config_flow and state.started:
            template = "new_configuration.html"
        return self.page(
            request,
            state,
            template,
            config=state.draft,
            errors=state.errors,
            scopes=SCOPES,
            mappings=self.mapping_rows(state),
        )

    def on_properties(self, request: Request, state: AzureState) -> Response:
        return self.page(
            request,
            state,
            "provisioning.html",
            config=state.draft,
            errors=state.errors,
            scopes=SCOPES,
            mappings=self.mapping_rows(state),
        )

    def on_attribute_mapping_list(self, request: Request, state: AzureState) -> Response:
        return self.page(request, state, "attribute_mapping_list.html", mappings=self.mapping_rows(state))

    def mapping_rows(self, state: AzureState) -> list[tuple[str, str, bool]]:
        return [
            (self.ui.groups_mapping, "groups", state.mappings["groups"].enabled),
            (self.ui.users_mapping, "users", state.mappings["users"].enabled),
        ]

    def provisioning_action(self, request: Request, state: AzureState) -> Response:
        action = request.form.get("action", "")
        back = redirect(request.form.get("back") or PROVISIONING, 303)
        if action == "start":
            state.started = True
            return back
        if action == "discard":
            state.draft = dataclasses.replace(state.saved)
            state.errors = {}
            return back
        if action in ("start-provisioning", "stop-provisioning"):
            on = action == "start-provisioning"
            state.saved.status = state.draft.status = "On" if on else "Off"
            state.notification = {
                "kind": "success",
                "title": Text("Started provisioning") if on else Text("Stopped provisioning"),
                "body": Text("Provisioning for %(app)s is on.", app=APP_NAME) if on
                else Text("Provisioning for %(app)s is off.", app=APP_NAME),
            }
            if state.saved.status == "On":
                # The service's first cycle starts at once; later ones every 40 minutes,
                # which the simulator runs only when asked (Restart provisioning).
                run_cycle(state, self.http_timeout)
            return back
        if action == "restart-provisioning":
            restart(state, self.http_timeout)
            state.notification = {
                "kind": "success",
                "title": Text("Restarted provisioning"),  # invented wording
                "body": Text("The provisioning state of %(app)s was cleared and an initial cycle ran.",
                             app=APP_NAME),
            }
            return back
        self.read_draft(request, state)
        if action == "test":
            state.errors = validate_credentials(state.draft.tenant_url, state.draft.secret_token)
            if not state.errors:
                state.notification = test_connection(
                    state.draft.tenant_url, state.draft.secret_token, APP_NAME, self.http_timeout
                )
            return back
        if action in ("save", "create"):
            if action == "save" and self.drift("azure-500-on-save"):
                return self.render("error.html", status=500)  # the portal's save API failed
            if action == "create":
                state.draft.mode = "Automatic"
            state.errors = self.validate_draft(state)
            if state.errors:
                state.notification = {
                    "kind": "error",
                    "title": Text("Failed to save provisioning settings"),
                    "body": Text("Correct the highlighted fields, then save again."),
                }
                return back
            if request.form.get("restore_defaults"):
                state.mappings = {k: default_mapping(k) for k in ("groups", "users")}
                state.mapping_drafts.clear()
            turned_on = state.saved.status != "On" and state.draft.status == "On"
            state.saved = dataclasses.replace(state.draft)
            state.saved_once = True
            if turned_on and state.saved.mode == "Automatic":
                run_cycle(state, self.http_timeout)  # turning the status On starts a cycle
            state.notification = {
                "kind": "success",
                "title": Text("Saved provisioning settings"),
                "body": Text("Successfully updated the provisioning settings for %(app)s.", app=APP_NAME),
            }
            return back
        return back

    def read_draft(self, request: Request, state: AzureState) -> None:
        form, draft = request.form, state.draft
        draft.mode = form.get("mode", draft.mode)
        for name in ("tenant_url", "secret_token", "notification_email", "deletion_threshold"):
            if name in form:
                setattr(draft, name, form[name].strip())
        if "settings" in form:  # checkboxes send nothing when cleared
            draft.notify_on_failure = "notify_on_failure" in form
            draft.prevent_deletion = "prevent_deletion" in form
        if form.get("scope") in SCOPES:
            draft.scope = form["scope"]
        if form.get("status") in ("On", "Off"):
            draft.status = form["status"]

    def validate_draft(self, state: AzureState) -> dict[str, str]:
        draft = state.draft
        if not draft.mode:  # only with drift azure-mode-placeholder; the wording is invented
            return {"mode": Text("Select a provisioning mode.")}
        if draft.mode == "Manual":
            return {}
        errors = validate_credentials(draft.tenant_url, draft.secret_token)
        if draft.notification_email and not EMAIL.match(draft.notification_email):
            errors["notification_email"] = Text("Please enter a valid email address.")
        if draft.notify_on_failure and not draft.notification_email:
            errors["notification_email"] = Text("Enter an email address to receive failure notifications.")
        if draft.prevent_deletion and not draft.deletion_threshold.isdigit():
            errors["deletion_threshold"] = Text("The value must be a whole number.")
        return errors

    # Attribute Mapping page and the Edit Attribute pane

    def on_mapping(self, request: Request, state: AzureState, key: str) -> Response:
        if not state.saved_once:
            return redirect(PROVISIONING, 303)
        if self.drift("azure-mapping-whats-new") and "whats-new" not in state.dismissed:
            if request.form.get("action") != "dismiss-whats-new":
                return self.page(request, state, "whats_new.html")
            state.dismissed.add("whats-new")
            return redirect(request.path, 303)
        mapping = state.mapping_draft(key)
        here = request.path
        pane = None
        if request.method == "POST":
            action = request.form.get("action", "")
            if action == "ok":
                pane = self.apply_pane(request, mapping)
                if not pane["errors"]:
                    return redirect(here, 303)
            else:
                self.read_mapping_fields(request, mapping)
                if action.startswith("delete:"):
                    row = mapping.find(int(action.split(":")[1]) if action[7:].isdigit() else -1)
                    if row and not row.required:
                        mapping.attributes.remove(row)
                elif action == "add":
                    return redirect(f"{here}?edit=new", 303)
                elif action == "discard":
                    state.mapping_drafts.pop(key, None)
                elif action == "close":
                    state.mapping_drafts.pop(key, None)
                    return redirect(PROVISIONING, 303)
                elif action == "save":
                    if not mapping.matching():
                        state.notification = {
                            "kind": "error",
                            "title": Text("Failed to save attribute mappings"),
                            "body": Text("At least one attribute must be used for matching objects."),
                        }
                    else:
                        if not self.drift("azure-mapping-save-dropped"):  # says saved, keeps the old
                            state.mappings[key] = mapping
                        state.mapping_drafts.pop(key, None)
                        state.notification = {
                            "kind": "success",
                            "title": Text("Saved attribute mappings"),
                            "body": Text("Your changes have been saved."),
                        }
                return redirect(here, 303)
        elif "edit" in request.args:
            pane = self.open_pane(mapping, request.args["edit"])
        return self.page(
            request,
            state,
            "mapping.html",
            key=key,
            mapping=mapping,
            pane=pane,
            name=self.ui.users_mapping if key == "users" else self.ui.groups_mapping,
            types=MAPPING_TYPES,
            applies=APPLY,
        )

    def read_mapping_fields(self, request: Request, mapping: ObjectMapping) -> None:
        if "enabled" in request.form:
            mapping.enabled = request.form["enabled"] == "Yes"
            mapping.create = "create" in request.form
            mapping.update = "update" in request.form
            mapping.delete = "delete" in request.form

    def open_pane(self, mapping: ObjectMapping, edit: str) -> dict[str, Any] | None:
        row = mapping.find(int(edit)) if edit.isdigit() else None
        if row is None and edit != "new":
            return None
        if row is None:
            row = AttributeMapping(0, "", "")
        return {"id": edit, "row": row, "errors": {}, "next_precedence": self.next_precedence(mapping, row)}

    @staticmethod
    def next_precedence(mapping: ObjectMapping, row: AttributeMapping) -> int:
        used = [a.precedence or 0 for a in mapping.matching() if a is not row]
        return max(used, default=0) + 1

    def apply_pane(self, request: Request, mapping: ObjectMapping) -> dict[str, Any]:
        """Validate the Edit Attribute pane and apply it to the draft; errors keep the pane open."""
        form = request.form
        edit = form.get("id", "new")
        existing = mapping.find(int(edit)) if edit.isdigit() else None
        row = AttributeMapping(
            existing.id if existing else max((a.id for a in mapping.attributes), default=0) + 1,
            target=form.get("target", "").strip(),
            source=form.get("source", "").strip(),
            type=form.get("mapping_type", "Direct"),
            default=form.get("default", "").strip(),
            match=form.get("match") == "Yes",
            apply=form.get("apply", "Always"),
            required=existing.required if existing else False,
        )
        errors: dict[str, str] = {}
        if row.type not in MAPPING_TYPES:
            errors["mapping_type"] = Text("Select a mapping type.")
        elif row.type == "Direct" and row.source not in mapping.sources:
            errors["source"] = f"'{row.source}' is not an attribute of the source object."
        elif row.type == "Constant" and not row.source:
            errors["source"] = Text("The value must not be empty.")
        elif row.type == "Expression":
            try:
                unknown = expressions.attributes_used(expressions.parse(row.source)) - set(mapping.sources)
                if not row.source:
                    errors["source"] = Text("The value must not be empty.")
                elif unknown:
                    errors["source"] = f"'{sorted(unknown)[0]}' is not an attribute of the source object."
            except expressions.ExpressionError as error:
                errors["source"] = str(error)
        if row.type == "None":
            row.source = ""
        if row.target not in mapping.targets:
            errors["target"] = Text("Select a target attribute.")
        elif any(a.target == row.target for a in mapping.attributes if a is not existing):
            errors["target"] = Text("The target attribute '%(target)s' is already mapped.", target=row.target)
        if row.apply not in APPLY:
            errors["apply"] = Text("Select when to apply this mapping.")
        if row.match:
            precedence = form.get("precedence", "").strip()
            if not precedence.isdigit() or int(precedence) < 1:
                errors["precedence"] = Text("The matching precedence must be a whole number of 1 or more.")
            else:
                row.precedence = int(precedence)
                clash = next(
                    (a for a in mapping.matching() if a is not existing and a.precedence == row.precedence),
                    None,
                )
                if clash:
                    errors["precedence"] = Text(
                        "Matching precedence %(precedence)s is already used by '%(target)s'.",
                        precedence=row.precedence, target=clash.target)
        if existing and existing.required and row.target != existing.target:
            errors["target"] = Text("'%(target)s' is required and cannot be changed.", target=existing.target)
        if not errors:
            if existing:
                mapping.attributes[mapping.attributes.index(existing)] = row
            else:
                mapping.attributes.append(row)
        return {
            "id": edit,
            "row": row,
            "errors": errors,
            "next_precedence": self.next_precedence(mapping, row),
        }

    # Provision on demand, and the hooks tests use

    def on_on_demand(self, request: Request, state: AzureState) -> Response:
        results = None
        if request.method == "POST":
            results = provision_on_demand(state, request.form.get("user", ""), self.http_timeout)
        return self.page(
            request,
            state,
            "on_demand.html",
            users=live_users(state),
            results=results,
            ready=state.saved_once and state.saved.mode == "Automatic",
        )

    def on_language(self, request: Request, state: AzureState) -> Response:
        """Settings > Language + region: the portal's language, which wins over the browser's."""
        if request.method == "POST":
            return self.choose_language(request, "/settings/language")
        return self.page(request, state, "language.html")

    def on_sim_provision(self, request: Request, state: AzureState) -> Response:
        entries = run_cycle(state, self.http_timeout)
        return json_response([dataclasses.asdict(e) for e in entries])

    def on_sim_purge_deleted(self, request: Request, state: AzureState) -> Response:
        """The 30 days after which Entra deletes a deleted user for good have passed: the
        deleted users leave the directory, and the next cycle hard-deletes them in the app."""
        state.purged.extend(u for u in state.users if u.soft_deleted)
        state.users = [u for u in state.users if not u.soft_deleted]
        return json_response([u.upn for u in state.purged])

    def on_sim_state(self, request: Request, state: AzureState) -> Response:
        return json_response(
            {
                "ui_version": self.ui.version,
                "saved": dataclasses.asdict(state.saved)
                | {"secret_token": "***" if state.saved.secret_token else ""},
                "saved_once": state.saved_once,
                "mappings": {
                    k: [dataclasses.asdict(a) for a in m.attributes] for k, m in state.mappings.items()
                },
                "assigned": state.assigned,
                "cycle": dataclasses.asdict(state.cycle) if state.cycle else None,
                "blocked": [u.upn for u in state.users if not u.account_enabled],
                "deleted": [u.upn for u in state.users if u.soft_deleted],
            }
        )


# The titles of the app's menu pages the simulator leaves empty (the menu's own labels are
# title case; these pages' titles are not), so that they show in the reader's language.
PLACEHOLDER_TITLES = {
    "properties": Text("Properties"), "owners": Text("Owners"), "self-service": Text("Self-service"),
    "deployment-plan": Text("Deployment plan"), "conditional-access": Text("Conditional access"),
    "permissions": Text("Permissions"),
}
# The portal's answer to a command with no row selected (wording invented).
NOTHING_SELECTED = {"kind": "error", "title": Text("Nothing selected"),
                    "body": Text("Select at least one row first.")}


def assigned(count: int) -> Text:
    return Text("%(count)s user(s) or group(s) were assigned to %(app)s.", count=count, app=APP_NAME)


def live_users(state: AzureState) -> list[DirectoryUser]:
    """The directory's users, deleted ones left out as the Users list leaves them."""
    return [u for u in state.users if not u.soft_deleted]


def assignment_rows(state: AzureState) -> list[tuple[str, str, str]]:
    """(display name, object type, key) of each assignment; the key is what the form posts."""
    rows = [(u.display_name, "User", u.upn) for u in live_users(state) if u.upn in state.assigned]
    return rows + [(g.name, "Group", g.name) for g in state.groups if g.name in state.assigned]


def json_response(data: Any) -> Response:
    # Dates (a log row's) as their ISO text: /_sim answers have no language.
    return Response(json.dumps(data, indent=2, default=str), mimetype="application/json")

