"""The `guidegen` command. Only this module turns errors into exit codes.

Exit codes: 0 success; 1 a check or verification failed; 2 bad input (step files,
templates, mkdocs.yml, a broken link); 3 environment error (missing tool, unwritable folder).
"""

from __future__ import annotations

import atexit
import functools
import gc
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import BuildError, GuideError, Problem
from .project import Layout
from .terminal import printable
from .verify.options import click_options as verify_options

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_ENVIRONMENT = 0, 1, 2, 3


def _fail(message: str, code: int) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def handle_errors(func):
    """Writers see `file:line: field: message` lines, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GuideError as err:
            count = len(err.problems)
            _fail(f"{err}\n{count} problem{'s' if count != 1 else ''} found.", EXIT_BAD_INPUT)
        except BuildError as err:
            _fail(f"{err}\nThe site was not built; docs/ and site/ are unchanged.",
                  EXIT_BAD_INPUT)
        except OSError as err:
            _fail(f"error: {err.filename or ''}: {err.strerror or err}", EXIT_ENVIRONMENT)

    return wrapper


class _Commands(click.Group):
    """Option values are checked as click parses them (verify/options.py checks each of
    verify's): a bad one is told as every other command-line problem is, on one line with
    exit code 2, where click would print its usage and a hint around it."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.BadParameter, click.BadOptionUsage, click.NoSuchOption) as err:
            name = getattr(err, "option_name", None) or (
                max(err.param.opts, key=len) if isinstance(err.param, click.Option)
                else err.param.human_readable_name if err.param else "")
            # click leaves a missing argument's message empty (its usage line said it).
            command, ctx = ["guidegen"], err.ctx  # as installed, however it was started
            while ctx is not None and ctx.parent is not None:
                command.insert(1, ctx.info_name or "")
                ctx = ctx.parent
            message = err.message or f"missing; `{' '.join(command)} --help` says what to give"
            _fail(f"{Problem('command line', 0, name, message)}\n1 problem found.",
                  EXIT_BAD_INPUT)


root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="Project folder (holds steps/, templates/, docs/, mkdocs.yml).",
)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="guidegen")
def main() -> None:
    """guidegen: setup guides declared as YAML steps, rendered into a plan-aware help site.

    \b
    Exit codes:
      0  success
      1  a check or verification failed
      2  bad input: step files, templates, mkdocs.yml, a broken link
      3  environment error: a missing tool or an unwritable folder
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    _no_collection_at_exit()


@functools.cache  # once per process, however many commands it runs (tests run several)
def _no_collection_at_exit() -> None:
    """At exit the interpreter looks for reference cycles among everything the command left
    (pytest's, Playwright's and pydantic's objects after a verify run): 0.25 s of the seed
    guide's verify, 0.03 s with the objects frozen first (project-docs/benchmarks.md). An
    object that is freed by its last reference going, an open file among them, still is;
    only cycles are left to the process's end, which frees their memory anyway. Exit
    handlers (logging's flush among them) run whatever their order: the freeze changes only
    the collection that comes after them all."""
    atexit.register(gc.freeze)


@main.command()
@root_option
@click.option("--require-translations", is_flag=True,
              help="Missing, stale or unstamped translations are problems too (exit 2); "
              "without it they are listed, and the site shows the source text for them.")
@handle_errors
def check(root: Path, require_translations: bool) -> None:
    """Validate every step file and translation; report all problems as
    file:line: field: message."""
    from .load import load_catalog

    catalog = load_catalog(Layout(root).steps, root)
    if require_translations and catalog.untranslated:
        raise GuideError(catalog.untranslated)
    steps = sum(len(g.all_steps()) for g in catalog.guides)
    click.echo(f"ok: {len(catalog.guides)} guides, {steps} steps, {len(catalog.plans)} plans",
               err=True)
    for locale in catalog.translation_locales:
        covered = [c for c in catalog.coverage if c.locale == locale]
        done = sum(c.complete for c in covered)
        click.echo(f"translations: {locale}: {done} of {len(covered)} guides up to date"
                   + ("" if done == len(covered) else "; readers see the source text of:"),
                   err=True)
        for problem in sorted(p for c in covered for p in c.problems):
            click.echo(f"  {problem}", err=True)


@main.command()
@root_option
@handle_errors
def render(root: Path) -> None:
    """Write the guide pages into docs/guides/ (then any MkDocs or Zensical build works)."""
    from .build import render as do_render

    catalog = do_render(Layout(root))
    click.echo(f"rendered {len(catalog.guides)} guides into {Layout(root).docs / 'guides'}",
               err=True)


@main.command()
@root_option
@click.option("--verbose", is_flag=True, help="Show MkDocs' own log lines.")
@handle_errors
def build(root: Path, verbose: bool) -> None:
    """Check, render and build the site strictly into site/ (nothing changes on failure)."""
    from .build import build as do_build

    layout = Layout(root)
    catalog = do_build(layout, quiet=not verbose)
    click.echo(f"built {len(catalog.guides)} guides; site: {layout.site.resolve()}/index.html",
               err=True)


@main.command()
@root_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Address to serve on.")
@handle_errors
def serve(root: Path, dev_addr: str) -> None:
    """Preview the site with live reload; saving a step file, template or screenshot reloads.

    A build that fails shows its problems in the browser, and the next good save shows the
    site again."""
    from mkdocs.exceptions import MkDocsException

    from .build import mkdocs_log
    from .serve import serve as do_serve

    host, _, port = dev_addr.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadOptionUsage("--dev-addr", f"{dev_addr!r} is not HOST:PORT")
    try:
        with mkdocs_log(verbose=True):
            do_serve(Layout(root), host, int(port))
    except MkDocsException as err:  # mkdocs.yml itself is broken: nothing to serve yet
        raise BuildError(str(err)) from None


@main.command()
@root_option
@click.argument("guides", nargs=-1)
@verify_options
@handle_errors
def verify(root: Path, guides: tuple[str, ...], **options) -> None:
    """Perform every step of the guides in Chromium and report drift (pytest underneath).

    GUIDES are guide ids (default: all). Exit codes: 0 all steps passed; 1 drift or a
    failed step; 2 bad step files or options; 3 environment error (browser, network).
    """
    from .verify.run import run_pytest

    sys.exit(run_pytest(root, guides, **options))


@main.command(context_settings={"ignore_unknown_options": True})
@root_option
@click.argument("report_path", metavar="REPORT", type=click.Path(exists=True, path_type=Path))
@click.argument("verify_args", nargs=-1, type=click.UNPROCESSED)
@click.option("--dry-run", is_flag=True, help="Show the edits that pass; change no file.")
@handle_errors
def fix(root: Path, report_path: Path, verify_args: tuple[str, ...], dry_run: bool) -> None:
    """Turn the renamed and moved controls of a verify REPORT into edits of the step files.

    Each rename becomes the control's new name on its page (or in the action) and the same
    label in the bold quotes of the steps that use it. A moved control gets the clicks on
    the way to it (links, tabs, expanders, menus: controls of its page) before the first
    action of each step that uses it, and the steps' prose takes the same way ("**Manage**
    > **Provisioning**"). The edits are tried on a copy of the project with a verify run
    given VERIFY_ARGS (e.g. --azure-ui 2023); only edits whose steps then get past the
    change are written, with the files' comments and formatting kept.

    A report of a run in another language (`verify --locale de`) is fixed in that language:
    a rename becomes the control's German name (`names: {de: …}`, added where the page
    object had none) and the bold quotes of the German translations; the English names and
    guides stay as they are, and the trial run is in that language too. Moves are the same
    clicks in every language: fix them from a report of an English run.

    Every other failure of the report is told too: structure drift, an outcome failure or
    a plan claim that no change covers is "left" for a writer; visual drift is left for
    `verify --update-screenshots` and is no failure of fix; a step that an environment
    error stopped, or that a required guide's drift (told at that guide's step) blocked,
    is "not checked". The last line says "N fixed, M left".

    Exit codes: 0 nothing left (every change fixed or already in the files; visual drift
    aside); 1 something left for a writer; 2 bad input; 3 nothing left that fix could see,
    but some steps were not checked (fix cannot tell whether they drifted: re-run verify).
    """
    from .fix import fix as do_fix

    def say(text: str) -> None:
        click.echo(printable(text), err=True)  # names and messages come from portal pages

    result = do_fix(root, report_path, list(verify_args), write=not dry_run)
    if not (result.outcomes or result.left or result.visual or result.unchecked):
        say("nothing to fix: the report has no failed step")
    for outcome in result.outcomes:
        mark = "already fixed" if outcome.applied else "fixed" if outcome.kept else "left"
        say(f"{mark}: {outcome.change.describe()}" +
            ("" if outcome.kept or outcome.applied else f" ({outcome.reason})"))
        for edit in outcome.edits if outcome.kept else ():
            say(f"  {edit}")
    for failure in result.left:
        say(f"left: {failure.where}: {failure.message}")
    if result.visual:
        say("left for `verify --update-screenshots`: "
            f"{result.visual} visual drift step{'s' if result.visual != 1 else ''}")
    for failure in result.unchecked:
        say(f"not checked: {failure.where} ({failure.reason})")
    if dry_run:
        say("dry run: no file changed")
    unchecked = len(result.unchecked)
    say(f"{result.fixed} fixed, {result.left_count} left" +
        (f", {unchecked} not checked: fix cannot tell whether "
         f"{'they' if unchecked != 1 else 'it'} drifted; re-run verify" if unchecked else ""))
    sys.exit(EXIT_FAILED if result.left_count else EXIT_ENVIRONMENT if unchecked else EXIT_OK)


@main.group()
def report() -> None:
    """Work with the reports of verify runs."""


@report.command("merge")
@root_option
@click.argument("shards", nargs=-1, required=True,
                type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default="report",
              show_default=True, help="Where the merged report is written.")
@click.option("--update-screenshots", is_flag=True,
              help="Also write the baselines the shards' `verify --update-screenshots` runs "
                   "refreshed into screenshots/, and the guides they ran into its status "
                   "file, as one unsharded run would have.")
@handle_errors
def merge(root: Path, shards: tuple[Path, ...], out: Path, update_screenshots: bool) -> None:
    """Merge the report folders of `verify --shard` runs into one report.

    Writes results.json, junit.xml, report.html and summary.md to OUT, as one unsharded run
    would, and copies the shards' screenshots, traces and refreshed baselines along. Exits
    like verify: 0 all passed, 1 drift or failure, 2 bad input, 3 only environment errors.
    """
    from .load import load_catalog
    from .verify.merge import merge_reports
    from .verify.merge import update_screenshots as refresh
    from .verify.run import classify

    summary = merge_reports(list(shards), out, load_catalog(Layout(root).steps, root),
                            Layout(root).screenshots)
    click.echo(f"merged {len(shards)} shard reports into {out}: {summary.passed} passed, "
               f"{summary.failed} failed, {summary.not_run} not run", err=True)
    if update_screenshots:
        screenshots = Layout(root).screenshots
        written = refresh(out, screenshots, summary)
        click.echo(f"refreshed {len(written)} baseline files in {screenshots}" +
                   ("" if summary.speaks_for_site else
                    " (a what-if run: the status file is left as it was)"), err=True)
    sys.exit(0 if summary.failed == 0 and summary.not_run == 0 else
             classify(out / "results.json"))


@main.command()
@root_option
@click.argument("portal")
@click.option("--url", help="Where to sign in [default: the portal's URL in steps/project.yml].")
@click.option("--state-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to save the sign-in [default: $GUIDEGEN_STATE_DIR or "
              "~/.config/guidegen/state]; never inside the project.")
@click.option("--until", metavar="URL",
              help="Save as soon as the page reaches this URL (a glob such as '**/home'); "
              "without it, press Enter in this terminal once you are signed in.")
@click.option("--timeout", type=float, default=600, show_default=True,
              help="Seconds to wait for the sign-in (with --unattended: for each of its pages).")
@click.option("--headless", is_flag=True,
              help="No window: only for portals that sign in without a person (SSO by cookie).")
@click.option("--unattended", is_flag=True,
              help="No person: answer the sign-in pages (user name, password, one-time code "
              "from the TOTP seed) with the test account in the environment variables the "
              "portal's `sign_in:` in steps/project.yml names. Headless; for the nightly.")
@click.option("--user-env", metavar="NAME", help="With --unattended: the environment variable "
              "holding the user name [default: sign_in.user].")
@click.option("--password-env", metavar="NAME", help="With --unattended: the environment "
              "variable holding the password [default: sign_in.password].")
@click.option("--totp-env", metavar="NAME", help="With --unattended: the environment variable "
              "holding the base32 TOTP seed [default: sign_in.totp_seed].")
@click.option("--if-expiring", metavar="DURATION",
              help="Sign in only when the saved sign-in is missing or its cookies end within "
              "DURATION (e.g. 24h, 90m, 2d); otherwise do nothing and exit 0.")
@handle_errors
def login(root: Path, portal: str, url: str | None, state_dir: Path | None, until: str | None,
          timeout: float, headless: bool, unattended: bool, user_env: str | None,
          password_env: str | None, totp_env: str | None, if_expiring: str | None) -> None:
    """Sign in to PORTAL and save the session for `verify --target live`.

    Sign in in a browser window as a person would, MFA included; or, with --unattended, let
    guidegen sign in with a test account (as the nightly does). guidegen saves the cookies
    and local storage (owner-only) to STATE_DIR/PORTAL.json, outside the project. Exit codes:
    0 saved (or still good, with --if-expiring), 2 bad input, 3 the sign-in failed or no
    display. Nothing printed or saved holds the password, the seed or a one-time code.
    """
    from .signin import Request, SignInFailed
    from .signin import login as sign_in

    env = {k: v for k, v in (("user", user_env), ("password", password_env),
                             ("totp", totp_env)) if v}
    request = Request(root, portal, url, state_dir, until, timeout, headless, unattended, env,
                      if_expiring)
    try:
        sign_in(request, say=lambda line: click.echo(line, err=True),
                ask=lambda line: click.prompt(line, default="", show_default=False, err=True))
    except SignInFailed as err:
        _fail(f"error: {err}", EXIT_ENVIRONMENT)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                "help_option_names": []})
@click.pass_context
def sim(ctx: click.Context) -> None:
    """Start the Azure portal and Zenkit simulators and print their URLs (Ctrl-C stops).

    Options are the simulators' own: run `guidegen sim --help` to list them
    (--azure-ui 2020|2023|new-config, --zenkit-plan, --scim-plans, --fault, ports).
    """
    try:
        from portalsim.server import main as sim_main
    except ImportError:
        _fail("error: the portal simulators are not installed (run `make venv`)", EXIT_ENVIRONMENT)
    sys.exit(sim_main(list(ctx.args)))


@main.command()
@click.argument("kind", type=click.Choice(["guide", "reusable", "project", "page", "translation"]),
                default="guide")
@root_option
@click.option("--write", is_flag=True,
              help="Write all schemas to steps/schema/ (referenced by the step files).")
@click.option("--check", "check_only", is_flag=True,
              help="Exit 1 if steps/schema/ is out of date with the models.")
@handle_errors
def schema(kind: str, root: Path, write: bool, check_only: bool) -> None:
    """Print the JSON Schema of a step file KIND (guide, reusable, project, page or
    translation)."""
    from .schema import KINDS, file_name, schema_text

    folder = Layout(root).schemas
    if write or check_only:
        stale = [k for k in KINDS if not (folder / file_name(k)).is_file()
                 or (folder / file_name(k)).read_text(encoding="utf-8") != schema_text(k)]
        if check_only:
            if stale:
                _fail(f"out of date: {', '.join(file_name(k) for k in stale)}; run "
                      "`guidegen schema --write`", EXIT_FAILED)
            return
        folder.mkdir(parents=True, exist_ok=True)
        for k in KINDS:
            (folder / file_name(k)).write_text(schema_text(k), encoding="utf-8")
        click.echo(f"wrote {len(KINDS)} schemas to {folder}", err=True)
        return
    click.echo(schema_text(kind), nl=False)



@main.group()
def translations() -> None:
    """What the translations of steps/translations/<locale>/ cover, and stamping them."""


@translations.command("status")
@root_option
@click.option("--locale", help="Only this language [default: every translation language].")
@handle_errors
def translations_status(root: Path, locale: str | None) -> None:
    """Per language and guide: how many parts are translated and up to date, and which are
    missing, stale or not stamped (those show in the source language)."""
    from .checks import locale_message
    from .load import load_catalog

    catalog = load_catalog(Layout(root).steps, root)
    if locale is not None and locale not in catalog.translation_locales:
        raise GuideError([Problem("command line", 0, "--locale", locale_message(
            locale, tuple(loc.id for loc in catalog.locales), "it has no translation"))])
    for c in catalog.coverage:
        if locale not in (None, c.locale):
            continue
        if not c.exists:
            state = f"no translation ({c.file})"
        else:
            state = f"{c.up_to_date}/{c.parts} parts up to date" + "".join(
                f"; {kind}: {', '.join(names)}" for kind, names in
                (("missing", c.missing), ("stale", c.stale), ("not stamped", c.unstamped),
                 ("no longer in the source", c.orphaned))
                if names)
        click.echo(f"{c.locale}  {c.guide}: {state}")


@translations.command("start")
@root_option
@click.argument("guide")
@click.option("--locale", required=True, help="The translation's language, e.g. de.")
@handle_errors
def translations_start(root: Path, guide: str, locale: str) -> None:
    """Write GUIDE's translation file for a language, holding the source text of each part to
    translate in place (readers see the source until a part is stamped)."""
    from .translations import start

    click.echo(f"wrote {start(root, guide, locale)}", err=True)


@translations.command("stamp")
@root_option
@click.argument("guide")
@click.option("--locale", required=True, help="The translation's language, e.g. de.")
@click.option("--step", "steps", multiple=True, metavar="ID",
              help="Stamp only this step or section (repeatable) [default: every part the "
              "file translates].")
@handle_errors
def translations_stamp(root: Path, guide: str, locale: str, steps: tuple[str, ...]) -> None:
    """Record that GUIDE's translation matches its source text as it is now: run it after
    checking the translation against the source. Stale parts then show translated again."""
    from .translations import stamp

    for name in stamp(root, guide, locale, steps):
        click.echo(f"stamped {name}", err=True)


def _checked(value: str, check: str) -> str:
    """`value`, or click's BadParameter (one command-line line) with github_issues' `check`'s
    reason: the token goes where --repo and --api-url say."""
    from . import github_issues

    problem = getattr(github_issues, check)(value)
    if problem:
        raise click.BadParameter(problem)
    return value


@report.command("issues")
@root_option
@click.argument("report_path", metavar="REPORT", type=click.Path(exists=True, path_type=Path))
@click.option("--repo", envvar="GITHUB_REPOSITORY", required=True,
              callback=lambda ctx, param, value: _checked(value, "repo_problem"),
              help="owner/name [default: $GITHUB_REPOSITORY].")
@click.option("--api-url", envvar="GITHUB_API_URL", default="https://api.github.com",
              callback=lambda ctx, param, value: _checked(value, "api_url_problem"),
              show_default=True, help="GitHub's REST API [default: $GITHUB_API_URL].")
@click.option("--label", default="guidegen-drift", show_default=True,
              help="The label that marks guidegen's drift issues.")
@click.option("--run-url", help="Link to the run's report, put in each issue.")
@handle_errors
def issues(root: Path, report_path: Path, repo: str, api_url: str, label: str,
           run_url: str | None) -> None:
    """Open or update one GitHub issue per drifting guide in REPORT; close the issues of
    guides that pass again. Needs GITHUB_TOKEN (or GH_TOKEN) with issues: write.
    Exit codes: 0 done; 2 bad input or no token; 3 GitHub unreachable."""
    from .github_issues import GitHub, sync_issues
    from .load import load_catalog
    from .results import read_results

    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    if not token:
        raise GuideError([Problem("environment", 0, "GITHUB_TOKEN",
                                  "set it to a token that may write issues")])
    results = read_results(report_path)
    titles = {g.id: g.title for g in load_catalog(Layout(root).steps, root).guides}
    try:
        actions = sync_issues(results, titles, GitHub(repo, token, api_url), label, run_url)
    except ConnectionError as err:
        _fail(f"error: {err}", EXIT_ENVIRONMENT)
    for action in actions:
        click.echo(f"{action.verb} issue #{action.number} for {action.guide}", err=True)
    if not actions:
        click.echo("no issue to open, update or close", err=True)


if __name__ == "__main__":
    main()
