"""The loader and validator: every bad input a writer can produce gets one exact
`file:line: field path: message` line, all of them in one run, and never a traceback.

Each case builds a small project in tmp_path. Guides are written as raw YAML so that the
expected line numbers can be checked by eye: HEAD is ten lines, so the first step of a case
always starts on line 11.
"""

from __future__ import annotations

import pathlib
import shutil
import tracemalloc
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.errors import GuideError, Problem
from guidegen.load import load_catalog

REPO = Path(__file__).resolve().parents[2]

PROJECT = """\
plans:
  - {id: free, name: Free}
  - {id: plus, name: Plus}
  - {id: business, name: Business}
  - {id: enterprise, name: Enterprise}
portals:
  - {id: console, name: Acme Console}
  - {id: admin, name: Acme Admin}
variables:
  product: Acme
"""

REUSABLE = """\
steps:
  - id: open-page
    params:
      page: Name of the settings page
    text: Open **{{ page }}**.
"""

HEAD = """\
id: guide
title: Guide
summary: A guide.
plans: [plus, business]
portals: [console]
secrets:
  api_token: The API token
sections:
  - title: First
    steps:
"""

ONE_STEP = "      - {id: one, text: Hi}\n"

Content = str | bytes | dict


def write(path: Path, content: Content) -> None:
    if isinstance(content, dict):
        content = yaml.safe_dump(content, sort_keys=False)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def make_project(root: Path, guide: Content, *, project: Content = PROJECT,
                 reusable: Content | None = None) -> Path:
    """steps/project.yml, steps/guide.yml and optionally steps/reusable/common.yml."""
    steps = root / "steps"
    write(steps / "project.yml", project)
    write(steps / "guide.yml", guide)
    if reusable is not None:
        write(steps / "reusable" / "common.yml", reusable)
    return steps


def load_errors(root: Path, guide: Content, **kwargs) -> GuideError:
    steps = make_project(root, guide, **kwargs)
    with pytest.raises(GuideError) as info:
        load_catalog(steps, root)
    return info.value


def step(body: str) -> str:
    return HEAD + body


def test_the_base_project_is_valid(tmp_path):
    """Every case below changes this project in one place; on its own it loads cleanly."""
    catalog = load_catalog(make_project(tmp_path, step(ONE_STEP), reusable=REUSABLE), tmp_path)
    assert [s.id for s in catalog.guides[0].all_steps()] == ["one"]


# ── Bad YAML ────────────────────────────────────────────────────────────────────────────────

BOMB = "".join(
    [f"l0: &l0 [{', '.join(['lol'] * 9)}]\n"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)]
)

YAML_CASES = {
    "syntax-error-colon-in-value": (
        "id: guide\ntitle: Guide: the sequel\nsummary: A guide.\n",
        "steps/guide.yml:2: YAML syntax error: mapping values are not allowed here",
    ),
    "syntax-error-unclosed-bracket": (
        "id: guide\ntitle: [Guide\nsummary: A guide.\n",
        "steps/guide.yml:3: YAML syntax error: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence)",
    ),
    "empty-file": (
        "",
        "steps/guide.yml:1: file is empty; expected a mapping of keys such as 'id' and 'title'",
    ),
    "comments-only": (
        "# yaml-language-server: $schema=schema/guide.schema.json\n\n# nothing yet\n",
        "steps/guide.yml:1: file is empty; expected a mapping of keys such as 'id' and 'title'",
    ),
    "tab-indentation": (
        "id: guide\ntitle: Guide\nsections:\n\t- title: First\n",
        "steps/guide.yml:4: tab character; YAML indents and separates with spaces only",
    ),
    "duplicate-key-names-first-line": (
        step("      - id: one\n"       # 11
             "        text: Hi\n"      # 12
             "        title: One\n"    # 13
             "        text: Again\n"),  # 14
        "steps/guide.yml:14: duplicate key 'text' (first at line 12)",
    ),
    "duplicate-key-in-flow-mapping": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - click: {role: button, name: Save, role: link}\n"),  # 14
        "steps/guide.yml:14: duplicate key 'role' (first at line 14)",
    ),
    "non-utf8-byte": (
        step("      - id: one\n"
             "        text: Caf\xe9 au lait\n").encode("latin-1"),  # 12, column 18
        "steps/guide.yml:12: not valid UTF-8 (byte 0xe9 at column 18); save the file as UTF-8",
    ),
    "top-level-list": (
        "- id: guide\n- title: Guide\n",
        "steps/guide.yml:1: expected a mapping at the top level, found a list",
    ),
    "top-level-scalar": (
        "just some text\n",
        "steps/guide.yml:1: expected a mapping at the top level, found the value 'just some text'",
    ),
    "two-documents": (
        "id: guide\n---\ntitle: Guide\n",
        "steps/guide.yml:2: YAML syntax error: but found another document "
        "(expected a single document in the stream)",
    ),
    "merge-key": (
        "defaults: &d {title: Guide}\nid: guide\n<<: *d\n",
        "steps/guide.yml:3: merge keys ('<<') are not supported; use a reusable step or a "
        "variable instead",
    ),
    "python-tag": (
        "id: guide\ntitle: !!python/object:os.system ls\n",
        "steps/guide.yml:2: unreadable value: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system'",
    ),
    "deep-flow-nesting": (
        "id: " + "[" * 5000 + "]" * 5000 + "\n",
        "steps/guide.yml:1: nested more than 64 levels deep; write it out plainly",
    ),
    "deep-block-nesting": (
        # Line 66 is k64, the key whose value would be the 65th level.
        "id: guide\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(100)),
        "steps/guide.yml:66: nested more than 64 levels deep; write it out plainly",
    ),
    "self-referencing-alias": (
        "id: &loop [*loop]\n",
        "steps/guide.yml:1: document expands to more than 200000 values or 64 levels "
        "(YAML aliases?); write it out plainly",
    ),
}


@pytest.mark.parametrize(("guide", "expected"), YAML_CASES.values(), ids=YAML_CASES.keys())
def test_bad_yaml(tmp_path, guide, expected):
    assert str(load_errors(tmp_path, guide)) == expected


def test_alias_bomb_fails_on_the_node_limit_in_bounded_memory(tmp_path):
    """Nine levels of nine aliases would expand to 9**9 values; the loader stops at the limit."""
    tracemalloc.start()
    try:
        error = load_errors(tmp_path, BOMB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(error) == (
        "steps/guide.yml:1: document expands to more than 200000 values or 64 levels "
        "(YAML aliases?); write it out plainly"
    )
    assert peak < 200 * 2**20, f"peak {peak / 2**20:.0f} MiB: the bomb was expanded"


def test_a_50_mb_file_is_refused_without_being_read(tmp_path, monkeypatch):
    steps = make_project(tmp_path, step(ONE_STEP))
    big = steps / "guide.yml"
    with big.open("r+b") as f:
        f.truncate(50_000_000)  # sparse: no 50 MB written to disk
    opened: list[Path] = []
    real_open = pathlib.Path.open

    def spy_open(self, *args, **kwargs):
        opened.append(Path(self).resolve())
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", spy_open)  # read_bytes and read_text go through it
    with pytest.raises(GuideError) as info:
        load_catalog(steps, tmp_path)
    assert str(info.value) == (
        "steps/guide.yml:1: file is 50.0 MB; a step file may be at most 1 MB (split the guide)"
    )
    assert big.resolve() not in opened
    assert (steps / "project.yml").resolve() in opened, "the spy must see the loader's reads"


# ── Schema errors ───────────────────────────────────────────────────────────────────────────

SCHEMA_CASES = {
    "unknown-key-lable": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - fill:\n"
             "              lable: Tenant URL\n"           # 15
             "              value: https://example.com\n"),
        "steps/guide.yml:15: sections[0].steps[0].actions[0].fill.lable: unknown key 'lable' "
        "(did you mean 'label'?)",
    ),
    "unknown-key-titel-on-a-step": (
        step("      - id: one\n"
             "        titel: Welcome\n"                   # 12
             "        text: Hi\n"),
        "steps/guide.yml:12: sections[0].steps[0].titel: unknown key 'titel' "
        "(did you mean 'title'?)",
    ),
    "unknown-key-titel-on-the-guide": (
        HEAD.replace("title: Guide", "titel: Guide") + ONE_STEP,
        "steps/guide.yml:1: (top): missing required key 'title'\n"
        "steps/guide.yml:2: titel: unknown key 'titel' (did you mean 'title'?)",
    ),
    "unknown-action-clik": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - goto: /settings\n"
             "          - clik: {role: button, name: Save}\n"),  # 15
        "steps/guide.yml:15: sections[0].steps[0].actions[1]: unknown action 'clik' "
        "(did you mean 'click'?); actions are: goto, click, fill, select, check, expect, wait, "
        "remember, http",
    ),
    "two-actions-in-one-item": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - click: {role: button, name: Save}\n"  # 14
             "            fill: {label: Name, value: Ada}\n"),
        "steps/guide.yml:14: sections[0].steps[0].actions[0]: one action per list item, "
        "found click, fill",
    ),
    "missing-required-key": (
        step("      - id: one\n"                           # 11
             "        title: Welcome\n"),
        "steps/guide.yml:11: sections[0].steps[0]: missing required key 'text'",
    ),
    "invalid-id": (
        step("      - id: Step_One\n"                      # 11
             "        text: Hi\n"),
        "steps/guide.yml:11: sections[0].steps[0].id: 'Step_One' is not a valid id: "
        "use lowercase letters, digits and hyphens",
    ),
    "invalid-name": (
        HEAD.replace("  api_token:", "  api token:") + ONE_STEP,  # 7
        "steps/guide.yml:7: secrets.api token: 'api token' is not a valid name: "
        "use letters, digits and underscores",
    ),
    "role-buton": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - click:\n"
             "              role: buton\n"                 # 15
             "              name: Save\n"),
        "steps/guide.yml:15: sections[0].steps[0].actions[0].click.role: 'buton' is not one of: "
        "alert, banner, button, cell, checkbox, columnheader, combobox, dialog, ... "
        "(did you mean 'button'?)",
    ),
    "locator-two-ways": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - click: {role: button, name: Save, label: Save}\n"),  # 14
        "steps/guide.yml:14: sections[0].steps[0].actions[0].click: name the control in exactly "
        "one way: role (with name), label, text or region (found: role, label)",
    ),
    "locator-no-way": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - click: {name: Save}\n"),  # 14
        "steps/guide.yml:14: sections[0].steps[0].actions[0].click: name the control in exactly "
        "one way: role (with name), label, text or region (found: none)",
    ),
    "fill-value-and-secret": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - fill: {label: API token, value: abc, secret: api_token}\n"),  # 14
        "steps/guide.yml:14: sections[0].steps[0].actions[0].fill: give exactly one of 'value' "
        "or 'secret'",
    ),
    "string-where-list-expected": (
        HEAD.replace("portals: [console]", "portals: console") + ONE_STEP,  # 5
        "steps/guide.yml:5: portals: expected a list, got 'console'",
    ),
    "list-where-string-expected": (
        HEAD.replace("title: Guide", "title: [Guide, Two]") + ONE_STEP,  # 2
        "steps/guide.yml:2: title: expected a string, got a list",
    ),
    "number-where-mapping-expected": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        screenshot: 5\n"),                   # 13
        "steps/guide.yml:13: sections[0].steps[0].screenshot: expected a mapping, got 5",
    ),
    "empty-value": (
        step("      - id: one\n"
             "        text:\n"),                           # 12
        "steps/guide.yml:12: sections[0].steps[0].text: expected a string, got nothing",
    ),
    # Written from a dict: `plans` and `portals` dump as block lists, so `variables` is line 9.
    "number-where-mapping-expected-from-dict": (
        {"id": "guide", "title": "Guide", "summary": "A guide.", "plans": ["plus", "business"],
         "portals": ["console"], "variables": 3,
         "sections": [{"title": "First", "steps": [{"id": "one", "text": "Hi"}]}]},
        "steps/guide.yml:9: variables: expected a mapping, got 3",
    ),
}


@pytest.mark.parametrize(("guide", "expected"), SCHEMA_CASES.values(), ids=SCHEMA_CASES.keys())
def test_schema_error(tmp_path, guide, expected):
    assert str(load_errors(tmp_path, guide)) == expected


def test_problem_carries_file_line_field_and_message(tmp_path):
    error = load_errors(tmp_path, SCHEMA_CASES["unknown-key-lable"][0])
    assert error.problems == [Problem(
        "steps/guide.yml", 15, "sections[0].steps[0].actions[0].fill.lable",
        "unknown key 'lable' (did you mean 'label'?)",
    )]


# ── Semantic errors ─────────────────────────────────────────────────────────────────────────

SEMANTIC_CASES = {
    "unknown-plan-on-the-guide": (
        HEAD.replace("[plus, business]", "[plus, busines]") + ONE_STEP,  # 4
        "steps/guide.yml:4: plans[1]: unknown plan 'busines' (did you mean 'business'?); "
        "plans are: free, plus, business, enterprise",
    ),
    "unknown-plan-on-a-step": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        plans:\n"
             "          - busines\n"),                     # 14
        "steps/guide.yml:14: sections[0].steps[0].plans[0]: unknown plan 'busines' "
        "(did you mean 'business'?); plans are: free, plus, business, enterprise",
    ),
    "guide-applies-to-no-plan": (
        HEAD.replace("[plus, business]", "[]") + ONE_STEP,  # 4
        "steps/guide.yml:4: plans: applies to no plan; list at least one plan",
    ),
    "duplicate-step-id-names-first-line": (
        step("      - id: one\n"                           # 11
             "        text: Hi\n"
             "      - id: two\n"
             "        text: Ho\n"
             "      - id: one\n"                           # 15
             "        text: Again\n"),
        "steps/guide.yml:15: sections[0].steps[2].id: duplicate id 'one' (first at line 11)",
    ),
    "step-plans-outside-the-guides": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        plans: [business, free]\n"),         # 13
        "steps/guide.yml:13: sections[0].steps[0].plans[1]: plan 'free' is outside the section's "
        "plans (plus, business)",
    ),
    "section-plans-outside-the-guides": (
        HEAD.replace("  - title: First\n", "  - title: First\n    plans: [enterprise]\n")
        + ONE_STEP,                                        # 10
        "steps/guide.yml:10: sections[0].plans[0]: plan 'enterprise' is outside the guide's "
        "plans (plus, business)",
    ),
    "variant-for-a-plan-outside-the-step": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        plans: [plus]\n"
             "        variants:\n"
             "          - plans: [business]\n"             # 15
             "            text: On Business, more.\n"),
        "steps/guide.yml:15: sections[0].steps[0].variants[0].plans[0]: plan 'business' is "
        "outside the step's plans (plus)",
    ),
    "variant-for-no-plan": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        variants:\n"
             "          - plans: []\n"                     # 14
             "            text: Never shown.\n"),
        "steps/guide.yml:14: sections[0].steps[0].variants[0].plans: applies to no plan; list "
        "at least one plan",
    ),
    "variant-for-every-plan-of-the-step": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        variants:\n"
             "          - plans: [business, plus]\n"       # 14
             "            text: Everyone sees this.\n"),
        "steps/guide.yml:14: sections[0].steps[0].variants[0].plans: variant applies to every "
        "plan of the step; put its text in 'text'",
    ),
    "undefined-variable": (
        step("      - id: one\n"
             "        text: Open {{ prodct }} and sign in.\n"),  # 12
        "steps/guide.yml:12: sections[0].steps[0].text: undefined variable 'prodct' "
        "(did you mean 'product'?)",
    ),
    "undefined-variable-in-an-admonition": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        warning: Ask your {{ admin }} first.\n"),  # 13
        "steps/guide.yml:13: sections[0].steps[0].warning: undefined variable 'admin'",
    ),
    "unknown-portal-on-the-guide": (
        HEAD.replace("portals: [console]", "portals: [consol]") + ONE_STEP,  # 5
        "steps/guide.yml:5: portals[0]: unknown portal 'consol' (did you mean 'console'?)",
    ),
    "unknown-portal-on-a-step": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        portal: consle\n"),                  # 13
        "steps/guide.yml:13: sections[0].steps[0].portal: unknown portal 'consle' "
        "(did you mean 'console'?)",
    ),
    "portal-not-among-the-guides": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - goto: /users\n"
             "            portal: admin\n"),               # 15
        "steps/guide.yml:15: sections[0].steps[0].actions[0].portal: portal 'admin' is not "
        "among the guide's portals (console)",
    ),
    "screenshot-declared-twice-names-the-other-place": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        screenshot:\n"
             "          name: settings\n"                  # 14
             "          alt: The settings.\n"
             "      - id: two\n"
             "        text: Ho\n"
             "        screenshot:\n"
             "          name: settings\n"                  # 19
             "          alt: The settings again.\n"),
        "steps/guide.yml:19: sections[0].steps[1].screenshot.name: screenshot 'settings' is "
        "declared twice (also at steps/guide.yml:14)",
    ),
    "unknown-reusable-step": (
        step("      - use: open-pag\n"                     # 11
             "        with: {page: Audit log}\n"),
        "steps/guide.yml:11: sections[0].steps[0].use: unknown reusable step 'open-pag' "
        "(did you mean 'open-page'?)",
    ),
    "missing-reusable-parameter": (
        step("      - use: open-page\n"),                  # 11
        "steps/guide.yml:11: sections[0].steps[0].with: missing parameter 'page' of 'open-page' "
        "(Name of the settings page)",
    ),
    "misspelt-reusable-parameter": (
        step("      - use: open-page\n"
             "        with:\n"                             # 12
             "          pgae: Audit log\n"),               # 13
        "steps/guide.yml:12: sections[0].steps[0].with: missing parameter 'page' of 'open-page' "
        "(Name of the settings page)\n"
        "steps/guide.yml:13: sections[0].steps[0].with.pgae: unknown parameter 'pgae' of "
        "'open-page' (did you mean 'page'?)",
    ),
    "unknown-secret": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - fill:\n"
             "              label: API token\n"
             "              secret: api_tokn\n"),          # 16
        "steps/guide.yml:16: sections[0].steps[0].actions[0].fill.secret: unknown secret "
        "'api_tokn' (did you mean 'api_token'?) (declare it under 'secrets' or 'remember' it "
        "with 'secret: true')",
    ),
    "secret-literal-in-a-secret-field": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - fill:\n"
             "              label: Secret Token\n"
             "              value: s3cr3t-v4lue\n"),       # 16
        "steps/guide.yml:16: sections[0].steps[0].actions[0].fill.value: looks like a secret "
        "written into YAML; use 'secret: <name>' and set the value in the environment",
    ),
    "remembered-secret-used-as-value": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - remember: {label: Bearer Token, as: token, secret: true}\n"
             "          - fill:\n"
             "              label: Password\n"
             "              value: \"{{ token }}\"\n"),    # 17
        "steps/guide.yml:17: sections[0].steps[0].actions[1].fill.value: 'token' is a secret; "
        "use 'secret: token' so it is never shown",
    ),
    "value-uses-a-name-not-yet-remembered": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - fill:\n"
             "              label: Tenant URL\n"
             "              value: \"{{ base_url }}\"\n"   # 16
             "      - id: two\n"
             "        text: Ho\n"
             "        actions:\n"
             "          - remember: {label: Base URL, as: base_url}\n"),
        "steps/guide.yml:16: sections[0].steps[0].actions[0].fill.value: undefined variable "
        "'base_url' (define it in 'variables' or 'remember' it in an earlier step)",
    ),
    "expected-text-uses-an-unknown-name": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - expect:\n"
             "              text: Welcome, {{ usr }}\n"),  # 15
        "steps/guide.yml:15: sections[0].steps[0].actions[0].expect.text: undefined variable "
        "'usr' (define it in 'variables' or 'remember' it in an earlier step)",
    ),
}


@pytest.mark.parametrize(("guide", "expected"), SEMANTIC_CASES.values(),
                         ids=SEMANTIC_CASES.keys())
def test_semantic_error(tmp_path, guide, expected):
    assert str(load_errors(tmp_path, guide, reusable=REUSABLE)) == expected


def test_a_remembered_name_is_usable_in_later_steps(tmp_path):
    """The counterpart of 'not yet remembered': remember first, then use it."""
    guide = step("      - id: one\n"
                 "        text: Hi\n"
                 "        actions:\n"
                 "          - remember: {label: Base URL, as: base_url}\n"
                 "      - id: two\n"
                 "        text: Ho\n"
                 "        actions:\n"
                 "          - fill: {label: Tenant URL, value: \"{{ base_url }}\"}\n")
    catalog = load_catalog(make_project(tmp_path, guide), tmp_path)
    assert len(catalog.guides[0].all_steps()) == 2


# ── Project and reusable files ──────────────────────────────────────────────────────────────

PROJECT_CASES = {
    "duplicate-plan-id": (
        PROJECT.replace("{id: enterprise,", "{id: business,"),  # 5
        "steps/project.yml:5: plans[3].id: duplicate plan id 'business' (first at line 4)",
    ),
    "unknown-key-in-a-plan": (
        PROJECT.replace("{id: plus, name: Plus}", "{id: plus, nmae: Plus}"),  # 3
        "steps/project.yml:3: plans[1]: missing required key 'name'\n"
        "steps/project.yml:3: plans[1].nmae: unknown key 'nmae' (did you mean 'name'?)",
    ),
    "variable-name-with-a-space": (
        PROJECT.replace("  product: Acme", "  product name: Acme"),  # 10
        "steps/project.yml:10: variables.product name: 'product name' is not a valid name: "
        "use letters, digits and underscores",
    ),
}


@pytest.mark.parametrize(("project", "expected"), PROJECT_CASES.values(),
                         ids=PROJECT_CASES.keys())
def test_project_error(tmp_path, project, expected):
    assert str(load_errors(tmp_path, step(ONE_STEP), project=project)) == expected


def test_missing_project_file(tmp_path):
    steps = make_project(tmp_path, step(ONE_STEP))
    (steps / "project.yml").unlink()
    with pytest.raises(GuideError) as info:
        load_catalog(steps, tmp_path)
    assert str(info.value) == (
        "steps/project.yml: missing: the plan registry (plans, portals, variables) is defined here"
    )


USES = step("      - use: open-page\n        with: {page: Audit}\n"
            "      - use: open-page\n        id: again\n        with: {page: Users}\n")


def test_reusable_step_with_an_undefined_variable_is_reported_once(tmp_path):
    """In its own file, not a second time at every guide that uses it."""
    reusable = REUSABLE.replace("Open **{{ page }}**.", "Open **{{ pag }}**.")  # line 5
    assert str(load_errors(tmp_path, USES, reusable=reusable)) == (
        "steps/reusable/common.yml:5: steps[0].text: undefined variable 'pag' "
        "(did you mean 'page'?) (add it to 'params')"
    )


def test_invalid_reusable_file_is_reported_once(tmp_path):
    """Its steps are not 'unknown' to the guides that use them: they are broken at the source."""
    reusable = REUSABLE.replace("    text:", "    txet:")  # line 5
    assert str(load_errors(tmp_path, USES, reusable=reusable)) == (
        "steps/reusable/common.yml:2: steps[0]: missing required key 'text'\n"
        "steps/reusable/common.yml:5: steps[0].txet: unknown key 'txet' (did you mean 'text'?)"
    )


# ── Every error in one run ──────────────────────────────────────────────────────────────────


def test_three_schema_mistakes_in_one_file_are_all_reported_by_line(tmp_path):
    # The model checks portals and order before sections; the report still reads top down.
    guide = ("id: guide\n"
             "sections:\n"
             "  - title: First\n"
             "    steps:\n"
             "      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - clik: {role: button, name: Save}\n"    # 8
             "title: Guide\n"
             "summary: A guide.\n"
             "plans: [plus, business]\n"
             "portals: console\n"                                # 12
             "order: soon\n")                                    # 13
    error = load_errors(tmp_path, guide)
    assert str(error) == (
        "steps/guide.yml:8: sections[0].steps[0].actions[0]: unknown action 'clik' (did you mean "
        "'click'?); actions are: goto, click, fill, select, check, expect, wait, remember, http\n"
        "steps/guide.yml:12: portals: expected a list, got 'console'\n"
        "steps/guide.yml:13: order: expected a whole number, got 'soon'"
    )
    assert [p.line for p in error.problems] == [8, 12, 13]


def test_three_semantic_mistakes_in_one_file_are_all_reported_by_line(tmp_path):
    # Found in the order portal (5), plans (14), text (12); reported top down.
    guide = HEAD.replace("portals: [console]", "portals: [consol]") + (
        "      - id: one\n"
        "        text: Open {{ prodct }}.\n"                     # 12
        "        plans:\n"
        "          - busines\n")                                 # 14
    assert str(load_errors(tmp_path, guide)) == (
        "steps/guide.yml:5: portals[0]: unknown portal 'consol' (did you mean 'console'?)\n"
        "steps/guide.yml:12: sections[0].steps[0].text: undefined variable 'prodct' "
        "(did you mean 'product'?)\n"
        "steps/guide.yml:14: sections[0].steps[0].plans[0]: unknown plan 'busines' "
        "(did you mean 'business'?); plans are: free, plus, business, enterprise"
    )


def test_mistakes_in_several_files_are_all_reported(tmp_path):
    project = PROJECT.replace("{id: enterprise,", "{id: business,")
    reusable = REUSABLE + "  - id: other\n    text: Hi\n    tilte: Other\n"  # line 8
    guide = step("      - id: one\n        text: Open {{ prodct }}.\n")  # line 12
    assert str(load_errors(tmp_path, guide, project=project, reusable=reusable)) == (
        "steps/guide.yml:12: sections[0].steps[0].text: undefined variable 'prodct' "
        "(did you mean 'product'?)\n"
        "steps/project.yml:5: plans[3].id: duplicate plan id 'business' (first at line 4)\n"
        "steps/reusable/common.yml:8: steps[1].tilte: unknown key 'tilte' (did you mean 'title'?)"
    )


# ── The CLI: exit codes and no traceback ────────────────────────────────────────────────────


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_check_reports_every_problem_on_stderr_and_exits_2(tmp_path):
    make_project(tmp_path, SEMANTIC_CASES["misspelt-reusable-parameter"][0], reusable=REUSABLE)
    result = run_cli("check", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "steps/guide.yml:12: sections[0].steps[0].with: missing parameter 'page' of 'open-page' "
        "(Name of the settings page)\n"
        "steps/guide.yml:13: sections[0].steps[0].with.pgae: unknown parameter 'pgae' of "
        "'open-page' (did you mean 'page'?)\n"
        "2 problems found.\n"
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", ["non-utf8-byte", "deep-flow-nesting", "python-tag",
                                  "self-referencing-alias"])
def test_check_never_shows_a_traceback(tmp_path, case):
    guide, expected = YAML_CASES[case]
    make_project(tmp_path, guide)
    result = run_cli("check", "--root", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"{expected}\n1 problem found.\n"
    assert "Traceback" not in result.output


def test_check_passes_on_the_shipped_project():
    result = run_cli("check", "--root", str(REPO))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("ok: ")


# ── A failed build changes nothing ──────────────────────────────────────────────────────────

SEED = "steps/zenkit-azure-scim-provisioning.yml"


def copy_content(dest: Path) -> Path:
    for name in ("steps", "templates", "screenshots", "docs"):
        shutil.copytree(REPO / name, dest / name, ignore=shutil.ignore_patterns("guides"))
    shutil.copy2(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under docs/ and site/ with its bytes (None for a folder)."""
    return {
        str(p.relative_to(root)): None if p.is_dir() else p.read_bytes()
        for top in ("docs", "site") for p in sorted((root / top).rglob("*"))
    }


def good_build(tmp_path: Path) -> tuple[Path, dict[str, bytes | None]]:
    root = copy_content(tmp_path)
    result = run_cli("build", "--root", str(root))
    assert result.exit_code == 0, result.output
    before = snapshot(root)
    assert "docs/guides/zenkit-azure-scim-provisioning.md" in before
    assert "site/guides/zenkit-azure-scim-provisioning/index.html" in before
    return root, before


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_failed_load_leaves_docs_and_site_unchanged(tmp_path):
    root, before = good_build(tmp_path)
    edit(root / SEED, "plans: [business, enterprise]", "plans: [enterprise, busines]")
    result = run_cli("build", "--root", str(root))
    assert result.exit_code == 2
    assert "steps/zenkit-azure-scim-provisioning.yml:10: plans[1]: unknown plan 'busines'" in (
        result.stderr)
    assert "Traceback" not in result.output
    assert snapshot(root) == before
    assert not list(root.glob(".guidegen-stage-*"))


def test_failed_mkdocs_build_leaves_docs_and_site_unchanged(tmp_path):
    root, before = good_build(tmp_path)
    edit(root / SEED, "click **Save**.", "click **Save** (see [the FAQ](faq.md)).")
    result = run_cli("build", "--root", str(root))
    assert result.exit_code == 2
    assert "contains a link 'faq.md', but the target 'guides/faq.md' is not found" in (
        result.stderr)
    assert "The site was not built; docs/ and site/ are unchanged." in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(root) == before
    assert not list(root.glob(".guidegen-stage-*"))


def test_a_successful_build_does_replace_docs_and_site(tmp_path):
    """The counterpart of the two above: unchanged means the failure kept them, not a no-op."""
    root, before = good_build(tmp_path)
    edit(root / SEED, "click **Save**.", "click **Save** now.")
    result = run_cli("build", "--root", str(root))
    assert result.exit_code == 0, result.output
    after = snapshot(root)
    page = "docs/guides/zenkit-azure-scim-provisioning.md"
    assert after[page] != before[page] and b"click **Save** now." in after[page]
    assert b"click <strong>Save</strong> now." in after[
        "site/guides/zenkit-azure-scim-provisioning/index.html"]


def test_guide_plans_as_a_single_string_hints_at_a_list(tmp_path):
    err = load_errors(tmp_path, step(ONE_STEP).replace("plans: [plus, business]", "plans: business"))
    assert str(err) == (
        "steps/guide.yml:4: plans: expected 'all' or a list of plan ids such as [business], "
        "got 'business'"
    )


def test_front_matter_survives_a_colon_in_the_title(tmp_path):
    from guidegen.render import render_catalog

    guide = step(ONE_STEP).replace("title: Guide", 'title: "SCIM: rotating the token"')
    catalog = load_catalog(make_project(tmp_path, guide), tmp_path)
    page = render_catalog(catalog, REPO / "templates", tmp_path)["guides/guide.md"].text
    front = yaml.safe_load(page.split("---\n")[1])
    assert front["title"] == "SCIM: rotating the token"


def test_bold_label_that_no_action_uses_is_flagged(tmp_path):
    body = (
        "      - id: one\n"
        "        text: Click **Save**, then **Close**.\n"
        "        actions:\n"
        "          - click: {role: button, name: Save}\n"
    )
    err = load_errors(tmp_path, step(body))
    assert str(err) == (
        "steps/guide.yml:12: sections[0].steps[0].text: **Close** is quoted in bold but none of "
        "the step's actions or highlights uses it; name the control in an action (or drop the "
        "bold) so a rename in the portal is caught"
    )


def test_bold_label_used_by_a_highlight_or_within_passes(tmp_path):
    body = (
        "      - id: one\n"
        "        text: Under **Admin Credentials**, find **Tenant URL**.\n"
        "        actions:\n"
        "          - expect: {label: Tenant URL, within: {region: Admin Credentials}}\n"
    )
    steps = make_project(tmp_path, step(body))
    assert load_catalog(steps, tmp_path).guides[0].all_steps()[0].id == "one"


def test_build_with_a_relative_root(tmp_path, monkeypatch):
    project = tmp_path / "project"
    for name in ("steps", "templates", "docs", "screenshots"):
        shutil.copytree(REPO / name, project / name, ignore=shutil.ignore_patterns("guides"))
    shutil.copy2(REPO / "mkdocs.yml", project / "mkdocs.yml")
    monkeypatch.chdir(tmp_path)
    result = run_cli("build", "--root", "project")
    assert result.exit_code == 0, result.output
    assert (project / "site" / "guides" / "plans" / "index.html").is_file()
