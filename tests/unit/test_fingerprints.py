"""What counts as evidence that a control was renamed: what identifies it alone, and a name
that changed only in case or by a suffix. What several elements share identifies none."""

from __future__ import annotations

import json

from guidegen.model import Locator
from guidegen.verify import fingerprints
from guidegen.verify.fingerprints import ENOUGH, _shared, score


def _print(name: str, tag: str = "a", href: str = "", field: str = "=", id: str = "") -> dict:
    return {"name": name, "tag": tag, "href": href, "field": field, "id": id}


def test_a_link_target_of_its_own_is_evidence_of_a_rename():
    old = _print("Azure Active Directory", href="/directory")
    new = _print("Identity", href="/directory")
    assert score(old, new, _shared([new], here="/")) >= ENOUGH


def test_a_link_target_several_links_share_is_no_evidence():
    old = _print("Zenkit", href="/enterprise-apps/zenkit")
    candidates = [_print("Overview", href="/enterprise-apps/zenkit"),
                  _print("Zenkit", href="/enterprise-apps/zenkit")]
    assert score(old, candidates[0], _shared(candidates, here="/")) < ENOUGH


def test_a_link_to_the_page_itself_is_no_evidence():
    """The app's 'Overview' links to the app's page, where the apps list's 'Zenkit' did: on
    that page it is a menu's current item, not the renamed link."""
    old = _print("Zenkit", href="/enterprise-apps/zenkit")
    overview = _print("Overview", href="/enterprise-apps/zenkit")
    assert score(old, overview, _shared([overview], here="/enterprise-apps/zenkit")) < ENOUGH


def test_a_fingerprint_taken_before_queries_were_kept_still_matches_its_path():
    """controls.json files written before hold a link's path alone: it matches the path of a
    link that now has a query, and, when several links share that path, identifies none."""
    old = _print("Identity", href="/directory")
    assert score(old, _print("Entra ID", href="/directory?view"), _shared(
        [_print("Entra ID", href="/directory?view")], here="/")) >= ENOUGH
    two = [_print("Entra ID", href="/directory?view"), _print("Users", href="/directory?users")]
    assert score(old, two[0], _shared(two, here="/")) < ENOUGH


def test_a_change_of_case_or_a_suffix_is_evidence_but_a_synonym_alone_is_not():
    old = _print("Test Connection", tag="button")
    assert score(old, _print("Test connection", tag="button")) >= ENOUGH
    assert score(_print("Secret Token", tag="input"),
                 _print("Secret token (Bearer)", tag="input")) >= ENOUGH
    assert score(_print("Save", tag="button"), _print("Apply", tag="button")) < ENOUGH


def test_fingerprints_are_kept_per_portal(tmp_path):
    provisioning = Locator(role="link", name="Provisioning")
    found = {fingerprints.key(provisioning, "azure"): _print("Provisioning", href="/a"),
             fingerprints.key(provisioning, "zenkit"): _print("Provisioning", href="/z")}
    assert fingerprints.write(tmp_path, found) == tmp_path / fingerprints.FILE
    assert fingerprints.read(tmp_path) == found
    assert set(json.loads((tmp_path / fingerprints.FILE).read_text("utf-8"))) == \
        {"azure", "zenkit"}
    assert fingerprints.write(tmp_path, found) is None  # unchanged: nothing written
