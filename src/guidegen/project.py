"""Where things live in a guidegen project; one place so the CLI, plugin and tests agree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def steps(self) -> Path:
        return self.root / "steps"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def screenshots(self) -> Path:
        return self.root / "screenshots"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def schemas(self) -> Path:
        return self.steps / "schema"
