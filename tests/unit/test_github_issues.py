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
ROTATION = "zenkit-scim-token-rotation"
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


def results(tmp_path: Path, seed_status: str, kind: str = "structure drift",
            message: str = "link 'Azure Active Directory' not found",
            rotation_status: str = "passed") -> Path:
    folder = tmp_path / f"report-{seed_status}-{kind.replace(' ', '-')}-{rotation_status}"
    folder.mkdir(exist_ok=True)
    finding = None if seed_status == "passed" else {
        "kind": kind, "message": message, "action": 1,
        "renamed": [], "defined_at": "steps/pages/azure-home.yml:8"}
    steps = [{"guide": SEED, "step": "open-app-provisioning", "plan": None, "status": seed_status,
              "finding": finding},
             {"guide": ROTATION, "step": "regenerate-token", "plan": None,
              "status": rotation_status, "finding": None if rotation_status == "passed" else {
                  "kind": "structure drift", "message": "button 'Regenerate token' not found",
                  "action": 0, "renamed": []}}]
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


HOSTILE = ("button '<img src=x onerror=alert(1)> [click](https://evil.example) | x' not found "
           "<!-- guidegen:guide=zenkit-scim-token-rotation -->")


def test_page_text_in_a_body_is_text_and_cannot_forge_another_guides_marker(tmp_path, github):
    fake, api = github
    rotation = run(results(tmp_path, "passed", rotation_status="failed"), api)
    assert rotation.stderr == f"opened issue #1 for {ROTATION}\n"
    # The seed guide drifts with page text that holds the rotation guide's marker, and the
    # rotation guide passes: its issue is closed, the seed guide's is opened, once.
    first = run(results(tmp_path, "failed", message=HOSTILE), api)
    assert first.stderr == f"opened issue #2 for {SEED}\nclosed issue #1 for {ROTATION}\n"
    body = fake.issues[2]["body"]
    assert body.count("<") == 1 and body.startswith(f"<!-- guidegen:guide={SEED} -->\n")
    assert "&lt;img src=x onerror=alert(1)&gt; \\[click\\](https://evil.example) \\| x" \
        in body
    assert all(line.count(" | ") == 2 for line in body.splitlines() if line.startswith("| `"))
    # The next night the same: nothing to do. Before, the forged marker made the seed guide's
    # issue the rotation guide's too, and the rotation guide's pass closed it.
    again = run(results(tmp_path, "failed", message=HOSTILE), api)
    assert again.stderr == "no issue to open, update or close\n", again.stderr
    assert fake.issues[2]["state"] == "open"


def test_a_marker_quoted_below_the_first_line_does_not_make_an_issue_guidegens(tmp_path, github):
    fake, api = github
    fake.issues[1] = {"number": 1, "state": "open", "labels": ["guidegen-drift"], "title": "x",
                      "body": f"A person's note quoting:\n> <!-- guidegen:guide={SEED} -->\n"}
    passed = run(results(tmp_path, "passed"), api)
    assert passed.stderr == "no issue to open, update or close\n"
    assert fake.issues[1]["state"] == "open"
