"""What both simulators share: per-browser sessions, routing, page rendering, faults, errors."""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pyotp
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from portalsim.drift import Active
from portalsim.faults import Fault
from portalsim.i18n import LANGUAGES, NAMES, SOURCE, Formats, catalog, language_of

log = logging.getLogger("portalsim")
PACKAGE = Path(__file__).parent
# What both portals accept as an e-mail address in their forms.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


@dataclass(frozen=True)
class Account:
    """The one account a simulator's sign-in accepts, as a real tenant's would: its user name,
    its password and, with `totp_seed` (base32), a one-time code from an authenticator app.
    A sign-in lasts `session_seconds`, and the session cookie says so (it expires then)."""

    user: str
    password: str
    totp_seed: str | None = None
    session_seconds: float = 8 * 3600

    def code_matches(self, code: str) -> bool:
        # One step either way, as authenticator servers allow for a clock a little off.
        return bool(self.totp_seed) and pyotp.TOTP(self.totp_seed).verify(code.strip(),
                                                                         valid_window=1)


# How long a one-click sign-in (no account configured) lasts.
ONE_CLICK_SESSION_SECONDS = 8 * 3600


class PortalApp:
    """A small WSGI app: `on_<endpoint>(request, state, **args)` methods answer the routes."""

    name = ""  # "azure" or "zenkit": selects faults, templates and the session cookie
    rules: list[Rule] = []
    # Like the real portals: every page redirects to sign-in until the session has signed in.
    # Off by default so that the `sim` target needs no set-up; `guidegen login` is tested on it.
    require_sign_in = False
    # With an account, signing in asks for its user name, password and one-time code (each on
    # a page of its own); without one, it is one click, for tests that sign in as a person.
    account: Account | None = None
    # The pages of that sign-in, in order ("code" only for an account with a TOTP seed).
    sign_in_stages: tuple[str, ...] = ("user", "password", "code")

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
        # One environment per language: each renders with its own catalog and formats, so
        # pages in both languages can be served at once.
        self.jinja = {language: self.environment(language) for language in LANGUAGES}
        # The language of the request being answered (each request has its own thread).
        self.language: ContextVar[str] = ContextVar(f"{self.name}_language", default=SOURCE)
        self.language_cookie = f"portalsim_{self.name}_language"
        self.sessions = Sessions(f"portalsim_{self.name}", self.new_state)
        self.signed_in: dict[str, float] = {}  # session id -> when its sign-in expires
        # What each session has proven so far on the way through the sign-in pages.
        self.signing_in: dict[str, set[str]] = {}
        self.wsgi = _cache_control(SharedDataMiddleware(self.dispatch,
                                                        {"/static": str(PACKAGE / "static")}),
                                   self._faulted)

    def new_state(self) -> Any:
        raise NotImplementedError

    def environment(self, language: str) -> Environment:
        environment = Environment(
            loader=FileSystemLoader(PACKAGE / self.name / "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],
        )
        translations = catalog(self.name, language)
        # Newstyle: a template's own words are HTML as written; parameters are escaped.
        environment.install_gettext_translations(translations, newstyle=True)
        environment.filters.update(Formats(language, translations).filters())
        # N_ marks a term for the catalog where the page shows it translated later (|tr).
        environment.globals.update(self.template_globals(), drift=self.drift, language=language,
                                   languages=NAMES, N_=str)
        return environment

    def render(self, template: str, status: int = 200, **context: Any) -> Response:
        language = self.language.get()
        html = self.jinja[language].get_template(template).render(**context)
        response = Response(html, status=status, mimetype="text/html")
        response.content_language = language
        response.vary.add("Accept-Language")
        return response

    def choose_language(self, request: Request, back: str) -> Response:
        """The portal's language setting: kept in a cookie for a year, it wins over the
        browser's Accept-Language from the next page on."""
        response = redirect(safe_next(back), 303)
        chosen = request.form.get("language", "")
        if chosen in LANGUAGES:
            response.set_cookie(self.language_cookie, chosen, max_age=365 * 24 * 3600,
                                httponly=True, samesite="Lax")
        return response

    def template_globals(self) -> dict[str, Any]:
        """Names every template and macro of this app sees."""
        return {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        self.language.set(language_of(request, self.language_cookie))
        # Faults first, so that they reach the static files (scripts, styles) too.
        injected = self.inject_faults(request)
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
        # A sign-in in the session's first request sets the cookie with its expiry already.
        ends = [h for h in response.headers.getlist("Set-Cookie")
                if h.startswith(self.sessions.cookie + "=")]
        if new and not ends:
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
                return self.sign_in(request, sid)
            if endpoint == "sim_login":
                self.signing_in.pop(sid, None)
                return self.sign_in_page(request.args.get("next", "/"), "user")
            if self.require_sign_in and self.signed_in.get(sid, 0) <= time.time():
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

    def sign_in_page(self, next_url: str, stage: str, error: bool = False,
                     expired: bool = False) -> Response:
        """`stage` is what the page asks for: user, password, code or stay (signed in?)."""
        return self.render("signin.html", next=safe_next(next_url), expired=expired,
                           stage=stage, error=error, account=self.account)

    def sign_in(self, request: Request, sid: str) -> Response:
        """One form post of the sign-in pages. Each page posts what it asks for (Zenkit's
        posts user name and password at once); a wrong answer shows that page again with an
        error, and only the whole way through signs the session in."""
        form, next_url, account = request.form, request.form.get("next", "/"), self.account
        if account is None:
            return self.signed_in_now(sid, next_url, ONE_CLICK_SESSION_SECONDS)
        proven = self.signing_in.setdefault(sid, set())
        checks: dict[str, Callable[[str], bool]] = {
            "user": lambda value: value.strip().casefold() == account.user.casefold(),
            "password": lambda value: hmac.compare_digest(value.encode(),
                                                          account.password.encode()),
            "code": account.code_matches,
            "stay": lambda value: True,  # Yes or No: both end the sign-in
        }
        stages = [s for s in self.sign_in_stages if s != "code" or account.totp_seed]
        if "user" in form:
            proven.clear()  # a user name starts over
        for index, stage in enumerate(stages):
            if stage in form and proven.issuperset(stages[:index]):
                if not checks[stage](form[stage]):
                    return self.sign_in_page(next_url, stage, error=True)
                proven.add(stage)
        missing = next((stage for stage in stages if stage not in proven), None)
        if missing:
            return self.sign_in_page(next_url, missing)
        self.signing_in.pop(sid, None)
        return self.signed_in_now(sid, next_url, account.session_seconds)

    def signed_in_now(self, sid: str, next_url: str, seconds: float) -> Response:
        expires = time.time() + seconds
        self.signed_in[sid] = expires
        response = redirect(safe_next(next_url), 303)
        # The session cookie now ends with the sign-in, so a saved sign-in knows its expiry.
        response.set_cookie(self.sessions.cookie, sid, expires=expires, httponly=True,
                            samesite="Lax")
        return response

    def _faulted(self, path: str) -> bool:
        """Whether a fault of this portal can hit a request for `path`."""
        return any(fault.names(path) for fault in self.faults)

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
                return self.sign_in_page(request.full_path.rstrip("?"), "user", expired=True)
        return None


def _cache_control(app: Callable, faulted: Callable[[str], bool]) -> Callable:
    """Pages and API answers with `Cache-Control: no-store`, as the portals send them; their
    static files (/static/) kept by the browser for an hour, as the portals' CDNs serve their
    scripts and stylesheets, so that a page loads without fetching them again. A static file
    a fault names is never kept: a latency fault on it (azure:latency:/static/azure.js:1500)
    is then a page whose script comes late on every page, as from a slow CDN or a portal
    still hydrating, not only on the first."""
    def wrapped(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        kept = path.startswith("/static/") and not faulted(path)

        def start(status: str, headers: list, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() not in ("cache-control", "expires")]
            # A 304 answers a revalidation after the hour: it renews the kept copy.
            value = "public, max-age=3600" if kept and status[:3] in ("200", "304") \
                else "no-store"
            return start_response(status, [*headers, ("Cache-Control", value)], exc_info)
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
