"""Set-up, requires and manual steps (issue 12), end to end against the Zenkit simulator
with small guides of their own (one verify run for all of them):
- `requires` chains (A requires B requires C: C, then B, then A), runs the required guides'
  outcome checks, each with its own variables;
- highlights fill in their {{ variables }};
- `setup:` steps (a switch through the UI, a user created through SCIM with the remembered
  bearer token) run before the guide and are never rendered; a failing one is a set-up
  failure, not drift of the guide;
- a row nothing created is missing data;
- a `verify: manual` step is neither performed nor failed: it is reported as manual."""

from __future__ import annotations

import pytest

from guidegen.load import load_catalog
from guidegen.render import render_catalog
from tests.e2e.test_verify import verify
from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser

MAIL = "pat.lee@example.com"
ENABLE_SCIM = """\
  - id: enable-scim
    portal: zenkit
    text: Switch SCIM on and note its address and token.
    actions:
      - goto: /settings/provisioning
        portal: zenkit
      - check: {control: zenkit-provisioning.scim-enabled}
      - remember: {control: zenkit-provisioning.base-url, as: scim_url}
      - remember: {control: zenkit-provisioning.bearer-token, as: scim_token, secret: true}
"""
CREATE_USER = """\
  - id: create-user
    text: Create the user through SCIM.
    actions:
      - http:
          portal: zenkit
          method: POST
          path: "{{ scim_url }}/Users"
          bearer: scim_token
          json:
            schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"]
            userName: "{{ mail }}"
            active: true
"""
LISTED = """\
sections:
  - title: The user
    steps:
      - id: see-user
        text: Open the organization's users; the user is listed.
        actions:
          - goto: /settings/users
            portal: zenkit
          - expect: {role: row, name: "{{ mail }}", exact: false}
"""


def head(ident: str, requires: tuple[str, ...] = (), mail: str = MAIL) -> str:
    return (f"id: {ident}\ntitle: {ident}\nsummary: A test guide.\nplans: [business]\n"
            f"portals: [zenkit]\nrequires: [{', '.join(requires)}]\n"
            f"variables: {{mail: {mail}}}\n")


GUIDES = {
    # C switches SCIM on; its outcome check creates the user, with C's own variable.
    "chain-c": head("chain-c") + "sections:\n  - title: On\n    steps:\n"
    + ENABLE_SCIM.replace("  - id", "      - id").replace("\n    ", "\n        ")
    + "outcome:\n" + CREATE_USER,
    "chain-b": head("chain-b", ("chain-c",), mail="someone.else@example.com")
    + "sections:\n  - title: Between\n    steps:\n      - {id: nothing, text: Nothing to do.}\n",
    # A sees the user C created, highlights its row by a variable, and has a manual step.
    "chain-a": head("chain-a", ("chain-b",)) + LISTED + """\
        screenshot:
          name: user-row
          highlight: [{role: row, name: "{{ mail }}", exact: false}]
          alt: The user's row.
      - id: send-mail
        text: Ask the user to look for the welcome mail.
        verify: manual
        manual_reason: The simulators send no mail.
""",
    "with-setup": head("with-setup") + "setup:\n" + ENABLE_SCIM + CREATE_USER + LISTED,
    "setup-fails": head("setup-fails") + "setup:\n" + ENABLE_SCIM
    + CREATE_USER.replace('"{{ scim_url }}/Users"', "/scim/nobody/v2/Users") + LISTED,
    "no-setup": head("no-setup") + LISTED,
}


def test_setup_requires_and_manual_steps(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    for ident, text in GUIDES.items():
        (project / "steps" / f"{ident}.yml").write_text(text, "utf-8")
    code, data, output = verify(tmp_path, *GUIDES, "--update-screenshots", "--no-plan-claims",
                                "--no-trace", "--step-timeout", "5")
    assert code == 1, output
    steps = {(s["guide"], s["step"]): s for s in data["steps"]}
    status = {key: s["status"] for key, s in steps.items()}
    # The chain: C's outcome created the user with C's mail, so A (after B) finds it and its
    # highlight, named by a variable, is drawn.
    assert status[("chain-a", "see-user")] == "passed", output
    assert status[("chain-a", "send-mail")] == "manual"
    assert (project / "screenshots/chain-a/user-row.png").is_file()
    assert status[("with-setup", "see-user")] == "passed", output
    # Set-up steps are no steps of the guide.
    assert [key[1] for key in steps if key[0] == "with-setup"] == ["see-user"]
    failed = steps[("setup-fails", "see-user")]["finding"]
    assert failed["kind"] == "setup failure"
    assert failed["message"].startswith(
        "set-up step 'create-user' failed (structure drift): POST /scim/nobody/v2/Users "
        "answered HTTP 404, not 200 or 201 or 204")
    missing = steps[("no-setup", "see-user")]["finding"]
    assert missing["kind"] == "missing data"
    assert missing["message"].startswith(f"no row '{MAIL}' on page ")
    assert "nothing earlier created it" in missing["message"]
    # The site: set-up never shows; the manual step is checked by hand.
    catalog = load_catalog(project / "steps", project)
    pages = render_catalog(catalog, project / "templates", project / "screenshots")
    assert "create-user" not in pages["guides/with-setup.md"].text
    assert "Checked by hand" in pages["guides/chain-a.md"].text
    status_file = (project / "screenshots/status.json").read_text("utf-8")
    assert '"manual": [\n        "send-mail"\n      ]' in status_file
