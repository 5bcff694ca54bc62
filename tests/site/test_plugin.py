"""The optional MkDocs plugin: a plain `mkdocs build` renders the guides on the fly, shows
writers' errors, and `mkdocs serve` watches the content folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mkdocs.config import load_config

from .conftest import copy_project


def mkdocs_build(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=300, check=False)


def test_plain_mkdocs_build_renders_guides_through_the_plugin(tmp_path):
    layout = copy_project(tmp_path)
    assert not (layout.docs / "guides").exists()
    result = mkdocs_build(tmp_path)
    assert result.returncode == 0, result.stderr
    html = (layout.site / "guides/zenkit-azure-scim-provisioning/index.html").read_text("utf-8")
    assert "gg-plans-box" in html and 'id="user-delete-others"' in html
    assert not (layout.docs / "guides").exists(), "the plugin must not write into docs/"


def test_plain_mkdocs_build_of_the_german_config_renders_german_guides(tmp_path):
    """The plugin renders the language of the site's theme, with the shared assets."""
    layout = copy_project(tmp_path)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                             "mkdocs.de.yml"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    german = layout.site / "de"
    html = (german / "guides/zenkit-azure-scim-provisioning/index.html").read_text("utf-8")
    assert '<html lang="de"' in html and "Anwendbare Pläne" in html
    assert (german / "assets/guidegen.js").read_bytes() == (
        layout.docs / "assets/guidegen.js").read_bytes()
    assert not (layout.docs_in("de") / "guides").exists(), "the plugin must not write there"


def test_plugin_reports_step_errors_with_file_and_line(tmp_path):
    layout = copy_project(tmp_path)
    guide = layout.steps / "zenkit-scim-token-rotation.yml"
    guide.write_text(guide.read_text("utf-8").replace("plans: [business, enterprise]",
                                                      "plans: [busines, enterprise]"), "utf-8")
    result = mkdocs_build(tmp_path)
    assert result.returncode != 0
    assert ("steps/zenkit-scim-token-rotation.yml:8: plans[0]: unknown plan 'busines' "
            "(did you mean 'business'?)") in result.stderr
    assert "Traceback" not in result.stderr


class _Server:
    def __init__(self) -> None:
        self.watched: list[str] = []

    def watch(self, path: str) -> None:
        self.watched.append(path)


def test_serve_watches_steps_templates_and_screenshots(tmp_path):
    layout = copy_project(tmp_path)
    layout.screenshots.mkdir(exist_ok=True)
    config = load_config(str(layout.mkdocs_yml))
    server = _Server()
    config.plugins["guidegen"].on_serve(server, config=config, builder=None)
    assert sorted(server.watched) == sorted(
        str(p) for p in (layout.steps, layout.templates, layout.screenshots))
