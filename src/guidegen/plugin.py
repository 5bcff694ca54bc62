"""MkDocs plugin: renders the guides on the fly and reloads `mkdocs serve` on edits.

Optional by design: `guidegen render` writes the same pages as real files, which is what
Zensical (no plugin API) and any plain build use.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .errors import GuideError
from .load import load_catalog
from .project import Layout
from .render import render_catalog


class GuideConfig(Config):
    enabled = c.Type(bool, default=True)
    """Render guides during the build; `guidegen build` turns this off (it renders first)."""
    root = c.Optional(c.Dir(exists=True))
    """Project folder holding steps/, templates/ and screenshots/ (default: mkdocs.yml's)."""


class GuidePlugin(BasePlugin[GuideConfig]):
    def _layout(self, config) -> Layout:
        root = self.config.root or Path(config.config_file_path).parent
        return Layout(Path(root))

    def on_files(self, files: Files, /, *, config) -> Files:
        if not self.config.enabled:
            return files
        layout = self._layout(config)
        try:
            catalog = load_catalog(layout.steps, layout.root)
        except GuideError as err:
            raise PluginError(f"{err}\nFix the step files above (`guidegen check` lists the "
                              "same problems).") from None
        for uri, out in render_catalog(catalog, layout.templates, layout.screenshots).items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            if out.copy_from is not None:
                files.append(File.generated(config, uri, abs_src_path=str(out.copy_from)))
            else:
                files.append(File.generated(config, uri, content=out.text or ""))
        return files

    def on_serve(self, server, /, *, config, builder):
        if self.config.enabled:
            layout = self._layout(config)
            for folder in (layout.steps, layout.templates, layout.screenshots):
                if folder.exists():
                    server.watch(str(folder))
        return server
