"""Page objects: `steps/pages/<page>.yml` names each control of a portal area once; steps say
`control: <page>.<control>`. The loader fills the control in and keeps the reference, so a
drift report can point at the one line to edit."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidegen.errors import GuideError
from guidegen.load import load_catalog
from guidegen.model import Locator, action_target

from .test_load_errors import REUSABLE, make_project, step, write

SETTINGS = """\
portal: console
title: Settings
controls:
  save: {role: button, name: Save changes}
  api-token: {label: API token, within: {region: Credentials}}
  banner: {text: Welcome back}
"""

ADMIN = """\
portal: admin
title: Admin area
controls:
  users: {role: link, name: Users}
"""


def project(root: Path, guide: str, *, pages: dict[str, str] | None = None,
            reusable: str | None = None) -> Path:
    steps = make_project(root, guide, reusable=reusable)
    for name, text in (pages if pages is not None else
                       {"settings": SETTINGS, "admin": ADMIN}).items():
        write(steps / "pages" / f"{name}.yml", text)
    return steps


def errors(root: Path, guide: str, **kwargs) -> str:
    with pytest.raises(GuideError) as info:
        load_catalog(project(root, guide, **kwargs), root)
    return str(info.value)


SAVE = step("      - id: one\n"                                   # 11
            "        text: Click **Save changes**.\n"             # 12
            "        actions:\n"                                  # 13
            "          - click: {control: settings.save}\n")      # 14


def test_a_control_is_filled_in_from_its_page_and_keeps_its_reference(tmp_path):
    catalog = load_catalog(project(tmp_path, SAVE), tmp_path)
    target = action_target(catalog.guides[0].all_steps()[0].actions[0])
    assert (target.control, target.role, target.name) == ("settings.save", "button", "Save changes")
    # The bold label is bound through the page: "Save changes" is the control's name.
    control = catalog.controls["settings.save"]
    assert (control.portal, control.origin.file, control.origin.line) == \
        ("console", "steps/pages/settings.yml", 4)


def test_within_and_the_fields_of_the_action_are_kept(tmp_path):
    guide = step("      - id: one\n"
                 "        text: Paste the token.\n"
                 "        actions:\n"
                 "          - fill: {control: settings.api-token, secret: api_token}\n"
                 "        screenshot:\n"
                 "          name: token\n"
                 "          of: {control: settings.api-token}\n"
                 "          highlight: [{control: settings.save, callout: 1}]\n"
                 "          alt: The token field.\n")
    s = load_catalog(project(tmp_path, guide), tmp_path).guides[0].all_steps()[0]
    fill = action_target(s.actions[0])
    assert (fill.label, fill.within.region, fill.secret) == ("API token", "Credentials", "api_token")
    assert isinstance(s.screenshot.of, Locator) and s.screenshot.of.label == "API token"
    assert (s.screenshot.highlight[0].name, s.screenshot.highlight[0].callout) == ("Save changes", 1)


def test_a_renamed_control_is_one_edit_for_every_step(tmp_path):
    two = SAVE + ("      - id: two\n"
                  "        text: Click **Save changes** again.\n"
                  "        actions:\n"
                  "          - click: {control: settings.save}\n")
    pages = {"settings": SETTINGS.replace("Save changes", "Save"), "admin": ADMIN}
    catalog = load_catalog(project(tmp_path, two.replace("Save changes", "Save"), pages=pages),
                           tmp_path)
    assert [action_target(s.actions[0]).name for s in catalog.guides[0].all_steps()] == \
        ["Save", "Save"]


def test_bold_label_must_match_the_page_control(tmp_path):
    """Prose bound to the portal through the page: rename the control and the text must follow."""
    pages = {"settings": SETTINGS.replace("Save changes", "Save"), "admin": ADMIN}
    assert errors(tmp_path, SAVE, pages=pages) == (
        "steps/guide.yml:12: sections[0].steps[0].text: **Save changes** is quoted in bold but "
        "none of the step's actions or highlights uses it; name the control in an action (or "
        "drop the bold) so a rename in the portal is caught")


CASES = {
    "unknown-control": (
        SAVE.replace("settings.save", "settings.sav"),
        "steps/guide.yml:14: sections[0].steps[0].actions[0].click.control: unknown control "
        "'settings.sav': no control 'sav' on page 'settings' (did you mean 'settings.save'?)",
    ),
    "unknown-page": (
        SAVE.replace("settings.save", "setings.save"),
        "steps/guide.yml:14: sections[0].steps[0].actions[0].click.control: unknown control "
        "'setings.save': no page 'setings' in pages/ (did you mean 'settings.save'?)",
    ),
    "control-and-role": (
        SAVE.replace("{control: settings.save}", "{control: settings.save, role: button}"),
        "steps/guide.yml:14: sections[0].steps[0].actions[0].click: 'control' already names the "
        "control on its page; drop 'role'",
    ),
    "not-a-reference": (
        SAVE.replace("settings.save", "Save"),
        "steps/guide.yml:14: sections[0].steps[0].actions[0].click.control: 'Save' is not a "
        "control reference: write '<page>.<control>', a control declared in "
        "steps/pages/<page>.yml",
    ),
    "control-of-another-portal": (
        SAVE.replace("settings.save", "admin.users").replace("**Save changes**", "**Users**"),
        "steps/guide.yml:14: sections[0].steps[0].actions[0].click: 'admin.users' is a control "
        "of the admin portal, but this action runs in console",
    ),
    "expect-a-text-control": (
        SAVE.replace("click: {control: settings.save}", "expect: {control: settings.banner, text: Hi}")
        .replace("**Save changes**", "Save"),
        "steps/guide.yml:14: sections[0].steps[0].actions[0].expect.control: 'settings.banner' "
        "is found by its text; expect a text with `expect: {text: ...}` instead",
    ),
}


@pytest.mark.parametrize(("guide", "expected"), CASES.values(), ids=CASES.keys())
def test_bad_control_reference(tmp_path, guide, expected):
    assert errors(tmp_path, guide) == expected


PAGE_CASES = {
    "unknown-portal": (
        {"settings": SETTINGS.replace("portal: console", "portal: consle")},
        "steps/pages/settings.yml:1: portal: unknown portal 'consle' (did you mean 'console'?)",
    ),
    "control-without-a-way": (
        {"settings": SETTINGS.replace("{role: button, name: Save changes}", "{name: Save changes}")},
        "steps/pages/settings.yml:4: controls.save: name the control in exactly one way: role "
        "(with name), label, text or region (found: none)",
    ),
    "control-matched-by-part-of-its-name": (
        {"settings": SETTINGS.replace("{role: button, name: Save changes}",
                                      "{role: button, name: Save, exact: false}")},
        "steps/pages/settings.yml:4: controls.save.exact: a page's control is named exactly as "
        "the portal shows it; a name that carries data (a row's) belongs in the step, with "
        "exact: false",
    ),
    "control-naming-a-control": (
        {"settings": SETTINGS + "  again: {control: settings.save}\n"},
        "steps/pages/settings.yml:7: controls.again: a page's control is named by role, label, "
        "text or region, not by another control",
    ),
    "file-name-is-not-an-id": (
        {"Settings Page": SETTINGS},
        "steps/pages/Settings Page.yml: page file names are page ids: lower case, digits and '-' "
        "(rename 'Settings Page.yml')",
    ),
}


@pytest.mark.parametrize(("pages", "expected"), PAGE_CASES.values(), ids=PAGE_CASES.keys())
def test_bad_page_file(tmp_path, pages, expected):
    guide = step("      - {id: one, text: Hi}\n")
    assert errors(tmp_path, guide, pages=pages) == expected


def test_reusable_step_with_an_unknown_control_is_reported_once_in_its_file(tmp_path):
    reusable = REUSABLE + "    actions:\n      - click: {control: settings.sve}\n"  # line 7
    guide = step("      - use: open-page\n        with: {page: Audit}\n"
                 "      - use: open-page\n        id: again\n        with: {page: Users}\n")
    assert errors(tmp_path, guide, reusable=reusable) == (
        "steps/reusable/common.yml:7: steps[0].actions[0].click.control: unknown control "
        "'settings.sve': no control 'sve' on page 'settings' (did you mean 'settings.save'?)")


def test_reusable_step_parameters_reach_its_page_controls(tmp_path):
    """A page's `{{ page }}` takes the parameter of each use, like the step's own text."""
    pages = {"settings": SETTINGS + "  tab: {role: tab, name: \"{{ page }}\"}\n", "admin": ADMIN}
    reusable = REUSABLE + "    actions:\n      - click: {control: settings.tab}\n"
    guide = step("      - use: open-page\n        with: {page: Audit}\n"
                 "      - use: open-page\n        id: again\n        with: {page: Users}\n")
    catalog = load_catalog(project(tmp_path, guide, pages=pages, reusable=reusable), tmp_path)
    names = [action_target(s.actions[0]).name for s in catalog.guides[0].all_steps()]
    assert names == ["Audit", "Users"]
    assert all(action_target(s.actions[0]).control == "settings.tab"
               for s in catalog.guides[0].all_steps())


def test_a_broken_required_guide_is_not_also_unknown(tmp_path):
    """The guide that failed validation is reported in its file, not again as 'unknown'."""
    steps = project(tmp_path, step("      - {id: one, txt: Hi}\n"))  # line 11
    write(steps / "second.yml", step("      - {id: one, text: Hi}\n")
          .replace("id: guide", "id: second\nrequires: [guide]"))
    with pytest.raises(GuideError) as info:
        load_catalog(steps, tmp_path)
    assert str(info.value) == (
        "steps/guide.yml:11: sections[0].steps[0]: missing required key 'text'\n"
        "steps/guide.yml:11: sections[0].steps[0].txt: unknown key 'txt' (did you mean 'text'?)")


def test_the_shipped_guides_use_page_controls():
    """Every control of the shipped pages is used somewhere, and the guides go through them."""
    repo = Path(__file__).resolve().parents[2]
    catalog = load_catalog(repo / "steps", repo)
    used = set()
    for guide in catalog.guides:
        for s in [*guide.all_steps(), *guide.outcome]:
            for action in s.actions:
                used.add(getattr(action_target(action), "control", None))
    # The sign-in pages' controls are the unattended sign-in's (steps/project.yml's sign_in).
    sign_in = {p.sign_in.page for p in catalog.portals.values() if p.sign_in}
    assert sign_in == {"microsoft-sign-in", "zenkit-log-in"}
    used |= {c for c in catalog.controls if c.split(".", 1)[0] in sign_in}
    assert "azure-provisioning.test-connection" in used
    assert set(catalog.controls) - used <= {"azure-provisioning.admin-credentials",
                                            "azure-provisioning.provisioning-status",
                                            "azure-attribute-mapping.edit-attribute",
                                            "azure-attribute-mapping.mappings-table",
                                            "zenkit-provisioning.scim"}  # screenshots only
