"""Test Connection sends Azure's requests over real HTTP and words each outcome as the portal does."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator

import pytest
from portalsim import start_simulators
from portalsim.azure.connection import FAILURE, INCOMPATIBLE, SUCCESS, UNAVAILABLE

from .conftest import Azure, Zenkit


def test_success_with_zenkit_credentials(azure: Azure, zenkit: Zenkit):
    page = azure.test_connection(*zenkit.enable_scim())
    assert "Testing connection to Zenkit" in page
    assert SUCCESS in page
    assert "Error code" not in page


def test_wrong_token(azure: Azure, zenkit: Zenkit):
    base_url, _ = zenkit.enable_scim()
    page = azure.test_connection(base_url, "not-the-token")
    assert FAILURE in page
    assert f"Error code: {UNAVAILABLE}" in page
    assert (
        "Details: We received this unexpected response from your application: An HTTP/401 Unauthorized "
        "response was returned rather than the expected HTTP/200 OK response."
    ) in page


def test_scim_switched_off_in_zenkit(azure: Azure, zenkit: Zenkit):
    base_url, token = zenkit.enable_scim()
    zenkit.client.post("/settings/provisioning", data={"action": "toggle", "field": "scim", "value": "off"})
    assert "An HTTP/401 Unauthorized response" in azure.test_connection(base_url, token)


def test_not_found(azure: Azure, zenkit: Zenkit, sims):
    _, token = zenkit.enable_scim()
    page = azure.test_connection(f"{sims.zenkit_url}/api/v1/scim", token)
    assert f"Error code: {INCOMPATIBLE}" in page
    assert (
        "Details: An HTTP/404 Not Found response was returned rather than the expected HTTP/200 OK response"
    ) in page


def test_unreachable_host(azure: Azure):
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    page = azure.test_connection(f"http://127.0.0.1:{port}/scim/v2", "token")
    assert f"Error code: {UNAVAILABLE}" in page
    assert f"Unable to connect to the remote server at 127.0.0.1:{port}: the connection was refused." in page


class _HtmlEverywhere(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><body>Welcome to our website</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def website() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HtmlEverywhere)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_non_scim_answer(azure: Azure, website: str):
    page = azure.test_connection(f"{website}/scim", "token")
    assert f"Error code: {UNAVAILABLE}" in page
    assert "The response was not a SCIM ListResponse (text/html)." in page


def test_groups_probe_must_answer(azure: Azure, zenkit: Zenkit):
    """A service with /Users but no /Groups fails: Azure probes both."""
    with start_simulators(faults=["zenkit:error:/scim/*/v2/Groups"]) as faulty:
        base_url, token = Zenkit(faulty).enable_scim()
        page = Azure(faulty).test_connection(base_url, token)
    assert "An HTTP/500 Internal Server Error response was returned" in page


def test_timeout():
    with start_simulators(faults=["zenkit:latency:/scim/*:2000"], http_timeout=0.3) as slow:
        base_url, token = Zenkit(slow).enable_scim()
        page = Azure(slow).test_connection(base_url, token)
    assert f"Error code: {UNAVAILABLE}" in page
    assert "timed out after 0.3 seconds." in page


def test_dropped_connection():
    with start_simulators(faults=["zenkit:drop:/scim/*"]) as dropping:
        base_url, token = Zenkit(dropping).enable_scim()
        page = Azure(dropping).test_connection(base_url, token)
    assert "the server did not send a response." in page


@pytest.mark.parametrize(
    ("tenant_url", "token", "message"),
    [
        ("", "token", "Tenant URL The value must not be empty."),
        ("zenkit scim", "token", "The value must be a valid URL, for example https://example.com/scim."),
        ("ftp://example.com/scim", "token", "The value must be a valid URL"),
        ("https://example.com/scim", "  ", "Secret Token The value must not be empty."),
    ],
)
def test_validation_before_sending(azure: Azure, tenant_url: str, token: str, message: str):
    page = azure.test_connection(tenant_url, token)
    assert message in page
    assert "Testing connection" not in page
