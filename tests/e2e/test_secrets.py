"""A canary secret never reaches an artifact, in any encoding.

Zenkit's simulator hands out a canary Bearer Token holding characters that every encoding
changes (`+ / " & < > =`), and verify runs that fail in the ways that keep the most: a
failure after the token was shown but before the step that remembers it, and a failure after
it was typed into Azure and posted. Every file the runs leave (the report, the unzipped
traces, screenshots/, its status and fingerprints) and their output are then searched for
the canary raw, URL- and form-encoded, as JSON, HTML-escaped and inside any base64 run."""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser

CANARY = 'zk+Canary/"Tok&en"=Sec<ret>=='
MASK = "••••••".encode()
# The simulator, its token replaced by the canary (the generation keeps rotation working).
RUNNER = f"""
import sys
from portalsim.zenkit import org
org.Organization.token = property(lambda self: {CANARY!r} + str(self.generation))
from guidegen.cli import main
sys.argv[0] = "guidegen"
main()
"""

BEFORE_REMEMBER = """\
id: canary-before-remember
title: The token is shown, then the step fails before remembering it
summary: A guide that fails while Zenkit shows the Bearer Token.
plans: [business, enterprise]
portals: [zenkit]
sections:
  - id: token
    title: Token
    steps:
      - id: show-token
        portal: zenkit
        text: In **Provisioning**, switch **Enabled** on.
        actions:
          - goto: /settings/provisioning
            portal: zenkit
          - expect: {control: zenkit-provisioning.heading}
          - check: {control: zenkit-provisioning.scim-enabled}
          - expect: {text: A sentence the page does not have}
          - remember: {control: zenkit-provisioning.bearer-token, as: token, secret: true}
"""


def _forms(secret: str) -> list[bytes]:
    return [f.encode() for f in {secret, quote(secret, safe=""), quote(secret), quote_plus(secret),
                                 json.dumps(secret)[1:-1], html.escape(secret),
                                 html.escape(secret, quote=False)}]


BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{16,}={0,2}")


def _in_base64(data: bytes, secret: bytes) -> bool:
    """Whether any base64 run of `data`, read from any of its alignments, decodes to bytes
    holding `secret`."""
    for run in BASE64_RUN.findall(data):
        for start in range(4):
            chunk = run[start:]
            chunk = chunk[: len(chunk) - len(chunk) % 4]
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    if secret in decode(chunk):
                        return True
                except ValueError:
                    continue
    return False


def _contents(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, zip entries (traces) unpacked."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        found[str(path)] = data
        if path.suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for entry in archive.namelist():
                    found[f"{path}!{entry}"] = archive.read(entry)
    return found


def leaks(contents: dict[str, bytes], secret: str = CANARY) -> list[str]:
    forms = _forms(secret)
    return [f"{name}: {form!r}" for name, data in contents.items() for form in forms
            if form in data] + \
        [f"{name}: base64" for name, data in contents.items() if _in_base64(data, secret.encode())]


def run(project: Path, report: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", RUNNER, "verify", "--root", str(project), "--report-dir",
         str(report), "--no-plan-claims", *args],
        capture_output=True, timeout=900, check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    copy_project(folder)
    return folder


def test_encodings_the_check_looks_for_are_found():
    """The search itself: each form is found where an artifact would hold it."""
    blob = b"<html>" + base64.b64encode(b"xy" + CANARY.encode() + b"tail") + b"</html>"
    assert leaks({"a": blob}) == ["a: base64"]
    assert leaks({"b": quote_plus(CANARY).encode()})
    assert leaks({"c": html.escape(CANARY).encode()})


def test_a_token_shown_before_the_step_that_remembers_it_is_in_no_artifact(project, tmp_path):
    (project / "steps" / "canary-before-remember.yml").write_text(BEFORE_REMEMBER, "utf-8")
    report = tmp_path / "report"
    result = run(project, report, "canary-before-remember", "--skip-outcome")
    assert result.returncode == 1, result.stderr.decode()
    trace = report / "traces" / "canary-before-remember.zip"
    assert stat.S_IMODE(trace.stat().st_mode) == 0o600
    assert stat.S_IMODE(trace.parent.stat().st_mode) == 0o700
    contents = _contents(report)
    # The trace holds the page that showed the token: scrubbed, not left out.
    assert any(MASK in data for name, data in contents.items() if name.startswith(f"{trace}!"))
    contents["stdout"], contents["stderr"] = result.stdout, result.stderr
    assert leaks(contents) == []


def test_a_token_typed_into_the_portal_and_posted_is_in_no_artifact(project, tmp_path):
    """The seed guide on a portal whose group mapping changed: the token was shown, typed
    into Azure, posted as a form and sent to Zenkit's SCIM API before the step that fails;
    the refreshed screenshots, fingerprints and status file are written too."""
    report = tmp_path / "report"
    result = run(project, report, "zenkit-azure-scim-provisioning", "--update-screenshots",
                 "--drift", "azure-mapping-whats-new")
    assert result.returncode == 1, result.stderr.decode()
    data = json.loads((report / "results.json").read_text("utf-8"))
    failed = [s for s in data["steps"] if s["status"] == "failed"]
    assert failed[0]["step"] == "open-group-mapping", failed
    trace = report / "traces" / "zenkit-azure-scim-provisioning.zip"
    assert stat.S_IMODE(trace.stat().st_mode) == 0o600
    contents = {**_contents(report), **_contents(project / "screenshots"),
                "stdout": result.stdout, "stderr": result.stderr}
    assert any(MASK in data for name, data in contents.items() if name.startswith(f"{trace}!"))
    assert leaks(contents) == []
