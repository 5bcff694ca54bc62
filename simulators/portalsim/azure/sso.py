"""The enterprise app's Single sign-on blade, and the directory as a SAML 2.0 identity provider.

The blade stores the Basic SAML Configuration (Identifier and Reply URL) per browser session;
`/<tenant>/saml2` is the tenant's SAML endpoint, which pysaml2 runs: it reads the service
provider's AuthnRequest, asks who signs in, and answers the Reply URL with a response whose
assertion is signed with the certificate the blade offers for download. Only users assigned
to the app (directly or through a group) get one, as Azure's "Assignment required?" does.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from xml.sax.saxutils import quoteattr

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import AUTHN_PASSWORD, NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256
from werkzeug.routing import Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from portalsim.azure.state import AzureState, DirectoryUser
from portalsim.i18n import Text
from portalsim.saml import PerSession, pem_body, resolve, xmlsec_binary

if TYPE_CHECKING:
    from saml2.server import Server

HERE = Path(__file__).parent
# A test certificate shipped with the simulator (made once, self-signed, for nothing else):
# screenshots show its thumbprint, so it must be the same on every start.
KEY_FILE = HERE / "saml-signing-key.pem"
CERT_FILE = HERE / "saml-signing-cert.pem"
CERTIFICATE = CERT_FILE.read_text("ascii")
THUMBPRINT = hashlib.sha1(base64.b64decode(pem_body(CERTIFICATE))).hexdigest().upper()
EXPIRATION = datetime.datetime(2036, 1, 1)  # the certificate's notAfter

# Contoso's tenant and the app's id (the Overview shows the same Application ID). The URLs
# are the real ones' shapes; the Zenkit simulator resolves LOGIN_ORIGIN to this simulator.
TENANT_ID = "c0a8e2d4-5b6f-4a1e-9d3c-2b7f8e6a1c90"
APP_ID = "8e2d5c4b-1a3f-4e6d-9b8c-7f0a1e2d3c4b"
LOGIN_ORIGIN = "https://login.microsoftonline.com"
LOGIN_URL = f"{LOGIN_ORIGIN}/{TENANT_ID}/saml2"
IDENTIFIER = f"https://sts.windows.net/{TENANT_ID}/"
METADATA_PATH = f"/{TENANT_ID}/federationmetadata/2007-06/federationmetadata.xml"
METADATA_URL = f"{LOGIN_ORIGIN}{METADATA_PATH}?appid={APP_ID}"
METHODS = ("SAML", "Password-based", "Linked", "Disabled")

CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims"
# Attributes & Claims of a new SAML app, as the portal lists them: (claim, source attribute).
DEFAULT_CLAIMS = (
    (f"{CLAIMS}/givenname", "user.givenname"),
    (f"{CLAIMS}/surname", "user.surname"),
    (f"{CLAIMS}/emailaddress", "user.mail"),
    (f"{CLAIMS}/name", "user.userprincipalname"),
)
NAME_ID_SOURCE = "user.userprincipalname"


@dataclass
class SamlSettings:
    """The Single sign-on blade of the app in one session: the method and card 1's fields."""

    method: str = ""  # "" until the admin selects one
    identifier: str = ""
    reply_url: str = ""
    sign_on_url: str = ""
    relay_state: str = ""
    logout_url: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    draft: dict[str, str] = field(default_factory=dict)  # what the open pane shows

    BASIC = ("identifier", "reply_url", "sign_on_url", "relay_state", "logout_url")


settings_of = PerSession(SamlSettings)


def rules(app: str) -> list[Rule]:
    """The blade under the app's path `app`, and the tenant's SAML endpoint."""
    return [
        Rule(f"{app}/single-sign-on", endpoint="sso", methods=["GET", "POST"]),
        Rule(f"{app}/single-sign-on/<any(base64, raw, xml):kind>", endpoint="sso_download"),
        Rule(f"/{TENANT_ID}/saml2", endpoint="sso_idp", methods=["GET", "POST"]),
    ]


def claim_values(user: DirectoryUser) -> dict[str, list[str]]:
    values = {"user.givenname": user.given_name, "user.surname": user.surname,
              "user.mail": user.mail, "user.userprincipalname": user.upn}
    return {claim: [values[source]] for claim, source in DEFAULT_CLAIMS if values[source]}


def assigned(state: AzureState, user: DirectoryUser) -> bool:
    """Assigned to the app directly or through a group it is assigned."""
    if user.upn in state.assigned:
        return True
    return any(g.name in state.assigned and user.upn in g.members for g in state.groups)


def federation_metadata() -> str:
    """The tenant's IdP metadata: what the App Federation Metadata Url serves."""
    cert = pem_body(CERTIFICATE)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID={quoteattr(IDENTIFIER)}>'
        '<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data>'
        f'<ds:X509Certificate>{cert}</ds:X509Certificate>'
        '</ds:X509Data></ds:KeyInfo></KeyDescriptor>'
        f'<SingleLogoutService Binding="{BINDING_HTTP_REDIRECT}" Location={quoteattr(LOGIN_URL)}/>'
        f'<SingleSignOnService Binding="{BINDING_HTTP_REDIRECT}" Location={quoteattr(LOGIN_URL)}/>'
        f'<SingleSignOnService Binding="{BINDING_HTTP_POST}" Location={quoteattr(LOGIN_URL)}/>'
        '</IDPSSODescriptor></EntityDescriptor>'
    )


def identity_provider(settings: SamlSettings) -> Server:
    """pysaml2's IdP for this app: the service provider is what Basic SAML Configuration says."""
    # On the first sign-in, not at start: pysaml2's configuration loads XML schemas
    # (portalsim.saml says why).
    from saml2.config import IdPConfig
    from saml2.server import Server

    metadata = []
    if settings.identifier and settings.reply_url:
        metadata.append(
            '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" '
            f'entityID={quoteattr(settings.identifier)}>'
            '<SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f'<AssertionConsumerService Binding="{BINDING_HTTP_POST}" '
            f'Location={quoteattr(settings.reply_url)} index="0" isDefault="true"/>'
            '</SPSSODescriptor></EntityDescriptor>')
    config = IdPConfig().load({
        "entityid": IDENTIFIER,
        "xmlsec_binary": xmlsec_binary(),
        "key_file": str(KEY_FILE),
        "cert_file": str(CERT_FILE),
        "metadata": {"inline": metadata},
        "service": {"idp": {
            "endpoints": {"single_sign_on_service": [(LOGIN_URL, BINDING_HTTP_REDIRECT),
                                                     (LOGIN_URL, BINDING_HTTP_POST)]},
            "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
            # Azure's tokens last an hour; claims go by their URI names.
            "policy": {"default": {"lifetime": {"minutes": 60}, "name_form": NAME_FORMAT_URI}},
        }},
    })
    return Server(config=config)


class SingleSignOn:
    """The blade and the IdP endpoint, for AzureApp (a PortalApp): `on_<endpoint>` methods."""

    ui: Any
    hosts: dict[str, str]
    page: Callable[..., Response]
    render: Callable[..., Response]

    def identifier_label(self) -> Text:
        # Microsoft renamed it with Azure AD (portals.md): the Entra-era UIs say the new name.
        if self.ui.version == "2020":
            return Text("Azure AD Identifier")
        return Text("Microsoft Entra Identifier")

    def on_sso(self, request: Request, state: AzureState) -> Response:
        settings = settings_of(state)
        if request.method == "POST":
            return self.sso_action(request, state, settings)
        if settings.method != "SAML":
            return self.page(request, state, "sso_methods.html", methods=METHODS,
                             chosen=settings.method)
        editing = request.args.get("edit") == "basic" or bool(settings.errors)
        return self.page(
            request, state, "sso.html", saml=settings, editing=editing,
            claims=DEFAULT_CLAIMS,
            name_id_source=NAME_ID_SOURCE, thumbprint=THUMBPRINT, expiration=EXPIRATION,
            metadata_url=METADATA_URL, login_url=LOGIN_URL, identifier=IDENTIFIER,
            identifier_label=self.identifier_label(),
        )

    def sso_action(self, request: Request, state: AzureState, settings: SamlSettings) -> Response:
        action = request.form.get("action", "")
        if action == "method" and request.form.get("method") in METHODS:
            settings.method = request.form["method"]
        elif action == "change-method":
            settings.method = ""
        elif action == "discard":
            settings.errors, settings.draft = {}, {}
        elif action == "save-basic":
            fields = {name: request.form.get(name, "").strip() for name in SamlSettings.BASIC}
            settings.errors = basic_errors(fields)
            if settings.errors:
                # The pane stays open with what was typed, as the portal's does.
                settings.draft = fields
                return redirect(request.path, 303)
            for name, value in fields.items():
                setattr(settings, name, value)
            settings.draft = {}
            # The toast's wording is invented (not in the reference).
            state.notification = {"kind": "success", "title": Text("Saved single sign-on configuration"),
                                  "body": Text("Successfully updated the single sign-on settings.")}
        return redirect(request.path, 303)

    def on_sso_download(self, request: Request, state: AzureState, kind: str) -> Response:
        """Certificate (Base64), Certificate (Raw) and Federation Metadata XML, as files."""
        if kind == "base64":
            body, mimetype, name = CERTIFICATE.encode(), "application/x-x509-ca-cert", "Zenkit.cer"
        elif kind == "raw":
            body, mimetype, name = base64.b64decode(pem_body(CERTIFICATE)), \
                "application/x-x509-ca-cert", "Zenkit.cer"
        else:
            body, mimetype, name = federation_metadata().encode(), "application/xml", "Zenkit.xml"
        return Response(body, mimetype=mimetype,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def route_outside_session(self, request: Request) -> Callable | None:
        """The App Federation Metadata Url: the same for every session (one tenant, one
        certificate), fetched by service providers with no browser session."""
        if request.path != METADATA_PATH:
            return None
        return Response(federation_metadata(), mimetype="application/xml")

    # The tenant's SAML endpoint

    def on_sso_idp(self, request: Request, state: AzureState) -> Response:
        settings = settings_of(state)
        values = request.values
        saml_request = values.get("SAMLRequest", "")
        if not saml_request:
            return self.sso_error("AADSTS750054", Text("SAMLRequest or SAMLResponse must be present as "
                                  "query string parameters in HTTP request for SAML Redirect binding."))
        server = identity_provider(settings)
        # The request came by redirect or by post; the sign-in form carries it on as it came.
        how = "redirect" if request.method == "GET" else request.form.get("binding", "post")
        binding = BINDING_HTTP_REDIRECT if how == "redirect" else BINDING_HTTP_POST
        try:
            authn = server.parse_authn_request(saml_request, binding).message
        except Exception:  # pysaml2 raises many kinds for a request it cannot read
            # The code is Azure's for a malformed request; the wording is invented.
            return self.sso_error("AADSTS7500529", Text("The SAML request could not be read."))
        issuer = authn.issuer.text if authn.issuer is not None else ""
        if settings.method != "SAML" or issuer != settings.identifier:
            return self.sso_error("AADSTS700016", Text("Application with identifier '%(issuer)s' was "
                                  "not found in the directory 'Contoso'. This can happen if the "
                                  "application has not been installed by the administrator of "
                                  "the tenant or consented to by any user in the tenant. You may "
                                  "have sent your authentication request to the wrong tenant.",
                                  issuer=issuer))
        acs = authn.assertion_consumer_service_url or settings.reply_url
        if acs != settings.reply_url:
            return self.sso_error("AADSTS50011", Text("The redirect URI '%(acs)s' specified in the "
                                  "request does not match the redirect URIs configured for the "
                                  "application '%(app_id)s'. Make sure the redirect URI sent in "
                                  "the request matches one added to your application in the "
                                  "Azure portal.", acs=acs, app_id=APP_ID))
        relay_state = values.get("RelayState", "")
        login = request.form.get("login", "").strip()
        user = state.user(login) if login else None
        if user is not None and user.soft_deleted:
            user = None  # a deleted user is no longer in the directory's sign-in
        if user is None:
            # Directory users have no passwords in the simulator: naming one is the sign-in.
            return self.render("sso_signin.html", saml_request=saml_request, binding=how,
                               relay_state=relay_state, login=login, unknown=bool(login),
                               app_name="Zenkit")
        if not user.account_enabled:
            return self.sso_error("AADSTS50057", Text("The user account is disabled. The user object "
                                  "in Active Directory backing this account has been disabled. "
                                  "An admin can re-enable this account through PowerShell."))
        if not assigned(state, user):
            return self.sso_error("AADSTS50105", Text("Your administrator has configured the "
                                  "application Zenkit ('%(app_id)s') to block users unless they "
                                  "are specifically granted ('assigned') access to the "
                                  "application. The signed in user '%(upn)s' is blocked "
                                  "because they are not a direct member of a group with access, "
                                  "nor had access directly assigned by an administrator. Please "
                                  "contact your administrator to assign access to this "
                                  "application.", app_id=APP_ID, upn=user.upn))
        response = server.create_authn_response(
            claim_values(user), authn.id, acs, issuer,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=user.upn),
            authn={"class_ref": AUTHN_PASSWORD}, sign_assertion=True, sign_response=False,
            sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256,
        )
        return self.render("sso_post.html", action=resolve(acs, self.hosts),
                           saml_response=base64.b64encode(str(response).encode()).decode(),
                           relay_state=relay_state)

    def sso_error(self, code: str, message: Text) -> Response:
        return self.render("sso_error.html", status=400, code=code, message=message)


def basic_errors(fields: dict[str, str]) -> dict[str, str]:
    """Basic SAML Configuration's checks: the two required fields, and URLs where URLs go.
    The messages are invented (the reference gives none)."""
    errors = {}
    for name in ("identifier", "reply_url"):
        if not fields[name]:
            errors[name] = Text("The value must not be empty.")
    for name in ("reply_url", "sign_on_url", "logout_url"):
        if fields[name] and not _is_url(fields[name]):
            errors.setdefault(name, Text("The value must be a valid URL that starts with https://."))
    return errors


def _is_url(value: str) -> bool:
    parts = urlparse(value)
    return parts.scheme in ("https", "http") and bool(parts.netloc)

