"""Zenkit's Users page: inviting a member by e-mail, and the statuses a member can have
(Active, Provisioned until the first sign-in, Invited, Deactivated)."""

from __future__ import annotations

import re

from .conftest import Azure, Zenkit, text_of
from .test_lifecycle import provisioned, status_in_zenkit
from .test_provisioning import ADELE_MAIL, ADELE_UPN

PAT = "pat.lee@contoso.com"


def statuses(zenkit: Zenkit) -> dict[str, str]:
    """Each row's e-mail and the status it shows, with the class that colours it."""
    html = zenkit.client.get("/settings/users").get_data(as_text=True)
    return {email: f"{cls}:{label}" for email, cls, label in re.findall(
        r'<td>([^<]+@[^<]+)</td><td>[^<]*</td>\s*<td><span class="status (\w+)">(\w+)</span>', html)}


def test_an_invited_member_is_listed_as_invited(zenkit: Zenkit):
    html = zenkit.client.get("/settings/users").get_data(as_text=True)
    assert 'aria-labelledby="invite-heading"' in html and ">Send invitation</button>" in html

    answer = zenkit.client.post("/settings/users", data={"email": PAT})

    assert answer.status_code == 303
    assert statuses(zenkit) == {"megan.bowen@contoso.com": "active:Active", PAT: "invited:Invited"}
    assert status_in_zenkit(zenkit, PAT) == "Invited"


def test_an_address_that_is_no_address_or_already_a_member_is_refused(zenkit: Zenkit):
    zenkit.client.post("/settings/users", data={"email": PAT})
    for email, message in (("pat", "Enter an email address, for example pat@contoso.com."),
                           (PAT.upper(), f"{PAT.upper()} is already a member of this organization.")):
        answer = zenkit.client.post("/settings/users", data={"email": email})
        assert answer.status_code == 400
        assert message in text_of(answer.get_data(as_text=True))
    assert [m["email"] for m in zenkit.state()["members"]] == ["megan.bowen@contoso.com", PAT]


def test_the_three_statuses_side_by_side_and_scim_taking_over_an_invitation(azure: Azure, zenkit: Zenkit):
    zenkit.client.post("/settings/users", data={"email": ADELE_MAIL})
    zenkit.client.post("/settings/users", data={"email": PAT})
    assert statuses(zenkit)[ADELE_MAIL] == "invited:Invited"

    # SCIM creates the invited address: one member, provisioned (Zenkit matches on e-mail).
    provisioned(azure, zenkit, ADELE_UPN, "AlexW@contoso.onmicrosoft.com")
    azure.client.post("/enterprise-apps/zenkit/users-and-groups",
                      data={"action": "remove", "selected": ["AlexW@contoso.onmicrosoft.com"]})
    azure.provision()

    assert statuses(zenkit) == {
        "megan.bowen@contoso.com": "active:Active",
        ADELE_MAIL: "provisioned:Provisioned",
        "alex.wilber@contoso.com": "deactivated:Deactivated",
        PAT: "invited:Invited",
    }


def test_scim_provisioning_the_owners_address_gives_no_second_member(azure: Azure, zenkit: Zenkit):
    # Megan Bowen is a directory user and Zenkit's owner: provisioning her is the owner's
    # account, one row (as an invitation is), and deactivating her shows on that row.
    provisioned(azure, zenkit, "MeganB@contoso.onmicrosoft.com")
    members = zenkit.state()["members"]
    assert [(m["email"], m["role"], m["status"]) for m in members] == [
        ("megan.bowen@contoso.com", "Owner", "Active")]
    assert "<dd>1</dd>" in zenkit.client.get("/settings/overview").get_data(as_text=True)

    azure.client.post("/enterprise-apps/zenkit/users-and-groups",
                      data={"action": "remove", "selected": ["MeganB@contoso.onmicrosoft.com"]})
    azure.provision()

    assert statuses(zenkit) == {"megan.bowen@contoso.com": "deactivated:Deactivated"}
