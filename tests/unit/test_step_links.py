"""Step files stay home: a page, reusable or guide file in steps/ that is a symbolic link out
of the project is a problem named by the link, and what it points to is never read (a clone
can hold a link to ~/.ssh or to the saved sign-in)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from guidegen.cli import main
from tests.unit.test_load_errors import HEAD, ONE_STEP, PROJECT

CANARY = "CANARY-41c2"


@pytest.mark.parametrize("link", ["steps/outside.yml", "steps/pages/outside.yml",
                                  "steps/reusable/outside.yml"])
def test_a_step_file_linked_out_of_the_project_is_not_read(tmp_path, link):
    project = tmp_path / "project"
    (project / "steps" / "pages").mkdir(parents=True)
    (project / "steps" / "reusable").mkdir()
    (project / "steps" / "project.yml").write_text(PROJECT, "utf-8")
    (project / "steps" / "guide.yml").write_text(HEAD + ONE_STEP, "utf-8")
    secret = tmp_path / "secrets.yml"
    secret.write_text(f"token: {CANARY}\n", "utf-8")
    (project / link).symlink_to(secret)
    result = CliRunner().invoke(main, ["check", "--root", str(project)])
    assert result.exit_code == 2
    assert result.output == (f"{link}: a symbolic link out of the project: a step file must "
                             "be inside it\n1 problem found.\n")


def test_a_link_inside_the_project_is_followed(tmp_path):
    project = tmp_path / "project"
    (project / "steps").mkdir(parents=True)
    (project / "steps" / "project.yml").write_text(PROJECT, "utf-8")
    (project / "drafts").mkdir()
    (project / "drafts" / "guide.yml").write_text(HEAD + ONE_STEP, "utf-8")
    (project / "steps" / "guide.yml").symlink_to(project / "drafts" / "guide.yml")
    assert CliRunner().invoke(main, ["check", "--root", str(project)]).exit_code == 0
