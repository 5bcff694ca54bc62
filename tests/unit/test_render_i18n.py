"""The help centre's own words per language (templates/locales/<locale>.po): every message
of the templates and the plan picker is translated, a broken catalog is reported with its
line, and a translated page shows the language's screenshot where the run captured one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from guidegen.errors import GuideError
from guidegen.load import load_catalog
from guidegen.render import GUIDES_DIR, SCRIPT, render_catalog

from .test_render_golden import GOLDEN, REPO, render_case

PO = REPO / "templates/locales/de.po"


def extracted() -> dict[str, set[str]]:
    """Every message id the templates and the script use, with the files using it."""
    found: dict[str, set[str]] = {}
    sources = [(t, babel_extract, {"extensions": "jinja2.ext.i18n"})
               for t in sorted((REPO / "templates").glob("*.j2"))]
    sources.append((REPO / SCRIPT, "javascript", {}))
    for path, method, options in sources:
        for _, message, _, _ in extract_from_file(method, str(path), options=options):
            key = message if isinstance(message, str) else message[0]
            found.setdefault(key, set()).add(path.relative_to(REPO).as_posix())
    return found


def test_every_message_is_in_the_german_catalog_translated_and_none_is_left_over():
    with PO.open("rb") as po:
        catalog = read_po(po, locale="de")
    ids = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    used = extracted()
    assert sorted(set(used) - set(ids)) == [], "messages missing from de.po"
    assert sorted(set(ids) - set(used)) == [], "messages in de.po that nothing uses"
    assert [key for key, m in ids.items() if not all(m.string if m.pluralizable
                                                      else [m.string])] == []
    # The plan picker receives the messages the .po file locates in the script: all it uses.
    script = {key for key, files in used.items() if SCRIPT in files}
    assert {key for key, m in ids.items() if any(f == SCRIPT for f, _ in m.locations)} == script
    assert not list(catalog.check())


def german_catalog():
    return load_catalog(GOLDEN / "german/steps", GOLDEN / "german")


def rendering_fails(tmp_path: Path, edit) -> tuple[Path, str]:
    """Render the German golden case with templates/locales/de.po changed by `edit` (which
    gets the file's text and returns the new one, or None to delete the file): its error."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    po = templates / "locales/de.po"
    text = edit(po.read_text("utf-8"))
    po.unlink() if text is None else po.write_text(text, "utf-8")
    with pytest.raises(GuideError) as err:
        render_catalog(german_catalog(), templates, tmp_path, "de")
    return po, str(err.value)


def test_a_translation_without_a_message_catalog_says_which_file(tmp_path):
    po, error = rendering_fails(tmp_path, lambda text: None)
    assert error == (f"{po}: missing: the site's words in 'de' "
                     "(copy another language's file and translate it)")


def test_a_translation_with_other_placeholders_than_its_message_is_refused(tmp_path):
    po, error = rendering_fails(tmp_path, lambda text: text.replace(
        'msgstr "Nicht in %(plan)s"', 'msgstr "Nicht in %(plans)s"'))
    line = po.read_text("utf-8").splitlines().index('msgid "Not in %(plan)s"') + 1
    assert error == f"{po}:{line}: msgid 'Not in %(plan)s': unknown named placeholder 'plans'"


def test_a_broken_catalog_is_reported_with_its_line(tmp_path):
    po, error = rendering_fails(tmp_path, lambda text: text + '\nmsgid "Dangling"\n')
    line = len(po.read_text("utf-8").splitlines())
    assert error == f"{po}:{line}: missing msgstr for msgid 'Dangling'"


def test_a_german_page_shows_the_german_screenshot_where_one_was_captured(tmp_path):
    outputs = render_case("german", tmp_path / "screenshots", "de")
    copied = {rel: out.copy_from.name for rel, out in outputs.items() if out.copy_from}
    assert copied == {
        f"{GUIDES_DIR}/screenshots/invite-member/members.de.png": "members.de.png",
        # No German capture yet: the English one, with no note (the picture is the portal's).
        f"{GUIDES_DIR}/screenshots/invite-member/invite-dialog.png": "invite-dialog.png",
    }
    english = render_case("german", tmp_path / "english", None)
    assert f"{GUIDES_DIR}/screenshots/invite-member/members.png" in english


def test_the_language_switch_lists_the_project_locales():
    """mkdocs.yml's extra.alternate is written by hand: it must name every locale of
    steps/project.yml, as the language names itself, at the path its site is built to."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text("utf-8"))
    catalog = load_catalog(REPO / "steps", REPO)
    assert [(a["lang"], a["name"], a["link"]) for a in config["extra"]["alternate"]] == [
        (loc.id, loc.name, "/" if loc.id == catalog.source_locale else f"/{loc.id}/")
        for loc in catalog.locales]
    for locale in catalog.translation_locales:
        translated = yaml.safe_load((REPO / f"mkdocs.{locale}.yml").read_text("utf-8"))
        assert translated["theme"] == {"language": locale}
        assert (translated["docs_dir"], translated["site_dir"]) == (f"docs-{locale}",
                                                                   f"site/{locale}")
        assert translated["site_url"] == config["site_url"] + f"{locale}/"
