"""The `live` target, on loopback: the simulators started as the real portals behave (every
page redirects to sign-in first), `guidegen login`'s saved sign-ins, secrets from a file
outside the project, and `verify --target live` with its portal URLs overridden."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from portalsim import start_simulators

from guidegen.live import save_sign_in, state_file
from tests.site.conftest import copy_project

SEED = "zenkit-azure-scim-provisioning"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def portals():
    """Both simulators behind a sign-in page, like the real sites."""
    with start_simulators(require_sign_in=True) as sims:
        yield sims


def guidegen(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegen.cli", *args], capture_output=True,
                          text=True, timeout=600, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


def sign_in_as_a_person(button: str):
    """What the person at the window does: the simulators' sign-in needs one click."""
    def wait(page) -> None:
        page.get_by_role("button", name=button).click()
        page.wait_for_url(lambda url: "/_sim/login" not in url)
    return wait


@pytest.fixture(scope="module")
def state_dir(portals, browser, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("state")
    save_sign_in(browser, portals.azure_url + "/", state_file(folder, "azure"),
                 sign_in_as_a_person("Next"))
    save_sign_in(browser, portals.zenkit_url + "/settings/provisioning",
                 state_file(folder, "zenkit"), sign_in_as_a_person("Log in"))
    return folder


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


def test_saved_sign_ins_are_private_and_hold_the_session(state_dir):
    for portal in ("azure", "zenkit"):
        path = state_file(state_dir, portal)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        cookies = json.loads(path.read_text("utf-8"))["cookies"]
        assert [c["name"] for c in cookies] == [f"portalsim_{portal}"]


def test_live_run_with_saved_sign_ins_passes_with_its_outcome_check(tmp_path, portals, state_dir):
    # The browser's clock on live is the run's start, and the blades show it: refresh the
    # copy's baselines rather than compare them.
    result, data = live(tmp_path, portals, "--state-dir", str(state_dir), "--update-screenshots")
    assert result.returncode == 0, result.stdout + result.stderr
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
    sessions = set(portals.azure.signed_in)
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
    result, data = live(tmp_path, portals, "--state-dir", str(state_dir), "--secrets-file",
                        str(secrets))
    assert result.returncode == 2 and not data
    assert f"command line: --secrets-file: {secrets} is inside the project" in result.stderr


def test_a_malformed_secrets_file_names_the_line_but_never_the_value(tmp_path, portals, state_dir):
    secrets = tmp_path / "secrets.env"
    secrets.write_text("# team secrets\nzenkit_token CANARY-5f3a9\n", "utf-8")
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
