"""Start both simulators on loopback ports in background threads; `python -m portalsim` too.

with start_simulators(azure_ui="2023", faults=["zenkit:error:/scim/*:1"]) as sims:
    page.goto(sims.azure_url)
with start_simulators(drift=("azure-test-connection-case",)) as sims:  # portalsim.drift
    ...

Start-up is what `guidegen sim` and every verify run wait for (bench/sim_bench.py times it),
so the simulators import what only some pages need where those pages first need it: the SCIM
service on the first SCIM request (portalsim.zenkit.scim), pysaml2's client and server on
the first sign-in (portalsim.saml).
"""

from __future__ import annotations

import argparse
import importlib
import math
import signal
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from portalsim import capabilities
from portalsim import drift as corpus
from portalsim.azure.ui import STYLES, VERSIONS
from portalsim.faults import Fault, FaultSpecError
from portalsim.web import Account
from portalsim.zenkit.org import PLANS, SCIM_PLANS

if TYPE_CHECKING:
    from portalsim.azure.app import AzureApp
    from portalsim.zenkit.app import ZenkitApp

ZENKIT_PROVISIONING = "/settings/provisioning"
ZENKIT_USERS = "/settings/users"


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # tests and verify runs keep stderr for progress
        pass


@dataclass
class Simulators:
    """Both simulators, running. Use as a context manager or call `stop()`."""

    azure_url: str  # e.g. http://127.0.0.1:41234 (no trailing slash)
    zenkit_url: str
    azure: AzureApp
    zenkit: ZenkitApp
    _servers: list[BaseWSGIServer] = field(default_factory=list, repr=False)
    _threads: list[threading.Thread] = field(default_factory=list, repr=False)

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()

    def __enter__(self) -> Simulators:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


# What Zenkit's Base URL shows: a stable origin, so screenshots do not change with the port.
# The Azure simulator resolves it to wherever the Zenkit simulator really listens.
ZENKIT_PUBLIC_URL = "https://zenkit.sim"


def start_simulators(
    *,
    azure_ui: str = "2020",
    faults: Iterable[str | Fault] = (),
    zenkit_plan: str = "business",
    scim_plans: Iterable[str] = SCIM_PLANS,
    host: str = "127.0.0.1",
    azure_port: int = 0,
    zenkit_port: int = 0,
    http_timeout: float = 10.0,
    log_requests: bool = False,
    zenkit_public_url: str | None = ZENKIT_PUBLIC_URL,
    require_sign_in: bool = False,
    accounts: Mapping[str, Account] | None = None,
    azure_style: str = "classic",
    drift: Iterable[str] = (),
    warm: bool = False,
) -> Simulators:
    """Start both simulators (port 0: a free port) and return once they accept connections.

    `warm`: also import the SCIM service now, in a thread, behind the first pages, rather
    than on the first SCIM request, which then waited a second or more (several on a busy
    machine, past a short step timeout): for a run that will speak SCIM soon (verify), not
    for `guidegen sim`, whose start it would slow.

    `drift` names scenarios of the drift corpus (portalsim.drift) to switch on, with the
    faults they bundle. Raises ValueError for a bad UI version, plan, fault spec or scenario
    name, OSError for a busy port.
    """
    scenarios = corpus.resolve(drift)
    specs = [*faults, *(spec for scenario in scenarios for spec in scenario.faults)]
    parsed = [f if isinstance(f, Fault) else Fault.parse(f) for f in specs]
    names = [scenario.name for scenario in scenarios]
    handler = WSGIRequestHandler if log_requests else _QuietHandler
    # Both sockets listen before the apps are made: a request that comes meanwhile waits in
    # the listen backlog, and serve_forever, which starts only once the apps are ready, answers
    # it with a whole page. Until then each server holds no app at all.
    servers: list[BaseWSGIServer] = []
    try:
        for port in (azure_port, zenkit_port):
            servers.append(make_server(host, port, None, threaded=True, request_handler=handler))
        # Imported here, not at the top, so that importing them comes after the sockets listen.
        from portalsim.azure.app import AzureApp
        from portalsim.azure.sso import LOGIN_ORIGIN
        from portalsim.zenkit.app import ZenkitApp

        azure = AzureApp(azure_ui, parsed, http_timeout, style=azure_style, drift=names)
        zenkit = ZenkitApp(zenkit_plan, scim_plans, parsed, drift=names)
    except BaseException:
        for server in servers:
            server.server_close()
        raise
    azure.require_sign_in = zenkit.require_sign_in = require_sign_in
    # {"azure": Account(...)}: that portal's sign-in asks for the account, as a real one does.
    azure.account, zenkit.account = (accounts or {}).get("azure"), (accounts or {}).get("zenkit")
    urls = [f"http://{host}:{server.server_port}" for server in servers]
    if zenkit_public_url:
        zenkit.public_url = zenkit_public_url.rstrip("/")
        azure.hosts[zenkit.public_url] = urls[1]
    # Zenkit's single sign-on sends browsers to Microsoft's sign-in: the Azure simulator.
    zenkit.hosts[LOGIN_ORIGIN] = urls[0]
    threads = []
    for server, app in zip(servers, (azure, zenkit), strict=True):
        server.app = app
        # The socket is already listening, so requests queue until serve_forever picks them up.
        # `stop()` waits for the next poll: at the default half second, a test suite that
        # starts the simulators once per case spent most of its time stopping them.
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"portalsim:{server.server_port}", daemon=True
        )
        thread.start()
        threads.append(thread)
    if warm:
        threading.Thread(target=importlib.import_module, args=("portalsim.zenkit.scim",),
                         name="portalsim-warm", daemon=True).start()
    return Simulators(urls[0], urls[1], azure, zenkit, servers, threads)


class BadOption(Exception):
    """A command-line value refused while parsing: `main` tells it on one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own prints the whole usage first
        raise BadOption("command line: " + message.removeprefix("argument "))


def _port(text: str) -> int:
    # The socket layer would take 99999 modulo 65536 and listen on another port without a word.
    if not text.isascii() or not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535, or 0 for a "
                                         f"free port (got '{text}')")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0 (got '{text}')")
    return value


def _fault(text: str) -> str:
    try:
        Fault.parse(text)
    except FaultSpecError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def _scenario(text: str) -> str:
    try:
        corpus.resolve((text,))
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="portalsim", description="Serve the Azure portal and Zenkit simulators on loopback."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--azure-port", type=_port, default=0, help="Azure simulator port (default: a free port)"
    )
    parser.add_argument(
        "--zenkit-port", type=_port, default=0, help="Zenkit simulator port (default: a free port)"
    )
    parser.add_argument(
        "--azure-ui",
        choices=VERSIONS,
        default="2020",
        help="what the Azure portal looks like: 2020 (Azure Active Directory, the seed's era), "
        "2023 (Microsoft Entra ID naming) or new-config (the '+ New configuration' flow)",
    )
    parser.add_argument("--zenkit-plan", choices=PLANS, default="business", help="the organization's plan")
    parser.add_argument(
        "--scim-plans",
        default=",".join(SCIM_PLANS),
        metavar="PLAN,...",
        help="plans that include SCIM provisioning (default: business,enterprise, as Zenkit's "
        "organization help says)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        type=_fault,
        metavar="APP:KIND:/PATH[:N]",
        help="inject a fault: KIND is latency (N ms), error (HTTP 500), drop (closed connection) "
        "or expire (sign-in page); N limits error/drop/expire to the first N requests. "
        "Repeatable. Example: --fault zenkit:error:/scim/*:1",
    )
    parser.add_argument(
        "--http-timeout",
        type=_seconds,
        default=10.0,
        metavar="SECONDS",
        help="how long Azure waits for the SCIM endpoint (default 10)",
    )
    parser.add_argument(
        "--azure-style", choices=STYLES, default="classic",
        help="a visual-only change: fluent2 recolours links, icons and buttons, renames nothing",
    )
    parser.add_argument(
        "--require-sign-in", action="store_true",
        help="every page asks to sign in first, as the real portals do (for `guidegen login`)",
    )
    parser.add_argument(
        "--drift", action="append", default=[], metavar="SCENARIO", type=_scenario,
        help="switch on a scenario of the drift corpus, a realistic portal change "
        "(repeatable; --list-drift lists them)",
    )
    parser.add_argument(
        "--list", action="store_true",
        help="list what each simulator supports (areas, actions, labels, limits) and exit",
    )
    parser.add_argument(
        "--list-drift", action="store_true",
        help="list the drift corpus: each scenario, its kind, what changes and the verdict "
        "verification should give, then exit",
    )
    parser.add_argument("--log-requests", action="store_true", help="log every request on stderr")
    parser.add_argument(
        "--zenkit-public-url", default=ZENKIT_PUBLIC_URL,
        help=f"origin Zenkit's Base URL shows (default {ZENKIT_PUBLIC_URL}; the Azure simulator "
        "resolves it); an empty string shows the real address, for other SCIM clients",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run both simulators until interrupted. Returns 0, or 2 for bad options."""
    try:
        args = build_parser().parse_args(argv)
    except BadOption as error:
        print(error, file=sys.stderr)
        return 2
    if args.list_drift:
        print(corpus.listing())
        return 0
    if args.list:
        print(capabilities.listing())
        return 0
    scim_plans = [p.strip() for p in args.scim_plans.split(",") if p.strip()]
    try:
        sims = start_simulators(
            azure_ui=args.azure_ui,
            faults=args.fault,
            zenkit_plan=args.zenkit_plan,
            scim_plans=scim_plans,
            host=args.host,
            azure_port=args.azure_port,
            zenkit_port=args.zenkit_port,
            http_timeout=args.http_timeout,
            log_requests=args.log_requests,
            zenkit_public_url=args.zenkit_public_url or None,
            require_sign_in=args.require_sign_in,
            azure_style=args.azure_style,
            drift=args.drift,
        )
    except (FaultSpecError, ValueError, OSError) as error:
        print(f"portalsim: {error}", file=sys.stderr)
        return 2
    print(f"Azure portal simulator ({args.azure_ui}): {sims.azure_url}/", flush=True)
    print(f"Zenkit simulator ({args.zenkit_plan} plan):  {sims.zenkit_url}{ZENKIT_PROVISIONING}", flush=True)
    if args.drift:
        print(f"Drift: {', '.join(args.drift)}", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sims.stop()
    return 0
