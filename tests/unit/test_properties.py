"""Property tests of the readers of files guidegen does not write itself (Hypothesis):
whatever a step file or a results.json holds, the reader returns its model or raises a
GuideError whose every problem names a file and a line, never anything else. Derandomized
and without an example database, so a run is the same on every machine and writes nothing
outside tmp_path."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidegen.catalog import Catalog
from guidegen.errors import GuideError
from guidegen.load import load_catalog
from guidegen.report import write_reports
from guidegen.results import Results, read_results
from tests.unit.test_load_errors import HEAD, PROJECT
from tests.unit.test_results import MOVED, written

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Keys the models know, so that generated mappings reach their validators, and others.
KEYS = st.sampled_from(["id", "title", "summary", "plans", "portals", "sections", "steps",
                        "text", "actions", "click", "fill", "expect", "control", "role",
                        "name", "screenshot", "requires", "secrets", "variables", "guide",
                        "step", "status", "finding", "kind", "found", "expected", "action",
                        "renamed", "via", "target", "speaks_for_site", "<<", "*"]) | st.text()
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text()
           | st.sampled_from(["free", "plus", "console", "failed", "visual drift", "sim",
                              "{{ product }}", "**Save**", "x.y"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=20)

GUIDE = yaml.safe_load(HEAD + "      - {id: one, text: Hi, actions: [{click: {role: button, "
                       "name: Save}}], screenshot: {name: one, alt: The page}}\n")


@st.composite
def mutated(draw, base, values=VALUES):
    """`base` with up to three of its values (at any depth) replaced by arbitrary ones."""
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        node = data
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            if isinstance(node[key], dict | list) and draw(st.booleans()):
                node = node[key]
                continue
            node[key] = draw(values)
            break
    return data


def yaml_text(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# Lines YAML parsers trip on: anchors and aliases, tags, duplicate keys, tabs, documents.
YAML_PIECES = ["a: &x [1]", "b: *x", "c: *y", "- 1", "  - {", "d: !!python/object:os.system x",
               "e: 1\ne: 2", "\t- f", "---", "...", "%YAML 9.9", "f: [*x, *x, *x]"]
STEP_FILES = (st.text() | st.binary().map(lambda b: b.decode("latin-1"))
              | VALUES.map(yaml_text) | mutated(GUIDE).map(yaml_text)
              | st.lists(st.sampled_from(YAML_PIECES)).map("\n".join))


@SETTINGS
@given(text=STEP_FILES)
def test_any_step_file_loads_or_says_where_it_is_wrong(tmp_path, text):
    (tmp_path / "steps").mkdir(exist_ok=True)
    (tmp_path / "steps" / "project.yml").write_text(PROJECT, "utf-8")
    (tmp_path / "steps" / "guide.yml").write_text(text, "utf-8", errors="surrogatepass")
    try:
        catalog = load_catalog(tmp_path / "steps", tmp_path)
    except GuideError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.file == "steps/guide.yml", problem
            assert isinstance(problem.line, int) and problem.line >= 1, problem
            assert "\n" not in problem.field, problem
    else:
        assert isinstance(catalog, Catalog)


NO_GUIDES = Catalog(plans=[], portals={}, guides=[])
RESULTS = written(renamed=[MOVED], found=["Manage"], notices=["Saved"])
# JSON can escape what UTF-8 cannot hold (a lone surrogate); Hypothesis's text leaves it out.
JSON_TEXT = st.lists(st.characters() | st.integers(0xD800, 0xDFFF).map(chr), max_size=8).map(
    "".join)
JSON_VALUES = st.recursive(SCALARS | JSON_TEXT, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(KEYS | JSON_TEXT, inner, max_size=4), max_leaves=20)
RESULTS_FILES = (JSON_VALUES | mutated(RESULTS, JSON_VALUES) | st.dictionaries(KEYS, JSON_VALUES)).map(
    lambda data: json.dumps(data)) | st.text() | st.just("[" * 5000 + "]" * 5000)


@SETTINGS
@given(text=RESULTS_FILES)
def test_any_results_file_reads_or_says_which_field_is_wrong(tmp_path, text):
    path = tmp_path / "results.json"
    path.write_text(text, "utf-8", errors="surrogatepass")
    try:
        results = read_results(path)
    except GuideError as err:
        assert err.problems
        for problem in err.problems:
            assert problem.file == str(path) and problem.line == 0, problem
            str(problem).encode("utf-8")  # printable as it is
    else:
        assert isinstance(results, Results)
        # What was read can be reported, and written back to read the same.
        write_reports(results, NO_GUIDES, tmp_path, None)
        again = tmp_path / "again.json"
        again.write_text(results.to_json(), "utf-8")
        assert read_results(again) == results


def test_the_strategies_reach_valid_files(tmp_path):
    """The properties say something only if valid files are among the examples."""
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "project.yml").write_text(PROJECT, "utf-8")
    (tmp_path / "steps" / "guide.yml").write_text(yaml_text(GUIDE), "utf-8")
    assert load_catalog(tmp_path / "steps", tmp_path).guides[0].id == "guide"
    (tmp_path / "results.json").write_text(json.dumps(RESULTS), "utf-8")
    assert read_results(Path(tmp_path / "results.json")).failed == 1
