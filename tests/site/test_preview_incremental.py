"""The preview's page-by-page rebuild gives, after every kind of save, byte for byte the site
that MkDocs' full build gives (with the guidegen plugin, as `mkdocs serve` would build it),
in both languages; and it took the short way where it should (a test that passed through
full builds only would prove nothing about the short way)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidegen.preview import FULL
from guidegen.serve import Builder, translations
from tests.site.conftest import copy_project

URL = "http://127.0.0.1:8000/"
GUIDE = "zenkit-scim-token-rotation"


def full_build(builder: Builder, dest: Path) -> Path:
    """The site as MkDocs' own build makes it, the source first, then each translation."""
    from mkdocs.commands.build import build

    for locale in [None, *builder.locales]:
        config = builder.config(locale)
        config.site_dir = str(dest / locale if locale else dest)
        build(config, serve_url=URL + (f"{locale}/" if locale else ""))
    return dest


def differences(ours: Path, theirs: Path) -> list[str]:
    files = {p.relative_to(ours) for p in ours.rglob("*") if p.is_file()}
    others = {p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file()}
    return sorted([f"only in the preview: {p}" for p in files - others]
                  + [f"only in the full build: {p}" for p in others - files]
                  + [f"differs: {p}" for p in files & others
                     if (ours / p).read_bytes() != (theirs / p).read_bytes()])


@pytest.fixture
def preview(tmp_path):
    (tmp_path / "project").mkdir()
    layout = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    site.mkdir()
    builder = Builder(layout, site, URL)
    builder.add_locales(translations(layout, builder.config()))
    assert builder.locales == ["de"]
    builder()
    assert builder.done == [FULL, FULL]
    builder.settle()
    return builder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def same_as_full_build(builder: Builder, tmp_path: Path) -> None:
    builder.settle()
    reference = tmp_path / f"reference-{len(list(tmp_path.glob('reference-*')))}"
    assert differences(builder.site, full_build(builder, reference)) == []
    shutil.rmtree(reference)


def test_the_first_build_is_the_full_build(preview, tmp_path):
    same_as_full_build(preview, tmp_path)


def test_a_step_text_edit_renders_that_page_only(preview, tmp_path):
    layout = preview.layout
    edit(layout.steps / f"{GUIDE}.yml", "so update Azure straight away.",
         "so update Azure straight away, before the next provisioning cycle.")
    preview()
    # The English page and the German one, which shows that untranslated text in English.
    assert preview.done == ["1 pages rendered", "1 pages rendered"]
    assert "before the next provisioning cycle" in (
        preview.site / "guides" / GUIDE / "index.html").read_text("utf-8")
    same_as_full_build(preview, tmp_path)


def test_a_title_edit_renders_every_page_into_the_theme(preview, tmp_path):
    edit(preview.layout.steps / f"{GUIDE}.yml", "title: Rotating the SCIM bearer token",
         "title: Rotating the SCIM bearer token now")
    preview.behind = False  # what is pending stays pending until asked for
    preview()
    # The guide, the overview and the by-plan page (they list titles) come first; the
    # other pages only show the new title in their navigation: they wait, in both languages,
    # with 404.html and the sitemap (sitemap.xml and .gz).
    pages = len(list(preview.site.rglob("index.html")))
    assert preview.done == ["3 pages rendered, and the navigation changed: "
                            f"{pages // 2 - 3 + 4} more pending"] * 2
    not_found = str(preview.site / "404.html")
    assert not_found in preview.sites[0].pending
    preview.ensure(not_found)
    assert "Rotating the SCIM bearer token now" in Path(not_found).read_text("utf-8")
    home = str(preview.site / "index.html")
    assert home in preview.sites[0].pending
    assert "Rotating the SCIM bearer token now" not in Path(home).read_text("utf-8")
    preview.ensure(home)  # a request for it
    assert home not in preview.sites[0].pending
    assert "Rotating the SCIM bearer token now" in Path(home).read_text("utf-8")
    same_as_full_build(preview, tmp_path)


def test_a_translation_edit_renders_the_german_page_only(preview, tmp_path):
    translation = preview.layout.steps / "translations" / "de" / f"{GUIDE}.yml"
    edit(translation, "Aktualisieren Sie Azure deshalb umgehend.",
         "Aktualisieren Sie Azure deshalb sofort.")
    preview()
    assert preview.done == ["nothing changed", "1 pages rendered"]
    same_as_full_build(preview, tmp_path)


def test_a_new_screenshot_is_copied_and_a_template_edit_renders_every_guide(preview, tmp_path):
    shot = preview.layout.screenshots / GUIDE / "zenkit-regenerate-token.png"
    shot.write_bytes(shot.read_bytes() + b"\0")  # another picture, same name
    preview()
    assert preview.done[0] == "files copied"
    same_as_full_build(preview, tmp_path)

    edit(preview.layout.templates / "guide.md.j2", "{{ m.plans_box(",
         "Reviewed by the docs team.\n\n{{ m.plans_box(")
    preview()
    guides = len(list(preview.layout.steps.glob("*.yml"))) - 1  # less project.yml
    assert preview.done == [f"{guides} pages rendered"] * 2
    same_as_full_build(preview, tmp_path)


def test_a_hand_written_page_or_a_new_guide_is_a_full_build(preview, tmp_path):
    edit(preview.layout.docs / "index.md", "\n", "\nA new first paragraph.\n")
    preview()
    assert preview.done == [FULL, FULL]
    same_as_full_build(preview, tmp_path)

    steps = preview.layout.steps
    text = (steps / f"{GUIDE}.yml").read_text("utf-8")
    (steps / "zenkit-copy.yml").write_text(text.replace(f"id: {GUIDE}", "id: zenkit-copy", 1)
                                           .replace("title: Rotating", "title: Copy of", 1),
                                           "utf-8")
    preview()
    assert preview.done == [FULL, FULL]
    same_as_full_build(preview, tmp_path)


def test_after_a_broken_save_the_good_save_is_a_full_build(preview, tmp_path):
    step_file = preview.layout.steps / f"{GUIDE}.yml"
    good = step_file.read_text("utf-8")
    step_file.write_text(good.replace("title:", "tilte:", 1), "utf-8")
    preview()
    assert "unknown key" in (preview.site / "index.html").read_text("utf-8")
    step_file.write_text(good, "utf-8")
    preview()
    assert preview.done == [FULL, FULL]
    same_as_full_build(preview, tmp_path)



def test_the_first_build_serves_a_page_before_the_others_are_rendered(tmp_path):
    """Start-up converts every page (the navigation needs their titles) and renders none;
    a request renders its page, one for the search index waits for every page."""
    (tmp_path / "project").mkdir()
    layout = copy_project(tmp_path / "project")
    (tmp_path / "site").mkdir()
    builder = Builder(layout, tmp_path / "site", URL)
    builder.behind = False
    builder()
    source = builder.sites[0]
    page = str(builder.site / "guides" / GUIDE / "index.html")
    assert page in source.pending and not Path(page).exists()
    builder.ensure(page)
    assert Path(page).is_file() and page not in source.pending
    assert not Path(source.index_path).exists()
    builder.ensure(source.index_path)
    assert Path(source.index_path).is_file() and not source.pending
    same_as_full_build(builder, tmp_path)
