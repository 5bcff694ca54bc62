"""A new name `guidegen fix` writes into a step file reads back as that name. ruamel.yaml
writes `? Save` and `: Save` plain inside a flow mapping (`{role: button, name: ? Save}`),
which no YAML reader takes: the page file no longer loaded. And a next-line character
(U+0085) written plain is read back as a line break: another name than the portal's."""

from __future__ import annotations

import pytest

from guidegen.fix import Change, StepFiles, plan_edits
from guidegen.load import load_catalog
from guidegen.results import Hop
from tests.site.conftest import copy_project

SEED = "zenkit-azure-scim-provisioning"
NAMES = ["? Save", ": Save", "Save\x85now", "Save: now # not a comment", "Save"]


@pytest.fixture
def project(tmp_path):
    copy_project(tmp_path)
    return tmp_path


def saved(project, change: Change):
    files = StepFiles(project)
    assert plan_edits(files, change)
    files.save()
    return load_catalog(project / "steps", project).controls


@pytest.mark.parametrize("new", NAMES)
def test_a_renamed_control_s_new_name_reads_back(project, new):
    controls = saved(project, Change(SEED, "save-credentials", 0, "azure-provisioning.save",
                                     "button", "Save", new + " 2"))
    assert controls["azure-provisioning.save"].locator.name == new + " 2"


@pytest.mark.parametrize("new", NAMES)
def test_a_german_name_reads_back(project, new):
    controls = saved(project, Change(SEED, "save-credentials", 0, "azure-provisioning.save",
                                     "button", "Speichern", new + " 2", locale="de"))
    assert controls["azure-provisioning.save"].locator.names["de"] == new + " 2"


@pytest.mark.parametrize("new", NAMES)
def test_a_click_on_the_way_reads_back(project, new):
    """A control that moved behind a link: the link is a new control, and a click on it."""
    controls = saved(project, Change(SEED, "save-credentials", 0, "azure-provisioning.save",
                                     "button", "Save", "Save", via=(Hop(role="link", name=new),)))
    assert new in [c.locator.name for c in controls.values()]
