"""The German help centre as `guidegen build` writes it: its own site under site/de/, in
German (interface, search, plan box, dates), linked to the English one both ways, and whole
where a translation is missing."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from guidegen.build import build
from guidegen.status import STATUS_FILE

from .conftest import copy_project

SEED = "zenkit-azure-scim-provisioning"
SAML = "zenkit-azure-saml-sso"


def soup(site, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path / "index.html").read_text("utf-8"), "html.parser")


def test_every_english_page_has_a_german_one(built_site):
    site = built_site.site
    english = {p.relative_to(site) for p in site.rglob("index.html")
               if p.relative_to(site).parts[0] not in ("de", "search")}
    german = {p.relative_to(site / "de") for p in (site / "de").rglob("index.html")
              if "search" not in p.parts}
    assert english == german and len(german) >= 8


def test_both_sites_have_the_language_switch(built_site):
    for path, lang in (("", "en"), ("de", "de"), (f"de/guides/{SEED}", "de")):
        page = soup(built_site.site, path)
        assert page.html["lang"] == lang
        assert [(a["hreflang"], a.get_text(strip=True)) for a in
                page.select("a.md-select__link")] == [("en", "English"), ("de", "Deutsch")]
        assert [(link["hreflang"], link["href"]) for link in page.select(
            "link[rel=alternate][hreflang]")] == [("en", "/"), ("de", "/de/")]


def test_the_german_guide_says_in_german_what_verification_established(built_site):
    page = soup(built_site.site, f"de/guides/{SEED}")
    box = page.select_one(".gg-plans-box")
    assert box.select_one(".admonition-title").get_text() == "Anwendbare Pläne"
    assert [li.get_text(" ", strip=True) for li in box.select("li")][0] == \
        "✗ Kostenlos (nicht enthalten)"
    assert page.select_one("#enter-credentials .gg-step-number").get_text() == "Schritt 3"
    assert page.select_one("#enter-credentials .admonition-title").get_text() == "Tipp"
    assert "Verbindung testen" in page.select_one("#enter-credentials").get_text()


def test_each_language_shows_the_verdict_of_its_own_runs(tmp_path):
    """The German pages say what `verify --locale de` established, with Babel's German date;
    the English pages what the English run did."""
    layout = copy_project(tmp_path)
    english = {"target": "sim", "date": "2026-11-29", "result": "passed", "problems": {},
               "plans": {"business": {"target": "sim", "date": "2026-11-29",
                                      "result": "passed"}}}
    german = {**english, "date": "2026-12-03", "result": "failed",
              "problems": {"save-credentials": "structure drift"}, "plans": {}}
    (layout.screenshots / STATUS_FILE).write_text(json.dumps(
        {"guides": {SEED: english}, "locales": {"de": {"guides": {SEED: german}}}}), "utf-8")
    build(layout)
    page = soup(layout.site, f"de/guides/{SEED}")
    assert page.select_one(".gg-verified").get_text(" ", strip=True) == (
        "⚠ Die letzte Prüfung anhand der Portal-Simulatoren am 3. Dezember 2026 hat 1 Schritt "
        "gefunden, der nicht mehr übereinstimmt; er ist unten gekennzeichnet.")
    assert page.select_one("#save-credentials .gg-step-drift").get_text(" ", strip=True) == (
        "⚠ Dieser Schritt hat seine letzte Prüfung nicht bestanden (Strukturabweichung): "
        "Das Portal sieht möglicherweise anders aus als hier beschrieben.")
    assert [p.get_text(" ", strip=True) for p in page.select(".gg-plan-note")] == [
        "Business und Enterprise: noch nicht mit einer Organisation in diesen Plänen geprüft."]
    assert soup(layout.site, f"guides/{SEED}").select_one(".gg-verified").get_text() == (
        "✓ Verified against the portal simulators on 29 November 2026.")


def test_the_german_overview_matrix_and_search(built_site):
    site = built_site.site
    matrix = soup(site, "de/guides/plans")
    assert [th.get_text() for th in matrix.select("thead th")] == [
        "Anleitung", "Kostenlos", "Plus", "Business", "Enterprise"]
    card = soup(site, "de/guides").select_one(f".gg-guide-card[data-gg-guide='{SEED}']")
    assert card.select_one(".gg-card-plans").get_text(" ", strip=True) == \
        "Anwendbare Pläne: Business, Enterprise"
    index = json.loads((site / "de/search/search_index.json").read_text("utf-8"))
    assert index["config"]["lang"] == ["de"]
    assert any("Verbindung testen" in d["text"] for d in index["docs"])
    data = (site / "de/guides/guidegen-data.js").read_text("utf-8")
    assert '"Your plan": "Ihr Plan"' in data and '"name": "Kostenlos"' in data


def test_a_guide_without_translation_still_has_a_whole_german_page(tmp_path):
    layout = copy_project(tmp_path)
    (layout.steps / f"translations/de/{SAML}.yml").unlink(missing_ok=True)
    build(layout)
    page = soup(layout.site, f"de/guides/{SAML}")
    english = soup(layout.site, f"guides/{SAML}")
    assert page.select_one(".gg-untranslated-guide").get_text() == (
        "Diese Anleitung ist noch nicht übersetzt und wird auf Englisch angezeigt.")
    assert page.h1.get_text(strip=True).removesuffix("¶") == \
        english.h1.get_text(strip=True).removesuffix("¶")
    assert page.h1["lang"] == "en"
    # Every step is there, in English and marked so, with the page's German around it.
    assert [s["id"] for s in page.select(".gg-step")] == \
        [s["id"] for s in english.select(".gg-step")]
    first = page.select_one(".gg-step")
    assert first.select_one(".gg-source-text")["lang"] == "en"
    assert first.select_one(".gg-step-number").get_text() == "Schritt 1"
    assert not page.select(".gg-untranslated:not(.gg-untranslated-guide)")


def test_the_guides_section_of_the_navigation_is_named_in_the_sites_language(built_site):
    """MkDocs would call it 'Guides' after its folder on both sites; the plugin names it as
    the overview page is titled."""
    for path, name in (("de/guides/plans", "Anleitungen"), ("guides/plans", "Guides")):
        nav = soup(built_site.site, path).select(
            ".md-nav--primary .md-nav__item--section > .md-nav__link")
        assert [n.get_text(" ", strip=True) for n in nav] == [name]


def test_a_language_without_a_site_configuration_gets_no_site(tmp_path):
    """Guides can be translated and verified in German before a German site is published:
    without mkdocs.de.yml, the build is the English site alone."""
    layout = copy_project(tmp_path)
    layout.mkdocs_yml_in("de").unlink()
    build(layout)
    assert (layout.site / "guides/index.html").is_file()
    assert not (layout.site / "de").exists()
    assert not (layout.docs_in("de") / "guides").exists()
