"""Option values are checked as the command line is parsed: a bad one is exit 2 and one
`command line: --option: message` line, and nothing starts (no pytest, no browser). The
same checks refuse the value given to the verify plugin's flag and to run_pytest."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.errors import GuideError
from guidegen.verify.options import add_pytest_options
from guidegen.verify.run import run_pytest

REPO = Path(__file__).resolve().parents[2]


def _secrets(tmp_path: Path, mode: int) -> str:
    path = tmp_path / "secrets.env"
    path.write_text("token=canary\n", "utf-8")
    path.chmod(mode)
    return str(path)


# argv (given tmp_path) -> the one line told.
BAD = {
    "timeout below zero": (lambda t: ["--step-timeout", "-1"],
                           "--step-timeout: must be a number above 0 (got '-1')"),
    "timeout zero": (lambda t: ["--step-timeout", "0"],
                     "--step-timeout: must be a number above 0 (got '0')"),
    "timeout nan": (lambda t: ["--step-timeout", "nan"],
                    "--step-timeout: must be a number above 0 (got 'nan')"),
    "workers not a number": (lambda t: ["-n", "abc"], "--workers: must be a whole number "
                             "(0: no parallel workers) or 'auto' (got 'abc')"),
    "workers below zero": (lambda t: ["--workers", "-1"], "--workers: must be a whole number "
                           "(0: no parallel workers) or 'auto' (got '-1')"),
    "fault kind": (lambda t: ["--fault", "azure:oops:/x"],
                   "--fault: unknown fault 'oops': use one of latency, error, drop, expire"),
    "fault shape": (lambda t: ["--fault", "azure:error"], "--fault: bad fault 'azure:error': "
                    "expected APP:KIND:/PATH[:N] (or APP:KIND:METHOD /PATH[:N])"),
    "drift": (lambda t: ["--drift", "azure-save-aply"], "--drift: unknown drift scenario "
              "'azure-save-aply' (did you mean 'azure-save-apply'?); `python -m portalsim "
              "--list-drift` lists them"),
    "shard past its total": (lambda t: ["--shard", "3/2"],
                             "--shard: '3/2' is not i/n with 1 <= i <= n, e.g. 1/4"),
    "shard zero": (lambda t: ["--shard", "0/2"],
                   "--shard: '0/2' is not i/n with 1 <= i <= n, e.g. 1/4"),
    "secrets file missing": (lambda t: ["--secrets-file", str(t / "none.env")],
                             "--secrets-file: {t}/none.env: no such file"),
    "secrets file group-readable": (lambda t: ["--secrets-file", _secrets(t, 0o640)],
                                    "--secrets-file: {t}/secrets.env: readable by others "
                                    "(mode 0640); chmod 600 it"),
    "secrets file world-writable": (lambda t: ["--secrets-file", _secrets(t, 0o602)],
                                    "--secrets-file: {t}/secrets.env: writable by others "
                                    "(mode 0602); chmod 600 it"),
    "secrets file a folder": (lambda t: ["--secrets-file", str(t)],
                              "--secrets-file: {t}: not a file"),
    "state dir a file": (lambda t: ["--state-dir", _secrets(t, 0o600)],
                         "--state-dir: {t}/secrets.env is not a folder"),
    "report dir a file": (lambda t: ["--report-dir", _secrets(t, 0o600)],
                          "--report-dir: {t}/secrets.env is not a folder"),
    "browser endpoint": (lambda t: ["--browser-endpoint", "http://127.0.0.1:1/"],
                         "--browser-endpoint: 'http://127.0.0.1:1/' is not a ws:// or wss:// URL"),
    "choice (click's own check)": (lambda t: ["--target", "stage"],
                                   "--target: 'stage' is not one of 'sim', 'live'."),
}


@pytest.fixture
def nothing_runs(monkeypatch):
    def started(*args, **kwargs):
        raise AssertionError("the run started")

    monkeypatch.setattr("guidegen.verify.run.run_pytest", started)


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_value_is_one_line_and_exit_2_before_anything_starts(tmp_path, nothing_runs, case):
    argv, told = BAD[case]
    result = CliRunner().invoke(main, ["verify", *argv(tmp_path)])
    assert (result.exit_code, result.stderr) == (
        2, f"command line: {told.format(t=tmp_path)}\n1 problem found.\n")


@pytest.mark.parametrize("argv", [["-n", "auto"], ["-n", "0"], ["--step-timeout", "0.5"],
                                  ["--shard", "2/2"], ["--fault", "zenkit:error:POST /scim/*:1"]])
def test_good_values_pass(monkeypatch, argv):
    monkeypatch.setattr("guidegen.verify.run.run_pytest", lambda root, guides, **options: 0)
    result = CliRunner().invoke(main, ["verify", *argv])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("case", ["timeout below zero", "workers not a number", "fault kind",
                                  "secrets file group-readable", "shard zero"])
def test_run_pytest_refuses_the_same_values(tmp_path, case):
    """`guidegen fix` and tests call run_pytest with keywords: the same checks, the same words."""
    argv, told = BAD[case]
    flag, value = argv(tmp_path)
    name = {"-n": "workers", "--fault": "faults"}.get(flag, flag.removeprefix("--").replace("-", "_"))
    value = (value,) if name == "faults" else value
    with pytest.raises(GuideError) as info:
        run_pytest(REPO, (), report_dir=tmp_path / "report", **{name: value})
    assert str(info.value) == f"command line: {told.format(t=tmp_path)}"
    assert not (tmp_path / "report").exists()


class _Group:
    def __init__(self) -> None:
        self.parser = argparse.ArgumentParser(prog="pytest", exit_on_error=False)

    def addoption(self, *flags, **kwargs) -> None:
        self.parser.add_argument(*flags, **kwargs)


@pytest.mark.parametrize("case", ["timeout zero", "fault kind", "secrets file group-readable"])
def test_the_plugin_flag_refuses_the_same_values(tmp_path, case):
    argv, told = BAD[case]
    group = _Group()
    add_pytest_options(group)
    with pytest.raises(argparse.ArgumentError) as info:
        group.parser.parse_args(argv(tmp_path))
    assert str(info.value) == f"argument {told.format(t=tmp_path)}"


def test_the_command_itself_prints_no_usage(tmp_path):
    """The installed command, not CliRunner: click's usage lines and hint are gone."""
    result = subprocess.run([sys.executable, "-m", "guidegen.cli", "verify", "--root", str(REPO),
                             "--step-timeout", "-1"], capture_output=True, text=True, check=False,
                            cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        2, "", "command line: --step-timeout: must be a number above 0 (got '-1')\n"
               "1 problem found.\n")
    assert list(tmp_path.iterdir()) == []  # no report folder either
