"""The status file per language (issue 13): a run whose portal spoke German keeps its
verdicts apart from the English ones, under "locales", and neither run touches the other's."""

from __future__ import annotations

import json

from guidegen.results import StepResult
from guidegen.status import STATUS_FILE, read_status, update_status

SEED = "zenkit-azure-scim-provisioning"


def run(locale: str | None, **status_of: str) -> list[StepResult]:
    return [StepResult(guide=SEED, step=step, status=status, locale=locale,
                       finding={"kind": "structure drift"} if status == "failed" else None)
            for step, status in status_of.items()]


def test_each_language_has_its_own_verdicts(tmp_path):
    update_status(tmp_path, "sim", run(None, a="passed", b="passed"), today="2026-11-01")
    update_status(tmp_path, "sim", run("de", a="passed", b="failed"), today="2026-12-03")
    assert read_status(tmp_path)[SEED]["result"] == "passed"
    german = read_status(tmp_path, "de")[SEED]
    assert (german["result"], german["problems"], german["date"]) == \
        ("failed", {"b": "structure drift"}, "2026-12-03")
    data = json.loads((tmp_path / STATUS_FILE).read_text("utf-8"))
    assert set(data) == {"guides", "locales"} and set(data["locales"]) == {"de"}

    # An English run later leaves the German verdict as it was, and the other way round.
    update_status(tmp_path, "sim", run(None, a="passed", b="failed"), today="2026-12-04")
    assert read_status(tmp_path, "de")[SEED]["date"] == "2026-12-03"
    assert read_status(tmp_path)[SEED]["result"] == "failed"
    update_status(tmp_path, "sim", run("de", a="passed", b="passed"), today="2026-12-05")
    assert read_status(tmp_path)[SEED]["date"] == "2026-12-04"
    assert read_status(tmp_path, "de")[SEED]["result"] == "passed"


def test_a_file_without_languages_reads_as_no_verdict_in_them(tmp_path):
    update_status(tmp_path, "sim", run(None, a="passed"), today="2026-11-01")
    assert "locales" not in json.loads((tmp_path / STATUS_FILE).read_text("utf-8"))
    assert read_status(tmp_path, "de") == {}
    (tmp_path / STATUS_FILE).write_text('{"guides": {}, "locales": ["de"]}', "utf-8")
    assert read_status(tmp_path, "de") == {}  # a hand-edited file of the wrong shape


def test_one_merged_run_of_both_languages_writes_both(tmp_path):
    """`report merge` of an English and a German shard: one call, both sections."""
    update_status(tmp_path, "sim", run(None, a="passed") + run("de", a="failed"),
                  today="2026-12-03")
    assert read_status(tmp_path)[SEED]["result"] == "passed"
    assert read_status(tmp_path, "de")[SEED]["result"] == "failed"
