"""What both simulators share: per-browser sessions, routing, page rendering, faults, errors."""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from portalsim.drift import Active
from portalsim.faults import Fault

log = logging.getLogger("portalsim")
PACKAGE = Path(__file__).parent


class Sessions:
    """State per browser session, keyed by a cookie, so parallel runs never share state.

    The two simulators usually share the host 127.0.0.1, and cookies ignore ports, so each
    simulator names its cookie differently.
    """

    def __init__(self, cookie: str, factory: Callable[[], Any]):
        self.cookie = cookie
        self.factory = factory
        self.states: dict[str, Any] = {}
        self.lock = threading.Lock()

    def load(self, request: Request) -> tuple[str, Any, bool]:
        sid = request.cookies.get(self.cookie, "")
        with self.lock:
            if sid in self.states:
                return sid, self.states[sid], False
            sid = secrets.token_urlsafe(16)
            self.states[sid] = self.factory()
            return sid, self.states[sid], True

    def reset(self, sid: str) -> None:
        with self.lock:
            self.states[sid] = self.factory()


class PortalApp:
    """A small WSGI app: `on_<endpoint>(request, state, **args)` methods answer the routes."""

    name = ""  # "azure" or "zenkit": selects faults, templates and the session cookie
    rules: list[Rule] = []
    # Like the real portals: every page redirects to sign-in until the session has signed in.
    # Off by default so that the `sim` target needs no set-up; `guidegen login` is tested on it.
    require_sign_in = False

    def __init__(self, faults: Iterable[Fault] = (), drift: Iterable[str] = ()):
        self.faults = [f for f in faults if f.app == self.name]
        # Scenarios of the drift corpus (portalsim.drift) this portal has changed by.
        self.drift = Active(drift)
        self.url_map = Map(
            [
                *(rule.empty() for rule in self.rules),  # rules bind to one Map: copy them per app
                Rule("/_sim/reset", endpoint="sim_reset", methods=["POST"]),
                Rule("/_sim/signin", endpoint="sim_signin", methods=["POST"]),
                Rule("/_sim/login", endpoint="sim_login", methods=["GET"]),
            ],
            strict_slashes=False,
        )
        self.jinja = Environment(
            loader=FileSystemLoader(PACKAGE / self.name / "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.jinja.globals.update(self.template_globals(), drift=self.drift)
        self.sessions = Sessions(f"portalsim_{self.name}", self.new_state)
        self.signed_in: set[str] = set()  # session ids
        self.wsgi = _not_stored(SharedDataMiddleware(self.dispatch,
                                                     {"/static": str(PACKAGE / "static")}))

    def new_state(self) -> Any:
        raise NotImplementedError

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        html = self.jinja.get_template(template).render(**context)
        return Response(html, status=status, mimetype="text/html")

    def template_globals(self) -> dict[str, Any]:
        """Names every template and macro of this app sees."""
        return {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        # Faults first, so that they reach the static files (scripts, styles) too.
        injected = self.inject_faults(Request(environ))
        if injected is not None:
            return injected(environ, start_response)
        return self.wsgi(environ, start_response)

    def dispatch(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        special = self.route_outside_session(request)
        if special is not None:
            return special(environ, start_response)
        sid, state, new = self.sessions.load(request)
        response = self.answer(request, sid, state)
        if new:
            response.set_cookie(self.sessions.cookie, sid, httponly=True, samesite="Lax")
        return response(environ, start_response)

    def route_outside_session(self, request: Request) -> Any:
        """Requests that carry no browser session (the SCIM API); None for the others."""
        return None

    def answer(self, request: Request, sid: str, state: Any) -> Response:
        try:
            endpoint, args = self.url_map.bind_to_environ(request.environ).match()
            if endpoint == "sim_reset":
                self.sessions.reset(sid)
                return Response(status=204)
            if endpoint == "sim_signin":
                self.signed_in.add(sid)
                return redirect(safe_next(request.form.get("next", "/")), 303)
            if endpoint == "sim_login":
                return self.render("signin.html", next=safe_next(request.args.get("next", "/")),
                                   expired=False)
            if self.require_sign_in and sid not in self.signed_in:
                return redirect(f"/_sim/login?next={quote(request.full_path.rstrip('?'))}", 303)
            with state.lock:
                return getattr(self, f"on_{endpoint}")(request, state, **args)
        except NotFound:
            return self.render("not_found.html", status=404, path=request.path)
        except HTTPException as error:
            return error.get_response()
        except Exception:
            # A bug in the simulator: log it for the developer, never show a traceback.
            log.exception("%s %s failed", request.method, request.path)
            return self.render("error.html", status=500)

    def inject_faults(self, request: Request) -> Response | None:
        for fault in self.faults:
            if not fault.fires(request.path, request.method):
                continue
            if fault.kind == "latency":
                time.sleep(fault.ms / 1000)
            elif fault.kind == "error":
                return Response("Internal Server Error", status=500, mimetype="text/plain")
            elif fault.kind == "drop":
                drop_connection(request.environ)
                return Response(status=500)  # never reaches the client
            elif fault.kind == "expire":
                return self.render("signin.html", next=request.full_path.rstrip("?"), expired=True)
        return None


def _not_stored(app: Callable) -> Callable:
    """Every response with `Cache-Control: no-store`: the browser fetches a page's script on
    every page, so a latency fault on it (azure:latency:/static/azure.js:1500) is a page whose
    script comes late, as from a slow CDN or a portal still hydrating, not only the first."""
    def wrapped(environ: dict, start_response: Callable) -> Iterable[bytes]:
        def start(status: str, headers: list, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "cache-control"]
            return start_response(status, [*headers, ("Cache-Control", "no-store")], exc_info)
        return app(environ, start)
    return wrapped


def drop_connection(environ: dict) -> None:
    """Close the client's socket without an answer, as a dying proxy would."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def safe_next(target: str) -> str:
    """Only follow local paths after sign-in."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
