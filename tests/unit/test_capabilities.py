"""The simulators' list of what they support: printed by `--list`, rendered into the writers'
page, and naming only labels the simulators really show."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from portalsim import capabilities
from portalsim.server import main

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "project-docs" / "simulators.md"
SIMULATORS = REPO / "simulators" / "portalsim"


def test_the_writers_page_shows_the_list_as_it_is():
    text = PAGE.read_text("utf-8")
    table = re.search(r"<!-- capabilities:start[^>]*-->\n(.*)\n<!-- capabilities:end -->", text, re.S)
    assert table, f"{PAGE}: no capabilities markers"
    assert table[1] == capabilities.markdown(), (
        "project-docs/simulators.md is out of step with simulators/portalsim/capabilities.py: "
        "paste capabilities.markdown() between its markers")


def test_list_prints_every_area_and_exits_0(capsys):
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == capabilities.listing()
    assert "azure: Provisioning logs (/directory/provisioning-logs)" in out
    assert "labels: Name, Email, Role, Status, Active, Provisioned, Deactivated" in out


# Labels a simulator composes at run time, and the text that composes them.
COMPOSED = {
    "Provision Azure Active Directory Users": ("Azure Active Directory", "Provision %(source)s Users"),
    "Provision Azure Active Directory Groups": ("Azure Active Directory", "Provision %(source)s Groups"),
}


def _shown() -> str:
    """Every template and module of the simulators, where their labels are written."""
    files = [*SIMULATORS.rglob("*.html"), *SIMULATORS.rglob("*.py")]
    return "\n".join(f.read_text("utf-8") for f in files if f.name != "capabilities.py")


@pytest.mark.parametrize("area", capabilities.AREAS, ids=lambda a: f"{a.simulator}-{a.name}")
def test_every_label_listed_is_one_a_simulator_shows(area):
    source = _shown()
    for label in area.labels:
        label = label.split(" (")[0]  # "Remove (Remove assignment on 2023, ...)": the label
        parts = COMPOSED.get(label, (label,))
        assert all(part in source for part in parts), f"{area.name}: '{label}' appears in no simulator page"


def test_the_writers_page_names_the_people_the_simulators_hold():
    """Writers pick the people their guides act on from this table: a user renamed or added in
    the simulators, or another owner in Zenkit, must show here too."""
    from portalsim.azure.state import sample_groups, sample_users
    from portalsim.zenkit.org import Organization

    text = PAGE.read_text("utf-8")
    rows = re.findall(r"^ {4}\| ([^|`]+) \| `([^`]+)` \| `([^`]+)` \| ([^|]+) \|$", text, re.M)
    assert rows == [(u.display_name, u.upn, u.mail, f"{u.job_title}, {u.department}")
                    for u in sample_users()]
    first_names = {u.upn: u.given_name for u in sample_users()}
    groups = " and ".join(f"{g.name} ({', '.join(first_names[m] for m in g.members)})"
                          for g in sample_groups())
    assert f"two groups, {groups}" in text
    owner = Organization("o", "s", "business", ("business",)).owner
    assert f"**{owner.name}, the owner**" in text
