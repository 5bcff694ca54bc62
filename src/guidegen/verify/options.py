"""The options of `guidegen verify`, each declared once. The table makes the command's click
options, the verify plugin's pytest options (the same flag, its value under the same name)
and the arguments `run_pytest` passes to pytest; `run_pytest` takes them as keywords."""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlsplit

import click

from ..errors import GuideError, Problem
from ..results import Target


@dataclass(frozen=True)
class Option:
    flag: str                # '--azure-ui': the command's flag, and the plugin's
    name: str                # the keyword and the pytest dest: 'azure_ui'
    help: str
    default: object = None
    # value: one value; flag: present or not; multiple: repeatable, a tuple of values;
    # switch: --x/--no-x, or neither (the default).
    kind: Literal["value", "flag", "multiple", "switch"] = "value"
    type: type = str         # str, float or Path
    choices: tuple[str, ...] = ()
    # Raises ValueError saying what is wrong with a value given as text: the command, the
    # plugin and run_pytest's keywords all refuse it before a browser starts.
    check: Callable[[str], None] | None = None
    metavar: str | None = None
    short: str | None = None
    show_default: bool = False
    pytest: bool = True      # the plugin's to read; otherwise run_pytest's own (workers, shard)

    @property
    def negation(self) -> str:
        return "--no-" + self.flag.removeprefix("--")

    def click_decorator(self) -> Callable:
        flags = f"{self.flag}/{self.negation}" if self.kind == "switch" else self.flag
        kwargs: dict = {"help": self.help, "show_default": self.show_default,
                        "metavar": self.metavar}
        if self.kind == "flag":
            kwargs["is_flag"] = True
        else:
            kwargs["default"] = () if self.kind == "multiple" else self.default
            kwargs["multiple"] = self.kind == "multiple"
        if self.choices:
            kwargs["type"] = click.Choice(self.choices)
        elif self.check:
            kwargs["type"] = _Checked(self)
        elif self.type is not str:
            kwargs["type"] = self.type
        return click.option(*filter(None, (self.short, flags, self.name)), **kwargs)

    def problems(self, value) -> list[Problem]:
        """What is wrong with a value run_pytest was given: each item of a repeatable one."""
        items = value if self.kind == "multiple" else () if value is None else (value,)
        found = []
        for item in items if self.check else ():
            try:
                self.check(str(item))
            except ValueError as err:
                found.append(Problem("command line", 0, self.flag, str(err)))
        return found

    def _argparse_type(self, text: str):
        try:
            self.check(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
        return float(text) if self.type is float else text

    def add_to(self, group) -> None:
        """The option in the plugin's group of pytest options (argparse underneath)."""
        common = {"dest": self.name, "help": self.help.replace("%", "%%")}
        if self.kind == "flag":
            group.addoption(self.flag, action="store_true", **common)
        elif self.kind == "multiple":
            group.addoption(self.flag, action="append", default=[], metavar=self.metavar,
                            type=self._argparse_type if self.check else str, **common)
        elif self.kind == "switch":
            group.addoption(self.flag, action="store_true", default=self.default, **common)
            group.addoption(self.negation, action="store_false", dest=self.name,
                            help=f"The opposite of {self.flag}.")
        else:
            group.addoption(self.flag, default=self.default, metavar=self.metavar,
                            type=self._argparse_type if self.check else
                            float if self.type is float else str,
                            choices=self.choices or None, **common)

    def args(self, value) -> list[str]:
        """The option as pytest's arguments; none for its default or an empty value."""
        if self.kind == "multiple":
            return [arg for item in value for arg in (self.flag, str(item))]
        if self.kind == "flag":
            return [self.flag] if value else []
        if self.kind == "switch":
            return [] if value is None or value == self.default else \
                [self.flag if value else self.negation]
        return [] if value is None or value == "" else [self.flag, str(value)]


class _Checked(click.ParamType):
    """An option's value as click parses it, refused by the option's check (the CLI prints
    click's BadParameter as one `command line: --option: message` line)."""

    def __init__(self, option: Option) -> None:
        self.option = option
        self.name = {float: "float", Path: "path"}.get(option.type, "text")  # click's metavars

    def convert(self, value, param, ctx):
        if not isinstance(value, str):  # a default, already of its type
            return value
        try:
            self.option.check(value)
        except ValueError as err:
            self.fail(str(err), param, ctx)
        return self.option.type(value)


def _above_zero(text: str) -> None:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < math.inf:  # nan is neither
        raise ValueError(f"must be a number above 0 (got '{text}')")


def _workers(text: str) -> None:
    if text != "auto" and not re.fullmatch(r"[0-9]+", text):
        raise ValueError(f"must be a whole number (0: no parallel workers) or 'auto' "
                         f"(got '{text}')")


def _fault(text: str) -> None:
    from portalsim.faults import Fault  # the simulators' own parser: one grammar of specs

    Fault.parse(text)


def _drift(text: str) -> None:
    from portalsim.drift import resolve

    resolve((text,))


def _shard(text: str) -> None:
    from .shards import parse_shard

    try:
        parse_shard(text)
    except GuideError as err:
        raise ValueError(err.problems[0].message) from None


def _folder(text: str) -> None:
    if Path(text).exists() and not Path(text).is_dir():
        raise ValueError(f"{text} is not a folder")


def _secrets_file(text: str) -> None:
    from ..live import private_file_problem

    problem = private_file_problem(Path(text))
    if problem:
        raise ValueError(f"{text}: {problem}")


def _ws_url(text: str) -> None:
    # `ws://` alone or a port out of range failed only when the run connected: every step
    # an environment error.
    parts = urlsplit(text)
    try:
        port = parts.port is None or parts.port > 0
    except ValueError:  # above 65535, or not a number
        port = False
    if parts.scheme not in ("ws", "wss") or not parts.hostname or not port:
        raise ValueError(f"'{text}' is not a ws:// or wss:// URL")


OPTIONS = (
    Option("--target", "target", "sim: the embedded simulators, started on free ports; live: "
           "the real portals.", default="sim", choices=get_args(Target), show_default=True),
    Option("--azure-ui", "azure_ui", "Which Azure portal UI the simulator presents.",
           default="2020", choices=("2020", "2023", "new-config"), show_default=True),
    Option("--azure-style", "azure_style", "How the Azure simulator looks: fluent2 is a "
           "visual-only change (colours, rounder buttons), to see visual drift without "
           "structure drift.", default="classic", choices=("classic", "fluent2"),
           show_default=True),
    Option("--fault", "faults", "Simulator fault, e.g. azure:latency:/enterprise-apps*:500 "
           "(repeatable).", kind="multiple", metavar="SPEC", check=_fault),
    Option("--drift", "drift", "Apply a scenario of the simulators' drift corpus (a realistic "
           "portal change, see `guidegen sim --list-drift`) to see how verify reports it "
           "(repeatable).", kind="multiple", metavar="SCENARIO", check=_drift),
    Option("--workers", "workers", "Parallel workers (pytest-xdist); whole guides run on one "
           "worker.", default="0", short="-n", show_default=True, pytest=False, check=_workers),
    Option("--report-dir", "report_dir", "Where results.json and junit.xml are written.",
           default=Path("report"), type=Path, show_default=True, check=_folder,
           metavar="DIRECTORY"),
    Option("--step-timeout", "step_timeout", "Seconds an action waits for its control before "
           "reporting drift.", default=10.0, type=float, show_default=True,
           check=_above_zero),
    Option("--update-screenshots", "update_screenshots", "Write each new capture to "
           "screenshots/ as the baseline, when its step passed.", kind="flag"),
    Option("--plan-claims", "plan_claims", "Check the plans each guide claims: after the plain "
           "run (its Zenkit organization on Business), the guide again for each other plan it "
           "claims, the organization on that plan; a step that fails there is a plan-claim "
           "finding. [default: on with --target sim; live portals cannot switch plans]",
           kind="switch"),
    Option("--record-traces", "record_traces", "When to record a Playwright trace (kept under "
           "REPORT_DIR/traces/, secrets scrubbed): retry re-runs a guide that failed once, "
           "recording, up to its last failed step, as Playwright's on-first-retry (a guide "
           "that passes records nothing); always records every guide and keeps the failed "
           "ones' (no second run: for live portals where a step must not run twice); off "
           "records none.", default="retry", choices=("retry", "always", "off"),
           show_default=True),
    Option("--no-trace", "no_trace", "The same as --record-traces off.", kind="flag"),
    Option("--skip-outcome", "skip_outcome", "Skip the guides' outcome checks (on live they "
           "create a real user).", kind="flag"),
    Option("--sim-scim-plans", "sim_scim_plans", "Plans whose organizations have SCIM in the "
           "Zenkit simulator [default: business,enterprise, as Zenkit's help says]; another "
           "list is a what-if, which the site's status file does not record.",
           metavar="PLAN,..."),
    Option("--portal-url", "portal_urls", "live: a portal's base URL instead of "
           "steps/project.yml's (repeatable).", kind="multiple", metavar="PORTAL=URL"),
    Option("--state-dir", "state_dir", "live: where `guidegen login` saved the sign-ins "
           "[default: $GUIDEGEN_STATE_DIR or ~/.config/guidegen/state].", type=Path,
           check=_folder, metavar="DIRECTORY"),
    Option("--secrets-file", "secrets_file", "live: name=value lines for the guides' secrets, "
           "outside the project (GUIDEGEN_SECRET_<NAME> variables win); only its owner may "
           "read it (chmod 600).", type=Path, check=_secrets_file, metavar="FILE"),
    Option("--browser-endpoint", "browser_endpoint", "Use a Playwright browser server "
           "(`playwright run-server`) at this ws:// URL instead of launching Chromium here.",
           metavar="WS_URL", check=_ws_url),
    Option("--follow-renames", "follow_renames", "Recognise a control the portal renamed by "
           "its fingerprint (from the last --update-screenshots run), report it and go on, so "
           "one run finds every affected step; or stop the guide at the first control not "
           "found.", default=True, kind="switch", show_default=True),
    Option("--locale", "locale", "The language the portals' UI is driven in (see steps/"
           "project.yml's locales): controls are found by their names in it, screenshots are "
           "<name>.<locale>.png, and the status file keeps its verdicts apart [default: the "
           "source language].", metavar="LOCALE"),
    Option("--from", "from_step", "Iterate on one step: run GUIDE from STEP on, in the state "
           "the steps before it left (the simulators' and the browser's), saved by the first "
           "such run and reused until something before STEP changes. Simulators only.",
           metavar="STEP"),
    Option("--shard", "shard", "Verify only the I-th of N even, deterministic shares of the "
           "guides (one per CI machine); `guidegen report merge` joins the reports.",
           metavar="I/N", pytest=False, check=_shard),
)
BY_NAME = {option.name: option for option in OPTIONS}


def click_options(command: Callable) -> Callable:
    """Every verify option on a click command, in the table's order."""
    for option in reversed(OPTIONS):
        command = option.click_decorator()(command)
    return command


def add_pytest_options(group) -> None:
    for option in OPTIONS:
        if option.pytest:
            option.add_to(group)


def with_defaults(given: dict) -> dict:
    """Every option's value: those given, the defaults for the rest."""
    unknown = set(given) - set(BY_NAME)
    if unknown:
        raise TypeError(f"not a verify option: {', '.join(sorted(unknown))}")
    problems = [p for name, value in given.items() for p in BY_NAME[name].problems(value)]
    if problems:
        raise GuideError(problems)
    return {name: given.get(name, option.default if option.kind != "multiple" else ())
            for name, option in BY_NAME.items()}


def speaks_for_site(option: Callable[[str], object]) -> bool:
    """Whether a run's results belong in what readers see (screenshots/status.json), by its
    options (`option(name)`): the live portals, or the simulators as shipped. A what-if
    (another UI version or style, faults, drift, other plans with SCIM) must not land there."""
    if option("from_step"):
        return False  # part of one guide: the steps before were not checked by this run
    if option("target") == "live":
        return True
    return (option("azure_ui") == "2020" and not option("faults") and not option("drift")
            and option("azure_style") == "classic" and option("sim_scim_plans") is None)


def pytest_args(values: dict) -> list[str]:
    """The plugin's options as pytest's arguments."""
    return [arg for option in OPTIONS if option.pytest for arg in option.args(values[option.name])]
