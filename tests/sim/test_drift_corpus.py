"""The drift corpus (portalsim.drift): every scenario's patch is on when switched on and off
otherwise, every expectation names a real guide and step, and the corpus covers every kind."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from portalsim import Fault, FaultSpecError, Simulators, drift, main, start_simulators
from werkzeug.test import Client

from guidegen.load import load_catalog
from guidegen.project import Layout
from guidegen.verify import findings

from .conftest import Azure, Zenkit

ROOT = Path(__file__).resolve().parents[2]
PROVISIONING = "/enterprise-apps/zenkit/provisioning"


# The corpus as data


def test_the_corpus_is_large_and_covers_every_kind():
    assert len(drift.SCENARIOS) >= 20
    assert {s.kind for s in drift.SCENARIOS} == set(drift.KINDS)
    assert len(drift.BY_NAME) == len(drift.SCENARIOS) + len(drift.HOSTILE)
    for scenario in drift.SCENARIOS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", scenario.name), scenario.name
        assert "\n" not in scenario.description
    # Most are unlike the built-in UI versions (--azure-ui 2023/new-config, --azure-style fluent2),
    # and renames happen on both portals.
    renames = [s.name.split("-")[0] for s in drift.SCENARIOS if s.kind == "rename"]
    assert {"azure", "zenkit"} <= set(renames)


def test_verdicts_are_the_engines_finding_kinds():
    assert set(drift.VERDICTS) == {findings.STRUCTURE, findings.VISUAL, findings.OUTCOME,
                                   findings.ERROR, "pass"}


def test_every_expectation_names_a_guide_and_one_of_its_steps():
    catalog = load_catalog(Layout(ROOT).steps, ROOT)
    guides = {g.id: g for g in catalog.guides}
    for scenario in drift.SCENARIOS:
        expected = scenario.expected
        if expected.verdict == drift.PASS:
            assert expected.guide is None and expected.step is None, scenario.name
            continue
        guide = guides[expected.guide]
        steps = {s.id for s in guide.all_steps()}
        outcome = {s.id for s in guide.outcome}
        assert expected.step in steps | outcome, scenario.name
        # Only an outcome step reports an outcome failure; a fault there is still an error.
        if expected.verdict == drift.OUTCOME:
            assert expected.step in outcome, scenario.name
        if expected.step in outcome:
            assert expected.verdict in (drift.OUTCOME, drift.ERROR), scenario.name
        if scenario.kind in ("slow", "fault"):
            assert expected.verdict == drift.ERROR, scenario.name


def test_unknown_scenarios_are_refused_with_the_closest_name():
    with pytest.raises(ValueError, match="did you mean 'azure-test-connection-case'"):
        start_simulators(drift=["azure-test-conection-case"])
    with pytest.raises(KeyError):  # a patch asking for a scenario that does not exist
        drift.Active()("azure-typo")


def test_list_drift_prints_every_scenario_and_its_verdict():
    out = subprocess.run([sys.executable, "-m", "portalsim", "--list-drift"], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    for scenario in drift.SCENARIOS:
        line = next(line for line in out.splitlines() if line.startswith(scenario.name + " "))
        assert scenario.kind in line and scenario.description in line
    assert "expected: structure drift at zenkit-azure-scim-provisioning/enter-credentials" in out
    assert "expected: error at zenkit-azure-scim-provisioning/save-credentials" in out
    assert "expected: pass" in out


def test_a_fault_can_be_narrowed_to_a_method():
    """What the corpus's faults on form posts and fetches rely on: the page itself loads."""
    with start_simulators(faults=["zenkit:error:POST /settings/provisioning"]) as faulty:
        assert _status(f"{faulty.zenkit_url}/settings/provisioning") == 200
        assert _status(f"{faulty.zenkit_url}/settings/provisioning", b"action=toggle") == 500
    with pytest.raises(FaultSpecError, match="unknown method 'FETCH'"):
        Fault.parse("azure:error:FETCH /x")


def test_main_refuses_an_unknown_scenario(capsys):
    assert main(["--drift", "zenkit-token-mask"]) == 2
    assert "did you mean 'zenkit-token-masked'" in capsys.readouterr().err


# Each patch: visible with its scenario, absent without it. A probe answers "is the change
# there?" for simulators started with or without the scenario.


def _started(sims: Simulators) -> str:
    azure = Azure(sims)
    return azure.post_provisioning(action="start")


def _saved(sims: Simulators) -> Azure:
    """An Azure session whose provisioning is saved with working Zenkit credentials."""
    base_url, token = Zenkit(sims).enable_scim()
    azure = Azure(sims)
    azure.configure(base_url, token)
    return azure


def _zenkit_page(sims: Simulators, path: str = "/settings/provisioning", scim: bool = True) -> str:
    zenkit = Zenkit(sims)
    if scim:
        zenkit.enable_scim()
    return zenkit.client.get(path).get_data(as_text=True)


def _status(url: str, data: bytes | None = None) -> int | str:
    """The HTTP status of a real request, or 'dropped' when the connection closed unanswered."""
    try:
        with urllib.request.urlopen(url, data=data, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError):
        return "dropped"


def _mapping_row_id(azure: Azure, key: str, source: str) -> str:
    page = azure.client.get(f"{PROVISIONING}/mappings/{key}").get_data(as_text=True)
    return re.search(rf'href="\?edit=(\d+)">{re.escape(source)}<', page).group(1)


def _scim_create(sims: Simulators, user: dict) -> int:
    zenkit = Zenkit(sims)
    base_url, token = zenkit.enable_scim()
    path = base_url.removeprefix(sims.zenkit_url) + "/Users"
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], **user}
    return zenkit.client.post(path, json=body, headers={"Authorization": f"Bearer {token}"}).status_code


def _precedence_prefilled(sims: Simulators) -> bool:
    azure = _saved(sims)
    row = _mapping_row_id(azure, "groups", "objectId")
    pane = azure.client.get(f"{PROVISIONING}/mappings/groups?edit={row}").get_data(as_text=True)
    return "data-next=" in pane


def _mapping_save_kept(sims: Simulators) -> bool:
    azure = _saved(sims)
    row = _mapping_row_id(azure, "users", "jobTitle")
    azure.mapping("users", action=f"delete:{row}")
    azure.mapping("users", action="save")
    return "title" not in [a["target"] for a in azure.state()["mappings"]["users"]]


def _provisioned_user_listed(sims: Simulators) -> bool:
    zenkit = Zenkit(sims)
    base_url, token = zenkit.enable_scim()
    zenkit.client.post(base_url.removeprefix(sims.zenkit_url) + "/Users",
                       json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                             "userName": "pat.lee@contoso.com",
                             "name": {"givenName": "Pat", "familyName": "Lee"}},
                       headers={"Authorization": f"Bearer {token}"})
    return "pat.lee@contoso.com" in zenkit.client.get("/settings/users").get_data(as_text=True)


def _manage_page(sims: Simulators) -> bool:
    """The app's menu links to a Manage page, which lists Provisioning, and not to Provisioning."""
    client = Client(sims.azure)
    overview = client.get("/enterprise-apps/zenkit").get_data(as_text=True)
    manage = client.get("/enterprise-apps/zenkit/manage").get_data(as_text=True)
    listed = re.search(r'<ul class="link-list" aria-label="Manage">.*?</ul>', manage, re.S)
    return (f'href="{PROVISIONING}"' not in overview and listed is not None
            and f'<a href="{PROVISIONING}">Provisioning</a>' in listed.group(0))


def _slow(sims: Simulators, app: str, path: str) -> bool:
    """A page slower than the default step timeout (10 s), configured: not waited for here."""
    faults = sims.azure.faults if app == "azure" else sims.zenkit.faults
    return any(f.kind == "latency" and f.ms > 10_000 and f.fires(path, "GET") for f in faults)


PROBES: dict[str, Callable[[Simulators], bool]] = {
    # Renames
    "azure-test-connection-case": lambda s: ">Test connection</button>" in _started(s),
    "azure-secret-token-suffix": lambda s: ">Secret Token (Bearer)</label>" in _started(s),
    "azure-save-apply": lambda s: "Apply</button>" in _started(s),
    "azure-get-started-start": lambda s: ">Start</button>" in Client(s.azure).get(PROVISIONING).get_data(
        as_text=True),
    "azure-provisioning-status-case": lambda s: ">Provisioning status</span>" in _saved(s).client.get(
        PROVISIONING).get_data(as_text=True),
    "azure-delete-remove": lambda s: ">Remove</button>" in _saved(s).mapping("users"),
    "zenkit-bearer-token-case": lambda s: '>Bearer token</label>' in _zenkit_page(s),
    "zenkit-bearer-token-api-token": lambda s: ">API token</label>" in _zenkit_page(s),
    "zenkit-regenerate-rotate": lambda s: ">Rotate token</button>" in _zenkit_page(s),
    # Hostile text (test-only, outside the corpus): the markup is text on the page
    "azure-save-markup": lambda s: "Save &lt;img src=x onerror=" in _started(s),
    "zenkit-heading-user-provisioning": lambda s: "<h1>User provisioning</h1>" in _zenkit_page(s),
    # Moves
    "azure-app-menu-manage-expander": lambda s: '<ul id="app-menu-manage-links" hidden>' in Client(
        s.azure).get("/enterprise-apps/zenkit").get_data(as_text=True),
    "azure-app-menu-manage-page": lambda s: _manage_page(s),
    "azure-directory-applications-expander": lambda s: ">Applications</button>" in Client(s.azure).get(
        "/directory").get_data(as_text=True),
    "zenkit-scim-tab": lambda s: 'id="panel-scim" aria-labelledby="tab-scim" hidden' in _zenkit_page(s),
    # Dialogs and inserted pages
    "azure-save-confirm-dialog": lambda s: '<dialog id="confirm-save"' in _started(s),
    "azure-mapping-whats-new": lambda s: "What&#39;s new" in _saved(s).mapping("groups"),
    "zenkit-regenerate-confirm": lambda s: 'data-opens="confirm-regenerate"' in _zenkit_page(s),
    # Defaults removed
    "azure-precedence-not-prefilled": lambda s: not _precedence_prefilled(s),
    "zenkit-token-masked": lambda s: 'value="••••••••"' in _zenkit_page(s),
    "azure-mode-placeholder": lambda s: '<option value="" disabled selected>Select a mode</option>'
    in _started(s),
    # Semantic breaks
    "zenkit-token-with-scheme": lambda s: 'value="Bearer zk_' in _zenkit_page(s),
    "zenkit-base-url-wrong-path": lambda s: re.search(r'value="https://zenkit\.sim/scim/v2/\w+"',
                                                       _zenkit_page(s)) is not None,
    "zenkit-scim-requires-name": lambda s: _scim_create(s, {"userName": "pat.lee@contoso.com"}) == 400,
    "azure-mapping-save-dropped": lambda s: not _mapping_save_kept(s),
    "zenkit-users-active-only": lambda s: not _provisioned_user_listed(s),
    # Benign
    "azure-portal-menu-link": lambda s: Client(s.azure).get("/cost-management").status_code == 200,
    "azure-home-tiles": lambda s: "Cost Management" in Client(s.azure).get("/").get_data(as_text=True),
    "zenkit-nav-integrations": lambda s: Client(s.zenkit).get("/settings/integrations").status_code == 200,
    # Slow pages
    "azure-slow-provisioning-blade": lambda s: _slow(s, "azure", PROVISIONING),
    "azure-slow-mapping-page": lambda s: _slow(s, "azure", f"{PROVISIONING}/mappings/groups"),
    # Faults
    "azure-500-on-goto": lambda s: _status(f"{s.azure_url}/") == 500,
    "azure-500-on-save": lambda s: Azure(s).client.post(PROVISIONING, data={"action": "save"}).status_code
    == 500,
    "zenkit-500-on-switch": lambda s: _status(f"{s.zenkit_url}/settings/provisioning", b"action=toggle")
    == 500,
    "azure-drop-mapping-page": lambda s: _status(f"{s.azure_url}{PROVISIONING}/mappings/groups")
    == "dropped",
    "azure-session-expired": lambda s: "Your session has expired" in Client(s.azure).get(
        PROVISIONING).get_data(as_text=True),
    "zenkit-scim-500-test-connection": lambda s: _status(f"{s.zenkit_url}/scim/x/v2/Users") == 500,
    "zenkit-scim-500-on-create": lambda s: _scim_create(
        s, {"userName": "pat.lee@contoso.com", "name": {"givenName": "Pat", "familyName": "Lee"}}) == 500,
}


def test_every_scenario_has_a_probe():
    assert set(PROBES) == set(drift.BY_NAME)


@pytest.mark.parametrize("name", list(PROBES))
def test_the_patch_is_on_only_when_switched_on(name: str, sims: Simulators):
    probe = PROBES[name]
    assert not probe(sims), f"{name}: the default simulators already show the change"
    with start_simulators(drift=[name]) as drifted:
        assert probe(drifted), f"{name}: the change is not there"


def test_the_other_semantic_breaks_hold_end_to_end():
    """What the semantic scenarios promise downstream of the patch: Test Connection fails
    with the token or Base URL Zenkit shows, and a user without names is not provisioned."""
    for name in ("zenkit-token-with-scheme", "zenkit-base-url-wrong-path"):
        with start_simulators(drift=[name], zenkit_public_url=None) as drifted:
            zenkit = Zenkit(drifted)
            zenkit.enable_scim()
            page = zenkit.client.get("/settings/provisioning").get_data(as_text=True)
            base_url = re.search(r'id="base-url" type="text" value="([^"]+)"', page).group(1)
            token = re.search(r'id="bearer-token" type="text" value="([^"]+)"', page).group(1)
            result = Azure(drifted).test_connection(base_url, token)
            assert "You appear to have entered invalid credentials" in result, name
    with start_simulators(drift=["zenkit-scim-requires-name"]) as drifted:
        assert _scim_create(drifted, {"userName": "a@contoso.com",
                                      "name": {"givenName": "A", "familyName": "B"}}) == 201


# The patches that only JavaScript brings to life, in Chromium: moved controls reachable
# through their new parents, the confirmations, the masked token.


@pytest.mark.browser
def test_moved_and_hidden_controls_are_reachable_in_the_browser(page: Page):
    with start_simulators(drift=["azure-directory-applications-expander",
                                 "azure-app-menu-manage-expander", "azure-save-confirm-dialog",
                                 "zenkit-scim-tab", "zenkit-token-masked",
                                 "zenkit-regenerate-confirm"]) as sims:
        page.goto(f"{sims.zenkit_url}/settings/provisioning")
        expect(page.get_by_role("switch", name="Enabled")).to_be_hidden()
        page.get_by_role("tab", name="SCIM").click()
        page.get_by_role("switch", name="Enabled").check()
        token = page.get_by_label("Bearer Token")
        expect(token).to_have_value("••••••••")
        page.get_by_role("button", name="Show").click()
        expect(token).to_have_value(re.compile(r"^zk_"))
        old = token.input_value()
        page.get_by_role("button", name="Regenerate token").click()
        page.get_by_role("dialog", name="Regenerate the token?").get_by_role(
            "button", name="Regenerate").click()
        page.get_by_role("tab", name="SCIM").click()
        page.get_by_role("button", name="Show").click()
        expect(token).not_to_have_value(re.compile(f"^({re.escape(old)}|••••••••)$"))

        page.goto(f"{sims.azure_url}/directory")
        expect(page.get_by_role("link", name="Enterprise applications")).to_be_hidden()
        page.get_by_role("button", name="Applications").click()
        page.get_by_role("link", name="Enterprise applications").click()
        page.get_by_role("link", name="Zenkit", exact=True).click()
        expect(page.get_by_role("link", name="Provisioning", exact=True)).to_be_hidden()
        page.get_by_role("button", name="Manage").click()
        page.get_by_role("link", name="Provisioning", exact=True).click()
        page.get_by_role("button", name="Get started").click()
        page.get_by_role("button", name="Save", exact=True).click()
        dialog = page.get_by_role("dialog", name="Save changes?")
        dialog.get_by_role("button", name="Yes").click()
        expect(page.get_by_role("status")).to_contain_text("Saved provisioning settings")
