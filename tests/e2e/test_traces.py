"""When traces are recorded (issue 14): by default only a guide that failed is run once more
with tracing, as Playwright's on-first-retry; a guide that passes records nothing; the
verdict stays the first run's. `--record-traces always` records every guide and keeps the failed
ones' without a second run."""

from __future__ import annotations

import zipfile

import pytest

from tests.e2e.test_verify import verify

pytestmark = pytest.mark.browser

GUIDE = """\
id: trace-me
title: Trace me
summary: A guide whose second step looks for a switch Zenkit does not have.
plans: [business]
portals: [zenkit]
sections:
  - title: The switch
    steps:
      - id: open-provisioning
        portal: zenkit
        text: Open the provisioning settings.
        actions:
          - goto: /settings/provisioning
            portal: zenkit
      - id: find-switch
        text: Turn on **Auto-magic**.
        actions:
          - click: {role: switch, name: Auto-magic}
"""
QUICK = ("--skip-outcome", "--no-plan-claims", "--step-timeout", "2")


def steps(data: dict) -> dict[str, str]:
    return {s["step"]: s["status"] for s in data["steps"]}


def test_a_failed_guide_is_run_again_with_a_trace_and_keeps_its_verdict(tmp_path):
    verify(tmp_path, "--help")  # the project's copy
    (tmp_path / "project" / "steps" / "trace-me.yml").write_text(GUIDE, "utf-8")
    code, data, output = verify(tmp_path, "trace-me", *QUICK)
    assert code == 1 and steps(data) == {"open-provisioning": "passed", "find-switch": "failed"}
    trace = tmp_path / "report" / "traces" / "trace-me.zip"
    assert f"trace-me: re-ran with a trace, {trace} (the failure came back at 'find-switch' " \
           "(structure drift))" in output
    with zipfile.ZipFile(trace) as archive:
        names = archive.namelist()
        events = b"".join(archive.read(n) for n in names if n.endswith(".trace"))
    assert b"/settings/provisioning" in events and b"Auto-magic" in events


def test_a_guide_that_passes_records_no_trace_and_always_keeps_the_failed_one(tmp_path):
    # The default step timeout: the guide must pass, and the simulators' first SCIM request
    # (which imports the SCIM server) took over QUICK's 2 s on a loaded machine.
    code, _, output = verify(tmp_path, "zenkit-scim-token-rotation", "--skip-outcome",
                             "--no-plan-claims")
    assert code == 0, output
    assert not (tmp_path / "report" / "traces").exists() and "re-ran" not in output
    (tmp_path / "project" / "steps" / "trace-me.yml").write_text(GUIDE, "utf-8")
    code, _, output = verify(tmp_path, "trace-me", *QUICK, "--record-traces", "always")
    assert code == 1 and "re-ran" not in output
    assert (tmp_path / "report" / "traces" / "trace-me.zip").stat().st_size > 1000
