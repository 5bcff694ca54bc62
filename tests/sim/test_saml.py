"""Single sign-on with SAML between the simulators, over real HTTP as a browser would carry it:
the Azure simulator's IdP signs, the Zenkit simulator's service provider (pysaml2) checks."""

from __future__ import annotations

import base64
import datetime
import hashlib
import html
import re
from collections.abc import Iterator

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from portalsim import Simulators, start_simulators

from tests.sim.conftest import text_of

SSO = "/enterprise-apps/zenkit/single-sign-on"
ADELE = "AdeleV@contoso.onmicrosoft.com"  # assigned to the app in these tests
ALEX = "AlexW@contoso.onmicrosoft.com"  # in the directory, never assigned


@pytest.fixture(scope="module")
def sims() -> Iterator[Simulators]:
    with start_simulators() as running:
        yield running


def field(page: str, element_id: str) -> str:
    """The value of the input (or text of the textarea) with this id."""
    found = re.search(rf'<input id="{element_id}"[^>]*value="([^"]*)"', page) or \
        re.search(rf'<textarea id="{element_id}"[^>]*>([^<]*)</textarea>', page)
    assert found, f"no #{element_id} on the page"
    return html.unescape(found.group(1))


def hidden(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert found, f"no hidden {name} on the page"
    return html.unescape(found.group(1))


class Sso:
    """One browser's cookies for both simulators, and the forms it would post."""

    def __init__(self, sims: Simulators):
        self.sims = sims
        self.http = requests.Session()

    def azure(self, path: str, **data: str) -> requests.Response:
        url = self.sims.azure_url + path
        return self.http.post(url, data=data, timeout=10) if data else self.http.get(url, timeout=10)

    def zenkit(self, path: str, **data: str) -> requests.Response:
        url = self.sims.zenkit_url + path
        return self.http.post(url, data=data, timeout=10) if data else self.http.get(url, timeout=10)

    def set_up(self, identifier: str = "", reply_url: str = "", certificate: str = "") -> None:
        """What the guide does: Zenkit's details into Azure's Basic SAML Configuration, Adele
        assigned, Azure's metadata imported into Zenkit (or a certificate of the test's)."""
        page = self.zenkit("/settings/authentication").text
        self.entity_id, self.acs = field(page, "sp-entity-id"), field(page, "sp-acs-url")
        self.azure(SSO, action="method", method="SAML")
        saved = self.azure(SSO, action="save-basic", identifier=identifier or self.entity_id,
                           reply_url=reply_url or self.acs)
        assert "Saved single sign-on configuration" in saved.text
        self.azure("/enterprise-apps/zenkit/users-and-groups/add", assign=ADELE)
        blade = self.azure(SSO).text
        imported = self.zenkit("/settings/authentication", action="import",
                               metadata_url=field(blade, "metadata-url")).text
        assert field(imported, "idp-login-url") == field(blade, "login-url")
        assert field(imported, "idp-id") == field(blade, "entra-identifier")
        if certificate:
            self.zenkit("/settings/authentication", action="save", certificate=certificate)
        else:
            assert "Single sign-on is on." in self.zenkit("/settings/authentication",
                                                          action="save").text
        self.org = re.search(r"/saml/(\w+)/acs", self.acs).group(1)

    def sign_in_at_azure(self, user: str) -> requests.Response:
        """Zenkit's Test sign-in, then Microsoft's sign-in page answered with `user`."""
        page = self.zenkit(f"/saml/{self.org}/login")
        assert page.url.startswith(self.sims.azure_url), page.url  # Zenkit sent us to Azure
        return self.azure(page.url.removeprefix(self.sims.azure_url).split("?")[0],
                          SAMLRequest=hidden(page.text, "SAMLRequest"),
                          RelayState=hidden(page.text, "RelayState"),
                          binding=hidden(page.text, "binding"), login=user)

    def post_response(self, page: str, saml_response: str | None = None) -> requests.Response:
        action = html.unescape(re.search(r'<form method="post" action="([^"]*)"', page).group(1))
        return self.http.post(action, data={"SAMLResponse": saml_response or hidden(
            page, "SAMLResponse")}, timeout=10)


@pytest.fixture
def sso(sims: Simulators) -> Sso:
    return Sso(sims)


def test_a_signed_response_from_azure_signs_an_assigned_user_in_to_zenkit(sso: Sso):
    sso.set_up()
    answer = sso.sign_in_at_azure(ADELE)
    assert 'action="' + sso.sims.zenkit_url + f'/saml/{sso.org}/acs"' in answer.text
    welcome = sso.post_response(answer.text)
    assert welcome.status_code == 200 and welcome.url.endswith(f"/saml/{sso.org}/welcome")
    assert "Signed in as Adele Vance with single sign-on." in text_of(welcome.text)
    assert "adele.vance@contoso.com" in welcome.text
    # The assertion is Azure's: signed with the blade's certificate, NameID the UPN.
    assertion = base64.b64decode(hidden(answer.text, "SAMLResponse")).decode()
    assert f">{ADELE}</" in assertion and "rsa-sha256" in assertion
    assert "https://sts.windows.net/" in assertion


def test_a_response_is_accepted_once(sso: Sso):
    sso.set_up()
    answer = sso.sign_in_at_azure(ADELE)
    assert sso.post_response(answer.text).status_code == 200
    replayed = sso.post_response(answer.text)
    assert replayed.status_code == 403 and "Single sign-on failed" in replayed.text


def test_a_tampered_response_is_refused(sso: Sso):
    sso.set_up()
    answer = sso.sign_in_at_azure(ADELE)
    xml = base64.b64decode(hidden(answer.text, "SAMLResponse")).decode()
    forged = xml.replace(ADELE, ALEX)
    assert forged != xml
    refused = sso.post_response(answer.text, base64.b64encode(forged.encode()).decode())
    assert refused.status_code == 403
    assert "Zenkit could not verify the response from your identity provider." in refused.text
    # Nobody is signed in: the welcome page sends the browser off to sign in again.
    again = sso.http.get(f"{sso.sims.zenkit_url}/saml/{sso.org}/welcome", timeout=10,
                         allow_redirects=False)
    assert again.status_code == 303 and again.headers["Location"].endswith("/login")


def test_a_response_signed_by_another_certificate_than_zenkit_holds_is_refused(sso: Sso):
    """The service provider trusts the certificate in its settings, not the one a response
    carries in its signature."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "someone else")])
    now = datetime.datetime.now(datetime.UTC)
    other = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
             .public_key(key.public_key()).serial_number(1).not_valid_before(now)
             .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    sso.set_up(certificate=other.public_bytes(serialization.Encoding.PEM).decode())
    answer = sso.sign_in_at_azure(ADELE)
    assert sso.post_response(answer.text).status_code == 403


def test_an_unassigned_user_gets_no_response(sso: Sso):
    sso.set_up()
    page = sso.sign_in_at_azure(ALEX)
    assert page.status_code == 400 and "SAMLResponse" not in page.text
    assert "AADSTS50105: Your administrator has configured the application Zenkit" in page.text
    assert f"The signed in user '{ALEX}' is blocked" in html.unescape(page.text)


def test_a_user_a_group_assignment_covers_signs_in(sso: Sso):
    sso.set_up()
    sso.azure("/enterprise-apps/zenkit/users-and-groups/add", assign="Marketing")
    answer = sso.sign_in_at_azure(ALEX)  # a member of Marketing
    assert "Signed in as Alex Wilber" in text_of(sso.post_response(answer.text).text)


def test_a_blocked_or_deleted_user_gets_no_response(sims: Simulators, sso: Sso):
    sso.set_up()
    state = sims.azure.sessions.states[sso.http.cookies["portalsim_azure"]]
    adele = state.user(ADELE)
    adele.account_enabled = False  # Block sign in: Yes
    page = sso.sign_in_at_azure(ADELE)
    assert "AADSTS50057: The user account is disabled." in page.text
    assert "SAMLResponse" not in page.text
    adele.account_enabled, adele.soft_deleted = True, True  # deleted in the directory
    page = sso.sign_in_at_azure(ADELE)
    assert "This username may be incorrect." in page.text and "SAMLResponse" not in page.text


def test_an_unknown_user_is_asked_again(sso: Sso):
    sso.set_up()
    page = sso.sign_in_at_azure("nobody@contoso.onmicrosoft.com")
    assert "This username may be incorrect." in page.text and "SAMLResponse" not in page.text


def test_azure_refuses_a_service_provider_it_does_not_know(sso: Sso):
    sso.set_up(identifier="https://zenkit.sim/saml/other/metadata")
    page = sso.zenkit(f"/saml/{sso.org}/login")
    assert page.status_code == 400
    assert f"AADSTS700016: Application with identifier '{sso.entity_id}' was not found" \
        in html.unescape(page.text)


def test_azure_refuses_a_reply_url_it_does_not_have(sso: Sso):
    sso.set_up(reply_url="https://zenkit.sim/elsewhere")
    page = sso.zenkit(f"/saml/{sso.org}/login")
    assert page.status_code == 400
    assert f"AADSTS50011: The redirect URI '{sso.acs}' specified in the request does not " \
        "match" in html.unescape(page.text)


def test_the_blade_saves_basic_saml_configuration_and_offers_the_signing_certificate(sso: Sso):
    sso.azure(SSO, action="method", method="SAML")
    refused = sso.azure(SSO, action="save-basic", identifier="", reply_url="not a url")
    assert 'role="dialog"' in refused.text  # the pane stays open with its errors
    assert "The value must not be empty." in refused.text
    assert "The value must be a valid URL that starts with https://." in refused.text
    sso.azure(SSO, action="save-basic", identifier="urn:zenkit", reply_url="https://z.example/acs")
    blade = text_of(sso.azure(SSO).text)
    assert "Identifier (Entity ID) urn:zenkit" in blade
    assert "Reply URL (Assertion Consumer Service URL) https://z.example/acs" in blade
    pem = sso.azure(f"{SSO}/base64")
    assert pem.headers["Content-Disposition"] == 'attachment; filename="Zenkit.cer"'
    der = x509.load_pem_x509_certificate(pem.content).public_bytes(serialization.Encoding.DER)
    assert hashlib.sha1(der).hexdigest().upper() in blade  # the Thumbprint the card shows
    assert sso.azure(f"{SSO}/raw").content == der
    assert base64.b64encode(der).decode() in sso.azure(f"{SSO}/xml").text


@pytest.mark.parametrize(("ui", "label"), [("2020", "Azure AD Identifier"),
                                           ("2023", "Microsoft Entra Identifier")])
def test_set_up_zenkit_names_the_identifier_of_its_era(ui: str, label: str):
    with start_simulators(azure_ui=ui) as sims:
        sso = Sso(sims)
        sso.azure(SSO, action="method", method="SAML")
        assert f'<label for="entra-identifier">{label}</label>' in sso.azure(SSO).text


def test_zenkit_sso_needs_business_or_enterprise():
    with start_simulators(zenkit_plan="plus") as sims:
        sso = Sso(sims)
        page = sso.zenkit("/settings/authentication", action="save", login_url="https://x.example",
                          idp_id="x", certificate="x")
        assert "Single sign-on is not included in the Plus plan." in page.text
        assert "sp-entity-id" not in page.text


def test_zenkit_refuses_incomplete_settings_and_unknown_metadata_urls(sso: Sso):
    page = text_of(sso.zenkit("/settings/authentication", action="save", login_url="nope",
                              idp_id="", certificate="-----BEGIN CERTIFICATE-----\nnot b64\n").text)
    assert "Single sign-on is off" in page
    for message in ("Enter the identity provider's sign-in URL (https://...).",
                    "Enter the identity provider's ID.",
                    "Paste the identity provider's X.509 certificate (Base64)."):
        assert message in page
    # Only the simulators' own addresses are fetched: no network.
    page = sso.zenkit("/settings/authentication", action="import",
                      metadata_url="https://example.com/metadata.xml").text
    assert "Zenkit could not load identity provider metadata from this URL." in page
    assert sso.zenkit("/saml/x/login").status_code == 404
