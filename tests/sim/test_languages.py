"""Both simulators in German: chosen by the browser's Accept-Language or by the portal's own
language setting (which wins and persists), every message of the catalogs translated and
marked sourced or invented, German dates and numbers, drift scenarios in German, the SCIM
API and /_sim answers without a language, and real Chromium with locale de-DE finding the
main flow's controls by their German accessible names."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import Browser, Page, expect
from portalsim import Simulators, start_simulators
from portalsim.azure.app import AzureApp
from portalsim.i18n import LOCALES, Formats, catalog, source_messages
from portalsim.zenkit.app import ZenkitApp
from werkzeug.test import Client

from .conftest import Azure, Zenkit, text_of
from .test_lifecycle import provisioned
from .test_provisioning import ADELE_UPN

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
APP = "/enterprise-apps/zenkit"
SIMULATORS = ("azure", "zenkit")
INVENTED = "invented: no public source"
SOURCED_NOTE = "sourced: portals.md, German section (Zenkit's German help articles)"
# The German labels portals.md gives (Zenkit's German help articles), by the English label
# the simulators show; "+ Neue Anwendung" is a disabled command whose "+" is an icon.
SOURCED = {
    "Provisioning Mode": "Bereitstellungsmodus",
    "Automatic": "Automatisch",
    "Admin Credentials": "Administratoranmeldeinformationen",
    "Tenant URL": "Mandanten-URL",
    "Secret Token": "Geheimes Token",
    "Test Connection": "Verbindung testen",
    "Save": "Speichern",
    "Mappings": "Zuordnungen",
    "Match objects using this attribute": "Objekt mit diesem Attribut abgleichen",
    "Matching precedence": "Übereinstimmungspriorität",
    "Enterprise applications": "Unternehmensanwendungen",
    "New application": "Neue Anwendung",
    "Free": "Kostenlos",
    "Plus": "Plus",
    "Business": "Business",
    "Enterprise": "Enterprise",
}
# Words German writes as English does: names, codes, loanwords, formats with no words.
SAME_IN_GERMAN = {
    "Name", "Status", "Dashboard", "OK", "Code", "SCIM", "Optional", "App Services",
    "Microsoft Entra ID", "Details: %(details)s", "Breadcrumb", "Plan", "%(done)s %(warning)s",
    "Plus", "Business", "Enterprise",
}


def po(simulator: str):
    with (LOCALES / f"{simulator}.de.po").open("rb") as file:
        return read_po(file, locale="de")


def german(client: Client, path: str, **kwargs) -> str:
    response = client.get(path, headers=GERMAN, follow_redirects=True, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["Content-Language"] == "de"
    html = response.get_data(as_text=True)
    assert '<html lang="de">' in html
    return text_of(html)


# The catalogs


@pytest.mark.parametrize("simulator", SIMULATORS)
def test_the_catalog_holds_exactly_the_simulators_messages_each_in_german(simulator: str):
    messages = {m.id for m in source_messages(simulator) if m.id}
    translated = po(simulator)
    entries = {m.id: m for m in translated if m.id}
    assert messages - entries.keys() == set(), f"{simulator}.de.po lacks these messages"
    assert entries.keys() - messages == set(), f"{simulator}.de.po holds messages no page uses"
    untranslated = [m.id for m in entries.values() if not m.string]
    assert untranslated == []
    english_left = [m.id for m in entries.values() if m.string == m.id and m.id not in SAME_IN_GERMAN]
    assert english_left == []


@pytest.mark.parametrize("simulator", SIMULATORS)
def test_every_german_label_is_sourced_or_marked_invented(simulator: str):
    for message in po(simulator):
        if not message.id:
            continue
        if message.id in SOURCED:
            assert message.auto_comments == [SOURCED_NOTE], message.id
            assert message.string == SOURCED[message.id], message.id
        else:
            assert message.auto_comments == [INVENTED], message.id


# Choosing the language


def test_accept_language_de_gets_german_azure_pages(azure: Azure, zenkit: Zenkit):
    client = azure.client
    assert "Benutzer | Alle Benutzer" in german(client, "/directory/users")
    assert "Unternehmensanwendungen" in german(client, "/enterprise-apps")
    assert "Erste Schritte" in german(client, f"{APP}/provisioning")
    assert "Zenkit | Bereitstellungsplan" in german(client, f"{APP}/deployment-plan")
    azure.post_provisioning(action="start")
    blade = german(client, f"{APP}/provisioning")
    for label in ("Bereitstellungsmodus", "Administratoranmeldeinformationen", "Mandanten-URL",
                  "Geheimes Token", "Verbindung testen", "Speichern", "Verwerfen"):
        assert label in blade, label
    assert "Provisioning Mode" not in blade and "Test Connection" not in blade
    # A notification composed in Python: Test Connection's, with the app's name in it.
    base, token = zenkit.enable_scim()
    client.post(f"{APP}/provisioning", data={"action": "test", "mode": "Automatic",
                                             "tenant_url": base, "secret_token": token})
    notified = german(client, f"{APP}/provisioning")
    assert "Verbindung mit Zenkit wird getestet" in notified
    assert "Die angegebenen Anmeldeinformationen sind zum Aktivieren der Bereitstellung autorisiert" \
        in notified
    # Validation messages too.
    client.post("/directory/users/new", data={"upn": "nobody", "display_name": ""})
    answer = client.post("/directory/users/new", data={"upn": "nobody", "display_name": ""}, headers=GERMAN)
    assert "Der Wert darf nicht leer sein." in text_of(answer.get_data(as_text=True))


def test_accept_language_de_gets_german_zenkit_pages(zenkit: Zenkit):
    client = zenkit.client
    users = german(client, "/settings/users")
    assert "Benutzer · Organisationseinstellungen · Zenkit" in users
    assert "Rolle" in users and "Besitzer" in users and "Aktiv" in users
    client.post("/settings/users", data={"email": "pat@contoso.com"})
    assert "Eingeladen" in german(client, "/settings/users")
    answer = client.post("/settings/users", data={"email": "pat"}, headers=GERMAN)
    refused = text_of(answer.get_data(as_text=True))
    assert "Geben Sie eine E-Mail-Adresse ein, zum Beispiel pat@contoso.com." in refused
    zenkit.enable_scim()
    settings = german(client, "/settings/provisioning")
    for label in ("Bereitstellung über SCIM", "Aktiviert", "Basis-URL", "Bearer-Token",
                  "Token neu generieren"):
        assert label in settings, label
    assert "Einmaliges Anmelden" in german(client, "/settings/authentication")


def test_plan_names_are_zenkits_german_ones():
    client = Client(ZenkitApp(plan="free"))
    page = german(client, "/settings/provisioning")
    assert "Plan Kostenlos" in page
    assert "Die SCIM-Bereitstellung ist im Plan Kostenlos nicht enthalten." in page


def test_without_a_preference_or_asking_for_english_the_pages_stay_english(azure: Azure, zenkit: Zenkit):
    for client, path, words in ((azure.client, "/directory/users", "Users | All users"),
                                (zenkit.client, "/settings/users", "Invite member")):
        for headers in ({}, ENGLISH, {"Accept-Language": "fr-FR,fr"}):
            html = client.get(path, headers=headers).get_data(as_text=True)
            assert '<html lang="en">' in html and words in text_of(html)


@pytest.mark.parametrize(("app", "path", "english", "german_words"), [
    (AzureApp, "/settings/language", "Portal settings", "Portaleinstellungen"),
    (ZenkitApp, "/profile", "Language of the Zenkit interface.", "Sprache der Zenkit-Oberfläche."),
])
def test_the_portals_language_setting_wins_over_the_browser_and_persists(app, path, english, german_words):
    client = Client(app())
    assert english in text_of(client.get(path, headers=ENGLISH).get_data(as_text=True))

    answer = client.post(path, data={"language": "de"}, headers=ENGLISH)

    assert answer.status_code == 303
    cookie = answer.headers["Set-Cookie"]
    assert "Max-Age=31536000" in cookie  # kept a year, as a profile setting is
    for _ in range(2):  # persists from page to page, whatever the browser asks for
        assert german_words in text_of(client.get(path, headers=ENGLISH).get_data(as_text=True))
    client.post(path, data={"language": "en"}, headers=GERMAN)
    assert english in text_of(client.get(path, headers=GERMAN).get_data(as_text=True))
    client.post(path, data={"language": "xx"}, headers=GERMAN)  # unknown: the setting stays
    assert english in text_of(client.get(path, headers=GERMAN).get_data(as_text=True))


# Dates, numbers, composed words


def test_log_dates_and_details_are_german(azure: Azure, zenkit: Zenkit):
    provisioned(azure, zenkit, ADELE_UPN)
    english = text_of(azure.client.get("/directory/provisioning-logs", headers=ENGLISH)
                      .get_data(as_text=True))
    assert re.search(r"1/15/2026, 9:00:\d\d AM", english)
    logs = german(azure.client, "/directory/provisioning-logs")
    assert re.search(r"15\.01\.2026, 09:00:\d\d", logs) and "AM" not in logs
    assert f"{ADELE_UPN} Erstellen Azure Active Directory Zenkit Erfolg" in logs
    details = german(azure.client, f"/directory/provisioning-logs/{len(azure.session().logs)}")
    assert "Benutzer importieren: Erfolg" in details and "Benutzer in Zenkit erstellt." in details
    cycle = german(azure.client, f"{APP}/provisioning")
    assert "Benutzer: 1 · Gruppen: 0 · Fehler: 0" in cycle


def test_a_skipped_rows_reason_is_german(azure: Azure, zenkit: Zenkit):
    azure.configure(*zenkit.enable_scim(), status="On")
    number = next(n for n, e in enumerate(azure.session().logs, start=1) if e.status == "Skipped")
    details = german(azure.client, f"/directory/provisioning-logs/{number}")
    assert "Grund: Der Benutzer ist der Anwendung nicht zugewiesen" in details
    assert "Fehlercode: NotEffectivelyEntitled" in details  # codes stay as they are


def test_formats_follow_the_language():
    moment = datetime.datetime(2036, 1, 1)
    assert Formats("en", catalog("azure", "en")).datetime(moment) == "1/1/2036, 12:00:00 AM"
    assert Formats("de", catalog("azure", "de")).datetime(moment) == "01.01.2036, 00:00:00"
    assert Formats("en", catalog("azure", "en")).number(12345.5) == "12,345.5"
    assert Formats("de", catalog("azure", "de")).number(12345.5) == "12.345,5"


def test_the_certificates_expiry_is_a_german_date(azure: Azure):
    azure.client.post(f"{APP}/single-sign-on", data={"action": "method", "method": "SAML"})
    page = german(azure.client, f"{APP}/single-sign-on")
    assert "Ablauf 01.01.2036, 00:00:00" in page and "Einmaliges Anmelden mit SAML einrichten" in page


# Drift and the language-neutral endpoints


def test_drift_scenarios_render_in_german_too():
    renamed = Client(AzureApp(drift=("azure-test-connection-case",)))
    renamed.post(f"{APP}/provisioning", data={"action": "start"})
    page = german(renamed, f"{APP}/provisioning")
    assert "Verbindung prüfen" in page and "Verbindung testen" not in page
    newer = Client(AzureApp("2023"))
    newer.post(f"{APP}/users-and-groups/add", data={"assign": [ADELE_UPN]})
    assert "Zuweisung entfernen" in german(newer, f"{APP}/users-and-groups")
    zenkit = Client(ZenkitApp(drift=("zenkit-bearer-token-api-token",)))
    zenkit.post("/settings/provisioning", data={"action": "toggle", "field": "scim", "value": "on"})
    assert "API-Token" in german(zenkit, "/settings/provisioning")


def test_scim_and_sim_answers_have_no_language(azure: Azure, zenkit: Zenkit):
    base, token = zenkit.enable_scim()
    path = base.split(str(zenkit.sims.zenkit_url), 1)[1]
    answers = []
    for headers in (ENGLISH, GERMAN):
        scim = zenkit.client.get(f"{path}/Users/missing",
                                 headers={**headers, "Authorization": f"Bearer {token}"})
        answers.append((scim.status_code, scim.get_data(),
                        zenkit.client.get("/_sim/state", headers=headers).get_data(),
                        azure.client.get("/_sim/state", headers=headers).get_data()))
        assert "Content-Language" not in scim.headers
    assert answers[0] == answers[1]


# Real Chromium, locale de-DE


@pytest.fixture(scope="module")
def fresh() -> Iterator[Simulators]:
    with start_simulators() as running:
        yield running


@pytest.mark.browser
def test_chromium_in_german_finds_the_main_flows_controls_by_their_german_names(browser: Browser,
                                                                               fresh: Simulators):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    try:
        zk = context.new_page()
        zk.goto(f"{fresh.zenkit_url}/settings/provisioning")
        expect(zk.get_by_role("heading", name="Bereitstellung", exact=True)).to_be_visible()
        scim = zk.get_by_role("region", name="Bereitstellung über SCIM")
        scim.get_by_role("switch", name="Aktiviert").check()
        base_url = scim.get_by_role("textbox", name="Basis-URL").input_value()
        token = scim.get_by_role("textbox", name="Bearer-Token").input_value()
        expect(scim.get_by_role("button", name="Token neu generieren")).to_be_visible()
        scim.get_by_role("button", name="Basis-URL kopieren").click()
        expect(scim.get_by_role("status")).to_have_text("In die Zwischenablage kopiert")

        page: Page = context.new_page()
        page.goto(f"{fresh.azure_url}/")
        page.get_by_role("link", name="Azure Active Directory", exact=True).click()
        page.get_by_role("link", name="Unternehmensanwendungen", exact=True).click()
        page.get_by_role("link", name="Zenkit", exact=True).click()
        page.get_by_role("link", name="Bereitstellung", exact=True).click()
        page.get_by_role("button", name="Erste Schritte").click()
        # The blade's load time, in German words and the German clock format.
        expect(page.locator("[data-refreshed]")).to_have_text(
            re.compile(r"^Zuletzt aktualisiert \d\d:\d\d:\d\d UTC$"))
        page.get_by_role("combobox", name="Bereitstellungsmodus").select_option("Automatisch")
        credentials = page.get_by_role("region", name="Administratoranmeldeinformationen")
        credentials.get_by_role("textbox", name="Mandanten-URL").fill(base_url)
        credentials.get_by_label("Geheimes Token").fill(token)
        credentials.get_by_role("button", name="Verbindung testen").click()
        expect(page.get_by_role("alert")).to_contain_text("Die angegebenen Anmeldeinformationen")
        page.get_by_role("button", name="Speichern").click()
        page.get_by_role("button", name="Zuordnungen").click()
        expect(page.get_by_role("link", name="Azure Active Directory-Benutzer bereitstellen")).to_be_visible()
        page.get_by_role("radiogroup", name="Bereitstellungsstatus").get_by_role("radio", name="Ein").check()
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_role("status", name="Zyklusstatus")).to_contain_text("Erster Zyklus abgeschlossen")

        page.get_by_role("link", name="Bereitstellungsprotokolle anzeigen").click()
        logs = page.get_by_role("table", name="Bereitstellungsprotokolle")
        expect(logs.get_by_role("columnheader", name="Datum")).to_be_visible()
        expect(logs.get_by_role("link").first).to_have_text(re.compile(r"^15\.01\.2026, 09:00:\d\d$"))
        assert page.evaluate("document.documentElement.lang") == "de"
    finally:
        context.close()
