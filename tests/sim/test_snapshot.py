"""A browser session's state, saved from one start of the simulators and put back into
another (portalsim.snapshot, which `verify --from STEP` uses), over real HTTP: both
simulators answer the restored session as they answered the saved one, and Zenkit's SCIM
service takes the restored token and still holds its users under their ids."""

from __future__ import annotations

import pickle

import pytest
import requests
from portalsim import start_simulators
from portalsim.snapshot import export_session, import_session

SCIM_JSON = "application/scim+json"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"


def test_a_saved_session_comes_back_in_new_simulators():
    browser = requests.Session()
    with start_simulators() as sims:
        zenkit, azure = sims.zenkit_url, sims.azure_url
        browser.post(f"{zenkit}/settings/provisioning",
                     data={"action": "toggle", "field": "scim", "value": "on"})
        browser.post(f"{zenkit}/settings/provisioning", data={"action": "regenerate"})
        org = browser.get(f"{zenkit}/_sim/state").json()
        scim = f"{zenkit}/scim/{org['org']}/v2"
        auth = {"Authorization": f"Bearer {org['token']}", "Content-Type": SCIM_JSON}
        user = requests.post(f"{scim}/Users", headers=auth, timeout=10, json={
            "schemas": [USER], "userName": "pat.lee@contoso.com", "displayName": "Pat Lee"}).json()
        browser.post(f"{azure}/enterprise-apps/zenkit/users-and-groups/add",
                     data={"assign": "AdeleV@contoso.onmicrosoft.com"})
        azure_before = browser.get(f"{azure}/_sim/state").json()
        zenkit_before = browser.get(f"{zenkit}/_sim/state").json()
        saved = export_session(sims, browser.cookies.get_dict())
        other = requests.Session()  # another browser's session is not saved
        other.get(f"{zenkit}/settings/provisioning")

    with start_simulators() as fresh:
        # Before the restore, the same cookies meet a new organization (a one-off request:
        # the browser would take the new session's cookie).
        cookies = browser.cookies.get_dict()
        assert requests.get(f"{fresh.zenkit_url}/_sim/state", cookies=cookies,
                            timeout=10).json() != zenkit_before
        import_session(fresh, saved)
        assert browser.get(f"{fresh.azure_url}/_sim/state").json() == azure_before
        assert browser.get(f"{fresh.zenkit_url}/_sim/state").json() == zenkit_before
        assert azure_before["assigned"] == ["AdeleV@contoso.onmicrosoft.com"]
        scim = f"{fresh.zenkit_url}/scim/{org['org']}/v2"
        found = requests.get(f"{scim}/Users/{user['id']}", headers=auth, timeout=10)
        assert (found.status_code, found.json()["userName"]) == (200, "pat.lee@contoso.com")
        # The restored store goes on: a new user gets a version after the restored ones.
        second = requests.post(f"{scim}/Users", headers=auth, timeout=10, json={
            "schemas": [USER], "userName": "lee.gu@contoso.com"}).json()
        assert second["meta"]["version"] != user["meta"]["version"]
        # A session started after the restore gets an organization of its own.
        newcomer = requests.Session()
        newcomer.post(f"{fresh.zenkit_url}/settings/provisioning",
                      data={"action": "toggle", "field": "scim", "value": "on"})
        assert newcomer.get(f"{fresh.zenkit_url}/_sim/state").json()["token"] != org["token"]


def test_a_snapshot_of_another_format_is_refused():
    with start_simulators() as sims, pytest.raises(ValueError, match="another guidegen version"):
        import_session(sims, pickle.dumps({"format": 0}))
