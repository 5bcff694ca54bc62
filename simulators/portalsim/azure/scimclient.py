"""Azure's side of the wire: real HTTP requests to the Tenant URL, each kept for the logs.

Written on the standard library rather than a SCIM client library on purpose: the simulator
has to send exactly the requests Azure sends (portals.md) and report transport failures the
way the portal does, which a library would hide.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from contextvars import ContextVar
from dataclasses import dataclass
from http import HTTPStatus
from http.client import HTTPException
from typing import Any
from urllib.parse import quote, unquote

SCIM_JSON = "application/scim+json"
LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

# No proxies: the target is usually on loopback, and a proxy would answer for it.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Exchange:
    method: str
    url: str
    status: int | None = None
    content_type: str = ""
    body: bytes = b""
    error: str | None = None  # set when no HTTP answer came back

    @property
    def reason(self) -> str:
        try:
            return HTTPStatus(self.status or 0).phrase
        except ValueError:
            return ""

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return None

    def summary(self) -> str:
        outcome = self.error or f"{self.status} {self.reason}"
        return f"{self.method} {unquote(self.url)} → {outcome}"


def filter_url(base: str, resource: str, attribute: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    expression = f'{attribute} eq "{escaped}"'
    return f"{base}/{resource}?filter={quote(expression, safe='')}"


# Public origin -> where it really listens, for the request being handled. The Zenkit
# simulator shows a stable Base URL (so screenshots do not change with the free port it got),
# and the Azure simulator resolves it the way DNS would, per app instance.
HOSTS: ContextVar[dict[str, str] | None] = ContextVar("portalsim_hosts", default=None)


def _resolve(url: str) -> str:
    for public, real in (HOSTS.get() or {}).items():
        if url == public or url.startswith(public + "/"):
            return real + url[len(public):]
    return url


def send(method: str, url: str, token: str, payload: dict | None = None, timeout: float = 10.0) -> Exchange:
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(_resolve(url), data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept", SCIM_JSON)
    if data is not None:
        request.add_header("Content-Type", SCIM_JSON)
    exchange = Exchange(method, url)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            exchange.status = response.status
            exchange.content_type = response.headers.get("Content-Type", "")
            exchange.body = response.read()
    except urllib.error.HTTPError as error:
        exchange.status = error.code
        exchange.content_type = error.headers.get("Content-Type", "")
        exchange.body = error.read()
    except urllib.error.URLError as error:
        exchange.error = _describe(error.reason, url, timeout)
    except TimeoutError as error:
        exchange.error = _describe(error, url, timeout)
    except (HTTPException, ConnectionError) as error:
        exchange.error = _describe(error, url, timeout)
    return exchange


def _describe(reason: Any, url: str, timeout: float) -> str:
    host = urllib.request.urlparse(url).netloc
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"The request to {host} timed out after {timeout:g} seconds."
    if isinstance(reason, ConnectionRefusedError):
        return f"Unable to connect to the remote server at {host}: the connection was refused."
    if isinstance(reason, socket.gaierror):
        return f"The remote name could not be resolved: '{host}'."
    if isinstance(reason, HTTPException | ConnectionError):
        return f"The underlying connection to {host} was closed: the server did not send a response."
    return f"Unable to connect to the remote server at {host}: {reason}."
