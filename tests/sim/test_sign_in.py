"""The simulators' sign-in, over HTTP: as the real portals ask it (user name, password, a
one-time code from an authenticator, "Stay signed in?"), each wrong answer shown as an error
on its page, and a session that ends when its cookie says."""

from __future__ import annotations

import time

import pyotp
import pytest
from portalsim import start_simulators
from portalsim.web import Account
from werkzeug.test import Client

from .conftest import text_of

SEED = pyotp.random_base32()
USER, PASSWORD = "admin@contoso.onmicrosoft.com", "CANARY-pass-7Qz"


@pytest.fixture(scope="module")
def sims():
    accounts = {"azure": Account(USER, PASSWORD, SEED),
                "zenkit": Account("megan.bowen@contoso.com", PASSWORD)}
    with start_simulators(require_sign_in=True, accounts=accounts) as running:
        yield running


def post(client: Client, **form) -> tuple[int, str]:
    response = client.post("/_sim/signin", data={"next": "/enterprise-apps", **form})
    return response.status_code, text_of(response.get_data(as_text=True))


def test_every_page_asks_to_sign_in_first(sims):
    response = Client(sims.azure).get("/enterprise-apps")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/_sim/login?next=/enterprise-apps")


def test_azure_asks_user_password_code_then_stay_signed_in(sims):
    client = Client(sims.azure)
    assert "Sign in" in text_of(client.get("/_sim/login?next=/enterprise-apps").get_data(as_text=True))
    assert "Enter password" in post(client, user=USER)[1]
    assert "Enter code" in post(client, password=PASSWORD)[1]
    assert "Stay signed in?" in post(client, code=pyotp.TOTP(SEED).now())[1]
    response = client.post("/_sim/signin", data={"next": "/enterprise-apps", "stay": "yes"})
    assert (response.status_code, response.headers["Location"]) == (303, "/enterprise-apps")
    cookie = client.get_cookie("portalsim_azure")
    # The session cookie says when the sign-in ends: what `login --if-expiring` reads.
    assert cookie.expires is not None
    assert 8 * 3600 - 60 < cookie.expires.timestamp() - time.time() <= 8 * 3600
    assert client.get("/enterprise-apps").status_code == 200


@pytest.mark.parametrize(("answers", "page", "error"), [
    ({"user": "someone@else.com"}, "Sign in", "This username may be incorrect."),
    ({"user": USER, "password": "wrong"}, "Enter password",
     "Your account or password is incorrect."),
    ({"user": USER, "password": PASSWORD, "code": "000000"}, "Enter code",
     "You didn't enter the expected verification code."),
], ids=["user", "password", "code"])
def test_a_wrong_answer_shows_its_page_again_with_an_error(sims, answers, page, error):
    client = Client(sims.azure)
    for name, value in answers.items():
        status, text = post(client, **{name: value})
    assert status == 200 and page in text and error in text
    assert client.get("/enterprise-apps").status_code == 303  # not signed in


def test_a_code_before_the_password_proves_nothing(sims):
    client = Client(sims.azure)
    post(client, user=USER)
    status, text = post(client, code=pyotp.TOTP(SEED).now())
    assert "Enter password" in text
    assert client.get("/enterprise-apps").status_code == 303


def test_zenkit_asks_user_and_password_on_one_page(sims):
    client = Client(sims.zenkit)
    status, text = post(client, user="megan.bowen@contoso.com", password="wrong")
    assert "Invalid email or password." in text
    response = client.post("/_sim/signin", data={"next": "/settings/users",
                                                  "user": "megan.bowen@contoso.com",
                                                  "password": PASSWORD})
    assert response.status_code == 303
    assert client.get("/settings/users").status_code == 200


def test_a_session_ends_when_its_sign_in_expires(sims):
    client = Client(sims.zenkit)
    client.post("/_sim/signin", data={"user": "megan.bowen@contoso.com", "password": PASSWORD})
    sid = client.get_cookie("portalsim_zenkit").value
    sims.zenkit.signed_in[sid] = time.time() - 1  # its lifetime is over
    response = client.get("/settings/users")
    assert response.status_code == 303 and "/_sim/login" in response.headers["Location"]


def test_without_an_account_signing_in_is_one_click():
    with start_simulators(require_sign_in=True) as sims:
        client = Client(sims.azure)
        assert client.post("/_sim/signin", data={"next": "/"}).status_code == 303
        assert client.get("/").status_code == 200
        assert client.get_cookie("portalsim_azure").expires is not None
