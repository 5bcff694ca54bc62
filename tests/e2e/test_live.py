"""The `live` target, on loopback: the simulators started as the real portals behave (every
page redirects to sign-in first, Azure's with a one-time code from an authenticator),
`guidegen login --unattended`'s saved sign-ins, secrets from a file outside the project, and
`verify --target live` with its portal URLs overridden. A canary account: its password, seed
and codes reach no output, no file of the state folder and no file of the report."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyotp
import pytest
from portalsim import start_simulators
from portalsim.web import Account

from guidegen.live import state_file
from tests.site.conftest import copy_project

SEED = "zenkit-azure-scim-provisioning"
TOTP_SEED = pyotp.random_base32()
# What the CI secret store holds, under the names steps/project.yml gives them.
ACCOUNT_ENV = {
    "GUIDEGEN_AZURE_USER": "admin@contoso.onmicrosoft.com",
    "GUIDEGEN_AZURE_PASSWORD": "CANARY-azure-pw-4kq",
    "GUIDEGEN_AZURE_TOTP_SEED": TOTP_SEED,
    "GUIDEGEN_ZENKIT_USER": "megan.bowen@contoso.com",
    "GUIDEGEN_ZENKIT_PASSWORD": "CANARY-zenkit-pw-9xj",
}
# Two days: longer than the nightly's margin, so a fresh sign-in is "still good".
SESSION = 2 * 86400

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def portals():
    """Both simulators behind a sign-in page, like the real sites, with the test account."""
    env = ACCOUNT_ENV
    accounts = {"azure": Account(env["GUIDEGEN_AZURE_USER"], env["GUIDEGEN_AZURE_PASSWORD"],
                                 TOTP_SEED, SESSION),
                "zenkit": Account(env["GUIDEGEN_ZENKIT_USER"], env["GUIDEGEN_ZENKIT_PASSWORD"],
                                  session_seconds=SESSION)}
    with start_simulators(require_sign_in=True, accounts=accounts) as sims:
        yield sims


def guidegen(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegen.cli", *args], capture_output=True,
                          text=True, timeout=600, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def login(portals, portal: str, state_dir: Path, *args: str, env: dict | None = None,
          root: Path | None = None) -> subprocess.CompletedProcess:
    url = {"azure": portals.azure_url + "/",
           "zenkit": portals.zenkit_url + "/settings/provisioning"}[portal]
    return guidegen("login", portal, "--root", str(root or Path.cwd()), "--unattended",
                    "--url", url, "--state-dir", str(state_dir), "--timeout", "20", *args,
                    env={**ACCOUNT_ENV, **(env or {})})


def canaries(since: float) -> list[str]:
    """The account's secrets, and every code the authenticator showed since `since`."""
    totp = pyotp.TOTP(TOTP_SEED)
    codes = {totp.at(t) for t in range(int(since) - 30, int(time.time()) + 31, 30)}
    return [ACCOUNT_ENV["GUIDEGEN_AZURE_PASSWORD"], ACCOUNT_ENV["GUIDEGEN_ZENKIT_PASSWORD"],
            TOTP_SEED, *codes]


def leaks(folder: Path, since: float) -> list[str]:
    """Files under `folder` holding a canary, raw or in any encoding a browser would use."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {c}" for c in canaries(since) if c.encode() in data]
    return found


@pytest.fixture(scope="module")
def signed_in(portals, tmp_path_factory) -> tuple[Path, list[subprocess.CompletedProcess], float]:
    """Both portals signed in unattended, as the nightly does; the outputs, for canaries."""
    folder, started = tmp_path_factory.mktemp("state"), time.time()
    results = [login(portals, portal, folder) for portal in ("azure", "zenkit")]
    return folder, results, started


@pytest.fixture(scope="module")
def state_dir(signed_in) -> Path:
    return signed_in[0]


def live(tmp_path: Path, portals, *args: str) -> tuple[subprocess.CompletedProcess, dict]:
    project = tmp_path / "project"
    if not project.exists():
        project.mkdir()
        copy_project(project)
    report = tmp_path / "report"
    result = guidegen("verify", SEED, "--root", str(project), "--report-dir", str(report),
                      "--target", "live", "--step-timeout", "3",
                      "--portal-url", f"azure={portals.azure_url}",
                      "--portal-url", f"zenkit={portals.zenkit_url}", *args)
    results = report / "results.json"
    return result, json.loads(results.read_text("utf-8")) if results.exists() else {}


def test_unattended_sign_in_passes_mfa_and_prints_no_secret(signed_in):
    folder, results, started = signed_in
    for portal, result in zip(("azure", "zenkit"), results, strict=True):
        assert result.returncode == 0, result.stderr
        assert result.stderr.splitlines() == [
            f"saved the sign-in to {portal} (1 cookies) to {state_file(folder, portal)}"]
        assert not [c for c in canaries(started) if c in result.stdout + result.stderr]
    assert leaks(folder, started) == []


def test_saved_sign_ins_are_private_and_hold_the_session(state_dir):
    for portal in ("azure", "zenkit"):
        path = state_file(state_dir, portal)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        cookies = json.loads(path.read_text("utf-8"))["cookies"]
        assert [c["name"] for c in cookies] == [f"portalsim_{portal}"]


def test_live_run_with_saved_sign_ins_passes_with_its_outcome_check(tmp_path, portals, signed_in):
    state_dir, _, started = signed_in
    # The browser's clock on live is the run's start, and the blades show it: refresh the
    # copy's baselines rather than compare them.
    result, data = live(tmp_path, portals, "--state-dir", str(state_dir), "--update-screenshots")
    assert result.returncode == 0, result.stdout + result.stderr
    assert leaks(tmp_path, started) == []  # the report, the copy's screenshots
    steps = [s["step"] for s in data["steps"] if s["status"] == "passed"]
    assert len(steps) == 21 and steps[-1] == "user-in-zenkit"  # outcome runs on live
    assert data["target"] == "live"


def test_live_run_without_a_saved_sign_in_is_a_config_error(tmp_path, portals):
    empty = tmp_path / "nothing-saved"
    result, _ = live(tmp_path, portals, "--state-dir", str(empty))
    assert result.returncode == 2
    assert (f"command line: --state-dir: no saved sign-in for azure in {empty}; run "
            "`guidegen login azure`") in result.stderr
    assert "Traceback" not in result.stderr


def test_an_expired_sign_in_is_an_environment_error_not_drift(tmp_path, portals, state_dir):
    sessions = dict(portals.azure.signed_in)
    portals.azure.signed_in.clear()  # the portal forgets the session, as after its lifetime
    try:
        result, data = live(tmp_path, portals, "--state-dir", str(state_dir))
    finally:
        portals.azure.signed_in.update(sessions)
    assert result.returncode == 3, result.stdout + result.stderr
    finding = data["steps"][0]["finding"]
    assert finding["kind"] == "error"
    assert "`guidegen login azure`" in finding["message"]


def test_credentials_inside_the_project_are_refused(tmp_path, portals, state_dir):
    project = tmp_path / "project"
    inside = project / ".state"
    result, _ = live(tmp_path, portals, "--state-dir", str(inside))
    assert result.returncode == 2
    assert f"command line: --state-dir: {inside} is inside the project" in result.stderr
    secrets = project / "secrets.env"
    secrets.write_text("api_token=CANARY-1234\n", "utf-8")
    secrets.chmod(0o600)
    result, data = live(tmp_path, portals, "--state-dir", str(state_dir), "--secrets-file",
                        str(secrets))
    assert result.returncode == 2 and not data
    assert f"command line: --secrets-file: {secrets} is inside the project" in result.stderr


def test_a_malformed_secrets_file_names_the_line_but_never_the_value(tmp_path, portals, state_dir):
    secrets = tmp_path / "secrets.env"
    secrets.write_text("# team secrets\nzenkit_token CANARY-5f3a9\n", "utf-8")
    secrets.chmod(0o600)
    result, _ = live(tmp_path, portals, "--state-dir", str(state_dir), "--secrets-file",
                     str(secrets))
    assert result.returncode == 2
    assert f"{secrets}:2: expected name=value" in result.stderr
    assert "CANARY" not in result.stdout + result.stderr


def test_login_saves_the_state_where_verify_reads_it(tmp_path):
    """The command itself: headless, saved once the page reaches --until (the simulators here
    need no sign-in, so the first page is already 'signed in')."""
    with start_simulators() as sims:
        project = tmp_path / "project"
        project.mkdir()
        copy_project(project)
        result = guidegen("login", "zenkit", "--root", str(project), "--url",
                          sims.zenkit_url + "/settings/provisioning", "--headless",
                          "--until", "**/settings/provisioning", "--state-dir",
                          str(tmp_path / "state"))
    assert result.returncode == 0, result.stderr
    path = tmp_path / "state" / "zenkit.json"
    assert f"saved the sign-in to zenkit (1 cookies) to {path}" in result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_login_without_a_display_says_how_to_sign_in(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run([sys.executable, "-m", "guidegen.cli", "login", "azure", "--root",
                             str(project), "--state-dir", str(tmp_path / "state")],
                            capture_output=True, text=True, timeout=60, check=False, env=env)
    assert result.returncode == 3
    assert "there is no display here" in result.stderr
    result = guidegen("login", "azur", "--root", str(project))
    assert result.returncode == 2
    assert "command line: portal: unknown portal 'azur' (did you mean 'azure'?)" in result.stderr


def signed_in_by(portals, path: Path) -> bool:
    """Whether the saved sign-in at `path` opens an Azure page without the sign-in."""
    cookie = json.loads(path.read_text("utf-8"))["cookies"][0]
    request = urllib.request.Request(portals.azure_url + "/enterprise-apps",
                                     headers={"Cookie": f"{cookie['name']}={cookie['value']}"})
    with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
        return response.status == 200


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def saved_state(folder: Path, expires: float) -> Path:
    path = state_file(folder, "azure")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cookies": [
        {"name": "portalsim_azure", "value": "forgotten", "domain": "127.0.0.1", "path": "/",
         "expires": expires, "httpOnly": True, "secure": False, "sameSite": "Lax"}],
        "origins": []}), "utf-8")
    path.chmod(0o600)
    return path


def test_a_saved_sign_in_good_beyond_the_margin_is_left_alone(tmp_path, portals):
    path = saved_state(tmp_path / "state", time.time() + 3 * 86400)
    before = path.read_bytes()
    # A wrong password proves nothing signed in: it would have failed.
    result = login(portals, "azure", tmp_path / "state", "--if-expiring", "24h",
                   env={"GUIDEGEN_AZURE_PASSWORD": "wrong"})
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("beyond the margin: nothing to do\n")
    assert path.read_bytes() == before


@pytest.mark.parametrize("expires", [time.time() + 3600, time.time() - 60, None],
                         ids=["expiring", "expired", "missing"])
def test_a_sign_in_missing_expired_or_expiring_is_renewed(tmp_path, portals, expires):
    folder = tmp_path / "state"
    path = saved_state(folder, expires) if expires else state_file(folder, "azure")
    result = login(portals, "azure", folder, "--if-expiring", "24h")
    assert result.returncode == 0, result.stderr
    why, saved = result.stderr.splitlines()
    assert why.endswith(": signing in") and saved.startswith("saved the sign-in to azure")
    assert json.loads(path.read_text("utf-8"))["cookies"][0]["expires"] > time.time() + 86400
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signed_in_by(portals, path)


@pytest.mark.parametrize(("env", "refused"), [
    ({"GUIDEGEN_AZURE_TOTP_SEED": pyotp.random_base32()}, "one-time code"),
    ({"GUIDEGEN_AZURE_PASSWORD": "CANARY-not-the-password"}, "password"),
    ({"GUIDEGEN_AZURE_USER": "nobody@contoso.onmicrosoft.com"}, "user name"),
], ids=["wrong seed", "wrong password", "wrong user"])
def test_a_refused_sign_in_is_an_environment_error_on_one_line(tmp_path, portals, env, refused):
    started = time.time()
    result = login(portals, "azure", tmp_path / "state", env=env)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [f"error: the sign-in to azure refused the {refused}"]
    assert not [c for c in [*canaries(started), *env.values()]
                if c in result.stdout + result.stderr and c not in refused]
    assert not state_file(tmp_path / "state", "azure").exists()


def test_a_code_asked_for_without_a_seed_is_said_so(tmp_path, portals):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    config = project / "steps" / "project.yml"
    config.write_text(config.read_text("utf-8").replace(
        "      totp_seed: GUIDEGEN_AZURE_TOTP_SEED\n", ""), "utf-8")
    result = login(portals, "azure", tmp_path / "state", root=project)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        "error: the sign-in to azure asks for a one-time code, and no TOTP seed is "
        "configured (sign_in.totp_seed)"]


def test_a_sign_in_that_never_gets_back_to_the_portal_is_not_saved(tmp_path):
    """Zenkit asks for a code its page object does not name: guidegen waits to be back at
    the portal, and never saves the half-way session."""
    account = Account(ACCOUNT_ENV["GUIDEGEN_ZENKIT_USER"], ACCOUNT_ENV["GUIDEGEN_ZENKIT_PASSWORD"],
                      pyotp.random_base32())
    with start_simulators(require_sign_in=True, accounts={"zenkit": account}) as sims:
        result = login(sims, "zenkit", tmp_path / "state", "--timeout", "2")
    assert result.returncode == 3
    assert result.stderr.splitlines() == [
        "error: the sign-in to zenkit did not reach the portal within 2 s"]
    assert not state_file(tmp_path / "state", "zenkit").exists()
