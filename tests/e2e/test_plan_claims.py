"""A plain `guidegen verify` checks the plans a guide claims: a claim Zenkit's rule
contradicts is a plan-claim finding (exit 1), and the status file keeps each plan's verdict
for the site's plan box."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser

# Zenkit gives organizations (and SCIM) to Business and Enterprise only; this guide also
# claims Free. The plain run's organization is on Business: it checks that claim itself.
GUIDE = """\
id: scim-on-free
title: Turning SCIM on
summary: Switch SCIM provisioning on in Zenkit.
plans: [free, business]
portals: [zenkit]
sections:
  - id: scim
    title: SCIM
    steps:
      - id: open-provisioning
        portal: zenkit
        text: Open your organization's provisioning settings.
        actions:
          - goto: /settings/provisioning
            portal: zenkit
          - expect: {control: zenkit-provisioning.heading}
      - id: switch-scim-on
        text: Switch SCIM provisioning on.
        actions:
          - check: {control: zenkit-provisioning.scim-enabled}
          - expect: {control: zenkit-provisioning.base-url}
"""


def test_a_claim_to_a_plan_without_the_feature_is_a_finding_of_the_default_verify(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    (project / "steps" / "scim-on-free.yml").write_text(GUIDE, "utf-8")
    report = tmp_path / "report"
    result = subprocess.run(
        [sys.executable, "-m", "guidegen.cli", "verify", "scim-on-free", "--root", str(project),
         "--report-dir", str(report), "--step-timeout", "2"],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    steps = json.loads((report / "results.json").read_text("utf-8"))["steps"]
    assert [(s["plan"], s["claim"], s["step"], s["status"]) for s in steps] == [
        (None, "business", "open-provisioning", "passed"),
        (None, "business", "switch-scim-on", "passed"),
        ("free", "free", "open-provisioning", "passed"),
        ("free", "free", "switch-scim-on", "failed"),
    ]
    finding = steps[-1]["finding"]
    assert finding["kind"] == "plan claim"
    assert finding["message"].startswith("the guide claims the Free plan, but step "
                                         "'switch-scim-on' fails for an organization on it")
    plans = json.loads((project / "screenshots" / "status.json").read_text("utf-8"))[
        "guides"]["scim-on-free"]["plans"]
    assert {p: (v["result"], v.get("step")) for p, v in plans.items()} == {
        "business": ("passed", None), "free": ("failed", "switch-scim-on")}
