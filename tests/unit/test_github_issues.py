"""`guidegen report issues` against a small fake of GitHub's REST API, over real HTTP on
loopback: one issue per drifting guide, updated (never duplicated), closed when it passes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

REPO = Path(__file__).resolve().parents[2]
SEED = "zenkit-azure-scim-provisioning"
TOKEN = "ghs_CANARY_token_3f9"


class FakeGitHub:
    def __init__(self) -> None:
        self.issues: dict[int, dict] = {}
        self.comments: list[tuple[int, str]] = []
        self.auth: set[str] = set()

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.auth.add(request.headers.get("Authorization", ""))
        parts = request.path.strip("/").split("/")  # repos, owner, name, issues, ...
        body = json.loads(request.get_data() or b"null")
        result: object = None
        if request.method == "GET":
            result = [i for i in self.issues.values() if i["state"] == "open"
                      and request.args["labels"] in i["labels"]]
        elif len(parts) == 4:
            number = len(self.issues) + 1
            self.issues[number] = {"number": number, "state": "open", "labels": body["labels"],
                                   "title": body["title"], "body": body["body"]}
            result = self.issues[number]
        elif parts[-1] == "comments":
            self.comments.append((int(parts[4]), body["body"]))
        else:
            self.issues[int(parts[4])].update(body)
            result = self.issues[int(parts[4])]
        return Response(json.dumps(result), mimetype="application/json")(environ, start_response)


@pytest.fixture
def github():
    fake = FakeGitHub()
    server = make_server("127.0.0.1", 0, fake, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def results(tmp_path: Path, seed_status: str, kind: str = "structure drift") -> Path:
    folder = tmp_path / f"report-{seed_status}-{kind.replace(' ', '-')}"
    folder.mkdir(exist_ok=True)
    finding = None if seed_status == "passed" else {
        "kind": kind, "message": "link 'Azure Active Directory' not found", "action": 1,
        "renamed": [], "defined_at": "steps/pages/azure-home.yml:8"}
    steps = [{"guide": SEED, "step": "open-app-provisioning", "plan": None, "status": seed_status,
              "finding": finding},
             {"guide": "zenkit-scim-token-rotation", "step": "regenerate-token", "plan": None,
              "status": "passed", "finding": None}]
    (folder / "results.json").write_text(json.dumps({"target": "live", "steps": steps}), "utf-8")
    return folder


def run(report: Path, api: str, token: str | None = TOKEN) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    if token:
        env["GITHUB_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "guidegen.cli", "report", "issues", str(report),
                           "--root", str(REPO), "--repo", "acme/help", "--api-url", api],
                          capture_output=True, text=True, timeout=60, check=False, env=env)


def test_one_issue_per_drifting_guide_updated_then_closed(tmp_path, github):
    fake, api = github
    first = run(results(tmp_path, "failed"), api)
    assert first.returncode == 0, first.stderr
    assert first.stderr == f"opened issue #1 for {SEED}\n"
    issue = fake.issues[1]
    assert issue["title"] == "Drift: SCIM provisioning with Azure AD"
    assert "steps/pages/azure-home.yml:8" in issue["body"] and issue["labels"] == ["guidegen-drift"]

    again = run(results(tmp_path, "failed", "visual drift"), api)  # the next night, other news
    assert again.stderr == f"updated issue #1 for {SEED}\n"
    assert len(fake.issues) == 1 and "visual drift" in fake.issues[1]["body"]

    same = run(results(tmp_path, "failed", "visual drift"), api)  # nothing new: no noise
    assert same.stderr == "no issue to open, update or close\n"

    passed = run(results(tmp_path, "passed"), api)
    assert passed.stderr == f"closed issue #1 for {SEED}\n"
    assert fake.issues[1]["state"] == "closed" and fake.comments[0][0] == 1
    assert fake.auth == {f"Bearer {TOKEN}"}


def test_environment_errors_open_no_issue(tmp_path, github):
    fake, api = github
    result = run(results(tmp_path, "failed", "error"), api)
    assert result.returncode == 0 and not fake.issues


def test_without_a_token_or_a_reachable_api(tmp_path, github):
    _, api = github
    no_token = run(results(tmp_path, "failed"), api, token=None)
    assert no_token.returncode == 2
    assert "environment: GITHUB_TOKEN: set it to a token that may write issues" in no_token.stderr
    down = run(results(tmp_path, "failed", "visual drift"), "http://127.0.0.1:1")
    assert down.returncode == 3 and TOKEN not in down.stderr and "Traceback" not in down.stderr
