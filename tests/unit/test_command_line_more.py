"""Command-line problems the verify options' table does not cover, each one line and exit 2
before anything starts: a missing argument (click left its message empty: `command line:
SHARDS: `), and `report issues`' --repo and --api-url, which say where the token goes; and a
--label that holds `&` or `#` is sent as one label, not as more of the query."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.unit import test_github_issues
from tests.unit.test_github_issues import REPO, TOKEN, results

github = test_github_issues.github  # the fake GitHub API, a fixture


def guidegen(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegen.cli", *args], capture_output=True,
                          text=True, timeout=60, check=False,
                          env={**{k: v for k, v in os.environ.items()
                                  if k not in ("GITHUB_REPOSITORY", "GITHUB_API_URL")},
                               "GITHUB_TOKEN": TOKEN, **(env or {})})


@pytest.mark.parametrize(("argv", "told"), [
    (["report", "merge"], "SHARDS: missing; `guidegen report merge --help` says what to give"),
    (["fix"], "REPORT: missing; `guidegen fix --help` says what to give"),
    (["login"], "PORTAL: missing; `guidegen login --help` says what to give"),
    (["translations", "stamp"],
     "GUIDE: missing; `guidegen translations stamp --help` says what to give"),
])
def test_a_missing_argument_is_named_with_what_to_do(argv, told):
    result = guidegen(*argv)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"command line: {told}\n1 problem found.\n")


@pytest.mark.parametrize(("argv", "told"), [
    (["--repo", "acme/help/../../orgs/acme"],
     "--repo: 'acme/help/../../orgs/acme' is not owner/name, e.g. acme/help"),
    (["--repo", "acme/.."], "--repo: 'acme/..' is not owner/name, e.g. acme/help"),
    (["--repo", "acme"], "--repo: 'acme' is not owner/name, e.g. acme/help"),
    (["--repo", "acme/help", "--api-url", "file:///etc/passwd"],
     "--api-url: 'file:///etc/passwd' is not an http(s) address of GitHub's REST API"),
    (["--repo", "acme/help", "--api-url", "https://api.github.com?x=1"],
     "--api-url: 'https://api.github.com?x=1' is not an http(s) address of GitHub's REST API"),
])
def test_report_issues_refuses_a_repo_or_api_that_is_not_one(tmp_path, github, argv, told):
    fake, _ = github
    result = guidegen("report", "issues", str(results(tmp_path, "failed")), "--root", str(REPO),
                      *argv)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"command line: {told}\n1 problem found.\n")
    assert fake.auth == set()  # the token went nowhere


def test_a_label_holding_query_characters_is_one_label(tmp_path, github):
    """Unquoted, `drift & co #1` asked for the label `drift ` (the rest a parameter and a
    fragment): the issue guidegen opened was never found again, and each night opened one
    more."""
    fake, api = github
    report = results(tmp_path, "failed")
    for told in ("opened issue #1", "no issue to open, update or close"):
        result = guidegen("report", "issues", str(report), "--root", str(REPO), "--repo",
                          "acme/help", "--api-url", api, "--label", "drift & co #1")
        assert result.stderr.startswith(told), result.stderr
    assert [i["labels"] for i in fake.issues.values()] == [["drift & co #1"]]


@pytest.mark.parametrize("argv", [["--portal-url", "azure=https://portal.example"],
                                  ["--state-dir", "/tmp"]])
def test_a_live_only_option_on_a_simulator_run_is_bad_input(tmp_path, argv):
    """Ignored, it let a run against the simulators pass as if it had used the live portal."""
    result = subprocess.run([sys.executable, "-m", "guidegen.cli", "verify", "--root", str(REPO),
                             *argv], capture_output=True, text=True, timeout=60, check=False,
                            cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"command line: {argv[0]}: only with --target live: this run drives the "
               "simulators\n1 problem found.\n")
    assert list(tmp_path.iterdir()) == []  # no report folder: nothing started


@pytest.mark.parametrize("endpoint", ["ws://", "ws://127.0.0.1:99999/", "ws://127.0.0.1:0/",
                                      "ws://:3000/"])
def test_a_browser_endpoint_with_no_host_or_port_is_bad_input(tmp_path, endpoint):
    """`ws://` alone passed the check (it looked at the scheme only): the run started, and
    every step was an environment error, exit 3."""
    result = subprocess.run([sys.executable, "-m", "guidegen.cli", "verify", "--root", str(REPO),
                             "--browser-endpoint", endpoint], capture_output=True, text=True,
                            timeout=60, check=False, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", f"command line: --browser-endpoint: '{endpoint}' is not a ws:// or wss:// URL\n"
               "1 problem found.\n")
    assert list(tmp_path.iterdir()) == []
