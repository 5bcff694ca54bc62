"""project-docs/security.md promises a test per row: each row names one, and each named test
exists, so the page cannot outlive what checks it."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEST = re.compile(r"`(tests/[a-z0-9]+/test_[a-z_]+\.py)(?:::([a-z0-9_]+))?`")


def test_every_row_of_the_security_table_names_a_test_that_exists():
    rows = [line for line in (REPO / "project-docs/security.md").read_text("utf-8").splitlines()
            if line.startswith("| ") and not line.startswith(("| what could", "|---"))]
    assert len(rows) >= 15
    for row in rows:
        named = TEST.findall(row.rsplit("|", 2)[-2])
        assert named, f"no test named in: {row}"
        for file, name in named:
            source = (REPO / file).read_text("utf-8")
            assert not name or f"def {name}(" in source, f"{file}::{name} does not exist"
