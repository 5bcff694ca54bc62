"""What `guidegen check` says about the engine's newer promises (issue 12): every {{ name }}
the run fills in is checked where it is written (highlights, masks, any name of an action, a
page's parameters), requires chain without cycles, bold labels in tips and notes, set-up
steps and their API requests, and steps checked by hand."""

from __future__ import annotations

import pytest

from guidegen.load import load_catalog
from tests.unit.test_load_errors import HEAD, REUSABLE, load_errors, make_project, step, write

SHOT = ("      - id: one\n"
        "        text: Hi\n"
        "        screenshot:\n"
        "          name: one\n"
        "          alt: The page.\n")  # 15

CASES = {
    "highlight": (
        step(SHOT + "          highlight:\n"
                    "            - {role: link, name: \"{{ directory }}\"}\n"),  # 17
        "steps/guide.yml:17: sections[0].steps[0].screenshot.highlight[0].name: undefined "
        "variable 'directory' (define it in 'variables' or 'remember' it in an earlier step)",
    ),
    "mask-within": (
        step(SHOT + "          mask:\n"
                    "            - label: Token\n"
                    "              within: {region: \"{{ app }} settings\"}\n"),  # 18
        "steps/guide.yml:18: sections[0].steps[0].screenshot.mask[0].within.region: undefined "
        "variable 'app' (define it in 'variables' or 'remember' it in an earlier step)",
    ),
    "click-name": (
        step("      - id: one\n").replace("secrets:\n", "variables: {app: Zenkit}\nsecrets:\n") + (
             "        text: Hi\n"
             "        actions:\n"
             "          - click: {role: button, name: \"Open {{ aap }}\"}\n"),  # 15
        "steps/guide.yml:15: sections[0].steps[0].actions[0].click.name: undefined variable "
        "'aap' (did you mean 'app'?) (define it in 'variables' or 'remember' it in an earlier "
        "step)",
    ),
    "select-option": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - select: {label: Plan, option: \"{{ plan }}\"}\n"),  # 14
        "steps/guide.yml:14: sections[0].steps[0].actions[0].select.option: undefined variable "
        "'plan' (define it in 'variables' or 'remember' it in an earlier step)",
    ),
    "bold-in-a-tip": (
        step("      - id: one\n"
             "        text: Click **Save**.\n"
             "        tip: Then click **Close**.\n"  # 13
             "        actions:\n"
             "          - click: {role: button, name: Save}\n"),
        "steps/guide.yml:13: sections[0].steps[0].tip: **Close** is quoted in bold but none of "
        "the step's actions or highlights uses it; name the control in an action (or drop the "
        "bold) so a rename in the portal is caught",
    ),
    "bold-in-an-admonition": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        admonitions:\n"
             "          - kind: note\n"
             "            text: The **Audit log** shows it.\n"),  # 15
        "steps/guide.yml:15: sections[0].steps[0].admonitions[0].text: **Audit log** is quoted "
        "in bold but none of the step's actions or highlights uses it; name the control in an "
        "action (or drop the bold) so a rename in the portal is caught",
    ),
    "manual-without-a-reason": (
        step("      - id: one\n"                        # 11
             "        text: Hi\n"
             "        verify: manual\n"),
        "steps/guide.yml:11: sections[0].steps[0]: 'verify: manual' needs a 'manual_reason': "
        "why the simulators cannot perform the step (writers see it beside the step)",
    ),
    "http-in-a-step-readers-see": (
        step("      - id: one\n"
             "        text: Hi\n"
             "        actions:\n"
             "          - http: {portal: console, method: POST, path: /api/users}\n"),  # 14
        "steps/guide.yml:14: sections[0].steps[0].actions[0].http: an API request is nothing a "
        "reader can follow; put the step under 'setup' (or 'outcome')",
    ),
    "http-to-another-host": (
        step(ONE := "      - {id: one, text: Hi}\n") + (
            "setup:\n"
            "  - id: add-user\n"
            "    text: Add a user.\n"
            "    actions:\n"
            "      - http: {portal: console, path: //evil.example/x}\n"),  # 16
        "steps/guide.yml:16: setup[0].actions[0].http: path '//evil.example/x' must start with "
        "one '/' (or a remembered URL of the portal's): a request never goes to another host, "
        "so a secret it sends stays with the portal",
    ),
    "http-with-an-unknown-secret-and-variable": (
        step(ONE) + (
            "setup:\n"
            "  - id: add-user\n"
            "    text: Add a user.\n"
            "    actions:\n"
            "      - http:\n"
            "          portal: console\n"
            "          method: POST\n"
            "          path: /api/users\n"
            "          bearer: api_tokn\n"                # 20
            "          json: {userName: \"{{ user }}\"}\n"),  # 21
        "steps/guide.yml:20: setup[0].actions[0].http.bearer: unknown secret 'api_tokn' (did "
        "you mean 'api_token'?) (declare it under 'secrets' or 'remember' it with 'secret: "
        "true')\n"
        "steps/guide.yml:21: setup[0].actions[0].http.json: undefined variable 'user' "
        "(define it in 'variables' or 'remember' it in an earlier step)",
    ),
}


@pytest.mark.parametrize(("guide", "expected"), CASES.values(), ids=CASES.keys())
def test_check_reports(tmp_path, guide, expected):
    assert str(load_errors(tmp_path, guide, reusable=REUSABLE)) == expected


PAGE = """\
portal: console
title: An app's page
controls:
  open: {role: link, name: "Open {{ app }}"}
"""


def test_a_pages_parameter_is_a_variable_of_the_guide_that_uses_it(tmp_path):
    body = ("      - id: one\n"
            "        text: Hi\n"
            "        actions:\n"
            "          - click: {control: app.open}\n")  # 14
    steps = make_project(tmp_path, step(body))
    write(steps / "pages" / "app.yml", PAGE)
    with pytest.raises(Exception) as info:
        load_catalog(steps, tmp_path)
    assert str(info.value) == (
        "steps/guide.yml:14: sections[0].steps[0].actions[0].click.name: undefined variable "
        "'app' (define it in 'variables' or 'remember' it in an earlier step)")
    write(steps / "guide.yml", step(body).replace("secrets:\n", "variables: {app: Zenkit}\nsecrets:\n"))
    assert load_catalog(steps, tmp_path).guides[0].all_steps()[0].id == "one"


def guide(ident: str, requires: list[str], body: str = "      - {id: one, text: Hi}\n") -> str:
    return (HEAD.replace("id: guide\n", f"id: {ident}\n")
            .replace("secrets:\n", f"requires: {requires}\nsecrets:\n") + body)


def test_requires_that_lead_back_name_the_cycle(tmp_path):
    steps = make_project(tmp_path, guide("a", ["b"]))
    write(steps / "b.yml", guide("b", ["c"]))
    write(steps / "c.yml", guide("c", ["a"]))
    lines = str(load_errors(tmp_path, guide("a", ["b"]))).splitlines()
    assert lines == [
        "steps/b.yml:6: requires[0]: 'c' requires this guide in turn, a cycle: b -> c -> a -> b",
        "steps/c.yml:6: requires[0]: 'a' requires this guide in turn, a cycle: c -> a -> b -> c",
        "steps/guide.yml:6: requires[0]: 'b' requires this guide in turn, a cycle: a -> b -> c -> a",
    ]


def test_requires_chain_and_what_a_required_guide_remembers_is_known(tmp_path):
    """A requires B requires C: the run performs C, then B, then A; A may use what C
    remembers, and a guide that does not require C may not."""
    remember = ("      - id: one\n"
                "        text: Hi\n"
                "        actions:\n"
                "          - remember: {label: User name, as: user}\n")
    use = ("      - id: two\n"
           "        text: Ho\n"
           "        actions:\n"
           "          - expect: {text: \"{{ user }}\"}\n")  # 15
    steps = make_project(tmp_path, guide("a", ["b"], use))
    write(steps / "b.yml", guide("b", ["c"]))
    write(steps / "c.yml", guide("c", [], remember))
    catalog = load_catalog(steps, tmp_path)
    a = next(g for g in catalog.guides if g.id == "a")
    assert [g.id for g in catalog.requirements(a)] == ["c", "b"]
    write(steps / "b.yml", guide("b", []))
    assert str(load_errors(tmp_path, guide("a", ["b"], use))) == (
        "steps/guide.yml:15: sections[0].steps[0].actions[0].expect.text: undefined variable "
        "'user' (define it in 'variables' or 'remember' it in an earlier step)")


def test_setup_steps_are_not_numbered_and_manual_steps_keep_their_reason(tmp_path):
    body = ("      - id: one\n"
            "        text: Hi\n"
            "        verify: manual\n"
            "        manual_reason: The simulators have no mail server.\n"
            "setup:\n"
            "  - id: add-user\n"
            "    text: Add a user.\n"
            "    actions:\n"
            "      - http: {portal: console, method: POST, path: /api/users, bearer: api_token,\n"
            "               json: {userName: \"{{ product }}\"}}\n")
    catalog = load_catalog(make_project(tmp_path, step(body)), tmp_path)
    g = catalog.guides[0]
    assert [s.id for s in g.setup] == ["add-user"]
    assert [(s.id, s.number, s.manual) for s in g.all_steps()] == [
        ("one", 1, "The simulators have no mail server.")]


def test_a_secret_a_setup_step_remembers_is_a_secret_field_of_the_run(tmp_path):
    """Set-up runs in the same browser as the guide: the field it reads a secret from is
    masked and scrubbed from the start of the run, like a step's."""
    from guidegen.verify.pytest_plugin import secret_fields

    body = ("      - {id: one, text: Hi}\n"
            "setup:\n"
            "  - id: token\n"
            "    text: Note the token.\n"
            "    actions:\n"
            "      - remember: {label: Access key, as: key, secret: true}\n")
    catalog = load_catalog(make_project(tmp_path, step(body)), tmp_path)
    assert [f.describe() for f in secret_fields(catalog, catalog.guides)] == [
        "field labelled 'Access key'"]
