"""The provisioning logs' other actions and statuses: Delete (a user deleted for good, a real
SCIM DELETE reaching Zenkit) and Warning (a user written without its manager reference)."""

from __future__ import annotations

from portalsim.azure.state import ENTERPRISE

from .conftest import Azure, Zenkit
from .test_lifecycle import ALEX_UPN, page, provisioned, status_in_zenkit, user_id
from .test_provisioning import ADELE_MAIL, ADELE_UPN

MEGAN_UPN = "MeganB@contoso.onmicrosoft.com"


def test_a_user_deleted_for_good_is_deleted_in_zenkit_with_a_delete_row(azure: Azure, zenkit: Zenkit):
    provisioned(azure, zenkit, ADELE_UPN)
    azure.client.post("/directory/users", data={"action": "delete", "selected": [user_id(azure, ADELE_UPN)]})
    assert [e["action"] for e in azure.provision()] == ["Disable"]  # soft delete first
    assert status_in_zenkit(zenkit, ADELE_MAIL) == "Deactivated"

    assert azure.client.post("/_sim/purge-deleted").json == [ADELE_UPN]
    [entry] = azure.provision()

    assert (entry["action"], entry["status"]) == ("Delete", "Success")
    assert entry["requests"][0].startswith("DELETE ") and "204" in entry["requests"][0]
    assert status_in_zenkit(zenkit, ADELE_MAIL) is None
    assert "Delete Azure Active Directory Zenkit Success" in page(azure, "/directory/provisioning-logs")
    assert azure.provision() == []  # deleted once: the next cycle has nothing to say about her


def test_a_purged_user_never_provisioned_sends_nothing(azure: Azure, zenkit: Zenkit):
    provisioned(azure, zenkit, ADELE_UPN)
    azure.client.post("/directory/users", data={"action": "delete", "selected": [user_id(azure, ALEX_UPN)]})
    azure.client.post("/_sim/purge-deleted")
    assert [e["action"] for e in azure.provision()] == ["Update"]  # Adele only


def test_without_the_delete_target_action_the_delete_is_skipped(azure: Azure, zenkit: Zenkit):
    provisioned(azure, zenkit, ADELE_UPN)
    azure.session().mappings["users"].delete = False  # Target Object Actions: Delete cleared
    azure.client.post("/directory/users", data={"action": "delete", "selected": [user_id(azure, ADELE_UPN)]})
    azure.provision()
    azure.client.post("/_sim/purge-deleted")
    [entry] = azure.provision()
    assert (entry["action"], entry["status"]) == ("Delete", "Skipped")
    assert entry["detail"] == "Delete is not a target object action."
    assert status_in_zenkit(zenkit, ADELE_MAIL) == "Deactivated"


def test_a_manager_not_yet_in_zenkit_gives_a_warning_then_resolves(azure: Azure, zenkit: Zenkit):
    # The default mappings, which keep manager (the seed guide deletes it).
    azure.configure(*zenkit.enable_scim(), status="On")
    azure.client.post("/enterprise-apps/zenkit/users-and-groups/add", data={"assign": [ADELE_UPN]})
    assert [e["action"] for e in azure.provision()] == ["Create"]
    profile = f"/directory/users/{user_id(azure, ADELE_UPN)}"
    azure.client.post(profile, data={"action": "save", "display_name": "Adele Vance", "manager": MEGAN_UPN,
                                     "block_sign_in": "No"})
    assert f"Manager {MEGAN_UPN}" in page(azure, profile)

    [entry] = azure.provision()
    assert (entry["action"], entry["status"]) == ("Update", "Warning")
    assert entry["error_code"] == "ReferenceAttributeNotResolved"
    details = page(azure, f"/directory/provisioning-logs/{len(azure.session().logs)}")
    assert "Perform action: Warning" in details
    assert "Reason: Updated user in Zenkit. The manager attribute was not set" in details

    # Once the manager is provisioned too, the reference resolves to her id in Zenkit.
    azure.client.post("/enterprise-apps/zenkit/users-and-groups/add", data={"assign": [MEGAN_UPN]})
    # Adele comes first in the directory, before Megan exists in Zenkit: still a warning.
    assert [(e["identity"], e["status"]) for e in azure.provision()] == [(ADELE_UPN, "Warning"),
                                                                       (MEGAN_UPN, "Success")]
    assert [(e["identity"], e["status"]) for e in azure.provision()] == [(ADELE_UPN, "Success"),
                                                                       (MEGAN_UPN, "Success")]
    ids = azure.session().scim_ids
    base, token = zenkit.enable_scim()
    path = base.split(str(zenkit.sims.zenkit_url), 1)[1]
    adele = zenkit.client.get(f"{path}/Users/{ids[user_id(azure, ADELE_UPN)]}",
                              headers={"Authorization": f"Bearer {token}"}).json
    assert adele[ENTERPRISE]["manager"]["value"] == ids[user_id(azure, MEGAN_UPN)]
