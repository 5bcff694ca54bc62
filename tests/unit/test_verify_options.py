"""verify's options, declared once: what `guidegen verify` is given reaches the pytest plugin
under the same name with the same value, and its defaults are the plugin's."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.verify.options import OPTIONS, add_pytest_options, pytest_args, with_defaults


@pytest.fixture
def given(tmp_path) -> list[str]:
    """Every option away from its default (and each value one its check accepts)."""
    secrets = tmp_path / "secrets.env"
    secrets.write_text("token=x\n", "utf-8")
    secrets.chmod(0o600)
    return ["--target", "live", "--azure-ui", "2023", "--azure-style", "fluent2",
            "--fault", "azure:error:/a*", "--fault", "zenkit:drop:/b",
            "--drift", "azure-save-apply", "-n", "2", "--report-dir", "out",
            "--step-timeout", "2.5", "--update-screenshots", "--no-plan-claims", "--no-trace",
            "--record-traces", "always",
            "--skip-outcome", "--sim-scim-plans", "free",
            "--portal-url", "azure=https://portal.example", "--state-dir", "/state",
            "--secrets-file", str(secrets), "--browser-endpoint", "ws://127.0.0.1:1/",
            "--no-follow-renames", "--shard", "1/2", "--from", "paste-token", "--locale", "de"]


class Group:
    """pytest's option group, on a plain argparse parser (pytest's own is argparse too)."""

    def __init__(self) -> None:
        self.parser = argparse.ArgumentParser(allow_abbrev=False)

    def addoption(self, *flags, **kwargs) -> None:
        self.parser.add_argument(*flags, **kwargs)


def plugin_values(args: list[str]) -> dict:
    group = Group()
    add_pytest_options(group)
    return vars(group.parser.parse_args(args))


def given_to_run_pytest(monkeypatch, argv: list[str]) -> dict:
    seen = {}
    monkeypatch.setattr("guidegen.verify.run.run_pytest",
                        lambda root, guides, **options: seen.update(options) or 0)
    result = CliRunner().invoke(main, ["verify", *argv])
    assert result.exit_code == 0, result.output
    return seen


def as_plugin_reads(value):
    if isinstance(value, tuple):
        return list(value)
    return str(value) if isinstance(value, Path) else value


@pytest.mark.parametrize("every", [True, False], ids=["every option", "defaults"])
def test_what_verify_is_given_is_what_the_plugin_reads(monkeypatch, given, every):
    values = given_to_run_pytest(monkeypatch, given if every else [])
    assert values == with_defaults(values)  # every option, each under its name
    read = plugin_values(pytest_args(values))
    assert read == {o.name: as_plugin_reads(values[o.name]) for o in OPTIONS if o.pytest}


def test_every_option_given_differs_from_its_default(monkeypatch, given):
    """The guard on given: a value equal to the default would test nothing."""
    values = given_to_run_pytest(monkeypatch, given)
    assert [o.flag for o in OPTIONS if values[o.name] == with_defaults({})[o.name]] == []


def test_run_pytest_refuses_a_name_that_is_no_option():
    with pytest.raises(TypeError, match="not a verify option: fault"):
        with_defaults({"fault": ("azure:error:/a",)})
