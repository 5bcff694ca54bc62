"""The organization's single sign-on: its SSO settings page and a SAML 2.0 service provider.

pysaml2 runs the service provider: `/saml/<org>/login` sends the browser to the identity
provider with an AuthnRequest, and `/saml/<org>/acs` accepts only a response to a request
it sent, whose assertion is signed with the certificate the settings hold, for this
organization's Entity ID. The settings page's labels are invented: Zenkit's help shows no
screenshot of it (see /work/shared/reference/portals.md).
"""

from __future__ import annotations

import base64
import binascii
import logging
import textwrap
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from xml.sax.saxutils import quoteattr

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, md
from werkzeug.exceptions import NotFound
from werkzeug.routing import Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from portalsim.i18n import Text
from portalsim.saml import PerSession, pem_body, resolve, xmlsec_binary
from portalsim.zenkit.org import Organization

if TYPE_CHECKING:
    from saml2.client import Saml2Client

log = logging.getLogger("portalsim")
# Zenkit's organization help: organizations come with Business and Enterprise, and single
# sign-on is an organization setting.
SSO_PLANS = ("business", "enterprise")
CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims"
FIELDS = ("metadata_url", "login_url", "idp_id", "certificate")


@dataclass
class SsoSettings:
    """What the identity provider's side of the page holds, and the sign-ins under way."""

    metadata_url: str = ""
    login_url: str = ""
    idp_id: str = ""
    certificate: str = ""
    saved: bool = False  # single sign-on is on once valid settings were saved
    errors: dict[str, str] = field(default_factory=dict)
    outstanding: dict[str, str] = field(default_factory=dict)  # AuthnRequest id -> where to
    signed_in: dict[str, str] | None = None  # the last SSO sign-in: name, email, name_id


settings_of = PerSession(SsoSettings)

RULES = [
    Rule("/settings/authentication", endpoint="sso_settings", methods=["GET", "POST"]),
    Rule("/saml/<org_id>/metadata", endpoint="sso_metadata"),
    Rule("/saml/<org_id>/login", endpoint="sso_login"),
    Rule("/saml/<org_id>/acs", endpoint="sso_acs", methods=["POST"]),
    Rule("/saml/<org_id>/welcome", endpoint="sso_welcome"),
]


def certificate_pem(text: str) -> str | None:
    """The certificate a PEM file or its bare Base64 holds, as PEM; None if it is none."""
    from cryptography import x509  # when settings are saved, not at start

    body = pem_body(text)
    try:
        der = base64.b64decode(body, validate=True)
        x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError):
        return None
    lines = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n"


def settings_errors(settings: SsoSettings) -> dict[str, str]:
    errors = {}
    parts = urlparse(settings.login_url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        errors["login_url"] = Text("Enter the identity provider's sign-in URL (https://...).")
    if not settings.idp_id:
        errors["idp_id"] = Text("Enter the identity provider's ID.")
    if certificate_pem(settings.certificate) is None:
        errors["certificate"] = Text("Paste the identity provider's X.509 certificate (Base64).")
    return errors


def read_metadata(xml: str) -> tuple[str, str, str]:
    """(sign-in URL, identity provider ID, certificate PEM) of an IdP's metadata."""
    entity = md.entity_descriptor_from_string(xml)
    idp = entity.idpsso_descriptor[0]
    login = next(s.location for s in idp.single_sign_on_service if s.binding == BINDING_HTTP_REDIRECT)
    signing = next(k for k in idp.key_descriptor if k.use in (None, "signing"))
    cert = signing.key_info.x509_data[0].x509_certificate.text
    return login, entity.entity_id, certificate_pem(cert) or ""


class SingleSignOn:
    """The SSO page and the service provider, for ZenkitApp (a PortalApp)."""

    public_url: str | None
    hosts: dict[str, str]
    page: Callable[..., Response]
    render: Callable[..., Response]

    def sp_urls(self, request: Request, org: Organization) -> tuple[str, str]:
        """This organization's Entity ID and Assertion Consumer Service URL."""
        origin = self.public_url or request.host_url.rstrip("/")
        return f"{origin}/saml/{org.id}/metadata", f"{origin}/saml/{org.id}/acs"

    def service_provider(self, request: Request, org: Organization) -> Saml2Client:
        # On the first sign-in, not at start (portalsim.saml says why).
        from saml2.client import Saml2Client
        from saml2.config import SPConfig

        settings = settings_of(org)
        entity_id, acs = self.sp_urls(request, org)
        idp = (
            '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID={quoteattr(settings.idp_id)}>'
            '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            '<KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
            f'{pem_body(settings.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>'
            f'</KeyDescriptor><SingleSignOnService Binding="{BINDING_HTTP_REDIRECT}" '
            f'Location={quoteattr(settings.login_url)}/></IDPSSODescriptor></EntityDescriptor>')
        config = SPConfig().load({
            "entityid": entity_id,
            "xmlsec_binary": xmlsec_binary(),
            "metadata": {"inline": [idp]},
            # Claims come by their URI names; Zenkit reads the ones it knows.
            "allow_unknown_attributes": True,
            # Trust only the certificate the settings hold, never one a response brings along.
            "only_use_keys_in_metadata": True,
            "service": {"sp": {
                "endpoints": {"assertion_consumer_service": [(acs, BINDING_HTTP_POST)]},
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "authn_requests_signed": False,
            }},
        })
        return Saml2Client(config=config)

    def on_sso_settings(self, request: Request, org: Organization) -> Response:
        settings = settings_of(org)
        included = org.plan in SSO_PLANS
        if request.method == "POST" and included:
            for name in FIELDS:
                if name in request.form:
                    setattr(settings, name, request.form[name].strip())
            settings.errors = {}
            if request.form.get("action") == "import":
                self.import_metadata(settings)
            else:
                settings.errors = settings_errors(settings)
                settings.saved = not settings.errors
                if settings.saved:
                    settings.certificate = certificate_pem(settings.certificate) or ""
            return redirect(request.path, 303)
        entity_id, acs = self.sp_urls(request, org)
        return self.page(request, org, "sso_settings.html", "authentication", sso=settings,
                         included=included, entity_id=entity_id, acs_url=acs)

    def import_metadata(self, settings: SsoSettings) -> None:
        """Fills the identity provider's fields from its metadata. Only the simulators'
        own addresses are fetched: the simulator never reaches the network."""
        url = resolve(settings.metadata_url, self.hosts)
        failed = Text("Zenkit could not load identity provider metadata from this URL.")
        if url == settings.metadata_url or not url.startswith(tuple(self.hosts.values())):
            settings.errors = {"metadata_url": failed}
            return
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback only)
                found = read_metadata(answer.read().decode("utf-8"))
        except Exception:  # unreachable, not metadata, or no IdP in it: all the same to the admin
            log.info("metadata import from %s failed", url, exc_info=True)
            settings.errors = {"metadata_url": failed}
            return
        settings.login_url, settings.idp_id, settings.certificate = found

    def on_sso_metadata(self, request: Request, org: Organization, org_id: str) -> Response:
        """The Entity ID is a URL: it serves the service provider's metadata."""
        self.this_org(org, org_id)
        entity_id, acs = self.sp_urls(request, org)
        body = (
            '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'entityID={quoteattr(entity_id)}><SPSSODescriptor '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f'<AssertionConsumerService Binding="{BINDING_HTTP_POST}" Location={quoteattr(acs)} '
            'index="0" isDefault="true"/></SPSSODescriptor></EntityDescriptor>')
        return Response(body, mimetype="application/xml")

    def on_sso_login(self, request: Request, org: Organization, org_id: str) -> Response:
        """Sign in with SSO: off to the identity provider with an AuthnRequest."""
        settings = self.sso_on(org, org_id)
        request_id, info = self.service_provider(request, org).prepare_for_authenticate(
            entityid=settings.idp_id, binding=BINDING_HTTP_REDIRECT)
        settings.outstanding[request_id] = f"/saml/{org.id}/welcome"
        return redirect(resolve(dict(info["headers"])["Location"], self.hosts), 303)

    def on_sso_acs(self, request: Request, org: Organization, org_id: str) -> Response:
        """The Assertion Consumer Service: a signed response to one of our requests signs in."""
        settings = self.sso_on(org, org_id)
        try:
            answer = self.service_provider(request, org).parse_authn_request_response(
                request.form.get("SAMLResponse", ""), BINDING_HTTP_POST,
                outstanding=dict(settings.outstanding))
        except Exception as error:  # pysaml2 refuses with many kinds: all mean no sign-in
            log.info("SAML response refused: %s", error)
            answer = None
        if answer is None:
            return self.render("sso_failed.html", status=403, org=org)
        where = settings.outstanding.pop(answer.in_response_to, f"/saml/{org.id}/welcome")
        identity: dict[str, Any] = answer.get_identity()
        email = (identity.get(f"{CLAIMS}/emailaddress") or [""])[0]
        names = [(identity.get(f"{CLAIMS}/{key}") or [""])[0] for key in ("givenname", "surname")]
        settings.signed_in = {"name_id": answer.name_id.text, "email": email,
                              "name": " ".join(n for n in names if n) or answer.name_id.text}
        return redirect(where, 303)

    def on_sso_welcome(self, request: Request, org: Organization, org_id: str) -> Response:
        settings = self.sso_on(org, org_id)
        if settings.signed_in is None:
            return redirect(f"/saml/{org.id}/login", 303)
        return self.render("sso_signed_in.html", org=org, user=settings.signed_in)

    def sso_on(self, org: Organization, org_id: str) -> SsoSettings:
        self.this_org(org, org_id)
        settings = settings_of(org)
        if not settings.saved or org.plan not in SSO_PLANS:
            raise NotFound()
        return settings

    @staticmethod
    def this_org(org: Organization, org_id: str) -> None:
        if org_id != org.id:
            raise NotFound()
