"""Real Chromium through both portals, by role and accessible name, as the guide's steps will."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from portalsim import Simulators, start_simulators
from portalsim.azure.connection import SUCCESS

pytestmark = pytest.mark.browser
ADELE = "Adele Vance"
ADELE_MAIL = "adele.vance@contoso.com"


def zenkit_credentials(context: BrowserContext, sims: Simulators) -> tuple[str, str]:
    """Enable SCIM in Zenkit's page and read the Base URL and Bearer Token off it."""
    zk = context.new_page()
    zk.goto(f"{sims.zenkit_url}/settings/provisioning")
    scim = zk.get_by_role("region", name="Provisioning through SCIM")
    scim.get_by_role("switch", name="Enabled").check()
    expect(scim.get_by_role("textbox", name="Base URL")).to_be_visible()
    credentials = (
        scim.get_by_role("textbox", name="Base URL").input_value(),
        scim.get_by_role("textbox", name="Bearer Token").input_value(),
    )
    zk.close()
    return credentials


def open_provisioning_2020(page: Page, sims: Simulators) -> None:
    page.goto(f"{sims.azure_url}/")
    page.get_by_role("link", name="Azure Active Directory", exact=True).click()
    page.get_by_role("link", name="Enterprise applications", exact=True).click()
    page.get_by_role("link", name="Zenkit", exact=True).click()
    page.get_by_role("link", name="Provisioning", exact=True).click()


def enter_credentials(page: Page, base_url: str, token: str) -> None:
    page.get_by_role("combobox", name="Provisioning Mode").select_option("Automatic")
    credentials = page.get_by_role("region", name="Admin Credentials")
    credentials.get_by_role("textbox", name="Tenant URL").fill(base_url)
    credentials.get_by_label("Secret Token").fill(token)
    credentials.get_by_role("button", name="Test Connection").click()


def edit_attribute(page: Page, source: str, **choices: str) -> None:
    page.get_by_role("link", name=source, exact=True).click()
    pane = page.get_by_role("dialog", name="Edit Attribute")
    for label, value in choices.items():
        field = pane.get_by_label(label, exact=True)
        if label == "Matching precedence":
            field.fill(value)
        else:
            field.select_option(value)
    pane.get_by_role("button", name="OK").click()


def save_and_confirm(page: Page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("dialog", name="Save changes?").get_by_role("button", name="Yes").click()
    expect(page.get_by_role("status").filter(has_text="Saved attribute mappings")).to_be_visible()


def test_seed_guide_end_to_end(context: BrowserContext, page: Page, sims: Simulators):
    base_url, token = zenkit_credentials(context, sims)
    open_provisioning_2020(page, sims)
    page.get_by_role("button", name="Get started").click()
    enter_credentials(page, base_url, token)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Testing connection to Zenkit")
    expect(alert).to_contain_text(SUCCESS)
    settings = page.get_by_role("region", name="Settings")
    settings.get_by_role("textbox", name="Notification Email").fill("admin@contoso.com")
    settings.get_by_role("checkbox", name="Send an email notification when a failure occurs").check()
    page.get_by_role("button", name="Save", exact=True).click()

    # Groups: match on objectId first, not displayName.
    page.get_by_role("button", name="Mappings").click()
    page.get_by_role("region", name="Mappings").get_by_role(
        "link", name="Provision Azure Active Directory Groups"
    ).click()
    expect(page.get_by_role("heading", name="Attribute Mapping")).to_be_visible()
    page.get_by_role("link", name="objectId", exact=True).click()
    pane = page.get_by_role("dialog", name="Edit Attribute")
    pane.get_by_label("Match objects using this attribute").select_option("Yes")
    expect(pane.get_by_label("Matching precedence")).to_have_value("2")
    pane.get_by_role("button", name="OK").click()
    edit_attribute(page, "displayName", **{"Match objects using this attribute": "No"})
    edit_attribute(page, "objectId", **{"Matching precedence": "1"})
    expect(page.get_by_role("row", name=re.compile(r"^externalId objectId 1"))).to_be_visible()
    save_and_confirm(page)
    page.get_by_role("button", name="Close").click()

    # Users: userName from mail, and only four mappings left. The blade remembers that
    # Mappings was expanded, as the portal does.
    expect(page.get_by_role("button", name="Mappings")).to_have_attribute("aria-expanded", "true")
    page.get_by_role("link", name="Provision Azure Active Directory Users").click()
    page.get_by_role("row", name='emails[type eq "work"].value mail').get_by_role(
        "button", name="Delete"
    ).click()
    edit_attribute(page, "userPrincipalName", **{"Source attribute": "mail"})
    keep = {"userName", "active", "displayName", "preferredLanguage"}
    targets = page.locator("table[aria-label='Attribute Mappings'] tbody tr td:first-child").all_inner_texts()
    for target in [t for t in targets if t not in keep]:
        row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=target, exact=True))
        row.get_by_role("button", name="Delete").click()
    expect(page.locator("table[aria-label='Attribute Mappings'] tbody tr")).to_have_count(4)
    expect(
        page.get_by_role("link", name='Switch([IsSoftDeleted], , "False", "True", "True", "False")')
    ).to_be_visible()
    save_and_confirm(page)
    page.get_by_role("button", name="Close").click()

    page.get_by_role("radiogroup", name="Provisioning Status").get_by_role("radio", name="On").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved provisioning settings")).to_be_visible()

    # A user assigned to the app is provisioned on demand and shows up in Zenkit.
    page.get_by_role("link", name="Users and groups", exact=True).click()
    page.get_by_role("button", name="+ Add user/group").click()
    page.get_by_label(ADELE).check()
    page.get_by_role("button", name="Assign").click()
    page.get_by_role("link", name="Provisioning", exact=True).click()
    page.get_by_role("link", name="Provision on demand").click()
    page.get_by_label("Selected user").select_option("AdeleV@contoso.onmicrosoft.com")
    page.get_by_role("button", name="Provision").click()
    expect(page.get_by_role("region", name="Results")).to_contain_text("Success Create")

    page.goto(f"{sims.zenkit_url}/settings/users")
    expect(
        page.get_by_role("row", name=re.compile(f"{ADELE}.*{ADELE_MAIL}.*Member.*Provisioned"))
    ).to_be_visible()


def test_provisioning_page_controls(page: Page, sims: Simulators):
    """The locator contract of the provisioning blade before and after the first save."""
    open_provisioning_2020(page, sims)
    page.get_by_role("button", name="Get started").click()
    mode = page.get_by_role("combobox", name="Provisioning Mode")
    expect(mode).to_have_value("Manual")
    expect(page.get_by_role("region", name="Admin Credentials")).to_be_hidden()
    mode.select_option("Automatic")
    credentials = page.get_by_role("region", name="Admin Credentials")
    settings = page.get_by_role("region", name="Settings")
    for control in [
        credentials.get_by_role("textbox", name="Tenant URL"),
        credentials.locator("input[type=password]#secret-token"),
        credentials.get_by_role("button", name="Test Connection"),
        settings.get_by_role("textbox", name="Notification Email"),
        settings.get_by_role("checkbox", name="Send an email notification when a failure occurs"),
        settings.get_by_role("checkbox", name="Prevent accidental deletion"),
        settings.get_by_role("combobox", name="Scope"),
        page.get_by_role("button", name="Save", exact=True),
        page.get_by_role("button", name="Discard"),
    ]:
        expect(control).to_be_visible()
    expect(page.get_by_role("button", name="Mappings")).to_have_count(0)
    settings.get_by_role("combobox", name="Scope").select_option("Sync all users and groups")

    page.get_by_role("button", name="Save", exact=True).click()  # invalid: empty credentials
    expect(page.get_by_role("alert")).to_contain_text("Failed to save provisioning settings")
    expect(credentials.get_by_role("textbox", name="Tenant URL")).to_have_attribute("aria-invalid", "true")
    credentials.get_by_role("textbox", name="Tenant URL").fill("https://zenkit.example/scim")
    credentials.get_by_label("Secret Token").fill("token")
    page.get_by_role("button", name="Save", exact=True).click()

    expander = page.get_by_role("button", name="Mappings")
    expect(expander).to_have_attribute("aria-expanded", "false")
    expander.click()
    expect(expander).to_have_attribute("aria-expanded", "true")
    mappings = page.get_by_role("region", name="Mappings")
    expect(mappings.get_by_role("columnheader")).to_have_text(["Name", "Enabled"])
    expect(mappings.get_by_role("link")).to_have_text(
        ["Provision Azure Active Directory Groups", "Provision Azure Active Directory Users"]
    )
    expect(mappings.get_by_role("checkbox", name="Restore default mappings")).to_be_visible()
    status = page.get_by_role("radiogroup", name="Provisioning Status")
    expect(status.get_by_role("radio", name="Off")).to_be_checked()
    expect(page.get_by_role("combobox", name="Scope")).to_have_value("Sync all users and groups")


def test_attribute_mapping_page_controls(page: Page, context: BrowserContext, sims: Simulators):
    page.request.post(f"{sims.azure_url}/enterprise-apps/zenkit/provisioning", form={"action": "start"})
    page.request.post(
        f"{sims.azure_url}/enterprise-apps/zenkit/provisioning",
        form={
            "action": "save",
            "mode": "Automatic",
            "tenant_url": "https://z.example/scim",
            "secret_token": "t",
        },
    )
    page.goto(f"{sims.azure_url}/enterprise-apps/zenkit/provisioning/mappings/users")
    expect(page.get_by_role("columnheader")).to_have_text(
        ["customappsso Attribute", "Azure Active Directory Attribute", "Matching precedence", "Actions"]
    )
    expect(
        page.get_by_role("row", name=re.compile(r"^userName userPrincipalName 1")).get_by_role(
            "button", name="Delete"
        )
    ).to_be_disabled()
    for name in ("Name", "Source Object Scope"):
        expect(page.get_by_role("textbox", name=name)).to_be_visible()
    expect(page.get_by_role("radiogroup", name="Enabled")).to_be_visible()
    for action in ("Create", "Update", "Delete"):
        expect(page.get_by_role("checkbox", name=action, exact=True)).to_be_checked()
    page.get_by_role("checkbox", name="Show advanced options").check()
    expect(page.get_by_role("link", name="Edit attribute list for customappsso")).to_be_visible()

    page.get_by_role("button", name="Add New Mapping").click()
    pane = page.get_by_role("dialog", name="Edit Attribute")
    pane.get_by_label("Mapping type").select_option("Constant")
    pane.get_by_label("Constant Value").fill("Contoso")
    pane.get_by_label("Target attribute").select_option("nickName")
    pane.get_by_label("Apply this mapping").select_option("Only during object creation")
    expect(pane.get_by_label("Default value if null (optional)")).to_be_editable()
    pane.get_by_role("button", name="OK").click()
    expect(page.get_by_role("row", name="nickName Contoso")).to_be_visible()

    page.get_by_role("link", name='Join(" ", [givenName], [surname])').click()
    pane.get_by_label("Source attribute").fill('Join(" ", [givenName], [shoeSize])')
    pane.get_by_role("button", name="OK").click()
    expect(pane.get_by_text("'shoeSize' is not an attribute of the source object.")).to_be_visible()

    page.goto(f"{sims.azure_url}/enterprise-apps/zenkit/provisioning/mappings/users")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("dialog", name="Save changes?").get_by_role("button", name="No").click()
    expect(page.get_by_role("dialog", name="Save changes?")).to_be_hidden()
    page.get_by_role("button", name="Discard").click()
    expect(page.get_by_role("row", name="nickName Contoso")).to_have_count(0)


def test_failed_test_connection_notification(context: BrowserContext, page: Page, sims: Simulators):
    base_url, _ = zenkit_credentials(context, sims)
    open_provisioning_2020(page, sims)
    page.get_by_role("button", name="Get started").click()
    enter_credentials(page, base_url, "wrong-token")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You appear to have entered invalid credentials.")
    expect(alert).to_contain_text(
        "Error code: SystemForCrossDomainIdentityManagementCredentialValidationUnavailable"
    )
    expect(alert).to_contain_text(
        "Details: We received this unexpected response from your application: "
        "An HTTP/401 Unauthorized response"
    )
    expect(page.get_by_role("textbox", name="Tenant URL")).to_have_value(base_url)


def test_zenkit_copy_and_regenerate(context: BrowserContext, page: Page, sims: Simulators):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{sims.zenkit_url}/")
    page.get_by_role("link", name="Provisioning", exact=True).click()
    expect(page.get_by_role("heading", name="Provisioning", exact=True)).to_be_visible()
    expect(page.get_by_role("switch", name="Manual provisioning")).to_be_checked()
    scim = page.get_by_role("region", name="Provisioning through SCIM")
    expect(scim.get_by_role("textbox", name="Bearer Token")).to_be_hidden()
    scim.get_by_role("switch", name="Enabled").check()
    token = scim.get_by_role("textbox", name="Bearer Token")
    expect(token).to_have_attribute("readonly", "")
    first = token.input_value()
    scim.get_by_role("button", name="Copy Bearer Token").click()
    expect(page.get_by_role("status")).to_have_text("Copied to clipboard")
    assert page.evaluate("navigator.clipboard.readText()") == first
    scim.get_by_role("button", name="Regenerate token").click()
    expect(token).not_to_have_value(first)
    page.reload()
    expect(page.get_by_role("switch", name="Enabled")).to_be_checked()


@pytest.fixture(scope="module")
def entra() -> Iterator[Simulators]:
    with start_simulators(azure_ui="2023") as running:
        yield running


def test_entra_2023_naming(context: BrowserContext, page: Page, entra: Simulators):
    base_url, token = zenkit_credentials(context, entra)
    page.goto(f"{entra.azure_url}/")
    expect(page.get_by_role("link", name="Azure Active Directory")).to_have_count(0)
    page.get_by_role("link", name="Identity", exact=True).click()
    page.get_by_role("link", name="Applications", exact=True).click()
    page.get_by_role("link", name="Enterprise applications", exact=True).click()
    page.get_by_role("link", name="Zenkit", exact=True).click()
    page.get_by_role("link", name="Provisioning", exact=True).click()
    page.get_by_role("button", name="Get started").click()
    enter_credentials(page, base_url, token)
    expect(page.get_by_role("alert")).to_contain_text(SUCCESS)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_role("button", name="Mappings").click()
    mappings = page.get_by_role("region", name="Mappings")
    expect(mappings.get_by_role("link")).to_have_text(
        ["Provision Microsoft Entra ID Groups", "Provision Microsoft Entra ID Users"]
    )
    mappings.get_by_role("link", name="Provision Microsoft Entra ID Users").click()
    expect(page.get_by_role("columnheader", name="Microsoft Entra ID Attribute")).to_be_visible()


@pytest.fixture(scope="module")
def new_config() -> Iterator[Simulators]:
    with start_simulators(azure_ui="new-config") as running:
        yield running


def test_new_configuration_flow(context: BrowserContext, page: Page, new_config: Simulators):
    base_url, token = zenkit_credentials(context, new_config)
    page.goto(f"{new_config.azure_url}/enterprise-apps/zenkit")
    page.get_by_role("link", name="Provisioning", exact=True).click()
    expect(page.get_by_role("button", name="Get started")).to_have_count(0)
    page.get_by_role("button", name="+ New configuration").click()
    page.get_by_role("textbox", name="Tenant URL").fill(base_url)
    page.get_by_label("Secret Token").fill(token)
    page.get_by_role("button", name="Test Connection").click()
    expect(page.get_by_role("alert")).to_contain_text(SUCCESS)
    page.get_by_role("button", name="Create").click()
    page.get_by_role("link", name="Attribute mapping", exact=True).click()
    page.get_by_role("link", name="Provision Microsoft Entra ID Users").click()
    expect(page.get_by_role("heading", name="Attribute Mapping")).to_be_visible()
    page.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Start provisioning", exact=True).click()
    expect(page.get_by_role("button", name="Stop provisioning")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Provisioning for Zenkit is on.")).to_be_visible()


def test_expired_session_in_browser(page: Page):
    with start_simulators(faults=["azure:expire:/enterprise-apps/zenkit/provisioning:1"]) as faulty:
        page.goto(f"{faulty.azure_url}/enterprise-apps/zenkit")
        page.get_by_role("link", name="Provisioning", exact=True).click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_role("button", name="Get started")).to_be_visible()


def test_the_next_page_takes_its_script_and_stylesheet_from_the_browser_cache(
        page: Page, sims: Simulators):
    """What makes a page's load event come as soon as it is parsed, as on the real portals;
    with a fault on the script, every page fetches it again (and waits for it)."""
    sizes = "() => performance.getEntriesByType('resource').filter(e => e.name.includes('/static/'))" \
            ".map(e => [e.name.split('/').pop(), e.transferSize])"
    page.goto(f"{sims.azure_url}/directory")
    page.goto(f"{sims.azure_url}/enterprise-apps")
    assert sorted(page.evaluate(sizes)) == [["azure.css", 0], ["azure.js", 0]]
    with start_simulators(faults=["azure:latency:/static/azure.js:1"]) as faulty:
        page.goto(f"{faulty.azure_url}/directory")
        page.goto(f"{faulty.azure_url}/enterprise-apps")
        fetched = dict(page.evaluate(sizes))
        assert fetched["azure.css"] == 0 and fetched["azure.js"] > 0


def test_a_mapping_type_chosen_before_the_script_ran_still_shows_its_field(
        page: Page, sims: Simulators):
    """A quick hand (or a loaded machine) can choose a mapping type before the portal's
    deferred script has loaded: the field that type reveals must appear all the same."""
    page.request.post(f"{sims.azure_url}/enterprise-apps/zenkit/provisioning", form={"action": "start"})
    page.request.post(f"{sims.azure_url}/enterprise-apps/zenkit/provisioning", form={
        "action": "save", "mode": "Automatic", "tenant_url": "https://z.example/scim",
        "secret_token": "t"})
    page.goto(f"{sims.azure_url}/enterprise-apps/zenkit/provisioning/mappings/users")
    held = []

    def late(route):  # the script arrives only after the choice below
        held.append(route)

    page.route("**/static/azure.js", late)
    page.get_by_role("button", name="Add New Mapping").click()
    pane = page.get_by_role("dialog", name="Edit Attribute")
    pane.get_by_label("Mapping type").select_option("Constant")
    expect(pane.get_by_label("Constant Value")).to_have_count(0)  # nobody listened yet
    for route in held:
        route.continue_()
    expect(pane.get_by_label("Constant Value")).to_be_visible()
