"""results.json's one model: a file a verify run wrote reads and writes back byte for byte,
the counts follow the steps, older reports still read, and a malformed file names the field."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.errors import GuideError
from guidegen.results import Hop, Kind, read_results
from guidegen.verify.findings import STRUCTURE, Finding

SEED = "zenkit-azure-scim-provisioning"
MOVED = {"action": 4, "action_text": "click link 'Provisioning'",
         "control": "azure-enterprise-app.provisioning", "role": "link", "old": "Provisioning",
         "new": "Provisioning", "via": [{"role": "button", "name": "Manage"}],
         "defined_at": "steps/pages/azure-enterprise-app.yml:6"}
RENAMED = {"action": 0, "action_text": "click button 'Delete'", "control": None,
           "role": "button", "old": "Delete", "new": "Remove"}  # inline: no defined_at


def written(**finding) -> dict:
    """A results.json as a verify run writes it: every key, in the run's order."""
    record = {"kind": "structure drift", "message": "changed", "action": 4, "action_text": None,
              "expected": None, "found": [], "control": None, "defined_at": None,
              "renamed": [], "shown": None, "notices": [], **finding}
    return {"target": "sim", "speaks_for_site": True, "steps": [
        {"guide": SEED, "step": "open-app-provisioning", "plan": None, "status": "failed",
         "finding": record, "claim": "business", "locale": None},
        {"guide": SEED, "step": "enter-credentials", "plan": None, "status": "not run",
         "finding": None, "claim": "business", "locale": None},
        {"guide": SEED, "step": "open-app-provisioning", "plan": "free", "status": "passed",
         "finding": None, "claim": "free", "locale": "de"}],
        "passed": 1, "failed": 1, "not_run": 1}


def test_a_run_s_file_reads_and_writes_back_byte_for_byte(tmp_path):
    text = json.dumps(written(renamed=[MOVED, RENAMED], found=["Manage", "Owners"],
                              notices=["Saved ••••••"]), indent=2) + "\n"
    (tmp_path / "results.json").write_text(text, "utf-8")
    results = read_results(tmp_path)
    assert results.to_json() == text
    assert results.steps[0].finding.renamed[0].via == [Hop(role="button", name="Manage")]
    assert results.steps[0].where == f"{SEED}/open-app-provisioning"
    assert results.steps[2].where == f"{SEED}@de[free]/open-app-provisioning"


def test_the_counts_follow_the_steps(tmp_path):
    data = {**written(), "passed": 7}  # a hand-edited count is not believed
    (tmp_path / "results.json").write_text(json.dumps(data), "utf-8")
    results = read_results(tmp_path)
    assert (results.passed, results.failed, results.not_run) == (1, 1, 1)
    assert json.loads(results.to_json())["passed"] == 1


def test_a_finding_the_engine_raised_is_recorded_with_its_kind():
    finding = Finding(STRUCTURE, "not found", 1, "click link 'Save'", renamed=[dict(RENAMED)])
    record = finding.record()
    assert record.kind is Kind.STRUCTURE and record.renamed[0].new == "Remove"
    assert str(finding) == ("structure drift: action 2 (click link 'Save'): not found; also "
                            "changed: button 'Delete' is now 'Remove'")


def test_a_move_in_an_older_report_is_one_link(tmp_path):
    data = written(renamed=[{**MOVED, "via": "Applications"}])
    (tmp_path / "results.json").write_text(json.dumps(data), "utf-8")
    [rename] = read_results(tmp_path).steps[0].finding.renamed
    assert rename.via == [Hop(role="link", name="Applications")]


@pytest.mark.parametrize(("change", "problem"), [
    ({"steps": [{"guide": SEED, "step": "a", "status": "skipped"}]},
     "steps[0].status: Input should be 'passed', 'failed', 'not run' or 'manual'"),
    ({"target": "staging"}, "target: Input should be 'sim' or 'live'"),
    ({"extra": 1}, "extra: Extra inputs are not permitted"),
])
def test_a_malformed_file_is_bad_input_that_names_the_field(tmp_path, change, problem):
    (tmp_path / "results.json").write_text(json.dumps({**written(), **change}), "utf-8")
    with pytest.raises(GuideError) as info:
        read_results(tmp_path)
    assert str(info.value) == f"{tmp_path}/results.json: {problem}"


@pytest.mark.parametrize("text", ["{not json", "[]", '{"guides": {}}'])
def test_a_file_that_is_no_results_json_says_so(tmp_path, text):
    (tmp_path / "results.json").write_text(text, "utf-8")
    result = CliRunner().invoke(main, ["report", "merge", str(tmp_path), "--out",
                                       str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output == (f"{tmp_path}/results.json: not the results.json of a guidegen "
                             "verify run\n1 problem found.\n")


def finding(**fields) -> str:
    """A results.json whose one failed step's finding has `fields`, as raw JSON text."""
    record = ", ".join(f'"{k}": {v}' for k, v in {"kind": '"visual drift"', **fields}.items())
    return ('{"target": "sim", "steps": [{"guide": "g", "step": "s", "status": "failed", '
            f'"finding": {{{record}}}}}]}}')


@pytest.mark.parametrize(("text", "problem"), [
    # Nesting past what the JSON parser recurses through: it raised RecursionError.
    ('{"target": "sim", "steps": ' + "[" * 100_000 + "]" * 100_000 + "}",
     "not the results.json of a guidegen verify run"),
    ('{"target": "sim", "steps": [' + '{"a": ' * 900 + "1" + "}" * 900 + "]}",
     "steps[0].a: Extra inputs are not permitted"),
    # A lone surrogate reads, then fails to be written into report.html as UTF-8.
    (finding(message='"\\ud83d"'),
     "steps[0].finding.message: not text: a lone UTF-16 surrogate (\\ud800-\\udfff), which no "
     "report can show"),
    # A key of the file's own is shown escaped: no terminal control sequence gets through.
    (finding(**{"\\u001b[2J": 1}), "steps[0].finding.\\x1b[2J: Extra inputs are not permitted"),
    (finding(**{"\\udc00": 1}),
     "steps[0].finding.\\udc00: not text: a lone UTF-16 surrogate (\\ud800-\\udfff), which no "
     "report can show"),
    # fix edits the action at this index: -1 would be the step's last one.
    (finding(action="-1"), "steps[0].finding.action: Input should be greater than or equal to 0"),
    (finding(action="NaN"), "steps[0].finding.action: Input should be a finite number"),
    (finding(action="1e999"), "steps[0].finding.action: Input should be a finite number"),
    (finding(action="1" + "0" * 5000), "not the results.json of a guidegen verify run"),
])
def test_a_crafted_file_is_bad_input_never_a_traceback(tmp_path, text, problem):
    (tmp_path / "results.json").write_text(text, "utf-8")
    with pytest.raises(GuideError) as info:
        read_results(tmp_path)
    assert str(info.value).splitlines()[0] == f"{tmp_path}/results.json: {problem}"


def test_a_file_larger_than_any_run_s_is_not_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr("guidegen.results.MAX_BYTES", 100)
    (tmp_path / "results.json").write_text(json.dumps({**written(), "pad": "x" * 100}), "utf-8")
    with pytest.raises(GuideError) as info:
        read_results(tmp_path)
    assert str(info.value) == f"{tmp_path}/results.json: not the results.json of a guidegen " \
                              "verify run"
