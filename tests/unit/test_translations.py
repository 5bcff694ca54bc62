"""Languages: locales and plan names in project.yml, names per language on page objects, and
translation files held to their source with exact messages (steps/translations/<locale>/).

Each case builds a small project in tmp_path, files written as raw YAML so the expected line
numbers can be checked by eye.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from guidegen.cli import main
from guidegen.errors import GuideError
from guidegen.load import Loader, load_catalog
from guidegen.model import Locator, Step, in_locale
from guidegen.translations import source_hash, step_text

PROJECT = """\
locales:
  - {id: en, name: English}
  - {id: de, name: Deutsch}
plans:
  - {id: free, name: Free, names: {de: Kostenlos}}
  - {id: business, name: Business}
portals:
  - {id: console, name: Acme Console}
variables:
  product: Acme
"""

PAGE = """\
portal: console
title: Settings
controls:
  save: {role: button, name: Save, names: {de: Speichern}}
  token: {label: "{{ product }} token", names: {de: "{{ product }}-Token"}}
  cancel: {role: button, name: Cancel}
"""

GUIDE = """\
id: guide
title: Guide
summary: A guide about {{ product }}.
plans: all
portals: [console]
sections:
  - id: first
    title: First
    steps:
      - id: save
        text: Click **Save** in {{ product }}.
        tip: Saving is safe.
        actions:
          - click: {control: settings.save}
      - id: cancel
        text: Click **Cancel**.
        variants:
          - plans: [business]
            text: On Business, ask first.
        actions:
          - click: {control: settings.cancel}
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_project(root: Path, translation: str | None = None, *, guide: str = GUIDE,
                 project: str = PROJECT, page: str = PAGE) -> Path:
    write(root / "steps" / "project.yml", project)
    write(root / "steps" / "pages" / "settings.yml", page)
    write(root / "steps" / "guide.yml", guide)
    if translation is not None:
        write(root / "steps" / "translations" / "de" / "guide.yml", translation)
    return root


def hashes(root: Path) -> dict[str, str]:
    """The source hash of every part of the guide, as stamp would write them."""
    loader = Loader(root / "steps", root)
    loader.load()
    src = loader.sources["guide"]
    out = {"": source_hash({"title": src.guide.title, "summary": src.guide.summary})}
    out |= {f"sections.{i}": source_hash({"title": s.title}) for i, (s, _) in src.sections.items()}
    out |= {f"steps.{i}": source_hash(step_text(s)) for i, (s, _) in src.steps.items()}
    return out


def translation(h: dict[str, str], *, save: str | None = None, cancel: str | None = None,
                extra: str = "") -> str:
    """A complete, stamped German translation; `save`/`cancel` replace a step's lines."""
    save = save if save is not None else (
        f"    source: {h['steps.save']}\n"
        "    text: Klicken Sie in {{ product }} auf **Speichern**.\n"
        "    tip: Speichern ist sicher.\n")
    cancel = cancel if cancel is not None else (
        f"    source: {h['steps.cancel']}\n"
        "    text: Klicken Sie auf **Cancel**.\n"
        "    variants:\n"
        "      - Fragen Sie auf Business zuerst nach.\n")
    return (f"source: {h['']}\n"
            "title: Anleitung\n"
            "summary: Eine Anleitung zu {{ product }}.\n"
            "sections:\n"
            "  first:\n"
            f"    source: {h['sections.first']}\n"
            "    title: Erstens\n"
            "steps:\n"
            "  save:\n" + save + "  cancel:\n" + cancel + extra)


CANCEL_NAMED = PAGE.replace("name: Cancel}", "name: Cancel, names: {de: Cancel}}")


def problems(root: Path) -> list[str]:
    with pytest.raises(GuideError) as err:
        load_catalog(root / "steps", root)
    return [str(p) for p in err.value.problems]


def untranslated(root: Path) -> list[str]:
    return [str(p) for p in load_catalog(root / "steps", root).untranslated]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path, page=CANCEL_NAMED)


@pytest.fixture
def h(project: Path) -> dict[str, str]:
    return hashes(project)


# ── Locales and names per language ───────────────────────────────────────────────────────────


def test_plans_and_controls_have_names_per_language(project):
    catalog = load_catalog(project / "steps", project)
    assert [loc.id for loc in catalog.locales] == ["en", "de"]
    assert catalog.source_locale == "en" and catalog.translation_locales == ("de",)
    assert catalog.plan_name("free", "de") == "Kostenlos"
    assert catalog.plan_name("business", "de") == "Business"  # no German name: the source's
    assert catalog.plan_name("free") == "Free"
    save = catalog.controls["settings.save"].locator
    assert save.in_locale("de").name == "Speichern" and save.name == "Save"
    # The step's locator is filled in from the page, its names with it.
    step = catalog.guides[0].all_steps()[0]
    assert step.actions[0].click.in_locale("de").name == "Speichern"


def test_a_locator_within_another_is_translated_too():
    loc = Locator(role="checkbox", name="Enabled", names={"de": "Aktiviert"},
                  within=Locator(region="Provisioning", names={"de": "Bereitstellung"}))
    assert loc.in_locale("de").describe() == "checkbox 'Aktiviert' in region 'Bereitstellung'"
    assert loc.ui_labels("de") == ["Aktiviert", "Bereitstellung"]
    assert loc.in_locale("fr").describe() == "checkbox 'Enabled' in region 'Provisioning'"


def test_a_step_performed_in_german_chooses_and_expects_the_german_words():
    step = Step.model_validate({"id": "s", "text": "T", "actions": [
        {"select": {"label": "Provisioning Mode", "names": {"de": "Bereitstellungsmodus"},
                    "option": "Automatic", "options": {"de": "Automatisch"}}},
        {"expect": {"role": "alert", "text": "Success", "texts": {"de": "Erfolgreich"}}},
        {"expect": {"text": "Saved"}},
    ], "screenshot": {"name": "x", "alt": "A", "highlight": [
        {"role": "button", "name": "Save", "names": {"de": "Speichern"}}]}})
    select, alert, saved = in_locale(step.actions, "de")
    assert (select.select.label, select.select.option) == ("Bereitstellungsmodus", "Automatisch")
    assert (alert.expect.role, alert.expect.text) == ("alert", "Erfolgreich")
    assert saved is step.actions[2]  # nothing to translate: the source's own object
    assert in_locale(step.screenshot, "de").highlight[0].name == "Speichern"
    assert in_locale(step.actions, "fr") == step.actions


def test_a_project_without_locales_is_english_only(tmp_path):
    make_project(tmp_path, project=PROJECT.split("plans:")[0].replace(
        "  - {id: de, name: Deutsch}\n", "") + "plans:" + PROJECT.split("plans:")[1].replace(
        ", names: {de: Kostenlos}", ""), page=PAGE.replace(", names: {de: Speichern}", "")
        .replace(', names: {de: "{{ product }}-Token"}', ""))
    catalog = load_catalog(tmp_path / "steps", tmp_path)
    assert catalog.translation_locales == () and catalog.coverage == []


@pytest.mark.parametrize("edit, expected", [
    (lambda p: p.replace("names: {de: Kostenlos}", "names: {fr: Gratuit}"),
     "steps/project.yml:5: plans[0].names.fr: 'fr' is not a translation language of the "
     "project (locales in project.yml: de)"),
    (lambda p: p.replace("names: {de: Kostenlos}", "names: {en: Gratis}"),
     "steps/project.yml:5: plans[0].names.en: 'en' is the source language: its name is the "
     "one written without 'names'"),
    (lambda p: p.replace("{id: de, name: Deutsch}", "{id: en, name: Deutsch}"),
     "steps/project.yml:3: locales[1].id: duplicate locale id 'en' (first at line 2)"),
    (lambda p: p.replace("{id: de,", "{id: German,"),
     "steps/project.yml:3: locales[1].id: 'German' is not a language code such as 'de' or "
     "'de-CH'"),
])
def test_bad_locales_in_the_project(tmp_path, edit, expected):
    make_project(tmp_path, project=edit(PROJECT))
    assert expected in problems(tmp_path)


def test_a_page_names_only_languages_the_project_has(tmp_path):
    make_project(tmp_path, page=PAGE.replace("{de: Speichern}", "{de: Speichern, ed: Save}"))
    assert problems(tmp_path) == [
        "steps/pages/settings.yml:4: controls.save.names.ed: 'ed' is not a translation language "
        "of the project (locales in project.yml: de)"]


@pytest.mark.parametrize("expect, expected", [
    ("{text: Saved, texts: {fr: Enregistré}}",
     "steps/guide.yml:15: sections[0].steps[0].actions[1].expect.texts.fr: 'fr' is not a "
     "translation language of the project (locales in project.yml: de)"),
    ("{role: alert, texts: {de: Gespeichert}}",
     "steps/guide.yml:15: sections[0].steps[0].actions[1].expect: 'texts' translates "
     "'text', which this has not"),
])
def test_expected_texts_per_language(tmp_path, expect, expected):
    make_project(tmp_path, guide=GUIDE.replace(
        "          - click: {control: settings.save}\n",
        "          - click: {control: settings.save}\n"
        f"          - expect: {expect}\n"))
    assert problems(tmp_path) == [expected]


def test_names_need_a_name_to_translate(tmp_path):
    make_project(tmp_path, page=PAGE + "  main: {role: main, names: {de: Haupt}}\n")
    assert ("steps/pages/settings.yml:7: controls.main: 'names' translates the name, label, "
            "text or region; this has none") in problems(tmp_path)


# ── Missing, stale, not stamped: listed, never an error unless required ────────────────────


def test_a_guide_without_translation_is_listed_and_shown_in_the_source(project):
    assert untranslated(project) == [
        "steps/translations/de/guide.yml: missing: guide 'guide' has no 'de' translation; "
        "readers see it in the source language"]
    catalog = load_catalog(project / "steps", project)
    german = catalog.guide_in(catalog.guides[0], "de")
    assert german.locale == "de" and german.fallback
    assert all(s.fallback for s in german.all_steps())
    assert german.all_steps()[0].text == "Click **Save** in Acme."


def test_check_lists_missing_translations_and_exits_0_unless_required(project):
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "ok: 1 guides, 2 steps, 2 plans\n"
        "translations: de: 0 of 1 guides up to date; readers see the source text of:\n"
        "  steps/translations/de/guide.yml: missing: guide 'guide' has no 'de' translation; "
        "readers see it in the source language\n")
    result = CliRunner().invoke(main, ["check", "--root", str(project), "--require-translations"])
    assert result.exit_code == 2
    assert result.stderr == (
        "steps/translations/de/guide.yml: missing: guide 'guide' has no 'de' translation; "
        "readers see it in the source language\n1 problem found.\n")


def test_an_up_to_date_translation_is_what_german_readers_see(project, h):
    write(project / "steps/translations/de/guide.yml", translation(h))
    catalog = load_catalog(project / "steps", project)
    assert catalog.untranslated == []
    german = catalog.guide_in(catalog.guides[0], "de")
    assert (german.title, german.summary, german.fallback) == (
        "Anleitung", "Eine Anleitung zu Acme.", False)
    save, cancel = german.all_steps()
    assert save.text == "Klicken Sie in Acme auf **Speichern**." and not save.fallback
    assert [(a.kind, a.text) for a in save.admonitions] == [("tip", "Speichern ist sicher.")]
    assert cancel.variants == [(("business",), "Fragen Sie auf Business zuerst nach.")]
    assert german.sections[0].title == "Erstens"
    # The source guide is untouched, and actions are the source's.
    assert catalog.guides[0].all_steps()[0].text == "Click **Save** in Acme."
    assert save.actions == catalog.guides[0].all_steps()[0].actions
    result = CliRunner().invoke(main, ["check", "--root", str(project), "--require-translations"])
    assert result.exit_code == 0, result.output
    assert "translations: de: 1 of 1 guides up to date\n" in result.stderr


def test_a_changed_source_makes_the_step_stale_and_shows_the_source(project, h):
    write(project / "steps/translations/de/guide.yml", translation(h))
    write(project / "steps/guide.yml", GUIDE.replace("Saving is safe.", "Saving is reversible."))
    assert untranslated(project) == [
        "steps/translations/de/guide.yml:10: steps.save.source: stale: the source text of "
        "step 'save' changed since it was translated (steps/guide.yml:10); update the "
        "translation, then run `guidegen translations stamp guide --locale de`"]
    catalog = load_catalog(project / "steps", project)
    save = catalog.guide_in(catalog.guides[0], "de").all_steps()[0]
    assert save.fallback and save.text == "Click **Save** in Acme."
    assert [a.text for a in save.admonitions] == ["Saving is reversible."]


def test_a_change_of_actions_leaves_the_translation_up_to_date(project, h):
    write(project / "steps/translations/de/guide.yml", translation(h))
    write(project / "steps/guide.yml", GUIDE.replace(
        "          - click: {control: settings.save}\n",
        "          - click: {control: settings.save}\n"
        "          - expect: {control: settings.token, visible: true}\n"))
    assert untranslated(project) == []


def test_a_missing_step_and_an_unstamped_one_are_listed(project, h):
    write(project / "steps/translations/de/guide.yml", translation(h, cancel="").replace(
        f"    source: {h['steps.save']}\n", "").replace("  cancel:\n", ""))
    assert untranslated(project) == [
        "steps/translations/de/guide.yml:9: steps.save: not stamped: step 'save' is in the "
        "file, but not marked as checked against the source (steps/guide.yml:10); once it is "
        "translated, run `guidegen translations stamp guide --locale de`",
        "steps/translations/de/guide.yml:8: steps.cancel: missing: step 'cancel' "
        "(steps/guide.yml:15) has no 'de' translation; readers see it in the source language"]
    result = CliRunner().invoke(main, ["translations", "status", "--root", str(project)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ("de  guide: 2/4 parts up to date; missing: step 'cancel'; "
                             "not stamped: step 'save'\n")


# ── Errors: what a translation must not do ───────────────────────────────────────────────────


def test_a_step_id_the_source_no_longer_has_is_listed(project, h):
    """Listed like a stale step, not an error: removing or renaming a source step must not
    break `check` before the translator has caught up."""
    write(project / "steps/translations/de/guide.yml", translation(h, extra=(
        "  cancle:\n    text: Abbrechen.\n")))
    result = CliRunner().invoke(main, ["translations", "status", "--root", str(project)])
    assert result.stdout == ("de  guide: 4/4 parts up to date; no longer in the source: "
                             "step 'cancle'\n")
    assert untranslated(project) == [
        "steps/translations/de/guide.yml:18: steps.cancle: no step 'cancle' in the source "
        "guide (steps/guide.yml) (did you mean 'cancel'?); its id changed or it was removed: "
        "rename or remove this translation"]


def test_a_translation_holds_no_actions(project, h):
    write(project / "steps/translations/de/guide.yml", translation(h, save=(
        f"    source: {h['steps.save']}\n"
        "    text: Klicken Sie in {{ product }} auf **Speichern**.\n"
        "    tip: Speichern ist sicher.\n"
        "    actions:\n      - click: {control: settings.cancel}\n")))
    assert problems(project) == [
        "steps/translations/de/guide.yml:13: steps.save.actions: unknown key 'actions' "
        "(did you mean 'admonitions'?)"]


def test_variables_the_source_does_not_have(project, h):
    write(project / "steps/translations/de/guide.yml", translation(h, save=(
        f"    source: {h['steps.save']}\n"
        "    text: Klicken Sie in {{ produkt }} auf **Speichern**.\n"
        "    tip: Speichern ist sicher.\n")))
    assert problems(project) == [
        "steps/translations/de/guide.yml:11: steps.save.text: '{{ produkt }}' is not in the "
        "source text of step 'save'; a translation uses only its variables ({{ product }})"]


def test_bold_labels_are_the_german_names(project, h):
    write(project / "steps/translations/de/guide.yml", translation(h, save=(
        f"    source: {h['steps.save']}\n"
        "    text: Klicken Sie in {{ product }} auf **Sichern**.\n"
        "    tip: Oder auf **Save**.\n")))
    assert problems(project) == [
        "steps/translations/de/guide.yml:11: steps.save.text: **Sichern** is quoted in bold "
        "but none of the step's actions or highlights has that 'de' name (did you mean "
        "'Speichern'?); quote the name the 'de' portal shows (the page's `names: {de: ...}`), "
        "or drop the bold",
        "steps/translations/de/guide.yml:12: steps.save.tip: **Save** is quoted in bold but "
        "none of the step's actions or highlights has that 'de' name; quote the name the 'de' "
        "portal shows (the page's `names: {de: ...}`), or drop the bold"]


def test_a_bold_label_of_a_control_without_a_german_name(tmp_path):
    make_project(tmp_path)  # Cancel has no German name
    write(tmp_path / "steps/translations/de/guide.yml", translation(hashes(tmp_path)))
    assert problems(tmp_path) == [
        "steps/translations/de/guide.yml:15: steps.cancel.text: **Cancel** is the "
        "source-language name of control 'settings.cancel' (steps/pages/settings.yml:6), which "
        "has no 'de' name: add `names: {de: ...}` there with the name the 'de' portal shows "
        "(the same name if it is not translated)"]


def test_a_bold_name_made_of_variables_is_the_same_in_every_language(project):
    make_project(project, page=CANCEL_NAMED, guide=GUIDE.replace(
        "          - click: {control: settings.save}\n",
        "          - click: {control: settings.save}\n"
        "          - click: {role: link, name: \"{{ product }}\"}\n"))
    h = hashes(project)
    write(project / "steps/translations/de/guide.yml", translation(h, save=(
        f"    source: {h['steps.save']}\n"
        "    text: Klicken Sie in **{{ product }}** auf **Speichern**.\n"
        "    tip: Speichern ist sicher.\n")))
    assert untranslated(project) == []  # loaded without a problem: the link needs no names


@pytest.mark.parametrize("save, expected", [
    ("    text: Klicken Sie auf **Speichern**.\n",
     "steps/translations/de/guide.yml:9: steps.save: missing 'tip': the source has one; "
     "translate it"),
    ("    text: Klicken Sie auf **Speichern**.\n    tip: Sicher.\n    note: Notiz.\n",
     "steps/translations/de/guide.yml:13: steps.save.note: the source has no 'note' here; "
     "remove it"),
    ("    text: Klicken Sie auf **Speichern**.\n    tip: Sicher.\n    variants: [Eins]\n",
     "steps/translations/de/guide.yml:13: steps.save.variants: the source has no 'variants' "
     "here; remove it"),
])
def test_a_translation_translates_what_its_source_has(project, h, save, expected):
    write(project / "steps/translations/de/guide.yml",
          translation(h, save=f"    source: {h['steps.save']}\n" + save))
    assert problems(project) == [expected]


def test_variants_are_translated_each_in_order(project, h):
    write(project / "steps/translations/de/guide.yml", translation(h, cancel=(
        f"    source: {h['steps.cancel']}\n"
        "    text: Klicken Sie auf **Cancel**.\n"
        "    variants: [Eins, Zwei]\n")))
    assert problems(project) == [
        "steps/translations/de/guide.yml:16: steps.cancel.variants: the source has 1 of these, "
        "this has 2; translate each, in the source's order"]


def test_a_stale_step_is_not_checked_until_updated(project, h):
    """A source change alone must not break `check`: the stale step lacks the new tip."""
    write(project / "steps/translations/de/guide.yml", translation(h))
    write(project / "steps/guide.yml", GUIDE.replace(
        "        text: Click **Cancel**.\n",
        "        text: Click **Cancel**.\n        tip: Nothing is lost.\n"))
    assert [p.split(":")[3] for p in untranslated(project)] == [" stale"]


def test_translation_files_for_unknown_guides_and_languages(project, h):
    write(project / "steps/translations/de/guidee.yml", "title: X\n")
    write(project / "steps/translations/de/guide.yml", translation(h))
    write(project / "steps/translations/de/guide.yaml", "title: X\n")
    write(project / "steps/translations/fr/guide.yml", "title: X\n")
    write(project / "steps/translations/en/guide.yml", "title: X\n")
    assert problems(project) == [
        "steps/translations/de/guide.yml: 'guide' is translated twice (a .yml and a .yaml file)",
        "steps/translations/de/guidee.yml: no guide 'guidee' in steps/ (did you mean "
        "'guide'?); a translation file is named after the id of the guide it translates",
        "steps/translations/en: 'en' is the source language: the guides themselves are "
        "written in it",
        "steps/translations/fr: 'fr' is not a translation language of the project (locales in "
        "project.yml: de)"]


# ── Stamping ─────────────────────────────────────────────────────────────────────────────────


def test_stamp_records_the_source_and_makes_the_translation_current(project, h):
    text = translation(h).replace(f"source: {h['steps.save']}", "source: aaaaaaaaaaaa")
    text = text.replace(f"    source: {h['sections.first']}\n", "")
    write(project / "steps/translations/de/guide.yml", "# Übersetzt von Kim\n" + text)
    before = untranslated(project)
    assert [p.split(": ")[2] for p in before] == ["not stamped", "stale"]
    result = CliRunner().invoke(main, ["translations", "stamp", "guide", "--locale", "de",
                                       "--root", str(project)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ("stamped the guide's own text\nstamped section 'first'\n"
                             "stamped step 'save'\nstamped step 'cancel'\n")
    written = (project / "steps/translations/de/guide.yml").read_text("utf-8")
    assert written == "# Übersetzt von Kim\n" + translation(h)
    assert untranslated(project) == []


def test_stamp_refuses_a_translation_that_lacks_a_part_of_its_source(project, h):
    text = translation(h, save="    text: Klicken Sie auf **Speichern**.\n")
    write(project / "steps/translations/de/guide.yml", text)
    result = CliRunner().invoke(main, ["translations", "stamp", "guide", "--locale", "de",
                                       "--root", str(project)])
    assert result.exit_code == 2
    assert result.stderr == (
        "steps/translations/de/guide.yml:9: steps.save: missing 'tip': the source has one; "
        "translate it\n1 problem found.\n")
    assert (project / "steps/translations/de/guide.yml").read_text("utf-8") == text


def test_stamp_only_the_steps_named(project, h):
    text = translation(h).replace(h["steps.save"], "aaaaaaaaaaaa").replace(
        h["steps.cancel"], "bbbbbbbbbbbb")
    write(project / "steps/translations/de/guide.yml", text)
    result = CliRunner().invoke(main, ["translations", "stamp", "guide", "--locale", "de",
                                       "--step", "cancel", "--root", str(project)])
    assert result.exit_code == 0, result.output
    assert [p.split(": ")[1] for p in untranslated(project)] == ["steps.save.source"]


@pytest.mark.parametrize("locale, expected", [
    ("fr", "command line: --locale: 'fr' is not a translation language of the project (locales "
     "in project.yml: de)\n1 problem found.\n"),
    ("en", "command line: --locale: 'en' is the source language: it has no translation\n"
     "1 problem found.\n"),
])
def test_status_of_a_language_the_project_does_not_translate_into(project, locale, expected):
    result = CliRunner().invoke(main, ["translations", "status", "--locale", locale,
                                       "--root", str(project)])
    assert (result.exit_code, result.stderr) == (2, expected)


def test_status_of_one_language(project, h):
    write(project / "steps/translations/de/guide.yml", translation(h))
    result = CliRunner().invoke(main, ["translations", "status", "--locale", "de",
                                       "--root", str(project)])
    assert (result.exit_code, result.stdout) == (0, "de  guide: 4/4 parts up to date\n")


@pytest.mark.parametrize("args, expected", [
    (["gide", "--locale", "de"],
     "command line: GUIDE: no guide 'gide' (did you mean 'guide'?)\n1 problem found.\n"),
    (["guide", "--locale", "fr"],
     "command line: --locale: 'fr' is not a translation language of the project (locales in "
     "project.yml: de)\n1 problem found.\n"),
    (["guide", "--locale", "de"],
     "steps/translations/de/guide.yml: no such file: start it with `guidegen translations "
     "start guide --locale de`\n1 problem found.\n"),
])
def test_stamp_command_line_problems(project, args, expected):
    result = CliRunner().invoke(main, ["translations", "stamp", *args, "--root", str(project)])
    assert result.exit_code == 2
    assert result.stderr == expected


def test_a_hash_of_digits_only_is_written_quoted_so_it_reads_back_as_text():
    import yaml

    from guidegen.translations import _hash_text

    assert _hash_text("0c0b2d43044e") == "0c0b2d43044e"
    assert yaml.safe_load(f"source: {_hash_text('012345678901')}") == {"source": "012345678901"}


def test_stamp_asks_for_a_block_mapping_where_it_must_add_a_line(project, h):
    text = translation(h, cancel="").replace("  cancel:\n", "  cancel: {text: Klicken Sie auf "
                                             "**Cancel**., variants: [Fragen Sie zuerst.]}\n")
    write(project / "steps/translations/de/guide.yml", text)
    result = CliRunner().invoke(main, ["translations", "stamp", "guide", "--locale", "de",
                                       "--root", str(project)])
    assert result.exit_code == 2
    assert result.stderr == ("steps/translations/de/guide.yml:13: steps.cancel: write it as a "
                             "block mapping, one key a line, to stamp it\n1 problem found.\n")
    assert (project / "steps/translations/de/guide.yml").read_text("utf-8") == text


def test_every_shipped_guide_is_wholly_in_german_with_german_labels():
    repo = Path(__file__).resolve().parents[2]
    result = CliRunner().invoke(main, ["check", "--root", str(repo), "--require-translations"])
    assert result.exit_code == 0, result.output
    catalog = load_catalog(repo / "steps", repo)
    assert len(catalog.guides) >= 5
    assert [c.guide for c in catalog.coverage if not c.complete] == []
    seed = next(g for g in catalog.guides if g.id == "zenkit-azure-scim-provisioning")
    german = catalog.guide_in(seed, "de")
    assert not german.fallback and not any(s.fallback for s in german.all_steps())
    save = next(s for s in german.all_steps() if s.id == "save-credentials")
    assert save.text == "Sobald der Test erfolgreich war, klicken Sie auf **Speichern**."
    assert save.actions[0].click.in_locale("de").name == "Speichern"


def test_admonitions_and_screenshot_text_are_translated_in_place(tmp_path):
    make_project(tmp_path, page=CANCEL_NAMED, guide=GUIDE.replace(
        "        tip: Saving is safe.\n",
        "        tip: Saving is safe.\n"
        "        admonitions:\n"
        "          - {kind: warning, title: Careful, text: It cannot be undone.}\n"
        "        screenshot: {name: saved, alt: 'The saved {{ product }} settings.', caption: Saved}\n"))
    h = hashes(tmp_path)
    write(tmp_path / "steps/translations/de/guide.yml", translation(h, save=(
        f"    source: {h['steps.save']}\n"
        "    text: Klicken Sie in {{ product }} auf **Speichern**.\n"
        "    tip: Speichern ist sicher.\n"
        "    admonitions: [{title: Vorsicht, text: Das lässt sich nicht rückgängig machen.}]\n"
        "    screenshot: {alt: 'Die gespeicherten Einstellungen von {{ product }}.', "
        "caption: Gespeichert}\n")))
    catalog = load_catalog(tmp_path / "steps", tmp_path)
    assert catalog.untranslated == []
    save = catalog.guide_in(catalog.guides[0], "de").all_steps()[0]
    assert [(a.kind, a.title, a.text) for a in save.admonitions] == [
        ("tip", None, "Speichern ist sicher."),
        ("warning", "Vorsicht", "Das lässt sich nicht rückgängig machen.")]
    assert (save.screenshot.alt, save.screenshot.caption) == (
        "Die gespeicherten Einstellungen von Acme.", "Gespeichert")
    assert save.screenshot.name == "saved"  # what is captured is the source's


# ── The page objects and the German simulator agree ─────────────────────────────────────────

PLACEHOLDER = re.compile(r"\{\{\s*\w+\s*\}\}|%\(\w+\)s")


def simulator_german(portal: str) -> dict[str, str]:
    """The German simulator's words, variables written as one placeholder shape."""
    from babel.messages.pofile import read_po

    repo = Path(__file__).resolve().parents[2]
    with (repo / "simulators/portalsim/locales" / f"{portal}.de.po").open("rb") as po:
        catalog = read_po(po, locale="de")
    return {PLACEHOLDER.sub("§", m.id): PLACEHOLDER.sub("§", m.string)
            for m in catalog if m.id and m.string}


def test_every_german_name_of_the_pages_is_the_one_the_german_simulator_shows():
    repo = Path(__file__).resolve().parents[2]
    catalog = load_catalog(repo / "steps", repo)
    words = {portal: simulator_german(portal) for portal in ("azure", "zenkit")}
    disagree, checked = [], 0
    for ref, control in catalog.controls.items():
        for loc in control.locator.chain():
            english = PLACEHOLDER.sub("§", loc.name_in(None) or "")
            german = words[control.portal].get(english)
            if german is not None:
                checked += 1
                if PLACEHOLDER.sub("§", loc.name_in("de") or "") != german:
                    disagree.append(f"{ref}: {loc.name_in('de')!r}, simulator {german!r}")
    assert disagree == []
    assert checked > 80


def test_every_german_word_the_guides_give_is_the_one_the_german_simulator_shows():
    """Options, expected texts and the names steps write themselves."""
    from guidegen.checks import locators
    from guidegen.model import Expectation, SelectTarget

    repo = Path(__file__).resolve().parents[2]
    catalog = load_catalog(repo / "steps", repo)
    words = {portal: simulator_german(portal) for portal in ("azure", "zenkit")}
    disagree, checked = [], 0
    for guide in catalog.guides:
        for step in [*guide.setup, *guide.all_steps(), *guide.outcome]:
            pairs = []
            for obj in locators([*step.actions, step.screenshot]):
                if isinstance(obj, SelectTarget) and "de" in obj.options:
                    pairs.append((obj.option, obj.options["de"]))
                if isinstance(obj, Expectation) and "de" in obj.texts:
                    pairs.append((obj.text, obj.texts["de"]))
                if not obj.control and "de" in obj.names:
                    pairs.append((obj.name or obj.label or obj.region or obj.text,
                                  obj.names["de"]))
            for english, german in pairs:
                known = next((w[PLACEHOLDER.sub("§", english)] for w in words.values()
                              if PLACEHOLDER.sub("§", english) in w), None)
                if known is not None:
                    checked += 1
                    if PLACEHOLDER.sub("§", german) != known:
                        disagree.append(f"{guide.id}/{step.id}: {german!r}, simulator {known!r}")
    assert disagree == []
    assert checked >= 10


def test_start_writes_the_source_text_to_translate_and_stamp_checks_it(project):
    result = CliRunner().invoke(main, ["translations", "start", "guide", "--locale", "de",
                                       "--root", str(project)])
    assert result.exit_code == 0, result.output
    written = (project / "steps/translations/de/guide.yml").read_text("utf-8")
    assert written.startswith("# yaml-language-server: $schema=../../schema/translation.schema"
                              ".json\n")
    assert "  save:\n    text: Click **Save** in {{ product }}.\n    tip: Saving is safe.\n" \
        in written
    # Not stamped: listed, shown in the source, and not yet checked (its English bold labels
    # are no German names).
    assert [p.split(": ")[2] for p in untranslated(project)] == ["not stamped"] * 4
    result = CliRunner().invoke(main, ["translations", "stamp", "guide", "--locale", "de",
                                       "--root", str(project)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        "steps/translations/de/guide.yml:11: steps.save.text: **Save** is quoted in bold but "
        "none of the step's actions or highlights has that 'de' name; quote the name the 'de' "
        "portal shows (the page's `names: {de: ...}`), or drop the bold")
    again = CliRunner().invoke(main, ["translations", "start", "guide", "--locale", "de",
                                      "--root", str(project)])
    assert (again.exit_code, again.stderr) == (2, (
        "steps/translations/de/guide.yml: a translation exists already: edit it (or remove it "
        "to start again)\n1 problem found.\n"))
    assert (project / "steps/translations/de/guide.yml").read_text("utf-8") == written
