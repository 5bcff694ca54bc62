"""A symbolic link in the content folders (a screenshot, a hand-written page) that leads out
of them is never published: a pull request that adds `screenshots/<guide>/<name>.png ->
~/.config/guidegen/state/azure.json` (git keeps symlinks) must not put the saved sign-in
into the site that the nightly builds and deploys.

Found by audit (issue 11, point 3): `guidegen build` follows both links and publishes the
file (site/guides/screenshots/.../<name>.png, site/passwd.txt). The fix belongs in
render.py (`Renderer.shot_path`: a shot whose path is not `paths.confined` to screenshots/
is bad input, or no shot) and build.py (`stage_docs`/`language_outputs` copy docs/ with
links followed: refuse a link out of the docs folder, naming it), both another helper's
files; strict, so the mark must go when they are fixed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.site.conftest import copy_project

CANARY = "saved-sign-in CANARY-4b1d"
GUIDE = "zenkit-azure-scim-provisioning"


@pytest.mark.xfail(strict=True, reason="build follows symlinks out of screenshots/ and docs/")
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
    subprocess.run([sys.executable, "-m", "guidegen.cli", "build", "--root", str(project)],
                   capture_output=True, text=True, timeout=300, check=False,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    published = [str(p) for folder in (project / "site", project / "docs" / "guides")
                 for p in folder.rglob("*") if p.is_file() and not p.is_symlink()
                 and CANARY.encode() in p.read_bytes()]
    assert published == []

