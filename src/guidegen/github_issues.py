"""One GitHub issue per drifting guide, kept in step with the nightly run's report.

A guide that drifted gets an issue (labelled, its body the guide's findings); the next night
it is updated in place, never duplicated; the night the guide passes again it is closed with
a comment. Guides that met only environment errors (the portal was down, the sign-in
expired) are left alone: that is not news about the guide. Talks to the GitHub REST API with
the workflow's token; `api_url` points elsewhere for GitHub Enterprise or a test.

An issue is guidegen's when it carries the label and its body's first line is the guide's
marker. Everything in a body that came from a portal page is escaped (no `<`, so no `<!--`),
so page text can neither forge a marker nor add markup; and a marker anywhere else than the
first line (quoted by a person, say) does not count.
"""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from .markdown_text import md_code, md_text
from .results import Kind, Results, StepResult, renamed_message

LABEL = "guidegen-drift"
MARKER = "<!-- guidegen:guide={} -->"
REPO = re.compile(r"[A-Za-z0-9-]+/(?!\.\.?$)[A-Za-z0-9._-]+")


def repo_problem(repo: str) -> str | None:
    """Why `repo` is no owner/name: it goes into the API's paths, with the token."""
    return None if REPO.fullmatch(repo) else f"'{repo}' is not owner/name, e.g. acme/help"


def api_url_problem(url: str) -> str | None:
    """Why `url` is no address for GitHub's API (the token is sent there)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or \
            parts.fragment:
        return f"'{url}' is not an http(s) address of GitHub's REST API"
    return None


@dataclass
class Action:
    guide: str
    verb: str  # "opened", "updated" or "closed"
    number: int


class GitHub:
    def __init__(self, repo: str, token: str, api_url: str = "https://api.github.com") -> None:
        self.base = f"{api_url.rstrip('/')}/repos/{repo}"
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None):
        request = urllib.request.Request(
            self.base + path, method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/vnd.github+json",
                     "Content-Type": "application/json", "X-GitHub-Api-Version": "2022-11-28"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"null")
        except (urllib.error.URLError, TimeoutError, ValueError) as err:
            # The token is in a header, never in the message.
            raise ConnectionError(f"GitHub API {method} {path}: {err}") from None

    def open_issues(self, label: str) -> list[dict]:
        issues, page = [], 1
        while True:
            batch = self.call("GET", f"/issues?state=open&labels={quote(label, safe='')}"
                                     f"&per_page=100&page={page}")
            issues += [i for i in batch if "pull_request" not in i]
            if len(batch) < 100:
                return issues
            page += 1


def _marker(guide: str) -> str:
    # A guide id from a crafted results.json must not close the comment either.
    return MARKER.format(html.escape(guide))


def _is_for(issue: dict, guide: str) -> bool:
    """The issue's body starts with the guide's marker (GitHub may store CRLF line ends)."""
    first = (issue.get("body") or "").split("\n", 1)[0].rstrip("\r")
    return first == _marker(guide)


def _body(guide: str, title: str, steps: list[StepResult], target: str, run_url: str | None) -> str:
    lines = [_marker(guide),
             f"The nightly verification of **{md_text(title)}** ({md_code(guide)}) against "
             f"{target} found drift.",
             "", "| Step | Finding | What happened |", "|---|---|---|"]
    for step in steps:
        finding = step.finding
        what = md_text(finding.message) if finding else ""
        if finding and finding.renamed and not finding.message.startswith("changed: "):
            what += "; also " + md_text(renamed_message(finding.renamed))
        if finding and finding.defined_at:
            what += f" (edit {md_code(finding.defined_at)})"
        lines.append(f"| {md_code(step.step)} | {step.kind or 'failed'} | {what} |")
    lines += ["", "`guidegen fix` proposes the edits for renamed controls; the nightly pull "
              "request carries them with the refreshed screenshots."]
    if run_url:
        lines += ["", f"Report: {run_url}"]  # from the workflow, not a page
    return "\n".join(lines) + "\n"


def sync_issues(results: Results, titles: dict[str, str], github: GitHub, label: str = LABEL,
                run_url: str | None = None) -> list[Action]:
    """Open, update or close the issues; ConnectionError when GitHub cannot be reached."""
    by_guide: dict[str, list[StepResult]] = {}
    for step in results.steps:
        by_guide.setdefault(step.guide, []).append(step)
    existing = {}
    for issue in github.open_issues(label):
        for guide in by_guide:
            if _is_for(issue, guide):
                existing[guide] = issue
    actions = []
    for guide, steps in by_guide.items():
        failed = [s for s in steps if s.status == "failed"]
        if failed and all(s.kind in (Kind.ERROR, Kind.BLOCKED) for s in failed):
            continue  # the environment failed, or a required guide's own issue says it all
        issue = existing.get(guide)
        if failed:
            body = _body(guide, titles.get(guide, guide), failed, results.target, run_url)
            if issue is None:
                new = github.call("POST", "/issues", {
                    "title": f"Drift: {titles.get(guide, guide)}", "body": body,
                    "labels": [label]})
                actions.append(Action(guide, "opened", new["number"]))
            elif issue.get("body") != body:
                github.call("PATCH", f"/issues/{issue['number']}", {"body": body})
                actions.append(Action(guide, "updated", issue["number"]))
        elif issue is not None:
            github.call("POST", f"/issues/{issue['number']}/comments", {
                "body": f"The nightly verification against {results.target} passes "
                        "again: every step of the guide checks out."})
            github.call("PATCH", f"/issues/{issue['number']}", {"state": "closed",
                                                                 "state_reason": "completed"})
            actions.append(Action(guide, "closed", issue["number"]))
    return actions
