"""A `goto` is a path on its portal: a step file (from a pull request, say) cannot send the
verifying browser to another host, with what the run remembered in the address, or to a local
file such as a saved sign-in, whose text would reach the screenshots and the report. And a
portal's own address in project.yml is a web address, as `--portal-url` must be."""

from __future__ import annotations

import pytest

from tests.unit.test_load_errors import ONE_STEP, PROJECT, load_errors, step

TOLD = ("steps/guide.yml:14: sections[0].steps[0].actions[0].goto: '{}' must be a path "
        "starting with one '/': a step goes only to pages of its portal, never to another host "
        "or a local file")


@pytest.mark.parametrize("goto", ["file:///etc/passwd", "https://evil.example/?t={{ token }}",
                                  "//evil.example/x", "settings/users", "{{ where }}"])
def test_a_goto_that_is_not_a_path_on_the_portal_is_bad_input(tmp_path, goto):
    guide = step("      - id: one\n"
                 "        text: Hi\n"
                 "        actions:\n"
                 f"          - goto: '{goto}'\n")  # 14
    assert str(load_errors(tmp_path, guide)) == TOLD.format(goto)


@pytest.mark.parametrize("url", ["file:///home/me/.config/guidegen/state", "https://",
                                 "javascript:alert(1)"])
def test_a_portal_address_that_is_not_http_is_bad_input(tmp_path, url):
    """As `--portal-url` is: the live run's browser would go there with the guides' secrets."""
    project = PROJECT.replace("  - {id: console, name: Acme Console}\n",
                              f"  - {{id: console, name: Acme Console, url: '{url}'}}\n")
    assert str(load_errors(tmp_path, step(ONE_STEP), project=project)) == (
        f"steps/project.yml:7: portals[0].url: '{url}' is not an http:// or https:// address: "
        "a live run signs in there and types the guides' secrets into its pages")
