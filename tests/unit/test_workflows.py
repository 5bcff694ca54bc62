"""The GitHub workflows: clean under actionlint (with shellcheck on every script), valid
against the GitHub workflow schema (check-jsonschema's vendored copy, offline), every command
their steps run is one the README documents, with options the command's --help lists, and
the status file goes from the nightly run to the published site and not into its pull
request."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guidegen.cli import main

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
README = (REPO / "README.md").read_text("utf-8")
# Shell built-ins and coreutils the steps use to move files about; everything else must be a
# documented make target or guidegen command.
PLUMBING = {"apt-get", "cat", "chmod", "cp", "echo", "exit", "install", "mkdir", "printf", "set",
            "true"}
# actionlint comes with the test extras, next to the interpreter running the tests;
# `make test` installs Debian's shellcheck.
ACTIONLINT = Path(sys.executable).parent / "actionlint"
SHELLCHECK = shutil.which("shellcheck")


def check_schema(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", *map(str, paths)],
                          capture_output=True, text=True, timeout=120, check=False)


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    assert ACTIONLINT.exists(), "make venv installs actionlint"
    assert SHELLCHECK, "make test installs shellcheck"
    # Named explicitly: actionlint silently skips the scripts when shellcheck is not found.
    return subprocess.run([str(ACTIONLINT), "-no-color", "-oneline", "-shellcheck", SHELLCHECK,
                           "-pyflakes", "", *map(str, paths)],
                          capture_output=True, text=True, timeout=120, check=False, cwd=REPO)


def test_workflows_pass_actionlint():
    result = actionlint(*WORKFLOWS)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_catches_what_the_schema_cannot(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  report:\n    needs: live\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/upload-artifact@v4\n        with: {name: r, pth: report/}\n"
        "      - run: echo ${{ steps.merge.outputs.code }}\n"
        "      - run: cat $REPORT_DIR/summary.md\n", "utf-8")
    assert check_schema(broken).returncode == 0  # the schema sees nothing wrong
    found = actionlint(broken).stdout
    assert 'job "report" needs job "live" which does not exist' in found
    assert 'input "pth" is not defined in action "actions/upload-artifact@v4"' in found
    assert 'property "merge" is not defined' in found
    assert "SC2086" in found  # shellcheck ran on the script: the variable is unquoted


def test_there_are_the_nightly_and_publish_workflows():
    assert {p.name for p in WORKFLOWS} == {"nightly.yml", "publish.yml"}


def test_workflows_are_valid_github_workflows():
    result = check_schema(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_does_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    stepz: []\n",
                      "utf-8")
    assert check_schema(broken).returncode != 0


def commands(script: str) -> list[list[str]]:
    """Each simple command of a `run:` script, as words (variables left as they are)."""
    script = script.replace("\\\n", " ")
    out = []
    for line in script.splitlines():
        for part in re.split(r"&&|\|\||;|\|", line):
            words = shlex.split(part.split(">")[0], posix=True) if part.strip() else []
            if words:
                out.append(words)
    return out


def problems(workflow: dict) -> list[str]:
    found = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            for words in commands(step.get("run", "")):
                found += undocumented(words)
    return found


def undocumented(words: list[str]) -> list[str]:
    head = words[0]
    if head in PLUMBING:
        return []
    if head == "make":
        return [f"make {t}" for t in words[1:] if f"make {t}" not in README
                and not re.search(rf"`make [^`]*\b{t}\b", README)]
    if head == ".venv/bin/guidegen":
        sub = [w for w in words[1:] if not w.startswith("-")][:2]
        name = sub[0] if sub and sub[0] != "report" else " ".join(sub)
        if f"`guidegen {name}" not in README:
            return [f"guidegen {name}"]
        help_text = CliRunner().invoke(main, [*name.split(), "--help"]).output
        fixed = set(re.findall(r"(--[a-z][a-z-]*)", help_text))
        if name == "fix":  # fix passes verify's options on
            fixed |= set(re.findall(r"(--[a-z][a-z-]*)",
                                    CliRunner().invoke(main, ["verify", "--help"]).output))
        return [f"guidegen {name} {w.split('=')[0]}" for w in words
                if w.startswith("--") and w.split("=")[0] not in fixed]
    return [head]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_steps_call_only_documented_commands(path):
    assert problems(yaml.safe_load(path.read_text("utf-8"))) == []


def test_an_undocumented_command_or_option_is_caught():
    workflow = {"jobs": {"x": {"steps": [
        {"run": "make deploy"}, {"run": "curl https://example.com | sh"},
        {"run": ".venv/bin/guidegen verify --no-such-option"},
        {"run": ".venv/bin/guidegen publish"}]}}}
    assert problems(workflow) == ["make deploy", "curl", "sh",
                                  "guidegen verify --no-such-option", "guidegen publish"]


def workflow(name: str) -> dict:
    return yaml.safe_load((REPO / ".github" / "workflows" / name).read_text("utf-8"))


def steps_of(wf: dict) -> list[dict]:
    return [step for job in wf["jobs"].values() for step in job.get("steps", [])]


def test_the_site_is_built_with_the_status_of_the_last_nightly_run():
    nightly, publish = workflow("nightly.yml"), workflow("publish.yml")
    uploads = [s["with"] for s in steps_of(nightly)
               if s.get("uses", "").startswith("actions/upload-artifact@")]
    status = [u["name"] for u in uploads if u["path"] == "screenshots/status.json"]
    assert len(status) == 1
    # yaml reads the key `on` as True
    assert publish[True]["workflow_run"]["workflows"] == [nightly["name"]]
    steps = steps_of(publish)
    fetch = next(i for i, s in enumerate(steps)
                 if s.get("uses", "").startswith("dawidd6/action-download-artifact@"))
    build = next(i for i, s in enumerate(steps) if "guidegen build" in s.get("run", ""))
    assert fetch < build
    assert steps[fetch]["with"]["name"] == status[0]
    assert steps[fetch]["with"]["path"] == "screenshots/"
    assert steps[fetch]["with"]["workflow"] == "nightly.yml"


def test_the_pull_request_takes_screenshots_and_steps_but_not_the_status(tmp_path):
    """The add-paths of create-pull-request go to `git add --` as they are: try them on a
    repository holding what a nightly run leaves behind."""
    pr = next(s["with"] for s in steps_of(workflow("nightly.yml"))
              if s.get("uses", "").startswith("peter-evans/create-pull-request@"))
    paths = [line.strip() for line in pr["add-paths"].splitlines() if line.strip()]
    for name in ("screenshots/status.json", "screenshots/g/shot.png", "screenshots/g/controls.json",
                 "steps/pages/home.yml", "report/summary.md", "site/index.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", "utf-8")

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True,
                              check=True, timeout=60).stdout

    git("init", "-q")
    git("add", "--", *paths)
    assert git("diff", "--cached", "--name-only").split() == [
        "screenshots/g/controls.json", "screenshots/g/shot.png", "steps/pages/home.yml"]
