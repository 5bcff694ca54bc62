"""Which plans get SCIM: by default Zenkit's published rule (organizations, and with them
SCIM, on Business and Enterprise), so a guide that claims Free or Plus fails its claim."""

from __future__ import annotations

import pytest
from portalsim import start_simulators
from portalsim.server import build_parser

from tests.sim.conftest import Zenkit, text_of
from tests.sim.test_http import scim_get


@pytest.fixture(scope="module")
def shipped():
    """The simulators as `guidegen verify` and `guidegen sim` start them: no plan list given."""
    with start_simulators() as sims:
        yield sims


@pytest.mark.parametrize(("plan", "name"), [("free", "Free"), ("plus", "Plus")])
def test_by_default_an_organization_on_free_or_plus_has_no_scim(shipped, plan, name):
    zenkit = Zenkit(shipped)
    assert zenkit.client.post("/_sim/plan", data={"plan": plan}).status_code == 204
    page = text_of(zenkit.client.get("/settings/provisioning").get_data(as_text=True))
    assert f"SCIM provisioning is not included in the {name} plan." in page
    assert "Bearer Token" not in page
    base_url, token = zenkit.enable_scim()  # the toggle is refused
    assert zenkit.state()["scim_enabled"] is False
    assert scim_get(f"{base_url}/Users", token)[0] == 401


@pytest.mark.parametrize("plan", ["business", "enterprise"])
def test_by_default_business_and_enterprise_have_scim(shipped, plan):
    zenkit = Zenkit(shipped)
    assert zenkit.client.post("/_sim/plan", data={"plan": plan}).status_code == 204
    base_url, token = zenkit.enable_scim()
    assert zenkit.state()["scim_enabled"] is True
    assert scim_get(f"{base_url}/Users", token)[0] == 200


def test_the_rule_stays_configurable():
    with start_simulators(zenkit_plan="free", scim_plans=["free"]) as sims:
        zenkit = Zenkit(sims)
        base_url, token = zenkit.enable_scim()
        assert scim_get(f"{base_url}/Users", token)[0] == 200
    assert build_parser().parse_args([]).scim_plans == "business,enterprise"
