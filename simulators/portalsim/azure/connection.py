"""Test Connection: the two requests Azure sends, judged the way the portal judges them."""

from __future__ import annotations

import itertools
import uuid
from urllib.parse import urlparse

from portalsim.azure.scimclient import LIST_RESPONSE, Exchange, filter_url, send
from portalsim.i18n import Text

SUCCESS = Text("The supplied credentials are authorized to enable provisioning")
FAILURE = Text(
    "You appear to have entered invalid credentials. Please confirm you are using the correct "
    "information for an administrative account."
)
UNAVAILABLE = "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable"
INCOMPATIBLE = "SystemForCrossDomainIdentityManagementServiceIncompatible"


def unexpected(detail: str) -> Text:
    return Text("We received this unexpected response from your application: %(detail)s", detail=detail)

# Azure sends a fresh random GUID; a seeded sequence keeps runs reproducible.
_GUIDS = (uuid.uuid5(uuid.NAMESPACE_URL, f"portalsim-{n}") for n in itertools.count())


def dummy_guid() -> str:
    return str(next(_GUIDS))


def validate_credentials(tenant_url: str, token: str) -> dict[str, str]:
    """The portal's inline validation messages, by field name."""
    errors = {}
    parsed = urlparse(tenant_url.strip())
    if not tenant_url.strip():
        errors["tenant_url"] = Text("The value must not be empty.")
    elif parsed.scheme not in ("http", "https") or not parsed.netloc or " " in tenant_url.strip():
        errors["tenant_url"] = Text("The value must be a valid URL, for example https://example.com/scim.")
    if not token.strip():
        errors["secret_token"] = Text("The value must not be empty.")
    return errors


def judge(exchange: Exchange) -> tuple[str, str] | None:
    """(error code, details) when the answer is not what Azure expects, else None."""
    if exchange.error:
        return UNAVAILABLE, unexpected(exchange.error)
    if exchange.status == 404:
        return INCOMPATIBLE, Text(
            "An HTTP/404 Not Found response was returned rather than the expected HTTP/200 OK response"
        )
    if exchange.status != 200:
        return UNAVAILABLE, unexpected(Text(
            "An HTTP/%(status)s %(reason)s response was returned rather than the expected HTTP/200 OK "
            "response.", status=exchange.status, reason=exchange.reason))
    body = exchange.json()
    if not isinstance(body, dict) or LIST_RESPONSE not in body.get("schemas", []):
        kind = exchange.content_type.split(";")[0] or "no content type"
        return UNAVAILABLE, unexpected(Text("The response was not a SCIM ListResponse (%(kind)s).",
                                            kind=kind))
    return None


def test_connection(tenant_url: str, token: str, app_name: str, timeout: float) -> dict:
    """The notification the portal shows, with the requests sent (for the provisioning logs)."""
    base = tenant_url.strip().rstrip("/")
    guid = dummy_guid()
    exchanges = []
    failure = None
    for resource, attribute in (("Users", "userName"), ("Groups", "displayName")):
        exchange = send("GET", filter_url(base, resource, attribute, guid), token, timeout=timeout)
        exchanges.append(exchange)
        failure = judge(exchange)
        if failure:
            break
    note = {"title": Text("Testing connection to %(app)s", app=app_name),
            "requests": [e.summary() for e in exchanges]}
    if failure is None:
        return {**note, "kind": "success", "body": SUCCESS}
    code, details = failure
    return {**note, "kind": "error", "body": FAILURE, "code": code, "details": details}
