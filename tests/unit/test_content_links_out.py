"""A symbolic link in the content folders (a screenshot, a hand-written page, a template)
that leads out of them is never published: a pull request that adds
`screenshots/<guide>/<name>.png -> ~/.config/guidegen/state/azure.json` (git keeps symlinks)
must not put the saved sign-in into the site that the nightly builds and deploys.

Found by audit (issue 11, point 3): `guidegen build` followed both links and published the
file (site/guides/screenshots/.../<name>.png, site/notes.txt). Now every way of building
(build, render, the plugin, serve) refuses such a link as bad input, naming it."""

from __future__ import annotations

import os
import subprocess
import sys

from guidegen.paths import links_out
from tests.site.conftest import copy_project

CANARY = "saved-sign-in CANARY-4b1d"
GUIDE = "zenkit-azure-scim-provisioning"


def test_a_screenshot_or_page_linked_out_of_the_project_is_not_published(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    outside = tmp_path / "state" / "azure.json"
    outside.parent.mkdir()
    outside.write_text(CANARY, "utf-8")
    shot = next(p for p in sorted((project / "screenshots" / GUIDE).glob("*.png"))
                if not p.name.endswith(".de.png"))
    shot.unlink()
    shot.symlink_to(outside)
    (project / "docs" / "notes.txt").symlink_to(outside)
    (project / "templates" / "notes.j2").symlink_to(outside)
    done = subprocess.run([sys.executable, "-m", "guidegen.cli", "build", "--root",
                           str(project)], capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 2, done.stderr
    # Each link by its place in the project, and nothing else: no traceback.
    assert sorted(done.stderr.splitlines()) == sorted(["3 problems found.", *(
        f"{link}: link: leads out of {folder}/ (to {outside}); nothing outside it is "
        "published: put the file itself there"
        for link, folder in ((f"screenshots/{GUIDE}/{shot.name}", "screenshots"),
                             ("docs/notes.txt", "docs"), ("templates/notes.j2", "templates")))])
    published = [str(p) for folder in (project / "site", project / "docs" / "guides")
                 for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
                 and CANARY.encode() in p.read_bytes()]
    assert published == []



def test_links_inside_the_folder_are_fine_and_folder_links_out_are_not(tmp_path):
    docs, outside = tmp_path / "docs", tmp_path / "elsewhere"
    (docs / "sub").mkdir(parents=True)
    outside.mkdir()
    (docs / "page.md").write_text("# Page\n", "utf-8")
    (docs / "sub" / "same.md").symlink_to(docs / "page.md")   # stays inside: fine
    (docs / "away").symlink_to(outside)                      # a folder out: not walked into
    (docs / "sub" / "up.md").symlink_to("../../elsewhere/x.md")
    assert links_out(docs) == [(docs / "away", outside.resolve()),
                               (docs / "sub" / "up.md", (outside / "x.md").resolve())]
    assert links_out(tmp_path / "missing") == []
