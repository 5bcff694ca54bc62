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


def test_a_screenshot_with_no_baseline_yet_is_not_run_again_for_a_trace(tmp_path):
    """A writer's first run of a new guide: the missing baseline is told, and nothing on the
    page failed, so the guide is not run a second time to record a trace of it."""
    verify(tmp_path, "--help")  # the project's copy
    baseline = tmp_path / "project" / "screenshots" / "zenkit-scim-token-rotation"
    removed = sorted(p for p in baseline.glob("*.png") if not p.name.endswith(".de.png"))[0]
    removed.unlink()
    code, data, output = verify(tmp_path, "zenkit-scim-token-rotation", "--skip-outcome",
                                "--no-plan-claims")
    assert code == 1 and f"screenshot '{removed.stem}' has no baseline yet" in output
    assert "re-ran" not in output and not (tmp_path / "report" / "traces").exists()
    assert [s["finding"]["kind"] for s in data["steps"] if s["status"] == "failed"] == ["visual drift"]


def test_plan_claims_skipped_after_a_failure_print_no_stray_letters(tmp_path):
    """The claim runs of a guide whose plain run failed are skipped at set-up: pytest's own
    letter for each ('s') once stuck to the front of the next progress line."""
    verify(tmp_path, "--help")
    guide = GUIDE.replace("plans: [business]", "plans: [business, enterprise]")
    (tmp_path / "project" / "steps" / "trace-me.yml").write_text(guide, "utf-8")
    code, _, output = verify(tmp_path, "trace-me", "--skip-outcome", "--no-trace",
                             "--step-timeout", "2")
    assert code == 1 and "trace-me[enterprise]: step 1/2 · open-provisioning (not run)" in output
    # pytest's own line (stdout, first) holds only its percentage; the letters went there,
    # and where both streams share a terminal, before the progress lines (stderr).
    assert output.splitlines()[0].split() == ["[100%]"]
