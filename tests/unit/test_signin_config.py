"""`guidegen login --unattended` before any browser: the margin, a saved sign-in's expiry,
the portal's `sign_in:` and its page, the account's environment variables. Every message
names a variable or a line, never a value."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pyotp
import pytest
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.errors import GuideError
from guidegen.load import load_catalog
from guidegen.signin import account_from_env, parse_duration, sign_in_controls, still_good
from tests.site.conftest import copy_project

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("text", "seconds"), [("24h", 86400), ("90m", 5400), ("2d", 172800),
                                               ("30s", 30), ("1.5h", 5400)])
def test_margins(text, seconds):
    assert parse_duration(text, "--if-expiring") == seconds


@pytest.mark.parametrize("text", ["24", "h", "-1h", "1w", "soon"])
def test_a_bad_margin_is_bad_input(text):
    with pytest.raises(GuideError) as info:
        parse_duration(text, "--if-expiring")
    assert str(info.value) == (f"command line: --if-expiring: '{text}' is not a duration "
                               "(a number and s, m, h or d, e.g. 24h)")


def saved(tmp_path: Path, *expires: float) -> Path:
    path = tmp_path / "azure.json"
    path.write_text(json.dumps({"cookies": [{"name": f"c{i}", "expires": e}
                                            for i, e in enumerate(expires)], "origins": []}))
    return path


def test_the_first_cookie_to_end_decides(tmp_path):
    now = time.time()
    path = saved(tmp_path, now + 48 * 3600, -1, now + 2 * 3600)  # -1: a browser-session cookie
    assert still_good(path, 3600, now)[0]
    good, why = still_good(path, 24 * 3600, now)
    assert not good and "within the margin" in why


@pytest.mark.parametrize("content", [None, "{not json", '{"cookies": [{"expires": -1}]}',
                                     '{"origins": []}'],
                         ids=["missing", "damaged", "no expiry", "no cookies"])
def test_no_usable_saved_sign_in_is_renewed(tmp_path, content):
    path = tmp_path / "azure.json"
    if content is not None:
        path.write_text(content)
    assert still_good(path, 60, time.time()) == (False, "no saved sign-in with a known expiry")


def test_the_shipped_portals_can_sign_in_unattended():
    catalog = load_catalog(REPO / "steps", REPO)
    for portal in catalog.portals.values():
        controls = sign_in_controls(catalog, REPO, portal)
        assert {"user", "password", "sign-in", "error"} <= set(controls)
    assert catalog.portals["azure"].sign_in.totp_seed == "GUIDEGEN_AZURE_TOTP_SEED"


def project_with(tmp_path: Path, old: str, new: str) -> Path:
    copy_project(tmp_path)
    project = tmp_path / "steps" / "project.yml"
    text = project.read_text("utf-8")
    assert old in text
    project.write_text(text.replace(old, new), "utf-8")
    return tmp_path


@pytest.mark.parametrize(("old", "new", "message"), [
    ("page: microsoft-sign-in", "page: microsoft-signin",
     "steps/project.yml:{line}: portals[0].sign_in.page: no page 'microsoft-signin' in "
     "steps/pages/ (did you mean 'microsoft-sign-in'?)"),
    ("  sign-in: {role: button, name: Sign in, names: {de: Anmelden}}\n", "",
     "steps/project.yml:{line}: portals[0].sign_in.page: page 'microsoft-sign-in' has no "
     "control 'sign-in' (the sign-in needs it)"),
    ("  verify: {role: button", "  verfy: {role: button",
     "steps/project.yml:{line}: portals[0].sign_in.page: page 'microsoft-sign-in' has no "
     "control 'verify' (the sign-in needs it)"),
], ids=["unknown page", "no sign-in button", "misspelt control"])
def test_a_sign_in_page_without_the_controls_is_bad_input(tmp_path, old, new, message):
    root = project_with(tmp_path, "", "")
    page = root / "steps" / "pages" / "microsoft-sign-in.yml"
    for path in (page, root / "steps" / "project.yml"):
        path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    catalog = load_catalog(root / "steps", root)
    with pytest.raises(GuideError) as info:
        sign_in_controls(catalog, root, catalog.portals["azure"])
    line = next(i for i, text in enumerate(
        (root / "steps" / "project.yml").read_text("utf-8").splitlines(), 1) if "page: " in text)
    assert message.format(line=line) in str(info.value).splitlines()


def test_the_account_comes_from_the_variables_the_project_names(monkeypatch):
    catalog = load_catalog(REPO / "steps", REPO)
    seed = pyotp.random_base32()
    monkeypatch.setenv("GUIDEGEN_AZURE_USER", "admin@contoso.com")
    monkeypatch.setenv("GUIDEGEN_AZURE_PASSWORD", "CANARY-pw")
    monkeypatch.setenv("OTHER_SEED", " ".join(seed[i:i + 4].lower() for i in range(0, 32, 4)))
    account = account_from_env(catalog.portals["azure"], {"totp": "OTHER_SEED"})
    assert account.totp.now() == pyotp.TOTP(seed).now()  # spaces and case as apps show it
    assert "CANARY" not in repr(account)


def test_missing_variables_and_a_bad_seed_are_named_not_quoted(monkeypatch):
    catalog = load_catalog(REPO / "steps", REPO)
    monkeypatch.delenv("GUIDEGEN_AZURE_USER", raising=False)
    monkeypatch.setenv("GUIDEGEN_AZURE_PASSWORD", "")
    monkeypatch.setenv("GUIDEGEN_AZURE_TOTP_SEED", "CANARY!not-base32")
    with pytest.raises(GuideError) as info:
        account_from_env(catalog.portals["azure"], {})
    assert str(info.value).splitlines() == [
        "command line: --password-env: GUIDEGEN_AZURE_PASSWORD is not set (the account's "
        "secret for the unattended sign-in: set it from your CI secret store)",
        "command line: --totp-env: GUIDEGEN_AZURE_TOTP_SEED is not a base32 TOTP seed (the "
        "secret key the authenticator set-up shows)",
        "command line: --user-env: GUIDEGEN_AZURE_USER is not set (the account's secret for "
        "the unattended sign-in: set it from your CI secret store)",
    ]
    assert "CANARY" not in str(info.value)


def test_a_portal_without_sign_in_is_bad_input_at_its_line(tmp_path):
    root = project_with(tmp_path, "    sign_in:\n      page: zenkit-log-in\n      user: "
                        "GUIDEGEN_ZENKIT_USER\n      password: GUIDEGEN_ZENKIT_PASSWORD\n", "")
    text = (root / "steps" / "project.yml").read_text("utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "id: zenkit" in t)
    result = CliRunner().invoke(main, ["login", "zenkit", "--unattended", "--root", str(root),
                                       "--state-dir", str(tmp_path.parent / "state")])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == (
        f"steps/project.yml:{line}: portals[1].sign_in: missing: --unattended needs the "
        "sign-in page and the environment variables holding the account")
