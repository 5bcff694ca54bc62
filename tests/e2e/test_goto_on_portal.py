"""Where a step's `goto` leads, in real Chromium: always to a page of its portal. Its path is
joined to the portal's address as text, so a path holding a scheme (`/file:///...`,
`/http://other-host/...`, or a remembered value that does) cannot take the browser to a local
file or another host, whose text a step could then expect, remember or screenshot."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import serve_directory
from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser
CANARY = "canary-7f3a-not-a-portal-page"

GUIDE = """\
id: {id}
title: Goes elsewhere
summary: A guide whose goto names a local file or another host.
plans: [business, enterprise]
portals: [zenkit]
sections:
  - id: away
    title: Away
    steps:
      - id: go-away
        portal: zenkit
        text: Open the page.
        actions:
          - goto: "{goto}"
            portal: zenkit
          - expect: {{text: {canary}}}
"""


def test_a_goto_path_holding_a_scheme_stays_on_the_portal(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.html").write_text(f"<p>{CANARY}</p>", "utf-8")
    with serve_directory(elsewhere) as other_host:
        gotos = {"to-a-file": f"/{(elsewhere / 'secret.html').as_uri()}",
                 "to-another-host": f"/{other_host}/secret.html"}
        for guide, goto in gotos.items():
            (project / "steps" / f"{guide}.yml").write_text(
                GUIDE.format(id=guide, goto=goto, canary=CANARY), "utf-8")
        report = tmp_path / "report"
        result = subprocess.run(
            [sys.executable, "-m", "guidegen.cli", "verify", *gotos, "--root", str(project),
             "--report-dir", str(report), "--no-plan-claims", "--no-trace", "--step-timeout",
             "3"], capture_output=True, text=True, timeout=600, check=False,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 1, result.stdout + result.stderr
    steps = json.loads((report / "results.json").read_text("utf-8"))["steps"]
    # Each went to a page of the Zenkit simulator (its "Page not found"), not where it asked.
    assert {(s["guide"], s["status"], s["finding"]["kind"]) for s in steps} == {
        (guide, "failed", "structure drift") for guide in gotos}
    assert all("Page not found" in s["finding"]["found"] for s in steps), steps
