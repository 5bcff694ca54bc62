"""Both apps over HTTP: pages, sessions, the SCIM endpoint, plans, faults, bad input, the command."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from portalsim import FaultSpecError, main, start_simulators
from portalsim.faults import Fault
from werkzeug.test import Client

from .conftest import Azure, Zenkit, text_of

AZURE_PAGES = {
    "/": "Azure services",
    "/directory": "Basic information",
    "/directory/users": "+ New user",
    "/directory/users/new": "User principal name",
    "/directory/groups": "Marketing",
    "/directory/provisioning-logs": "No provisioning events yet.",
    "/enterprise-apps": "Zenkit",
    "/enterprise-apps/zenkit": "Enterprise Application",
    "/enterprise-apps/zenkit/users-and-groups": "+ Add user/group",
    "/enterprise-apps/zenkit/users-and-groups/add": "Adele Vance",
    "/enterprise-apps/zenkit/provisioning": "Get started",
    "/enterprise-apps/zenkit/provision-on-demand": "Save the admin credentials",
}
ZENKIT_PAGES = {
    "/settings/overview": "Business",
    "/settings/users": "Megan Bowen",
    "/settings/groups": "No groups yet.",
    "/settings/authentication": "Single sign-on",
    "/settings/provisioning": "Provisioning through SCIM",
    "/settings/permissions": "Who can create workspaces",
}
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


@pytest.mark.parametrize(("path", "text"), AZURE_PAGES.items())
def test_azure_pages(sims, path: str, text: str):
    response = Client(sims.azure).get(path)
    assert response.status_code == 200
    assert text in text_of(response.get_data(as_text=True))


@pytest.mark.parametrize(("path", "text"), ZENKIT_PAGES.items())
def test_zenkit_pages(sims, path: str, text: str):
    response = Client(sims.zenkit).get(path)
    assert response.status_code == 200
    assert text in text_of(response.get_data(as_text=True))


def test_zenkit_root_redirects_to_organization_settings(sims):
    assert Client(sims.zenkit).get("/").headers["Location"] == "/settings/overview"


def test_unknown_pages_are_portal_pages_not_tracebacks(sims):
    assert "This page isn't available" in Client(sims.azure).get("/nowhere").get_data(as_text=True)
    assert "couldn't find" in Client(sims.zenkit).get("/nowhere").get_data(as_text=True)


def test_sessions_are_separate_and_reset(azure: Azure, sims):
    azure.post_provisioning(action="start")
    assert "Provisioning Mode" in azure.client.get("/enterprise-apps/zenkit/provisioning").get_data(
        as_text=True
    )
    other = Client(sims.azure).get("/enterprise-apps/zenkit/provisioning").get_data(as_text=True)
    assert "Get started" in other
    assert azure.client.post("/_sim/reset").status_code == 204
    assert "Get started" in azure.client.get("/enterprise-apps/zenkit/provisioning").get_data(as_text=True)


# The SCIM endpoint behind the Base URL


def scim_get(url: str, token: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_scim_endpoint_answers_azure_probe(zenkit: Zenkit):
    base_url, token = zenkit.enable_scim()
    status, content_type, body = scim_get(f"{base_url}/Users?filter=userName%20eq%20%22x%22", token)
    assert (status, content_type) == (200, "application/scim+json")
    assert LIST_RESPONSE in body and '"totalResults": 0' in body


def test_scim_endpoint_needs_the_current_token(zenkit: Zenkit):
    base_url, token = zenkit.enable_scim()
    assert scim_get(f"{base_url}/Users", "wrong")[0] == 401
    zenkit.client.post("/settings/provisioning", data={"action": "regenerate"})
    new_token = zenkit.state()["token"]
    assert new_token != token
    assert scim_get(f"{base_url}/Users", token)[0] == 401
    assert scim_get(f"{base_url}/Users", new_token)[0] == 200


def test_scim_endpoint_is_closed_until_enabled(zenkit: Zenkit, sims):
    state = zenkit.state()
    assert scim_get(f"{sims.zenkit_url}/scim/{state['org']}/v2/Users", state["token"])[0] == 401
    assert scim_get(f"{sims.zenkit_url}/scim/unknown/v2/Users", state["token"])[0] == 404


def test_bearer_token_is_hidden_until_scim_is_enabled(zenkit: Zenkit):
    page = zenkit.client.get("/settings/provisioning").get_data(as_text=True)
    assert 'id="scim-details" hidden' in page
    zenkit.enable_scim()
    assert 'id="scim-details">' in zenkit.client.get("/settings/provisioning").get_data(as_text=True)


def test_plan_without_scim():
    with start_simulators(zenkit_plan="free", scim_plans=["business", "enterprise"]) as limited:
        zenkit = Zenkit(limited)
        page = text_of(zenkit.client.get("/settings/provisioning").get_data(as_text=True))
        assert "SCIM provisioning is not included in the Free plan." in page
        assert "scim-enabled" not in page
        base_url, token = zenkit.enable_scim()  # the toggle is refused
        assert zenkit.state()["scim_enabled"] is False
        assert scim_get(f"{base_url}/Users", token)[0] == 401


def test_plan_can_change_per_session(zenkit: Zenkit, sims):
    assert zenkit.client.post("/_sim/plan", data={"plan": "enterprise"}).status_code == 204
    assert zenkit.state()["plan"] == "enterprise"
    assert zenkit.client.post("/_sim/plan", data={"plan": "gold"}).status_code == 400


# Faults


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("azure:latency:/x", "a latency fault needs a delay"),
        ("cloud:error:/x", "unknown simulator 'cloud'"),
        ("azure:explode:/x", "unknown fault 'explode'"),
        ("azure:error:x", "expected APP:KIND:/PATH[:N]"),
        ("azure:error:/x:many", "N must be a whole number"),
    ],
)
def test_bad_fault_specs(spec: str, message: str):
    with pytest.raises(FaultSpecError, match=re.escape(message)):
        Fault.parse(spec)


def test_error_fault_answers_500_the_first_n_times():
    with start_simulators(faults=["azure:error:/directory*:2"]) as faulty:
        url = f"{faulty.azure_url}/directory/users"
        for _ in range(2):
            with pytest.raises(urllib.error.HTTPError) as error:
                urllib.request.urlopen(url, timeout=5)
            assert error.value.code == 500
        assert urllib.request.urlopen(url, timeout=5).status == 200


def test_drop_fault_closes_the_connection():
    with start_simulators(faults=["zenkit:drop:/settings/users:1"]) as faulty:
        url = f"{faulty.zenkit_url}/settings/users"
        with pytest.raises((urllib.error.URLError, http.client.HTTPException, ConnectionError)):
            urllib.request.urlopen(url, timeout=5)
        assert urllib.request.urlopen(url, timeout=5).status == 200


def test_expire_fault_shows_sign_in_then_returns():
    with start_simulators(faults=["azure:expire:/enterprise-apps/*:1"]) as faulty:
        client = Client(faulty.azure)
        page = text_of(client.get("/enterprise-apps/zenkit/provisioning").get_data(as_text=True))
        assert "Sign in Your session has expired. Please sign in again to continue." in page
        back = client.post("/_sim/signin", data={"next": "/enterprise-apps/zenkit/provisioning"})
        assert back.headers["Location"] == "/enterprise-apps/zenkit/provisioning"
        assert "Get started" in client.get(back.headers["Location"]).get_data(as_text=True)
        assert client.post("/_sim/signin", data={"next": "//evil.example"}).headers["Location"] == "/"


# Bad input gets the portal's own messages


def test_static_files_are_kept_by_the_browser_unless_a_fault_names_them(sims):
    """As the portals' CDNs serve them, a page's script and stylesheet are kept, so the next
    page loads without fetching them again. Pages never are, nor a static file a fault names:
    its latency then hits every page, not only the first."""
    client = Client(sims.azure)
    script = client.get("/static/azure.js")
    assert script.headers["Cache-Control"] == "public, max-age=3600"
    again = client.get("/static/azure.js", headers={"If-None-Match": script.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Cache-Control"] == "public, max-age=3600"
    assert client.get("/directory").headers["Cache-Control"] == "no-store"
    assert client.get("/static/missing.js").headers["Cache-Control"] == "no-store"
    with start_simulators(faults=["azure:latency:/static/azure.js:1"]) as faulty:
        client = Client(faulty.azure)
        script = client.get("/static/azure.js")
        assert script.headers["Cache-Control"] == "no-store" and "Expires" not in script.headers
        assert client.get("/static/azure.css").headers["Cache-Control"] == "public, max-age=3600"


def test_new_user_validation(azure: Azure):
    page = text_of(
        azure.client.post("/directory/users/new", data={"upn": "not an email", "mail": "x"}).get_data(
            as_text=True
        )
    )
    assert "The user principal name must look like name@domain" in page
    assert "Display name The value must not be empty." in page
    assert "Please enter a valid email address." in page
    duplicate = azure.client.post(
        "/directory/users/new", data={"upn": "AdeleV@contoso.onmicrosoft.com", "display_name": "Adele"}
    )
    assert (
        "Another object with the same value for property userPrincipalName already exists."
        in duplicate.get_data(as_text=True)
    )


def test_save_validates_settings(azure: Azure, zenkit: Zenkit):
    azure.post_provisioning(action="start")
    page = text_of(
        azure.post_provisioning(
            action="save",
            mode="Automatic",
            tenant_url="nope",
            secret_token="",
            settings="1",
            notification_email="bad",
            notify_on_failure="on",
        )
    )
    assert "Failed to save provisioning settings" in page
    assert "The value must be a valid URL" in page
    assert "Secret Token The value must not be empty." in page
    assert "Please enter a valid email address." in page
    assert azure.state()["saved_once"] is False


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"mapping_type": "Direct", "source": "favouriteColour", "target": "title"},
            "'favouriteColour' is not an attribute of the source object.",
        ),
        (
            {"mapping_type": "Expression", "source": 'Join(" ", [givenName], [nickname])', "target": "title"},
            "'nickname' is not an attribute of the source object.",
        ),
        (
            {"mapping_type": "Expression", "source": "Frobnicate([mail])", "target": "title"},
            "The function 'Frobnicate' is not supported.",
        ),
        (
            {"mapping_type": "Expression", "source": 'Join(" ", [mail]', "target": "title"},
            "The expression is missing a closing ')'.",
        ),
        ({"mapping_type": "Constant", "source": "", "target": "title"}, "The value must not be empty."),
        (
            {"mapping_type": "Direct", "source": "mail", "target": "displayName"},
            "The target attribute 'displayName' is already mapped.",
        ),
        (
            {
                "mapping_type": "Direct",
                "source": "mail",
                "target": "title",
                "match": "Yes",
                "precedence": "1",
            },
            "Matching precedence 1 is already used by 'userName'.",
        ),
        (
            {
                "mapping_type": "Direct",
                "source": "mail",
                "target": "title",
                "match": "Yes",
                "precedence": "first",
            },
            "The matching precedence must be a whole number of 1 or more.",
        ),
    ],
)
def test_edit_attribute_validation(azure: Azure, zenkit: Zenkit, fields: dict, message: str):
    azure.configure(*zenkit.enable_scim())
    page = text_of(
        azure.mapping("users", action="ok", id="4", **{"apply": "Always", "match": "No", **fields})
    )
    assert message in page
    assert "Edit Attribute" in page  # the pane stays open


def test_required_attribute_cannot_be_deleted(azure: Azure, zenkit: Zenkit):
    azure.configure(*zenkit.enable_scim())
    azure.mapping("users", action="delete:1")
    azure.mapping("users", action="save")
    assert azure.state()["mappings"]["users"][0]["target"] == "userName"


def test_saving_without_a_matching_attribute_is_refused(azure: Azure, zenkit: Zenkit):
    azure.configure(*zenkit.enable_scim())
    azure.mapping(
        "groups",
        action="ok",
        id="1",
        mapping_type="Direct",
        source="displayName",
        target="displayName",
        match="No",
        apply="Always",
    )
    page = text_of(azure.mapping("groups", action="save"))
    assert "At least one attribute must be used for matching objects." in page


def test_garbage_posts_never_fail(azure: Azure, sims):
    for path, data in [
        ("/enterprise-apps/zenkit/provisioning", {"action": "bogus", "mode": "Sideways"}),
        ("/enterprise-apps/zenkit/provisioning/mappings/users", {"action": "delete:abc"}),
        ("/enterprise-apps/zenkit/users-and-groups/add", {"assign": "nobody"}),
        ("/enterprise-apps/zenkit/provision-on-demand", {"user": "ghost@contoso.com"}),
    ]:
        assert azure.client.post(path, data=data).status_code in (200, 303)
    assert Client(sims.zenkit).post("/settings/provisioning", data={"action": "?"}).status_code == 303


# Starting them


def test_main_rejects_bad_options(capsys):
    assert main(["--fault", "azure:latency:/x"]) == 2
    assert "a latency fault needs a delay" in capsys.readouterr().err


def test_python_m_portalsim_prints_both_urls():
    process = subprocess.Popen(
        [sys.executable, "-m", "portalsim", "--azure-ui", "2023"], stdout=subprocess.PIPE, text=True
    )
    try:
        lines = [process.stdout.readline() for _ in range(2)]
        azure_url = lines[0].split(": ", 1)[1].strip()
        zenkit_url = lines[1].split(": ", 1)[1].strip()
        assert lines[0].startswith("Azure portal simulator (2023): http://127.0.0.1:")
        assert "Microsoft Entra admin center" in urllib.request.urlopen(azure_url, timeout=5).read().decode()
        assert zenkit_url.endswith("/settings/provisioning")
        assert urllib.request.urlopen(zenkit_url, timeout=5).status == 200
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
