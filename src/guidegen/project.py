"""Where things live in a guidegen project; one place so the CLI, plugin and tests agree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Inside steps/: the plan registry, the page objects' folder and the reusable steps' folder.
PROJECT_FILE = "project.yml"
PAGES_DIR = "pages"
REUSABLE_DIR = "reusable"


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

    def docs_in(self, locale: str | None) -> Path:
        """A language's docs folder: docs/ for the source, docs-<locale>/ for a translation
        (its hand-written pages; its guides and shared assets are generated there)."""
        return self.docs if locale is None else self.root / f"docs-{locale}"

    def mkdocs_yml_in(self, locale: str | None) -> Path:
        """A language's site configuration: mkdocs.<locale>.yml inherits mkdocs.yml."""
        return self.mkdocs_yml if locale is None else self.root / f"mkdocs.{locale}.yml"

    def site_in(self, locale: str | None) -> Path:
        """A translation's site lives under the source's: site/de/."""
        return self.site if locale is None else self.site / locale

    @property
    def schemas(self) -> Path:
        return self.steps / "schema"
