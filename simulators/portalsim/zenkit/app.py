"""The Zenkit simulator: organization settings and the SCIM 2.0 API behind the Base URL."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from http import HTTPStatus

from werkzeug.exceptions import NotFound
from werkzeug.routing import Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from portalsim.i18n import Text
from portalsim.web import PortalApp
from portalsim.zenkit import sso
from portalsim.zenkit.org import PLANS, SCIM_PLANS, Organization, Organizations

SECTIONS = (Text("Overview"), Text("Users"), Text("Groups"), Text("Authentication"), Text("Provisioning"),
            Text("Permissions"))
PROFILE = Text("Profile")
# Requests that create or replace a user through the SCIM API.
WRITES = ("POST", "PUT")


class ZenkitApp(sso.SingleSignOn, PortalApp):
    name = "zenkit"
    rules = [
        Rule("/", endpoint="root"),
        Rule("/settings", endpoint="root"),
        Rule("/settings/provisioning", endpoint="provisioning", methods=["GET", "POST"]),
        Rule("/settings/provisioning/token", endpoint="token"),
        Rule("/settings/users", endpoint="users", methods=["GET", "POST"]),
        Rule("/profile", endpoint="profile", methods=["GET", "POST"]),
        Rule(
            "/settings/<any(overview, groups, permissions, integrations):section>",
            endpoint="section",
        ),
        *sso.RULES,
        Rule("/_sim/state", endpoint="sim_state"),
        Rule("/_sim/plan", endpoint="sim_plan", methods=["POST"]),
    ]

    def __init__(
        self, plan: str = "business", scim_plans: Iterable[str] = SCIM_PLANS, faults=(),
        seed: str = "portalsim", drift: Iterable[str] = (),
    ):
        scim_plans = tuple(scim_plans)
        for name in (plan, *scim_plans):
            if name not in PLANS:
                raise ValueError(f"unknown Zenkit plan {name!r}: use one of {', '.join(PLANS)}")
        self.orgs = Organizations(plan, scim_plans, seed)
        # The origin shown in the Base URL; None shows the real one. A stable origin keeps
        # screenshots identical whatever free port the simulator got.
        self.public_url: str | None = None
        self.hosts: dict[str, str] = {}  # public origin -> real URL (the Azure simulator's)
        super().__init__(faults, drift)

    def new_state(self) -> Organization:
        return self.orgs.create()

    def base_url(self, request: Request, org: Organization) -> str:
        origin = self.public_url or request.host_url.rstrip("/")
        if self.drift("zenkit-base-url-wrong-path"):  # the page's path, not the API's
            return f"{origin}/scim/v2/{org.id}"
        return f"{origin}/scim/{org.id}/v2"

    def sections(self) -> list[tuple[str, str]]:
        """The settings menu: (path segment, label) of each section."""
        renamed = self.drift("zenkit-heading-user-provisioning")
        labels = {"Provisioning": Text("User provisioning")} if renamed else {}
        sections = [(name.lower(), labels.get(name, name)) for name in SECTIONS]
        if self.drift("zenkit-nav-integrations"):
            sections.append(("integrations", Text("Integrations")))
        return sections

    def page(self, request: Request, org: Organization, template: str, section: str,
             status: int = 200, **context) -> Response:
        """A settings page; `section` is its path segment, its label is the menu's."""
        label = dict(self.sections())[section]
        return self.render(template, status, org=org, section=label, sections=self.sections(),
                           **context)

    def on_root(self, request: Request, org: Organization) -> Response:
        return redirect("/settings/overview", 302)

    def on_section(self, request: Request, org: Organization, section: str) -> Response:
        if section not in dict(self.sections()):
            raise NotFound()  # a section of a drift scenario that is off
        return self.page(request, org, f"{section}.html", section)

    def on_users(self, request: Request, org: Organization) -> Response:
        """The members, and a form to invite one by e-mail (its labels are invented)."""
        error = None
        if request.method == "POST":
            error = org.invite(request.form.get("email", "").strip())
            if error is None:
                return redirect("/settings/users", 303)
        return self.page(request, org, "users.html", "users", invite_error=error,
                         status=400 if error else 200)

    def on_profile(self, request: Request, org: Organization) -> Response:
        """The member's profile: the language of Zenkit's interface, which wins over the
        browser's."""
        if request.method == "POST":
            return self.choose_language(request, "/profile")
        return self.render("profile.html", org=org, section=PROFILE, sections=self.sections())

    def on_provisioning(self, request: Request, org: Organization) -> Response:
        if request.method == "POST":
            action = request.form.get("action", "")
            if action == "regenerate" and org.scim_active:
                org.regenerate_token()
            elif action == "toggle":
                on = request.form.get("value") == "on"
                if request.form.get("field") == "manual":
                    org.manual_provisioning = on
                elif request.form.get("field") == "scim" and org.scim_included:
                    org.scim_enabled = on
            if request.headers.get("X-Requested-With") == "fetch":
                return Response(status=204)  # the page already shows the new state
            return redirect("/settings/provisioning", 303)
        return self.page(
            request, org, "provisioning.html", "provisioning", base_url=self.base_url(request, org)
        )

    def on_token(self, request: Request, org: Organization) -> Response:
        """The Bearer Token, for the page's Show button (drift zenkit-token-masked)."""
        if not self.drift("zenkit-token-masked") or not org.scim_active:
            raise NotFound()
        return Response(json.dumps({"token": org.token}), mimetype="application/json")

    def on_sim_state(self, request: Request, org: Organization) -> Response:
        data = {
            "org": org.id,
            "plan": org.plan,
            "scim_enabled": org.scim_enabled,
            "base_url": self.base_url(request, org),
            "token": org.token,
            "members": [m.__dict__ for m in org.members()],
            "groups": org.groups(),
        }
        return Response(json.dumps(data, indent=2), mimetype="application/json")

    def on_sim_plan(self, request: Request, org: Organization) -> Response:
        plan = request.form.get("plan", "")
        if plan not in PLANS:
            return Response(f"unknown plan {plan!r}", status=400)
        org.plan = plan
        return Response(status=204)

    def route_outside_session(self, request: Request) -> Callable | None:
        """`/scim/<org>/v2/...` is the organization's SCIM API, served by scim2-server."""
        if not request.path.startswith("/scim/"):
            return None
        _, _, rest = request.path.partition("/scim/")
        org_id, _, tail = rest.partition("/")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        org = self.orgs.find(org_id, token)

        def app(environ_: dict, start_response: Callable) -> Iterable[bytes]:
            # On the first SCIM request, not at start (see portalsim.zenkit.scim).
            from scim2_models import InvalidValueException, NotFoundException, UnauthorizedException

            from portalsim.zenkit.scim import error

            if org is None:
                return error(
                    HTTPStatus.NOT_FOUND, NotFoundException(detail="Unknown organization"), start_response
                )
            if not org.scim_active:
                detail = "SCIM provisioning is not enabled for this organization"
                return error(
                    HTTPStatus.UNAUTHORIZED, UnauthorizedException(detail=detail), start_response
                )
            writes_user = request.method in WRITES and tail.split("/")[1:2] == ["Users"]
            if self.drift("zenkit-scim-requires-name") and writes_user and org.token == token:
                missing = _missing_name(environ_)
                if missing:
                    return error(HTTPStatus.BAD_REQUEST, InvalidValueException(
                        detail=f"Attribute '{missing}' is required."), start_response)
            environ_["SCRIPT_NAME"] = environ_.get("SCRIPT_NAME", "") + f"/scim/{org_id}"
            environ_["PATH_INFO"] = "/" + tail
            return org.scim(environ_, start_response)

        return app


def _missing_name(environ: dict) -> str | None:
    """The first of name.givenName and name.familyName a user resource lacks, if any. The body
    is read here and put back for scim2-server. The rule is invented (drift
    zenkit-scim-requires-name): Zenkit's real API has never been seen to require names."""
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(size) if size else b""
    environ["wsgi.input"] = io.BytesIO(body)
    try:
        name = json.loads(body or b"{}").get("name")
    except (ValueError, AttributeError):
        return None  # scim2-server answers a malformed body itself
    name = name if isinstance(name, dict) else {}
    return next((f"name.{key}" for key in ("givenName", "familyName") if not name.get(key)), None)
