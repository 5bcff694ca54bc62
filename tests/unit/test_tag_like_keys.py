"""A key a writer wrote that looks like the loader's own marks for tagged unions (`§...`) is
an unknown key like any other, at its line: it was a traceback (IndexError), found by
test_properties' generated step files."""

from __future__ import annotations

import pytest

from tests.unit.test_load_errors import HEAD, load_errors, step

CASES = {
    "a whole guide of one": ("§:\n", "steps/guide.yml:1: §: unknown key '§'"),
    "beside the guide's keys": (HEAD.replace("summary:", "§goto: 1\nsummary:") +
                                "      - {id: one, text: Hi}\n",
                                "steps/guide.yml:3: §goto: unknown key '§goto'"),
    "in an action": (step("      - id: one\n"
                          "        text: Hi\n"
                          "        actions:\n"
                          "          - click: {role: button, name: Save, §click: x}\n"),  # 14
                     "steps/guide.yml:14: sections[0].steps[0].actions[0].click.§click: "
                     "unknown key '§click'"),
}


@pytest.mark.parametrize(("guide", "told"), CASES.values(), ids=CASES.keys())
def test_a_key_like_a_union_tag_is_an_unknown_key(tmp_path, guide, told):
    problems = str(load_errors(tmp_path, guide)).splitlines()
    assert told in [p.split(" (did you mean")[0] for p in problems], problems
