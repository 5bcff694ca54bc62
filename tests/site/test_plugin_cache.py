"""Under `mkdocs serve` (the plugin, no guidegen serve), the plugin keeps its content cache
from one rebuild to the next: MkDocs keeps a plugin with a start-up event for every rebuild,
so the step files a save did not change are not read again."""

from __future__ import annotations

from mkdocs.commands.build import build
from mkdocs.config import load_config

from tests.site.conftest import copy_project


def test_the_plugin_keeps_its_cache_across_rebuilds(tmp_path):
    (tmp_path / "project").mkdir()
    layout = copy_project(tmp_path / "project")
    guides = len(list(layout.steps.glob("*.yml"))) - 1  # less project.yml
    plugins = []
    for n in range(2):
        # What `mkdocs serve` does per rebuild: the configuration loaded again, then a build.
        config = load_config(str(layout.root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
        plugin = config.plugins["guidegen"]
        if n == 0:
            config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        plugins.append(plugin)
    assert plugins[0] is plugins[1]
    # Each guide once, and the templates' environment (English: no catalog) once.
    assert (plugins[1].cache.misses, plugins[1].cache.hits) == (guides + 1, guides + 1)
