"""project-docs/benchmarks.md's figure tables are what bench/report.py generates from the
committed bench/results/*.json, so every figure there traces to a saved run and a number
typed into a table fails here."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import report  # noqa: E402  (bench/ is scripts, not a package)


def test_the_docs_tables_are_generated_from_the_saved_runs():
    text = report.DOC.read_text(encoding="utf-8")
    names = re.findall(r"<!-- bench:([a-z-]+) -->", text)
    assert set(names) == set(report.RENDERERS), "every benchmark has its block in the docs"
    assert report.generate(text) == text, "run .venv/bin/python bench/report.py"
    assert report.main(["--check"]) == 0


@pytest.mark.parametrize("name", ["build", "sim"])
def test_a_number_typed_into_a_table_is_caught(name):
    text = report.DOC.read_text(encoding="utf-8")
    start = text.index(f"<!-- bench:{name} -->")
    table = text.index("| ", start)
    digit = re.compile(r"\d").search(text, table).start()
    typed = text[:digit] + str((int(text[digit]) + 1) % 10) + text[digit + 1:]
    assert report.generate(typed) == text


def test_a_block_without_its_saved_run_is_an_error(tmp_path):
    with pytest.raises(report.Missing, match="bench:build"):
        report.generate("<!-- bench:build -->\n<!-- /bench:build -->\n", tmp_path)


def test_a_saved_run_is_named_with_its_commit_machine_and_load():
    new = {"_name": "serve", "date": "2026-12-03T01:00:00+00:00",
           "commit": {"sha": "a" * 40, "dirty": True},
           "machine": {"cpu": "AMD EPYC", "cores": 2, "memory_gib": 23.5, "os": "Linux",
                       "python": "3.11.7", "chromium": "Chromium 131"},
           "load": {"before": [0.5, 0, 0], "after": [2.25, 0, 0]}}
    assert report.provenance(new) == (
        "*Run 2026-12-03 at commit `aaaaaaa` with uncommitted changes, on 2 cores, AMD EPYC, "
        "23.5 GiB, Linux, Python 3.11.7, Chromium 131; load average 0.5 before, 2.2 after "
        "(`bench/results/serve.json`).*")
    # drift.json as bench/drift_bench.py wrote it before bench/record.py
    old = {"_name": "drift", "date": "2026-12-02T18:04:06+00:00", "commit": "eb04420",
           "machine": {"cpus": 2, "python": "3.11.7", "load_average_at_start": [3.2, 3.6, 4.0]}}
    assert report.provenance(old) == (
        "*Run 2026-12-02 at commit `eb04420`, on 2 cores, Python 3.11.7; load average 3.2 "
        "before (`bench/results/drift.json`).*")
