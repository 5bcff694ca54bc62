"""The project docs' tables that promise a test per row (project-docs/verdicts.md,
project-docs/security.md): each row names one, and each named test exists, so a table cannot
outlive what checks it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# verdicts.md names end-to-end tests by file; security.md names them by path.
TEST = re.compile(r"`((?:tests/[a-z0-9]+/)?test_[a-z_]+\.py)(?:::([a-z0-9_]+))?`")


@pytest.mark.parametrize(("page", "header"), [("verdicts.md", "| cause"),
                                              ("security.md", "| what could")])
def test_every_row_of_the_table_names_a_test_that_exists(page, header):
    rows = [line for line in (REPO / "project-docs" / page).read_text("utf-8").splitlines()
            if line.startswith("| ") and not line.startswith((header, "|---"))]
    assert len(rows) >= 15
    for row in rows:
        named = TEST.findall(row.rsplit("|", 2)[-2])
        assert named, f"no test named in: {row}"
        for file, name in named:
            path = REPO / file if file.startswith("tests/") else REPO / "tests/e2e" / file
            source = path.read_text("utf-8")
            assert not name or f"def {name}(" in source, f"{file}::{name} does not exist"
