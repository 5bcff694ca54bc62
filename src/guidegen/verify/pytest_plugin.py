"""pytest plugin: every guide in steps/ is a test file, every step an ordered test item.

Loaded by `guidegen verify` with `-p guidegen.verify.pytest_plugin` (never automatically,
so YAML fixtures in other test suites are not mistaken for guides). pytest-playwright gives
one browser per worker; each guide gets a fresh context; pytest-xdist with --dist loadfile
runs whole guides in parallel.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime
import gc
import json
import os
import re
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from ..atomic import write_atomic
from ..cache import DiskCache
from ..capture import CaptureError, CaptureResult, capture, optimise, store_png
from ..catalog import Catalog, RGuide, RStep
from ..checks import LOCATOR_FIELDS
from ..errors import GuideError
from ..folders import unwritable
from ..live import default_state_dir, load_sign_ins, read_secrets_file, secret_values
from ..load import load_catalog
from ..model import Fill, Locator, Remember, action_target
from ..pixels import FOLDER as SHOTS_FOLDER
from ..pixels import same_as_baseline
from ..project import Layout
from ..report import write_reports
from ..results import FILE as RESULTS_FILE
from ..results import FindingRecord, Results, StepResult, Target
from ..status import update_status
from ..terminal import printable
from . import checkpoints, fingerprints, traces
from .actions import Performer, RunState
from .browser_fixtures import Unavailable
from .findings import (
    BLOCKED,
    ERROR,
    OUTCOME,
    PLAN_CLAIM,
    SETUP,
    STRUCTURE,
    VISUAL,
    Finding,
    NoBaseline,
    renamed_message,
)
from .options import add_pytest_options, speaks_for_site
from .progress import Progress
from .redact import Secrets

REFRESHED = "refreshed"  # under the report folder: the baselines this run rewrote

_catalog_key = pytest.StashKey[Catalog]()
_started_key = pytest.StashKey[datetime.datetime]()
_files_key = pytest.StashKey[dict[str, RGuide]]()
_run_key = pytest.StashKey["VerifyRun"]()
_starting_key = pytest.StashKey[Future]()  # the simulators being started, until a step takes them
_sims_key = pytest.StashKey[object]()  # the simulators this process started (--from saves them)
_seen_key = pytest.StashKey[DiskCache]()  # shots and baselines found equal (guidegen.pixels)
# The browser's clock on the simulators: the instant their own frozen clocks show, so that a
# page showing the time gives the same pixels on every run.
SIM_CLOCK = datetime.datetime(2026, 1, 15, 9, 0, 0, tzinfo=datetime.UTC)
# The plan of the simulated Zenkit organization in the plain run, which the baselines show.
# That run checks a guide's claim to this plan; the other plans it claims get runs of their own.
SIM_PLAN = "business"


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config):
    """With our progress lines, pytest's own dots would only interleave with them."""
    # A step skipped at set-up (a plan-claim run of a plan the step is not for) reports
    # from "setup", and would print its "s" before a progress line.
    if config.getoption("guidegen_progress") and (report.when == "call" or report.skipped):
        return report.outcome, "", report.outcome.upper()
    return None


def _step_count(config: pytest.Config, label: str) -> int:
    """How many step results a guide (or a guide on one plan, 'guide[plan]') will report:
    counted from the catalog, because with xdist only the workers collect items."""
    guide_id, _, plan = label.partition("[")
    plan = plan.rstrip("]")
    guide = next(g for g in config.stash[_catalog_key].guides if g.id == guide_id)
    if plan:
        return sum(plan in s.plans for s in guide.all_steps())
    outcome = 0 if config.getoption("skip_outcome") else len(guide.outcome)
    return len(guide.all_steps()) + outcome


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("guidegen", "guidegen verification")
    # How `guidegen verify` tells the plugin what to collect and where; then verify's options.
    group.addoption("--guidegen-root", default=".", help="Project folder.")
    group.addoption("--guidegen-guides", default=None, metavar="ID,...",
                    help="Collect only these guides (default: every guide found).")
    group.addoption("--guidegen-progress", action="store_true",
                    help="A progress line per guide and step on stderr.")
    add_pytest_options(group)


class LoadedCatalog:
    """The catalog `guidegen verify` loaded and checked a moment before it started pytest in
    the same process, handed over as a plugin (`pytest.main(plugins=...)`) so that it is not
    read and checked twice. xdist's workers are other processes and load their own."""

    def __init__(self, root: Path, catalog: Catalog) -> None:
        self.root, self.catalog = root, catalog


def pytest_configure(config: pytest.Config) -> None:
    root = Path(config.getoption("guidegen_root"))
    given = [p for p in config.pluginmanager.get_plugins()
             if isinstance(p, LoadedCatalog) and p.root == root]
    if given:
        config.stash[_catalog_key] = catalog = given[0].catalog
    else:
        try:
            config.stash[_catalog_key] = catalog = load_catalog(Layout(root).steps, root)
        except GuideError as err:
            raise pytest.UsageError(str(err)) from None
    # Each guide's file, resolved once: pytest asks about every file it meets, and given a
    # list of files it walks their folder once per file, so a scan of the catalog per call
    # made collecting 200 guides take minutes (n files x n calls x n guides).
    wanted = config.getoption("guidegen_guides")
    wanted = set(wanted.split(",")) if wanted is not None else None
    config.stash[_files_key] = {os.path.realpath(root / g.origin.file): g for g in catalog.guides
                                if wanted is None or g.id in wanted}
    config.pluginmanager.import_plugin("guidegen.verify.browser_fixtures")
    config.stash[_started_key] = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    config.stash[_seen_key] = DiskCache(root / SHOTS_FOLDER)
    if not hasattr(config, "workerinput"):  # xdist workers: the controller gets their reports
        config.stash[_run_key] = run = VerifyRun(config)
        config.pluginmanager.register(run, "guidegen-verify-run")
    else:
        # A worker process ends with the run, and the controller waits for it: what it leaves
        # is not searched for cycles at exit, as the command's own process does not (cli.py).
        atexit.register(gc.freeze)


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    files = parent.config.stash.get(_files_key, None)
    if not files or file_path.suffix not in (".yml", ".yaml"):
        return None
    guide = files.get(os.path.realpath(file_path))
    if guide is None:
        return None  # project.yml, a page, a reusable step, a guide not chosen
    return GuideFile.from_parent(parent, path=file_path, guide=guide)


def checks_plan_claims(config: pytest.Config) -> bool:
    """Plan claims are checked on the simulators unless --no-plan-claims: a live portal has
    one organization, on one plan, that no run can switch (`guidegen verify` refuses
    --plan-claims with --target live)."""
    return config.getoption("target") == "sim" and config.getoption("plan_claims") is not False


def _start_simulators(config: pytest.Config):
    """The simulators as the run's options describe them, started on free loopback ports."""
    from portalsim import start_simulators

    extra = {"drift": tuple(config.getoption("drift"))} if config.getoption("drift") else {}
    if config.getoption("sim_scim_plans") is not None:
        extra["scim_plans"] = [p for p in config.getoption("sim_scim_plans").split(",") if p]
    return start_simulators(azure_ui=config.getoption("azure_ui"), zenkit_plan=SIM_PLAN,
                            azure_style=config.getoption("azure_style"),
                            faults=tuple(config.getoption("faults")), warm=True, **extra)


def pytest_collection_finish(session: pytest.Session) -> None:
    """A process with steps to run on the simulators starts them now, in a thread, while
    pytest starts Playwright's driver and the browser: making the apps is Python work, and
    the driver and browser start in processes of their own, so the two overlap (a fifth to
    two fifths of a second of every run). The first step's fixture waits for them."""
    config = session.config
    if not session.items or config.option.collectonly or config.getoption("target") != "sim":
        return
    starting: Future = Future()

    def start() -> None:
        try:
            starting.set_result(_start_simulators(config))
        except BaseException as error:  # raised again where the fixture waits for them
            starting.set_exception(error)

    config.stash[_starting_key] = starting
    threading.Thread(target=start, name="portalsim-start", daemon=True).start()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Simulators started for steps that never ran (an interrupted session) are stopped.
    The pairs of shots and baselines found equal are kept for the next run."""
    starting = config.stash.get(_starting_key, None)
    if starting is not None:
        with contextlib.suppress(Exception):  # one that failed to start left nothing running
            starting.result().stop()
    seen = config.stash.get(_seen_key, None)
    if seen is not None:
        seen.save()


@pytest.fixture(scope="session")
def guidegen_target(request: pytest.FixtureRequest):
    """Portal id -> base URL. `sim` starts the simulators on free loopback ports."""
    config = request.config
    if config.getoption("target") == "live":
        yield live_urls(config.stash[_catalog_key], config.getoption("portal_urls"))
        return
    starting = config.stash.get(_starting_key, None)
    if starting is not None:
        del config.stash[_starting_key]  # this fixture stops them from now on
    with starting.result() if starting is not None else _start_simulators(config) as sims:
        config.stash[_sims_key] = sims
        yield {"azure": sims.azure_url, "zenkit": sims.zenkit_url}


class GuideRun:
    """One guide's browser context and state, shared by its steps in order."""

    def __init__(self, context, state: RunState, guide: RGuide, config: pytest.Config,
                 requires: list[RGuide] = ()) -> None:
        self.context, self.state, self.guide = context, state, guide
        self.failed: str | None = None
        self.any_failure = False  # visual drift included: the trace is kept
        root = Path(config.getoption("guidegen_root"))
        screenshots = Layout(root).screenshots
        self.baselines = screenshots / guide.id
        self.locale = config.getoption("locale")
        # A run in another language has pictures of its own beside the source's: name.de.png.
        self.suffix = f".{self.locale}" if self.locale else ""
        self.captures = Path(config.getoption("report_dir")) / "screenshots" / guide.id
        # What this run changed in the baselines, copied into the report: a shard's report
        # then carries its share of the refresh to `guidegen report merge --update-screenshots`.
        self.refreshed = Path(config.getoption("report_dir")) / REFRESHED / guide.id
        self.update = config.getoption("update_screenshots")
        self.seen = config.stash[_seen_key]
        self.shoot_enabled = True
        # The fingerprints of the guides run first as setup count too: their steps run here.
        # A run in another language reads the source's first: a control with no name in that
        # language yet is looked for under its English name, whose fingerprint only the
        # source's file has; the language's own file wins for every name it knows.
        prints = {}
        for other in [*requires, guide]:
            if self.locale:
                prints.update(fingerprints.read(screenshots / other.id))
            prints.update(fingerprints.read(screenshots / other.id, self.locale))
        self.performer = Performer(context, state, baseline_prints=prints, record=self.update,
                                   heal=config.getoption("follow_renames"))
        self.prints: dict[str, dict] = {}  # of the steps that passed: the new baseline

    def perform(self, step: RStep) -> Finding | None:
        """Run the step's actions and take its screenshot. Returned, not raised, when the
        UI still did what the guide says, so that later steps run: a visual difference, or
        controls found under new names. Anything else is raised."""
        self.state.portal = step.portal
        self.performer.begin_step()
        shot = step.screenshot
        at = len(step.actions) if shot is None or shot.after_action is None else shot.after_action
        visual = None
        try:
            for index, action in enumerate(step.actions):
                if shot and index == at:
                    visual = self.shoot(step)
                self.performer.run(index, action)
            if shot and at >= len(step.actions):
                visual = self.shoot(step)
            self.performer.end_step()
        except Finding as finding:
            finding.renamed = list(self.performer.renames)
            raise
        renames = self.performer.renames
        if renames:
            first = renames[0]
            return Finding(STRUCTURE, renamed_message(renames), first["action"],
                           first["action_text"], expected=f"{first['role']} '{first['old']}'",
                           control=first["control"], renamed=list(renames))
        return visual

    def shoot(self, step: RStep) -> Finding | None:
        shot = step.screenshot
        if not self.shoot_enabled or shot is None:
            return None
        self.state.portal = shot.portal or step.portal
        # Highlights, masks and the crop name controls as actions do: {{ names }} filled in.
        resolved = self.performer.resolved
        shot = shot.model_copy(update={
            "highlight": [resolved(h) for h in shot.highlight],
            "mask": [resolved(m) for m in shot.mask],
            "of": resolved(shot.of) if isinstance(shot.of, Locator) else shot.of})
        new = self.captures / f"{shot.name}{self.suffix}.png"
        try:
            # Nothing is written yet: most shots equal their baseline, and those cost no
            # encoding and no file at all.
            result = capture(self.performer.page, shot, None, secrets=self.state.secret_values(),
                             hide=[self.performer.resolved(f) for f in self.state.secret_fields],
                             timeout=self.state.timeout_ms)
        except CaptureError as err:
            raise Finding(STRUCTURE, f"screenshot '{shot.name}': {err}",
                          expected=err.locator.describe(), control=err.locator.control) from None
        finally:
            self.state.portal = step.portal
        baseline = self.baselines / f"{shot.name}{self.suffix}.png"
        if self.update:
            self.pending = (result, baseline)
            return None
        if not baseline.exists():
            write_atomic(new, result.png)
            return NoBaseline(VISUAL, f"screenshot '{shot.name}' has no baseline yet; run "
                           "`guidegen verify --update-screenshots`", expected=str(baseline),
                           found=[str(new)])
        if self._same(baseline, result):  # most shots; the diff is for the rest
            return None
        from ..diff import compare, passes, write_diff_png  # numpy: see guidegen.pixels

        diff = compare(baseline, result.pixels, ignore=result.masked)
        if passes(diff, shot.threshold):
            return None
        # Report copies are for people to look at: the browser's own encoding will do.
        write_atomic(new, result.png)
        diff_path = self.captures / f"{shot.name}{self.suffix}.diff.png"
        write_diff_png(diff, diff_path)
        what = "a different size" if diff.size_mismatch else f"{diff.ratio:.2%} of its pixels differ"
        return Finding(VISUAL, f"screenshot '{shot.name}': {what}", expected=str(baseline),
                       found=[str(new), str(diff_path)])

    def _same(self, baseline: Path, result: CaptureResult) -> bool:
        return same_as_baseline(baseline, result.png, lambda: result.pixels, self.seen)

    pending: tuple[CaptureResult, Path] | None = None

    def promote(self) -> None:
        """--update-screenshots: the new capture replaces the baseline once its step passed,
        optimised losslessly, and only when it differs perceptibly (not by rendering noise
        below the diff's threshold); so do its fingerprints. The masked fields count here,
        though verification ignores them: a baseline taken before a field was masked shows
        what the mask now hides (a token, on the site), and only a refresh replaces it. What
        a mask covers is one solid colour, so counting it brings no churn."""
        if self.update and self.shoot_enabled:
            self.prints.update(self.performer.prints)
        if self.pending:
            result, baseline = self.pending
            if self._same(baseline, result):  # most shots: no diff, no encoding
                self.pending = None
                return
            from ..diff import needs_refresh  # numpy: see guidegen.pixels

            if needs_refresh(baseline, result.pixels):
                png = optimise(result.png)
                store_png(png, baseline)
                write_atomic(self.refreshed / baseline.name, png)
            self.pending = None


class StepItem(pytest.Function):
    def reportinfo(self):
        # The headline of a failure in pytest's log: the guide and the step, where a plain
        # Function would name the folders above the step file (".main.steps.guide.yml.step").
        return self.path, None, f"{self.parent.guide.id}: {self.name}"


class GuideFile(pytest.File):
    plan: str | None = None  # set when checking a plan claim: the organization's plan

    def __init__(self, *, guide: RGuide, **kwargs) -> None:
        super().__init__(**kwargs)
        self.guide = guide
        self.run: GuideRun | None = None
        self.no_browser = False  # its first step has said the browser did not start
        # --from STEP: where the state before STEP is saved, and whether this run restored it
        # (then the steps before STEP are not run) or must save it when it gets there.
        self.checkpoint: tuple[Path, str] | None = None
        self.resumed = False
        self.relaunch: tuple | None = None  # browser, context settings, URLs, checkpoint
        self.retry_until: str | None = None  # the last step that failed (a re-run stops there)

    def collect(self):
        for step in self.guide.all_steps():
            if self.plan and self.plan not in step.plans:
                continue  # a step for other plans is not part of this plan's claim
            name = f"{step.id}[{self.plan}]" if self.plan else step.id
            yield self._item(name, step, _step_test(self, step))
        if self.plan:
            return
        if not self.config.getoption("skip_outcome"):
            for step in self.guide.outcome:
                yield self._item(f"outcome:{step.id}", step, _step_test(self, step, outcome=True))
        # After the plain run (children run after their parent's items): the claims it does
        # not check itself.
        others = [p for p in self.guide.plans if p != SIM_PLAN]
        if others and checks_plan_claims(self.config):
            yield PlanClaims.from_parent(self, name="plan-claims", path=self.path,
                                         guide=self.guide, plans=others)

    def _item(self, name: str, step: RStep, test) -> pytest.Function:
        item = StepItem.from_parent(self, name=name, callobj=test)
        # Set at collection, so that a failure in a fixture (the browser, the simulators)
        # is still reported against its guide and step.
        item.user_properties += [("guide", self.guide.id), ("step", step.id)]
        if self.plan:
            item.user_properties.append(("plan", self.plan))
        if self.config.getoption("locale"):
            item.user_properties.append(("locale", self.config.getoption("locale")))
        if step.manual:
            item.user_properties.append(("manual", step.manual))
        return item

    def start(self, browser, context_args: dict, base_urls: dict, config) -> GuideRun:
        saved = self._saved_checkpoint(config) if config.getoption("from_step") else None
        self.relaunch = (browser, context_args, base_urls, saved)  # for a re-run with a trace
        run = self.run = self._new_run(browser, context_args, base_urls, config, saved,
                                       trace=trace_mode(config) == "always")
        if saved is not None:
            self._restore(saved, run, base_urls, config)
            return run
        self._perform_before(run, config)
        run.shoot_enabled = not self.plan  # the baselines come from the plain run
        return run

    def _new_run(self, browser, context_args: dict, base_urls: dict, config,
                 saved: checkpoints.Checkpoint | None, trace: bool) -> GuideRun:
        """A browser context for the guide, and what its run carries from step to step."""
        catalog = config.stash[_catalog_key]
        required = catalog.requirements(self.guide)
        secrets = _env_secrets(self.guide)
        if saved is not None:
            context_args = {**context_args, "storage_state": saved.storage_state}
        if config.getoption("target") == "live":
            # The saved sign-ins of every portal this guide (and the guides it needs) drives.
            portals = list(dict.fromkeys(p for g in (*required, self.guide) for p in g.portals))
            context_args = {**context_args, "storage_state": load_sign_ins(
                Path(config.getoption("state_dir") or default_state_dir()), portals)}
            file = config.getoption("secrets_file")
            secrets = secret_values(list(self.guide.secrets),
                                    read_secrets_file(Path(file)) if file else {})
        if config.getoption("locale"):
            # The browser asks for the language (Accept-Language, navigator.language), as an
            # admin's browser set to it does; dates and numbers follow.
            context_args = {**context_args, "locale": config.getoption("locale")}
        context = browser.new_context(**context_args)
        # Date.now() and new Date() stand still; timers keep running, so pages still work. A
        # live portal gets the run's start (its sign-in tokens must not look expired).
        context.clock.set_fixed_time(SIM_CLOCK if config.getoption("target") == "sim"
                                     else config.stash[_started_key])
        context.set_default_timeout(config.getoption("step_timeout") * 1000)
        if trace:
            traces.start(context)
        state = RunState(base_urls=base_urls, variables=dict(self.guide.variables),
                         secrets=secrets, timeout_ms=config.getoption("step_timeout") * 1000,
                         portal=self.guide.portals[0],
                         outage={p.id: [re.compile(x) for x in p.outage]
                                 for p in catalog.portals.values()},
                         secret_fields=secret_fields(catalog, [*required, self.guide]),
                         locale=config.getoption("locale"))
        if self.plan:
            # The organization is per browser session: the context's cookies pick it.
            context.request.post(f"{base_urls['zenkit']}/_sim/plan", form={"plan": self.plan})
        return GuideRun(context, state, self.guide, config, required)  # teardown closes it

    def _perform_before(self, run: GuideRun, config, told: bool = True) -> None:
        """The guides it requires, each after those it requires in turn: their set-up, steps
        and outcome checks, each with its own variables; then this guide's own set-up. A
        failure there is raised, saying what it means for this guide (`told`)."""
        run.shoot_enabled = False  # setup steps belong to another guide: no shots of theirs
        outcomes = not self.plan and not config.getoption("skip_outcome")
        state = run.state
        for guide in [*config.stash[_catalog_key].requirements(self.guide), self.guide]:
            state.variables = dict(guide.variables)
            steps = [*guide.setup] if guide is self.guide else \
                [*guide.setup, *guide.all_steps(), *(guide.outcome if outcomes else ())]
            for step in steps:
                if step.manual:
                    continue  # nobody to do it by hand here
                try:
                    run.perform(step)
                except Finding as finding:
                    run.failed = f"{guide.id}/{step.id}"
                    if told:
                        self._before_steps_failed(finding, guide, step, config)
                    raise

    def own_steps(self) -> list[RStep]:
        """The steps this node's items perform, in order: the guide's (those of its plan in a
        claim run), then its outcome checks in the plain run."""
        steps = [s for s in self.guide.all_steps() if not self.plan or self.plan in s.plans]
        if not self.plan and not self.config.getoption("skip_outcome"):
            steps += self.guide.outcome
        return steps

    def _saved_checkpoint(self, config) -> checkpoints.Checkpoint | None:
        """--from STEP: the saved state before STEP, if it is still the state the steps
        before it leave; otherwise this run performs them and saves it."""
        catalog = config.stash[_catalog_key]
        step = next(s for s in self.guide.all_steps() if s.id == config.getoption("from_step"))
        options = {name: config.getoption(name) for name in checkpoints.SIM_OPTIONS}
        key = checkpoints.key(catalog, self.guide, step, options)
        path = checkpoints.location(Path(config.getoption("guidegen_root")), self.guide, step)
        self.checkpoint = (path, key)
        try:
            saved = checkpoints.load(path, key)
        except ValueError as err:
            raise Finding(ERROR, f"--from: {err}") from None
        before = len(checkpoints.steps_before(catalog, self.guide, step))
        # Told beside the progress lines, which a test's output capture would swallow.
        with config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
            sys.stderr.write(f"{self.guide.id}: from '{step.id}': " + (
                f"restored the state saved before it; {before} earlier steps not run\n"
                if saved else
                f"no saved state yet: running the {before} steps before it, then saving it\n"))
        return saved

    def _restore(self, saved: checkpoints.Checkpoint, run: GuideRun, base_urls: dict,
                 config) -> None:
        from portalsim.snapshot import import_session

        import_session(config.stash[_sims_key], saved.sims)
        state = run.state
        state.variables, state.values = dict(saved.variables), dict(saved.values)
        state.secrets, state.entered = dict(saved.secrets), list(saved.entered)
        for value in saved.secret_values:
            state.redact.add(value)
        # Each portal's tab where it was, the one in front last (as the run left them).
        for portal in sorted(saved.pages, key=lambda p: p == saved.front):
            state.portal = portal
            run.performer.page.goto(base_urls[portal] + saved.pages[portal])
        self.resumed = True

    def save_checkpoint(self, config) -> None:
        """Just before STEP, in a run that performed everything before it."""
        from portalsim.snapshot import export_session

        path, key = self.checkpoint
        run = self.run
        storage = run.context.storage_state()
        cookies = {c["name"]: c["value"] for c in storage["cookies"]}
        performer = run.performer
        front = next((p for p, page in performer.pages.items() if page is performer.front),
                     run.state.portal)
        checkpoints.save(path, checkpoints.Checkpoint(
            key=key, storage_state=storage,
            pages={p: checkpoints.page_path(page.url) for p, page in performer.pages.items()},
            front=front, variables=dict(run.state.variables), values=dict(run.state.values),
            secrets=dict(run.state.secrets), secret_values=list(run.state.secret_values()),
            entered=list(run.state.entered),
            sims=export_session(config.stash[_sims_key], cookies)))
        self.checkpoint = None  # saved once per run

    def _before_steps_failed(self, finding: Finding, guide: RGuide, step: RStep, config) -> None:
        """What a failure before this guide's first step means for the guide."""
        own = guide is self.guide
        where = f"set-up step '{step.id}'" if own else \
            f"required guide '{guide.id}' at step '{step.id}'"
        if finding.kind == ERROR:
            finding.message = f"setup: {where} failed: {finding.message}"
        elif self.plan:
            # On this plan the starting point cannot be reached: so neither can this guide be
            # done, whatever it claims.
            name = config.stash[_catalog_key].plan_name(self.plan)
            finding.message = f"the guide claims the {name} plan, but {where} fails for an " \
                              f"organization on it: {finding.message}"
            finding.kind = PLAN_CLAIM
        elif own:
            # The guide's hidden set-up, not its steps: what readers do was not checked.
            finding.message = f"{where} failed ({finding.kind}): {finding.message}"
            finding.kind = SETUP
        else:
            # The drift is that guide's, reported on its step when it runs; here the steps
            # that build on it cannot be checked, and that is all.
            finding.message = f"blocked by {finding.kind} in {where}: {finding.message}"
            finding.kind = BLOCKED

    def teardown(self) -> None:
        try:
            self._finish()
        except OSError as err:  # a folder made unwritable during the run: one line, no traceback
            pytest.fail(_unwritable(err).message, pytrace=False)

    def _finish(self) -> None:
        if self.run is not None:
            run, self.run = self.run, None
            if run.update and not self.plan:
                written = fingerprints.write(run.baselines, run.prints, run.locale)
                if written:
                    write_atomic(run.refreshed / written.name, written.read_bytes())
            mode = trace_mode(self.config)
            name = "-".join(filter(None, (self.guide.id, self.config.getoption("locale"),
                                          self.plan)))
            dest = Path(self.config.getoption("report_dir")) / "traces" / f"{name}.zip"
            if mode == "always":
                if run.any_failure:
                    run.performer.harvest(every_page=True)  # what the pages show at the end
                traces.stop(run.context, dest if run.any_failure else None, run.state.redact)
            run.context.close()
            if mode == "retry" and run.any_failure:
                self._retry_with_trace(run, dest)

    def _retry_with_trace(self, first: GuideRun, dest: Path) -> None:
        """--record-traces retry (the default), as Playwright's on-first-retry: a guide that failed
        runs once more, in a fresh context recording a trace, up to the last step that
        failed; that trace is kept. A run that passes records nothing, which is most of what
        tracing used to cost. The verdict stays the first run's: the re-run only explains it
        (and says when the failure did not come back)."""
        browser, context_args, base_urls, saved = self.relaunch
        config = self.config
        retry = self._new_run(browser, context_args, base_urls, config, saved, trace=True)
        for value in first.state.secret_values():  # what the first run learnt stays secret
            retry.state.redact.add(value)
        steps = [s for s in self.own_steps() if not s.manual]
        if self.resumed:
            ids = [s.id for s in steps]
            steps = steps[ids.index(config.getoption("from_step")):]
        current, came_back = None, None
        try:
            if saved is not None:
                self._restore(saved, retry, base_urls, config)
            else:
                self._perform_before(retry, config, told=False)
            retry.shoot_enabled = False  # the first run's captures are the report's
            for step in steps:
                current = step.id
                retry.perform(step)
                if step.id == self.retry_until:
                    break
        except Finding as finding:
            came_back = f"the failure came back at '{retry.failed or current}' ({finding.kind})"
        except PlaywrightError as err:  # the trace is an extra: it never changes the verdict
            came_back = f"the re-run stopped: {printable(retry.state.redact.scrub(str(err)))}"
        finally:
            with contextlib.suppress(PlaywrightError):
                retry.performer.harvest(every_page=True)
            traces.stop(retry.context, dest, retry.state.redact)
            retry.context.close()
        with config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
            told = came_back or (f"the steps up to '{self.retry_until}', for their visual drift"
                                 if first.failed is None else
                                 "the failure did not come back: flaky?")
            sys.stderr.write(f"{self.guide.id}: re-ran with a trace, {dest} ({told})\n")


class PlanClaims(pytest.File):
    """The guide's claims to plans other than the plain run's: the guide once per plan, each
    a run of its own with the organization on that plan (no screenshots, no outcome checks).
    A step that fails there, and passed in the plain run, is a plan-claim finding."""

    def __init__(self, *, guide: RGuide, plans: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.guide, self.plans = guide, plans

    def collect(self):
        for plan in self.plans:
            node = GuideFile.from_parent(self, name=f"plan={plan}", path=self.path, guide=self.guide)
            node.plan = plan
            yield node

    def setup(self) -> None:
        """Claims are checked only after a plain run that passed (visual drift and outcome
        checks aside): a step that fails there fails on every plan, and is told once, there.
        Skipping here skips every claim run below, which the results then leave out."""
        plain = self.parent
        if plain.run is None:
            pytest.skip("plan claims not checked: the guide's run did not start")
        for item in self.session.items:
            if item.parent is plain and not item.name.startswith("outcome:"):
                kinds = {FindingRecord.model_validate_json(value).kind
                         for key, value in item.user_properties if key == "finding"}
                if kinds - {VISUAL}:
                    pytest.skip(f"plan claims not checked: step '{item.name}' failed")


def trace_mode(config: pytest.Config) -> str:
    """retry, always or off (--no-trace is off)."""
    return "off" if config.getoption("no_trace") else config.getoption("record_traces")


def secret_fields(catalog: Catalog, guides: list[RGuide]) -> list[Locator]:
    """Where the pages these guides drive show secrets, known by what they are: the
    controls their pages declare secret, and what their steps fill in from a secret or
    remember as one (password fields need no locator)."""
    portals = {p for g in guides for p in g.portals}
    fields = [Locator.model_construct(**{k: getattr(c.locator, k) for k in LOCATOR_FIELDS},
                                      control=c.ref)
              for c in catalog.controls.values() if c.secret and c.portal in portals]
    for guide in guides:
        for step in [*guide.setup, *guide.all_steps(), *guide.outcome]:
            for action in step.actions:
                target = action_target(action)
                if isinstance(action, (Fill, Remember)) and target.secret:
                    # Its own fields, without the fill's or remember's: already validated.
                    fields.append(Locator.model_construct(
                        **{k: getattr(target, k) for k in LOCATOR_FIELDS + ("control",)}))
    return list({f.describe(): f for f in fields}.values())  # a control once, however used


def _env_secrets(guide: RGuide) -> dict[str, str]:
    """Declared secrets come from GUIDEGEN_SECRET_<NAME> and never from the step files."""
    return secret_values(list(guide.secrets), {})


def live_urls(catalog: Catalog, overrides: list[str]) -> dict[str, str]:
    """Portal id -> base URL: steps/project.yml's, unless `--portal-url id=URL` says otherwise."""
    urls = {p.id: (p.url or "").rstrip("/") for p in catalog.portals.values()}
    for item in overrides:
        portal, _, url = item.partition("=")
        urls[portal] = url.rstrip("/")
    return urls


def _step_test(node: GuideFile, step: RStep, outcome: bool = False):
    def test_step(browser, browser_context_args, guidegen_target, request):
        item = request.node
        if isinstance(browser, Unavailable):
            if node.no_browser:
                pytest.skip("not run: the browser did not start")
            node.no_browser = True
            _fail(item, Finding(ERROR, f"could not start: {browser.message}"), Secrets())
        if node.run is None:
            setup_failure = None
            try:
                node.start(browser, browser_context_args, guidegen_target, request.config)
            except Finding as finding:
                setup_failure = finding
            if setup_failure is not None:
                run = node.run  # None when the run could not even begin (--from's file)
                _fail(item, setup_failure, run.state.redact if run else Secrets(), run)
        run = node.run
        if step.manual:
            pytest.skip(f"checked by hand: {step.manual}")
        if run.failed:
            pytest.skip(f"not run: step '{run.failed}' failed")
        from_step = request.config.getoption("from_step")
        if from_step and not outcome:
            ids = [s.id for s in node.guide.all_steps()]
            if node.resumed and ids.index(step.id) < ids.index(from_step):
                pytest.skip(f"not run: --from {from_step} restored the state saved before it")
            if step.id == from_step and node.checkpoint is not None:
                node.save_checkpoint(request.config)
        problem = None
        try:
            problem = run.perform(step)  # a visual difference; anything else is raised
            if problem is None:
                run.promote()
        except OSError as err:
            if err.filename is None:  # not a file's: no folder to blame
                raise
            run.failed, run.pending = step.id, None
            problem = _unwritable(err)
        except Finding as finding:
            run.failed = step.id
            run.pending = None
            problem = finding
            if outcome and finding.kind != ERROR:
                finding.message = f"outcome check '{step.id}': {finding.message}"
                finding.kind = OUTCOME
            if node.plan and finding.kind != ERROR:
                plan = request.config.stash[_catalog_key].plan_name(node.plan)
                finding.message = (f"the guide claims the {plan} plan, but step '{step.id}' "
                                   f"fails for an organization on it: {finding.message}")
                finding.kind = PLAN_CLAIM
        if problem is not None:  # outside the except block: no chained traceback in the log
            node.retry_until = step.id
            _fail(item, problem, run.state.redact, run)

    test_step.__doc__ = step.text
    return test_step


def _fail(item: pytest.Item, finding: Finding, secrets: Secrets, run: GuideRun | None = None) -> None:
    if run is not None and not isinstance(finding, NoBaseline):
        run.any_failure = True
    controls = item.config.stash[_catalog_key].controls
    control = controls.get(finding.control or "")
    if control is not None and finding.defined_at is None:
        finding.defined_at = f"{control.origin.file}:{control.origin.line}"
    for rename in finding.renamed:
        if rename.get("control") in controls:
            origin = controls[rename["control"]].origin
            rename["defined_at"] = f"{origin.file}:{origin.line}"
    # As JSON: user properties travel from xdist workers to the controller, and into junit.xml.
    data = secrets.scrub_data(finding.record().model_dump(mode="json"))
    item.user_properties.append(("finding", json.dumps(data)))
    pytest.fail(printable(secrets.scrub(str(finding))), pytrace=False)


class VerifyRun:
    """The controller's side of one verify run: each step's result as its report comes in
    (xdist forwards every worker's), the progress lines, and the results at the end.
    Registered per config, and kept in its stash: a second run in the same process starts
    from nothing."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results: list[StepResult] = []
        self.progress = Progress(lambda label: _step_count(config, label)) \
            if config.getoption("guidegen_progress") else None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        if "guide" not in props or not (report.when == "call" or
                                        (report.when == "setup" and not report.passed)):
            return
        status = "passed" if report.passed else ("manual" if "manual" in props else "not run") \
            if report.skipped else "failed"
        finding = FindingRecord.model_validate_json(props["finding"]) if "finding" in props \
            else None
        if finding is None and report.when == "setup" and report.failed:
            # A fixture failed before any step ran: the browser or the target did not start.
            lines = str(report.longrepr).strip().splitlines()
            cause = next((ln.removeprefix("E").strip() for ln in lines if ln.startswith("E ")),
                         lines[-1] if lines else "setup failed")
            finding = Finding(ERROR, f"could not start: {cause}").record()
        result = StepResult(guide=props["guide"], step=props["step"], plan=props.get("plan"),
                            status=status, finding=finding, locale=props.get("locale"))
        if self.progress is not None:
            label = f"{result.guide}[{result.plan}]" if result.plan else result.guide
            self.progress.step(label, result.step, status, result.kind)
        self.results.append(result)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        config = self.config
        # Which plan's claim each step's result speaks for: a claim run's plan, and in the
        # plain run the simulated organization's plan, when the guide claims it and claims
        # are checked.
        claimed = {g.id: g.plans for g in config.stash[_catalog_key].guides}
        for entry in self.results:
            plain = SIM_PLAN if checks_plan_claims(config) and SIM_PLAN in claimed[entry.guide] \
                else None
            entry.claim = entry.plan or plain
        summary = summarize(config.getoption("target"), self.results,
                            speaks_for_site(config.getoption))
        root = Path(config.getoption("guidegen_root"))
        try:  # the report first: a status file that cannot be written must not cost it
            write_results(Path(config.getoption("report_dir")), summary, config.stash[_catalog_key],
                          Layout(root).screenshots)
            if summary.steps and summary.speaks_for_site:
                update_status(Layout(root).screenshots, summary.target, summary.steps)
        except OSError as err:  # made unwritable during the run (run_pytest checked before)
            told = unwritable(err)
            sys.stderr.write(f"error: {told.filename}: {told.strerror}\n")
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR  # verify's exit code 3


def _unwritable(err: OSError) -> Finding:
    """A write that failed during the run (a folder made read-only, a file where a folder
    should be): an environment error of the step that wrote, not drift."""
    told = unwritable(err)
    return Finding(ERROR, f"{told.filename}: {told.strerror}")


def summarize(target: Target, steps: list[StepResult], speaks_for_site: bool) -> Results:
    """results.json's content; steps in guide order (a stable sort keeps each guide's order).
    `speaks_for_site` records whether the run's results belong in screenshots/status.json,
    which a merge of shards needs to know. A claim run that never started (its guide had
    failed in the plain run) is left out: that failure is the news, and the claim was not
    checked."""
    checked = {(e.guide, e.plan) for e in steps if e.status != "not run"}
    steps = sorted((e for e in steps if not e.plan or (e.guide, e.plan) in checked),
                   key=lambda e: e.guide)
    return Results(target=target, speaks_for_site=speaks_for_site, steps=steps)


def write_results(folder: Path, results: Results, catalog: Catalog,
                  screenshots: Path | None) -> None:
    write_atomic(folder / RESULTS_FILE, results.to_json().encode("utf-8"))
    write_reports(results, catalog, folder, screenshots)


def write_empty_results(folder: Path, target: str, catalog: Catalog) -> None:
    """A shard with no guides still leaves the files the merge and the CI upload expect."""
    write_results(folder, summarize(target, [], speaks_for_site=False), catalog, None)
    (folder / "junit.xml").write_text('<?xml version="1.0" encoding="utf-8"?><testsuites>'
                                      '<testsuite name="pytest" errors="0" failures="0" '
                                      'skipped="0" tests="0" time="0" /></testsuites>\n',
                                      encoding="utf-8")
