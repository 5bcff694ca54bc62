"""What each action of a verify run costs in round trips to the browser and around it: the
secrets every action learns in one round trip on a page that shows no secret field, in two
on one that does, however many are declared; a wait for the page's load only after the tab
navigated; and no test-suite plugin of
guidegen's own (Hypothesis) or for Python tests loaded into a verify run, and no network event
asked for that verify does not use."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from playwright.sync_api import Locator as PwLocator
from playwright.sync_api import Page

from guidegen.locate import to_locator
from guidegen.model import Click, GoTo, Locator
from guidegen.verify.actions import Performer, RunState
from guidegen.verify.network import NetworkWatch

pytestmark = pytest.mark.browser

# Playwright's calls that go to the page: each one a round trip.
ROUND_TRIPS = ((Page, "evaluate"), (Page, "screenshot"), (PwLocator, "evaluate"),
               (PwLocator, "evaluate_all"), (PwLocator, "wait_for"), (PwLocator, "count"),
               (PwLocator, "is_visible"), (PwLocator, "bounding_box"),
               (PwLocator, "all_inner_texts"))


def count_calls(monkeypatch) -> list[str]:
    """The names of the ROUND_TRIPS calls made from now on, in order; each still calls
    through to the browser."""
    calls: list[str] = []

    def counted(method, name):
        def call(self, *args, **kwargs):
            calls.append(name)
            return method(self, *args, **kwargs)
        return call

    for cls, name in ROUND_TRIPS:
        monkeypatch.setattr(cls, name, counted(getattr(cls, name), name))
    return calls


SECRET_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keys</title>
</head><body><main>
<label for="a">Bearer</label><input id="a" value="first-shown-value">
<section aria-label="Client"><p>client-shown-value</p></section>
<label for="p">Sign-in</label><input id="p" type="password" value="typed-password">
<label for="t">API token</label><input id="t" value="labelled-token-value">
<label for="k">Kennwort</label><input id="k" value="german-password-value">
<label for="g">Geheimer Schlüssel</label><input id="g" value="german-secret-key-value">
<label for="s">Attributschlüssel</label><input id="s" value="attribute-key-value">
<label for="n">Name</label><input id="n" value="not-a-secret">
</main></body></html>"""


def harvest(page: Page, tmp_path, monkeypatch, declared: list[Locator],
            html: str = SECRET_PAGE) -> tuple[list, set]:
    """The round trips one harvest on `html` makes, and what it learns."""
    (tmp_path / "keys.html").write_text(html, encoding="utf-8")
    page.goto((tmp_path / "keys.html").as_uri())
    state = RunState(base_urls={}, variables={}, portal="p", secret_fields=declared)
    performer = Performer(page.context, state)
    performer.pages["p"] = performer.front = page
    calls = count_calls(monkeypatch)
    performer.harvest()
    return calls, set(state.secret_values())


def test_an_action_learns_every_secret_the_page_shows_in_two_round_trips(page: Page, tmp_path,
                                                                           monkeypatch):
    calls, learnt = harvest(page, tmp_path, monkeypatch,
                            [Locator(label="Bearer"), Locator(region="Client"),
                             Locator(label="Nowhere on this page")])

    # Are the declared fields there (they are), then one script reads them all.
    assert calls == ["count", "evaluate_all"]
    # The declared fields (a field's value, a region's text), the password field, and the
    # fields labelled as secrets, in English or German; not the plain fields.
    assert {"first-shown-value", "typed-password", "labelled-token-value",
            "german-password-value", "german-secret-key-value"} <= learnt
    assert any("client-shown-value" in v for v in learnt)
    assert not any("not-a-secret" in v or "attribute-key" in v for v in learnt)


PLAIN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Users</title>
</head><body><main><label for="n">Name</label><input id="n" value="not-a-secret">
<label for="m">Mail</label><input id="m" value="pat@example.test"></main></body></html>"""


def test_a_page_that_shows_no_secret_field_costs_one_count_and_no_script(page: Page, tmp_path,
                                                                          monkeypatch):
    """Most pages show no secret field: one count, in the world where Playwright performs
    actions (the next action looks there anyway), and no script in the page's own world,
    into which Playwright would first inject its helper script on every new page (17-20 ms
    a page, most of what learning the secrets cost)."""
    calls, learnt = harvest(page, tmp_path, monkeypatch, [Locator(label="Bearer")], PLAIN_PAGE)
    assert calls == ["count"]
    assert learnt == set()


def test_a_page_with_secret_fields_by_what_they_are_is_read_by_one_script(page: Page, tmp_path,
                                                                          monkeypatch):
    """Declared fields named by a label, password fields and fields labelled as secrets
    are found by the engine together: a count, then one script reads them all."""
    calls, learnt = harvest(page, tmp_path, monkeypatch, [Locator(label="Nowhere on this page")])
    assert calls == ["count", "evaluate_all"]
    assert {"typed-password", "labelled-token-value", "german-password-value"} <= learnt
    assert not any("not-a-secret" in v or "first-shown" in v for v in learnt)


LABELLED_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keys</title>
</head><body><main>
<label for="a">Recovery phrase</label><input id="a" value="for-label-value">
<label>Your recovery   PHRASE (keep it) <input value="wrapping-label-value"></label>
<span id="lb">Recovery <b>phrase</b></span><input aria-labelledby="lb" value="labelledby-value">
<output aria-label="Recovery phrase">aria-label-text-value</output>
<label for="h">Recovery<script>/* no text */</script> phrase</label>
<input id="h" value="scripted-label-value">
<div id="host"></div>
<label for="n">Display name</label><input id="n" value="plain-value">
<textarea aria-label="Notes">notes-value</textarea>
<script>
document.getElementById("host").attachShadow({mode: "open"}).innerHTML =
  '<label for="s">Recovery phrase</label><input id="s" value="shadow-value">';
</script>
</main></body></html>"""


def test_declared_fields_named_by_a_label_are_read_by_the_script_as_playwright_finds_them(
        page: Page, tmp_path, monkeypatch):
    """The script finds a declared field by its label itself, as Playwright's getByLabel
    would (a <label>, a wrapping one, aria-labelledby, aria-label, in a shadow root, any
    case and spacing), whatever region the locator names: every value Playwright's own
    locator finds is learnt; fields with other labels are not."""
    declared = [Locator(label="Recovery phrase"),
                Locator(label="recovery phrase", exact=False, within=Locator(region="Elsewhere"))]
    calls, learnt = harvest(page, tmp_path, monkeypatch, declared, LABELLED_PAGE)
    assert calls == ["count", "evaluate_all"]
    shows = ("els => els.map(e => ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName) ? e.value"
             " : e.innerText)")
    by_playwright = {value for loc in (declared[0], declared[1].model_copy(update={"within": None}))
                     for value in to_locator(page, loc).evaluate_all(shows)}
    assert by_playwright == {"for-label-value", "wrapping-label-value", "labelledby-value",
                             "aria-label-text-value", "scripted-label-value", "shadow-value"}
    assert by_playwright <= learnt
    assert not {"plain-value", "notes-value"} & learnt


# Runs `guidegen verify` and lists, once it has ended, every module it imported. Read at exit
# and not from `python -X importtime`: pytest captures the run's stderr while steps run, and
# with it what the steps import.
MODULES_AT_EXIT = """
import atexit, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w", encoding="utf-8").write("\\n".join(sys.modules)))
from guidegen.cli import main
sys.argv[0] = "guidegen"
main()
"""


def test_verify_does_not_load_hypothesis(tmp_path):
    """Hypothesis's pytest plugin (installed for guidegen's own tests) imports all of
    Hypothesis in its terminal summary, most of a second of every verify run; nor is anything
    else loaded that a passing run does not use."""
    from tests.site.conftest import copy_project

    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    modules = tmp_path / "modules.txt"
    result = subprocess.run(
        [sys.executable, "-c", MODULES_AT_EXIT, str(modules), "verify", "--root",
         str(project), "--report-dir", str(tmp_path / "report"), "--skip-outcome",
         "--no-plan-claims", "zenkit-azure-scim-provisioning"],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    imported = modules.read_text("utf-8").splitlines()
    assert "pytest_playwright.pytest_playwright" in imported  # the plugins did load
    # Nor pytest's plugins for Python tests (unittest, doctest, the debugger): 50 ms of
    # imports of every run (pdb, readline, unittest), for steps that are not Python tests.
    assert not [m for m in imported if m.split(".")[0] in ("hypothesis", "pdb", "unittest")]
    assert "guidegen.pixels" in imported  # numpy: see tests/unit/test_pixels.py


def test_the_network_watch_asks_for_no_event_it_does_not_use():
    """Playwright sends a browser context's request events only to a listener that asks,
    each across the driver's pipe and into a Python object: "requestfinished" would come for
    every request (157 on the seed guide) and tell nothing "response" did not."""
    asked = []

    class Context:  # what NetworkWatch asks of a browser context
        def on(self, event, handler):
            asked.append(event)

    NetworkWatch(Context())
    assert sorted(asked) == ["request", "requestfailed", "response"]


FIRST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>One</title>
</head><body><main><button onclick="this.textContent = 'Stayed'">Stay</button>
<a href="two.html">Next</a></main></body></html>"""
SECOND_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Two</title>
</head><body><main><button>Stay</button></main></body></html>"""


def test_an_action_waits_for_the_load_of_a_page_only_once_per_page(browser, tmp_path,
                                                                    monkeypatch):
    """Before each action the tab's page must have loaded (a form post's next page runs its
    scripts late). Asked only when the tab has navigated since a wait last saw it loaded:
    most of the seed guide's actions are on a page already loaded, and each wait is a call
    to the driver."""
    (tmp_path / "one.html").write_text(FIRST_PAGE, encoding="utf-8")
    (tmp_path / "two.html").write_text(SECOND_PAGE, encoding="utf-8")
    waits: list[str] = []
    wait = Page.wait_for_load_state

    def counted(self, *args, **kwargs):
        waits.append(self.url.rsplit("/", 1)[-1])
        return wait(self, *args, **kwargs)

    monkeypatch.setattr(Page, "wait_for_load_state", counted)
    context = browser.new_context()
    try:
        state = RunState(base_urls={"p": tmp_path.as_uri()}, variables={}, portal="p")
        performer = Performer(context, state)
        stay = Click(click=Locator(role="button", name="Stay"))
        performer.run(0, GoTo(goto="/one.html"))
        performer.run(1, stay)
        performer.run(2, Click(click=Locator(role="button", name="Stayed")))
        assert waits == ["one.html"]  # the second click's page was seen loaded by the first
        performer.run(3, Click(click=Locator(role="link", name="Next")))
        assert waits == ["one.html"]
        performer.run(4, stay)  # on the next page: waited for
        performer.run(5, stay)
        assert waits == ["one.html", "two.html"]
        assert performer.page.title() == "Two"
    finally:
        context.close()


def test_a_shot_right_after_a_form_post_waits_for_the_page_to_load(tmp_path):
    """The Azure stylesheet comes late on every page: a shot taken right after a click that
    posted a form (the group mapping's OK, then its table) measures and shoots the page
    once it has loaded, not its unstyled layout: no visual drift against the baselines."""
    from .test_verify import verify

    code, data, output = verify(tmp_path, "zenkit-azure-scim-provisioning", "--skip-outcome",
                                "--no-plan-claims", "--fault",
                                "azure:latency:/static/azure.css:300")
    assert code == 0, output
    assert data["passed"] == 17
