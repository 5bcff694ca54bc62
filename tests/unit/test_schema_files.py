"""The JSON Schemas in steps/schema/ are generated from the models and stay in step with them,
and every step file points the editor at the right one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.schema import KINDS, file_name

REPO = Path(__file__).resolve().parents[2]
STEPS = REPO / "steps"
SCHEMA_DIR = STEPS / "schema"
MARK = "# yaml-language-server: $schema="
STEP_FILES = sorted(p for ext in ("yml", "yaml") for p in STEPS.rglob(f"*.{ext}"))


def test_shipped_schemas_are_up_to_date():
    result = CliRunner().invoke(main, ["schema", "--check", "--root", str(REPO)])
    assert result.exit_code == 0, result.output


def test_schema_check_notices_a_stale_schema(tmp_path):
    """The counterpart of the test above: `--check` really compares."""
    shutil.copytree(SCHEMA_DIR, tmp_path / "steps" / "schema")
    stale = tmp_path / "steps" / "schema" / file_name("guide")
    stale.write_text(stale.read_text("utf-8").replace('"title"', '"titel"', 1), "utf-8")
    result = CliRunner().invoke(main, ["schema", "--check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == ("out of date: guide.schema.json; run `guidegen schema --write`\n")


def expected_kind(path: Path) -> str:
    if path.relative_to(STEPS).parts[0] == "translations":
        return "translation"
    if path.parent.name in ("reusable", "pages"):
        return {"reusable": "reusable", "pages": "page"}[path.parent.name]
    return "project" if path.stem == "project" else "guide"


def test_there_are_step_files_to_check():
    assert {expected_kind(p) for p in STEP_FILES} == set(KINDS)


@pytest.mark.parametrize("path", STEP_FILES, ids=lambda p: str(p.relative_to(STEPS)))
def test_step_file_starts_with_its_schema_line(path):
    first = path.read_text("utf-8").splitlines()[0]
    assert first.startswith(MARK), f"{path.name} must start with '{MARK}...'"
    target = (path.parent / first.removeprefix(MARK).strip()).resolve()
    assert target.is_file(), f"{path.name} points at {target}, which does not exist"
    assert target == (SCHEMA_DIR / file_name(expected_kind(path))).resolve()
