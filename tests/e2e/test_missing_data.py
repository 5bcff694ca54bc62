"""Absent data and nearby names (issue 12), in real Chromium on a small page: a row the step
names by its data that no earlier action created is 'missing data', not drift of the
portal; the names offered for a control missing from a row are the row's, not the page
banner's; and a control looked for under the wrong role is shown under the role it has."""

from __future__ import annotations

import pytest

from guidegen.model import Click, Fill, GoTo, Locator
from guidegen.verify.actions import Performer, RunState
from guidegen.verify.findings import Finding
from tests.helpers import serve_directory

pytestmark = pytest.mark.browser

USERS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Users</title></head>
<body>
<header role="banner"><label><input type="checkbox"> Account enabled by default</label>
  <label><input type="checkbox"> Dark mode</label></header>
<main>
  <a href="#edit">Edit properties</a>
  <form aria-label="Invite member"><label>Email address <input></label></form>
  <label>Display name <input></label>
  <table>
    <tr><th>Select</th><th>Name</th><th>Status</th></tr>
    <tr><td><input type="checkbox" aria-label="Select Ada Park"></td><td>Ada Park</td>
        <td><label><input type="checkbox" checked> Enabled</label></td></tr>
  </table>
</main></body></html>
"""


@pytest.fixture(scope="module")
def users_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("users")
    (root / "users.html").write_text(USERS, "utf-8")
    with serve_directory(root) as url:
        yield url


def perform(browser, url: str, *actions) -> Finding:
    context = browser.new_context()
    try:
        performer = Performer(context, RunState(base_urls={"p": url}, variables={},
                                                timeout_ms=1_000, portal="p"), heal=False)
        performer.begin_step()
        with pytest.raises(Finding) as info:
            for index, action in enumerate([GoTo(goto="/users.html"), *actions]):
                performer.run(index, action)
        return info.value
    finally:
        context.close()


def row(name: str) -> Locator:
    return Locator(role="row", name=name, exact=False)


def test_a_row_nothing_created_is_missing_data_not_drift(browser, users_site):
    click = Click(click=Locator(role="button", name="Delete", within=row("Pat Lee")))
    finding = perform(browser, users_site, click)
    assert finding.kind == "missing data"
    assert finding.message == ("no row 'Pat Lee' on page 'Users' (/users.html): nothing earlier "
                               "created it (create it in a 'setup' step, or require the guide "
                               "that does)")


def test_a_row_an_earlier_action_created_is_still_drift(browser, users_site):
    """Typed into the page earlier in the run, the user should be listed: that it is not is
    what the portal does now."""
    fill = Fill(fill={"label": "Display name", "value": "Pat Lee"})
    click = Click(click=Locator(role="button", name="Delete", within=row("Pat Lee")))
    finding = perform(browser, users_site, fill, click)
    assert finding.kind == "structure drift"
    assert finding.message.startswith("button 'Delete' in row 'Pat Lee' not found")


def test_the_names_offered_for_a_checkbox_in_a_row_are_the_rows(browser, users_site):
    check = Click(click=Locator(role="checkbox", name="Account enabled",
                                within=row("Ada Park")))
    finding = perform(browser, users_site, check)
    assert finding.kind == "structure drift"
    # The banner's 'Account enabled by default' is closer in spelling, but further away: the
    # row's checkbox comes first.
    assert finding.found[0] == "Enabled"
    assert "Account enabled by default" in finding.found


@pytest.mark.parametrize(("looked_for", "shown"), [
    (Locator(role="button", name="Edit  Properties"), "link 'Edit properties'"),
    (Locator(region="Invite member"), "form 'Invite member'"),
])
def test_a_name_the_page_shows_under_another_role_says_that_role(browser, users_site,
                                                                 looked_for, shown):
    """A writer's likeliest wrong guess is the role (a link that looks like a button, a form
    taken for a region): the closest names of the guessed role do not show it, the page's own
    role for the name does."""
    finding = perform(browser, users_site, Click(click=looked_for))
    assert finding.kind == "structure drift"
    assert finding.message == (f"{looked_for.describe()} not found on page 'Users' (/users.html); "
                               f"the page shows {shown}: another role")
