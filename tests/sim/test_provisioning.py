"""The provisioning engine end to end: directory users mapped through the saved mappings and
created over real SCIM in Zenkit, where the outcome shows."""

from __future__ import annotations

import re

from portalsim.azure.state import DEFAULT_USER_MAPPINGS

from .conftest import Azure, Zenkit

ADELE_UPN, ADELE_MAIL = "AdeleV@contoso.onmicrosoft.com", "adele.vance@contoso.com"
SEED_KEPT_USER_TARGETS = {"userName", "active", "displayName", "preferredLanguage"}


def edit(azure: Azure, key: str, row: int, **fields) -> str:
    fields = {"mapping_type": "Direct", "apply": "Always", "match": "No", **fields}
    return azure.mapping(key, action="ok", id=str(row), **fields)


def apply_seed_steps(azure: Azure) -> None:
    """The seed guide's mapping changes, as the portal's forms post them."""
    edit(azure, "groups", 2, source="objectId", target="externalId", match="Yes", precedence="2")
    edit(azure, "groups", 1, source="displayName", target="displayName", match="No")
    edit(azure, "groups", 2, source="objectId", target="externalId", match="Yes", precedence="1")
    azure.mapping("groups", action="save")
    azure.mapping("users", action="delete:5")  # emails[type eq "work"].value <- mail
    edit(azure, "users", 1, source="mail", target="userName", match="Yes", precedence="1")
    for row, (target, *_) in enumerate(DEFAULT_USER_MAPPINGS, start=1):
        if target not in SEED_KEPT_USER_TARGETS and row != 5:
            azure.mapping("users", action=f"delete:{row}")
    azure.mapping("users", action="save")


def set_up(azure: Azure, zenkit: Zenkit, seed_steps: bool) -> None:
    azure.configure(*zenkit.enable_scim(), status="On")
    if seed_steps:
        apply_seed_steps(azure)
    azure.client.post(
        "/enterprise-apps/zenkit/users-and-groups/add", data={"assign": [ADELE_UPN, "Marketing"]}
    )


def test_seed_mappings_provision_users_by_mail(azure: Azure, zenkit: Zenkit):
    set_up(azure, zenkit, seed_steps=True)
    saved = azure.state()["mappings"]
    assert {row["target"] for row in saved["users"]} == SEED_KEPT_USER_TARGETS
    assert [(r["target"], r["precedence"]) for r in saved["groups"] if r["match"]] == [("externalId", 1)]

    entries = azure.provision()

    assert [(e["identity"], e["action"], e["status"]) for e in entries] == [
        (ADELE_UPN, "Create", "Success"),
        ("AlexW@contoso.onmicrosoft.com", "Create", "Success"),
        ("MeganB@contoso.onmicrosoft.com", "Create", "Success"),
        ("Marketing", "Create", "Success"),
    ]
    assert entries[0]["requests"][0].startswith(
        f'GET {zenkit.enable_scim()[0]}/Users?filter=userName eq "{ADELE_MAIL}"'
    )
    members = {m["email"]: m for m in zenkit.state()["members"]}
    assert members[ADELE_MAIL] == {
        "name": "Adele Vance",
        "email": ADELE_MAIL,
        "role": "Member",
        "status": "Provisioned",
    }
    groups = zenkit.state()["groups"]
    assert [(g["name"], g["members"]) for g in groups] == [("Marketing", 2)]


def test_default_mappings_use_the_user_principal_name(azure: Azure, zenkit: Zenkit):
    set_up(azure, zenkit, seed_steps=False)
    azure.provision()
    emails = {m["email"] for m in zenkit.state()["members"]}
    assert ADELE_UPN in emails
    assert ADELE_MAIL not in emails


def test_second_cycle_updates_instead_of_creating(azure: Azure, zenkit: Zenkit):
    set_up(azure, zenkit, seed_steps=True)
    azure.provision()
    second = azure.provision()
    assert {(e["action"], e["status"]) for e in second} == {("Update", "Success")}
    # Three provisioned people, one of them the owner (Megan Bowen), who stays one member.
    assert len(zenkit.state()["members"]) == 3


def test_status_off_sends_nothing(azure: Azure, zenkit: Zenkit):
    azure.configure(*zenkit.enable_scim(), status="Off")
    azure.client.post("/enterprise-apps/zenkit/users-and-groups/add", data={"assign": [ADELE_UPN]})
    entries = azure.provision()
    assert [(e["status"], e["requests"]) for e in entries] == [("Skipped", [])]
    assert len(zenkit.state()["members"]) == 1


def test_only_assigned_users_are_in_scope_unless_all_are(azure: Azure, zenkit: Zenkit):
    azure.configure(*zenkit.enable_scim(), status="On")
    assert [e["status"] for e in azure.provision() if e["identity"] != "-"] == []
    azure.post_provisioning(action="save", settings="1", mode="Automatic", scope="Sync all users and groups")
    assert len([e for e in azure.provision() if e["action"] == "Create"]) == 5  # 3 users, 2 groups


def test_new_directory_user_is_provisioned(azure: Azure, zenkit: Zenkit):
    set_up(azure, zenkit, seed_steps=True)
    azure.post_provisioning(action="save", settings="1", mode="Automatic", scope="Sync all users and groups")
    azure.client.post(
        "/directory/users/new",
        data={"upn": "pat@contoso.onmicrosoft.com", "display_name": "Pat Lee", "mail": "pat.lee@contoso.com"},
    )
    azure.provision()
    assert {
        "name": "Pat Lee",
        "email": "pat.lee@contoso.com",
        "role": "Member",
        "status": "Provisioned",
    } in zenkit.state()["members"]


def test_soft_deleted_user_is_deactivated_through_the_switch_expression(azure: Azure, zenkit: Zenkit, sims):
    set_up(azure, zenkit, seed_steps=True)
    azure.provision()
    azure.session().user(ADELE_UPN).soft_deleted = True
    azure.provision()
    state = zenkit.state()
    org = sims.zenkit.orgs.find(state["org"], state["token"])
    adele = next(r for r in org.scim.storage.resources if getattr(r, "user_name", None) == ADELE_MAIL)
    assert adele.active is False


def test_provisioning_logs_page_lists_requests(azure: Azure, zenkit: Zenkit):
    set_up(azure, zenkit, seed_steps=True)
    azure.provision()
    # The list shows one row per identity; a row's details show the requests it sent.
    listing = azure.client.get("/directory/provisioning-logs").get_data(as_text=True)
    number = re.search(rf'provisioning-logs/(\d+)">[^<]*</a></td><td>{ADELE_UPN}</td><td>Create', listing)[1]
    page = azure.client.get(f"/directory/provisioning-logs/{number}").get_data(as_text=True)
    assert "POST " in page and "201 Created" in page
