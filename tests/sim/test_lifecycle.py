"""The admin lifecycle over HTTP: removing an assignment (with its confirmation), blocking
sign-in, deleting a user, the cycles that follow (a real SCIM PATCH `active: false` reaching
Zenkit, which then lists the member as deactivated), and the provisioning logs' rows and details."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from portalsim import Simulators, start_simulators
from portalsim.azure.app import AzureApp
from werkzeug.test import Client

from .conftest import Azure, Zenkit, text_of
from .test_provisioning import ADELE_MAIL, ADELE_UPN, apply_seed_steps

APP = "/enterprise-apps/zenkit"
ALEX_UPN, ALEX_MAIL = "AlexW@contoso.onmicrosoft.com", "alex.wilber@contoso.com"


def provisioned(azure: Azure, zenkit: Zenkit, *assign: str) -> None:
    """The seed guide's set-up with these users assigned, after a cycle that created them."""
    azure.configure(*zenkit.enable_scim(), status="On")
    apply_seed_steps(azure)
    azure.client.post(f"{APP}/users-and-groups/add", data={"assign": list(assign)})
    assert {e["action"] for e in azure.provision()} == {"Create"}


def status_in_zenkit(zenkit: Zenkit, email: str) -> str | None:
    return next((m["status"] for m in zenkit.state()["members"] if m["email"] == email), None)


def page(azure: Azure, path: str) -> str:
    return text_of(azure.client.get(path).get_data(as_text=True))


def user_id(azure: Azure, upn: str) -> str:
    return azure.session().user(upn).object_id


def test_remove_asks_yes_or_no_then_unassigns_only_the_selected_rows(azure: Azure, zenkit: Zenkit):
    azure.client.post(f"{APP}/users-and-groups/add", data={"assign": [ADELE_UPN, ALEX_UPN]})
    html = azure.client.get(f"{APP}/users-and-groups").get_data(as_text=True)
    # The command opens the dialog; only the dialog's Yes posts the removal.
    assert re.search(r'<button type="button" data-opens="confirm-remove">.*Remove</button>', html)
    dialog = html[html.index('<dialog id="confirm-remove"'):]
    assert 'value="remove">Yes</button>' in dialog and 'data-closes="confirm-remove">No</button>' in dialog
    assert html.count('aria-label="Select row"') == 2

    azure.client.post(f"{APP}/users-and-groups", data={"action": "remove", "selected": [ALEX_UPN]})

    assert azure.state()["assigned"] == [ADELE_UPN]
    assert "Alex Wilber" not in page(azure, f"{APP}/users-and-groups")


def test_remove_with_nothing_selected_removes_nothing(azure: Azure):
    azure.client.post(f"{APP}/users-and-groups/add", data={"assign": [ADELE_UPN]})
    azure.client.post(f"{APP}/users-and-groups", data={"action": "remove"})
    assert azure.state()["assigned"] == [ADELE_UPN]
    assert "Select at least one row first." in page(azure, f"{APP}/users-and-groups")


def test_newer_portals_say_remove_assignment(sims: Simulators):
    client = Client(AzureApp("2023"))
    client.post(f"{APP}/users-and-groups/add", data={"assign": [ADELE_UPN]})
    text = text_of(client.get(f"{APP}/users-and-groups").get_data(as_text=True))
    assert "Remove assignment" in text and "Edit assignment" in text


def test_edit_assignment_shows_the_selected_rows_and_their_role(azure: Azure):
    azure.client.post(f"{APP}/users-and-groups/add", data={"assign": [ADELE_UPN, ALEX_UPN]})
    response = azure.client.post(f"{APP}/users-and-groups", data={"action": "edit", "selected": [ALEX_UPN]},
                                 follow_redirects=True)
    text = text_of(response.get_data(as_text=True))
    assert "Edit Assignment" in text and "1 selected: Alex Wilber" in text and "Select a role" in text


def test_unassigned_user_is_deactivated_in_zenkit_at_the_next_cycle(azure: Azure, zenkit: Zenkit):
    provisioned(azure, zenkit, ADELE_UPN, ALEX_UPN)
    assert status_in_zenkit(zenkit, ALEX_MAIL) == "Provisioned"
    azure.client.post(f"{APP}/users-and-groups", data={"action": "remove", "selected": [ALEX_UPN]})

    entries = azure.provision()

    disable = next(e for e in entries if e["identity"] == ALEX_UPN)
    assert (disable["action"], disable["status"]) == ("Disable", "Success")
    assert re.match(r"PATCH http://127\.0\.0\.1:\d+/scim/\w+/v2/Users/\S+ → 204 No Content",
                    disable["requests"][0])
    assert status_in_zenkit(zenkit, ALEX_MAIL) == "Deactivated"
    assert status_in_zenkit(zenkit, ADELE_MAIL) == "Provisioned"
    # Zenkit's Users page says so too; a later cycle does not disable the user again.
    assert re.search(r"alex\.wilber@contoso\.com Member Deactivated",
                     text_of(zenkit.client.get("/settings/users").get_data(as_text=True)))
    assert [e for e in azure.provision() if e["identity"] == ALEX_UPN] == []


@pytest.mark.parametrize("ui, field, blocked", [("2020", "block_sign_in", "Yes"), ("2023", None, None)])
def test_blocking_sign_in_deactivates_the_user_in_zenkit(sims: Simulators, zenkit: Zenkit, ui, field,
                                                          blocked):
    azure = Azure(sims)
    azure.app = AzureApp(ui)
    azure.app.hosts = sims.azure.hosts
    azure.client = Client(azure.app)
    provisioned(azure, zenkit, ADELE_UPN)
    profile = f"/directory/users/{user_id(azure, ADELE_UPN)}"
    assert "Edit properties" in page(azure, profile)
    form = page(azure, profile + "?edit=1")
    assert ("Block sign in" in form) == (ui == "2020") and ("Account enabled" in form) == (ui != "2020")

    # "Account enabled" cleared is a checkbox left out of the form.
    azure.client.post(profile, data={"action": "save", "display_name": "Adele Vance",
                                     **({field: blocked} if field else {})})

    assert azure.state()["blocked"] == [ADELE_UPN]
    assert "Account enabled No" in page(azure, profile)
    assert [(e["action"], e["status"]) for e in azure.provision()] == [("Disable", "Success")]
    assert status_in_zenkit(zenkit, ADELE_MAIL) == "Deactivated"


def test_deleting_a_user_hides_them_and_deactivates_them_in_zenkit(azure: Azure, zenkit: Zenkit):
    provisioned(azure, zenkit, ADELE_UPN)
    html = azure.client.get("/directory/users").get_data(as_text=True)
    assert 'value="delete">Yes</button>' in html[html.index('<dialog id="confirm-delete"'):]

    azure.client.post("/directory/users", data={"action": "delete", "selected": [user_id(azure, ADELE_UPN)]})

    assert ADELE_UPN not in page(azure, "/directory/users")
    assert azure.state()["deleted"] == [ADELE_UPN]
    assert [(e["action"], e["status"]) for e in azure.provision()] == [("Disable", "Success")]
    assert status_in_zenkit(zenkit, ADELE_MAIL) == "Deactivated"


def test_reassigning_a_disabled_user_activates_them_again(azure: Azure, zenkit: Zenkit):
    provisioned(azure, zenkit, ADELE_UPN)
    azure.client.post(f"{APP}/users-and-groups", data={"action": "remove", "selected": [ADELE_UPN]})
    azure.provision()
    azure.client.post(f"{APP}/users-and-groups/add", data={"assign": [ADELE_UPN]})
    assert [(e["action"], e["status"]) for e in azure.provision()] == [("Update", "Success")]
    assert status_in_zenkit(zenkit, ADELE_MAIL) == "Provisioned"


def test_turning_provisioning_on_runs_an_initial_cycle_that_logs_who_it_skipped(azure: Azure, zenkit: Zenkit):
    azure.client.post(f"{APP}/users-and-groups/add", data={"assign": [ADELE_UPN]})
    text = text_of(azure.configure(*zenkit.enable_scim(), status="On"))

    assert "Current cycle status Initial cycle completed Users: 1 · Groups: 0 · Failures: 0" in text
    assert status_in_zenkit(zenkit, ADELE_UPN) == "Provisioned"  # default mappings: userName is the UPN
    logs = page(azure, "/directory/provisioning-logs")
    assert re.search(rf"{re.escape(ALEX_UPN)} Other Azure Active Directory Zenkit Skipped", logs)
    assert re.search(rf"{re.escape(ADELE_UPN)} Create Azure Active Directory Zenkit Success", logs)
    # A later cycle is incremental: it logs no skipped users again.
    assert all(e["status"] != "Skipped" for e in azure.provision())
    assert azure.state()["cycle"]["kind"] == "Incremental"


def test_stop_start_and_restart_provisioning(azure: Azure, zenkit: Zenkit):
    azure.configure(*zenkit.enable_scim(), status="On")
    azure.provision()
    stopped = text_of(azure.post_provisioning(action="stop-provisioning"))
    assert "Stopped provisioning" in stopped and "Start provisioning" in stopped
    assert azure.state()["saved"]["status"] == "Off"
    started = text_of(azure.post_provisioning(action="start-provisioning"))
    assert "Stop provisioning" in started and "Incremental cycle completed" in started

    restarted = text_of(azure.post_provisioning(action="restart-provisioning"))

    assert "Restarted provisioning" in restarted and "Initial cycle completed" in restarted
    skipped = [e for e in azure.session().logs if e.status == "Skipped"]
    assert len(skipped) == 6  # the three sample users, once per initial cycle


def test_start_provisioning_on_a_configuration_that_never_ran_runs_an_initial_cycle(
        azure: Azure, zenkit: Zenkit):
    azure.client.post(f"{APP}/users-and-groups/add", data={"assign": [ADELE_UPN]})
    saved = text_of(azure.configure(*zenkit.enable_scim(), status="Off"))
    assert "Start provisioning" in saved and azure.session().logs == []

    started = text_of(azure.post_provisioning(action="start-provisioning"))

    assert "Started provisioning" in started and "Initial cycle completed" in started
    assert status_in_zenkit(zenkit, ADELE_UPN) == "Provisioned"
    assert {(e.identity, e.status) for e in azure.session().logs} == {
        (ADELE_UPN, "Success"), (ALEX_UPN, "Skipped"), ("MeganB@contoso.onmicrosoft.com", "Skipped")}


def test_sync_all_users_needs_no_assignment(azure: Azure, zenkit: Zenkit):
    azure.configure(*zenkit.enable_scim(), status="On", scope="Sync all users and groups")
    members = {m["email"] for m in zenkit.state()["members"]}
    assert {ADELE_UPN, ALEX_UPN} <= members


def test_a_skipped_row_opens_details_with_steps_and_the_reason(azure: Azure, zenkit: Zenkit):
    azure.configure(*zenkit.enable_scim(), status="On")
    listing = azure.client.get("/directory/provisioning-logs").get_data(as_text=True)
    number = re.search(rf'provisioning-logs/(\d+)">[^<]*</a></td><td>{ALEX_UPN}</td>', listing)[1]

    details = page(azure, f"/directory/provisioning-logs/{number}")

    assert "Provisioning log details" in details
    assert "Import user: Success Determine if user is in scope: Skipped" in details
    assert "Error code: NotEffectivelyEntitled" in details
    assert "Reason: The user is not assigned to the application" in details
    assert azure.client.get("/directory/provisioning-logs/999").status_code == 404


@pytest.fixture
def failing_patch() -> Iterator[Simulators]:
    """Zenkit's SCIM answers every PATCH with HTTP 500: a disable fails."""
    with start_simulators(faults=["zenkit:error:PATCH /scim/*"]) as running:
        yield running


def test_a_failed_disable_shows_the_error_code_and_zenkits_reason(failing_patch: Simulators):
    azure, zenkit = Azure(failing_patch), Zenkit(failing_patch)
    provisioned(azure, zenkit, ADELE_UPN)
    azure.client.post(f"{APP}/users-and-groups", data={"action": "remove", "selected": [ADELE_UPN]})
    [entry] = azure.provision()
    assert (entry["action"], entry["status"]) == ("Disable", "Failure")
    assert status_in_zenkit(zenkit, ADELE_MAIL) == "Provisioned"

    details = page(azure, f"/directory/provisioning-logs/{len(azure.session().logs)}")

    assert "Perform action: Failure" in details
    assert "Error code: SystemForCrossDomainIdentityManagementBadResponse" in details
    assert "Reason: HTTP 500" in details and "→ 500 Internal Server Error" in details


def test_scim_delete_removes_the_member_from_zenkit(azure: Azure, zenkit: Zenkit):
    provisioned(azure, zenkit, ADELE_UPN)
    base, token = zenkit.enable_scim()
    scim_id = azure.session().scim_ids[user_id(azure, ADELE_UPN)]
    path = base.split(str(zenkit.sims.zenkit_url), 1)[1]
    answer = zenkit.client.delete(f"{path}/Users/{scim_id}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 204
    assert status_in_zenkit(zenkit, ADELE_MAIL) is None
