"""The GitHub workflows: valid against the GitHub workflow schema (check-jsonschema's vendored
copy, offline), and every command their steps run is one the README documents, with options
the command's --help lists."""

from __future__ import annotations

import re
import shlex
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
PLUMBING = {"apt-get", "cat", "chmod", "cp", "echo", "exit", "mkdir", "printf", "set", "true"}


def check_schema(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", *map(str, paths)],
                          capture_output=True, text=True, timeout=120, check=False)


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
