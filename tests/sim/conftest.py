"""Simulators on free loopback ports for the whole session, and pytest-playwright on Debian's Chromium."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from portalsim import Simulators, start_simulators
from werkzeug.test import Client


@pytest.fixture(scope="session")
def sims() -> Iterator[Simulators]:
    with start_simulators() as running:
        yield running


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-US",
        "reduced_motion": "reduce",
    }


class Zenkit:
    """One Zenkit organization driven over HTTP (its own session cookie)."""

    def __init__(self, sims: Simulators):
        self.sims = sims
        self.client = Client(sims.zenkit)

    def enable_scim(self) -> tuple[str, str]:
        """Turn SCIM on; return the (Base URL, Bearer Token) a user would copy."""
        self.client.post("/settings/provisioning", data={"action": "toggle", "field": "scim", "value": "on"})
        state = self.state()
        return f"{self.sims.zenkit_url}/scim/{state['org']}/v2", state["token"]

    def state(self) -> dict:
        return self.client.get("/_sim/state").json


class Azure:
    """One Azure portal session driven over HTTP, with the forms a browser would post."""

    def __init__(self, sims: Simulators):
        self.app = sims.azure
        self.client = Client(sims.azure)

    def session(self):
        """This client's server-side state, for what no page exposes (soft deletion)."""
        return self.app.sessions.states[self.client.get_cookie("portalsim_azure").value]

    def post_provisioning(self, **fields) -> str:
        response = self.client.post(
            "/enterprise-apps/zenkit/provisioning", data=fields, follow_redirects=True
        )
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def configure(self, tenant_url: str, token: str, status: str = "Off", **extra) -> str:
        self.post_provisioning(action="start")
        return self.post_provisioning(
            action="save",
            mode="Automatic",
            tenant_url=tenant_url,
            secret_token=token,
            settings="1",
            status=status,
            **extra,
        )

    def test_connection(self, tenant_url: str, token: str) -> str:
        self.post_provisioning(action="start")
        return text_of(
            self.post_provisioning(action="test", mode="Automatic", tenant_url=tenant_url, secret_token=token)
        )

    def mapping(self, key: str, **fields) -> str:
        response = self.client.post(
            f"/enterprise-apps/zenkit/provisioning/mappings/{key}", data=fields, follow_redirects=True
        )
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def state(self) -> dict:
        return self.client.get("/_sim/state").json

    def provision(self) -> list[dict]:
        return self.client.post("/_sim/provision").json


def text_of(page: str) -> str:
    """The page's text, tags dropped and whitespace collapsed, for asserting on wording."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def zenkit(sims: Simulators) -> Zenkit:
    return Zenkit(sims)


@pytest.fixture
def azure(sims: Simulators) -> Azure:
    return Azure(sims)
