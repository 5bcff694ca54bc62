"""Loading `steps/`: each file read and validated against its schema, then the checks
that span files (checks.py), then the translations (translations.py).

Every problem in every file is collected before anything fails, so one run of
`guidegen check` shows a writer all there is to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .cache import ContentCache, digest, files_digest
from .catalog import Catalog, Control, Origin, RGuide
from .checks import (
    GuideChecker,
    SourceText,
    fill_controls,
    locale_message,
    locators,
    required_closure,
    requires_cycle,
    substitute,
)
from .errors import GuideError, Problem, Problems, did_you_mean, format_path
from .model import (
    Guide,
    PageFile,
    Project,
    ReusableFile,
    ReusableStep,
)
from .paths import confined
from .project import PAGES_DIR, PROJECT_FILE, REUSABLE_DIR
from .schema_errors import problems_from
from .yamlfile import YamlDocument, read_yaml

PAGE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
M = TypeVar("M", bound=BaseModel)


def validate_doc(doc: YamlDocument, model: type[M], problems: Problems) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as err:
        problems.extend(problems_from(err, doc, model))
        return None


def read_doc(path: Path, root: Path, problems: Problems) -> YamlDocument | None:
    if confined(path, root) is None:
        # A clone can hold a link to ~/.ssh or the saved sign-in; its text would show in
        # problems and pages. Named as the link, not as what it points to.
        problems.add(path.relative_to(root) if path.is_relative_to(root) else path, 0, "",
                     "a symbolic link out of the project: a step file must be inside it")
        return None
    try:
        return read_yaml(path, display_path(path, root))
    except GuideError as err:
        problems.extend(err.problems)
        return None


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class _Checked:
    """What checking one problem-free guide file gave: the guide, and what the checks told
    the loader about it (kept in a ContentCache, replayed on a hit)."""

    guide: RGuide
    file: str
    requires_lines: list[int]
    remembered: dict[str, bool]
    source: SourceText
    pending: list[tuple[str, str, bool, Problem]]
    screenshots: dict[tuple[str, str], Origin]


class Loader:
    """Reads a steps folder into a Catalog or raises GuideError with every problem."""

    def __init__(self, steps_dir: Path, root: Path | None = None,
                 cache: ContentCache | None = None) -> None:
        self.steps_dir = steps_dir
        self.root = root or steps_dir.parent
        self.cache = cache
        self.shared_key = ""  # the files every guide's checks read (set in load)
        self.problems = Problems()
        self.reusable: dict[str, ReusableStep] = {}
        # A reusable step with its controls filled in, as the data each use substitutes into.
        self.reusable_bodies: dict[str, dict[str, Any]] = {}
        # Reusable steps with problems of their own: reported once, in their file, not per use.
        self.broken_reusable: set[str] = set()
        self.screenshots: dict[tuple[str, str], Origin] = {}
        self.requires_lines: dict[str, list[int]] = {}
        self.project_vars: dict[str, str] = {}
        self.plan_ids: tuple[str, ...] = ()
        self.portal_ids: tuple[str, ...] = ()
        self.controls: dict[str, Control] = {}
        self.broken_guides: set[str] = set()
        # Names each guide remembers (-> secret?), and the names a guide uses that it does not
        # define itself: (guide, name, secret?, the problem if no required guide remembers it).
        self.remembered: dict[str, dict[str, bool]] = {}
        self.pending: list[tuple[str, str, bool, Problem]] = []
        self.locales: tuple[str, ...] = ("en",)
        self.sources: dict[str, SourceText] = {}

    def claim_screenshot(self, guide: str, name: str, where: Origin, field: str) -> None:
        """Screenshot names are per guide: `screenshots/<guide>/<name>.png`."""
        first = self.screenshots.get((guide, name))
        if first:
            self.problems.add(where.file, where.line, field,
                              f"screenshot '{name}' is declared twice (also at "
                              f"{first.file}:{first.line})")
        else:
            self.screenshots[(guide, name)] = where

    def load(self) -> Catalog:
        if not self.steps_dir.is_dir():
            raise GuideError([_problem(self.steps_dir, "no such folder; create it with a "
                                       f"{PROJECT_FILE} and one .yml file per guide")])
        project = self.load_project()
        self.load_pages()
        self.load_reusable()
        if self.cache is not None:
            # What a guide's checks read besides its own file. Hashed, not compared by mtime:
            # an editor's save that changes nothing changes nothing.
            self.shared_key = files_digest([
                self.steps_dir / PROJECT_FILE, *yaml_files(self.steps_dir / PAGES_DIR),
                *yaml_files(self.steps_dir / REUSABLE_DIR)])
        guides = self.load_guides()
        self.check_requires(guides)
        # Imported here: translations builds on this module's helpers.
        from .translations import load_translations

        translated, coverage = load_translations(self, guides)
        self.problems.raise_if_any()
        assert project is not None
        return Catalog(plans=list(project.plans), portals={p.id: p for p in project.portals},
                       guides=sorted(guides, key=lambda g: (g.order, g.title)),
                       controls=self.controls, locales=list(project.locales),
                       translated=translated, coverage=coverage)

    def check_names(self, obj: Any, doc: YamlDocument, path: tuple) -> None:
        """Every `names:` (`options:`, `texts:`) inside `obj` is keyed by a language the
        project translates into."""
        if not self.plan_ids:
            return  # project.yml is broken: its languages are unknown, and reported there
        if not path and doc.keys.isdisjoint(("names", "options", "texts")):
            return  # none in the whole file: nothing to walk for
        for key, value in (obj.items() if isinstance(obj, dict) else enumerate(obj)
                           if isinstance(obj, list) else ()):
            if key in ("names", "options", "texts") and isinstance(value, dict):
                for locale in value:
                    if locale not in self.locales[1:]:
                        where = (*path, key, locale)
                        self.problems.add(doc.file, doc.line_of(where), format_path(where),
                                          self.locale_message(locale))
            else:
                self.check_names(value, doc, (*path, key))

    def locale_message(self, locale: str,
                       source: str = "its name is the one written without 'names'") -> str:
        return locale_message(locale, self.locales, source)

    def load_pages(self) -> None:
        """`steps/pages/<page>.yml`: the page id is the file name, so `control: a.b` is
        found in `pages/a.yml` without searching."""
        for path in yaml_files(self.steps_dir / PAGES_DIR):
            display = display_path(path, self.root)
            if not PAGE_ID.match(path.stem):
                self.problems.add(display, 0, "", f"page file names are page ids: lower case, "
                                  f"digits and '-' (rename '{path.name}')")
                continue
            if any(ref.startswith(path.stem + ".") for ref in self.controls):
                self.problems.add(display, 0, "", f"page '{path.stem}' is defined twice "
                                  "(a .yml and a .yaml file)")
                continue
            doc = read_doc(path, self.root, self.problems)
            page = doc and validate_doc(doc, PageFile, self.problems)
            if not page:
                continue
            self.check_names(doc.data, doc, ())
            if self.portal_ids and page.portal not in self.portal_ids:
                self.problems.add(doc.file, doc.line_of(("portal",)), "portal",
                                  f"unknown portal '{page.portal}'"
                                  f"{did_you_mean(page.portal, self.portal_ids)}")
            for name, loc in page.controls.items():
                for inner in locators(loc):
                    if inner.control is not None:
                        self.problems.add(doc.file, doc.line_of(("controls", name)),
                                          f"controls.{name}", "a page's control is named by "
                                          "role, label, text or region, not by another control")
                        break
                else:
                    if not loc.exact:
                        # The page is where a rename is caught and fixed: a control found by a
                        # part of its name would keep passing after the portal reworded it.
                        self.problems.add(doc.file, doc.line_of(("controls", name, "exact")),
                                          f"controls.{name}.exact", "a page's control is named "
                                          "exactly as the portal shows it; a name that carries "
                                          "data (a row's) belongs in the step, with exact: false")
                        continue
                    # The line of its name (or label...): where `guidegen fix` edits a rename.
                    key = next((k for k in ("name", "label", "text", "region")
                                if getattr(loc, k) is not None), None)
                    line = doc.line_of(("controls", name, key) if key else ("controls", name))
                    self.controls[f"{path.stem}.{name}"] = Control(
                        f"{path.stem}.{name}", loc, page.portal, Origin(doc.file, line),
                        secret=loc.secret)

    def load_project(self) -> Project | None:
        path = self.steps_dir / PROJECT_FILE
        if not path.exists():
            self.problems.add(display_path(path, self.root), 0, "", "missing: the plan registry "
                              "(plans, portals, variables) is defined here")
            return None
        doc = read_doc(path, self.root, self.problems)
        project = doc and validate_doc(doc, Project, self.problems)
        if project is None:
            return None
        for kind, items in (("locale", project.locales), ("plan", project.plans),
                            ("portal", project.portals)):
            seen: dict[str, int] = {}
            for i, item in enumerate(items):
                line = doc.line_of((f"{kind}s", i, "id"))
                if item.id in seen:
                    self.problems.add(doc.file, line, f"{kind}s[{i}].id",
                                      f"duplicate {kind} id '{item.id}' (first at line {seen[item.id]})")
                seen.setdefault(item.id, line)
        self.locales = tuple(dict.fromkeys(loc.id for loc in project.locales))
        self.plan_ids = tuple(dict.fromkeys(p.id for p in project.plans))
        self.check_names(doc.data, doc, ())
        self.portal_ids = tuple(dict.fromkeys(p.id for p in project.portals))
        self.project_vars = dict(project.variables)
        return project

    def load_reusable(self) -> None:
        for path in yaml_files(self.steps_dir / REUSABLE_DIR):
            doc = read_doc(path, self.root, self.problems)
            parsed = doc and validate_doc(doc, ReusableFile, self.problems)
            if not parsed:
                self.broken_reusable.update(_step_ids(doc))
                continue
            self.check_names(doc.data, doc, ())
            for i, step in enumerate(parsed.steps):
                spath = ("steps", i)
                if step.id in self.reusable:
                    self.problems.add(doc.file, doc.line_of((*spath, "id")), f"steps[{i}].id",
                                      f"duplicate reusable step id '{step.id}'")
                    continue
                def unknown(cpath: tuple, message: str, step_id: str = step.id,
                            doc: YamlDocument = doc) -> None:
                    self.broken_reusable.add(step_id)
                    self.problems.add(doc.file, doc.line_of(cpath), format_path(cpath), message)

                fill_controls(step, spath, self.controls, unknown)
                scope = {**self.project_vars, **{p: p for p in step.params}}
                for field in ("title", "text"):
                    value = getattr(step, field)
                    for name in dict.fromkeys(substitute(value or "", scope)[1]):
                        self.broken_reusable.add(step.id)
                        self.problems.add(doc.file, doc.line_of((*spath, field)),
                                          format_path((*spath, field)),
                                          f"undefined variable '{name}'{did_you_mean(name, scope)}"
                                          " (add it to 'params')")
                self.reusable[step.id] = step

    def check_requires(self, guides: list[RGuide]) -> None:
        by_id = {g.id: g for g in guides}
        for guide in guides:
            for i, req in enumerate(guide.requires):
                if req in self.broken_guides:
                    continue
                if req not in by_id:
                    self.problems.add(guide.origin.file, self.requires_lines[guide.id][i],
                                      f"requires[{i}]", f"unknown guide '{req}'{did_you_mean(req, by_id)}")
                elif (cycle := requires_cycle(guide.id, req, by_id)) is not None:
                    self.problems.add(guide.origin.file, self.requires_lines[guide.id][i],
                                      f"requires[{i}]", f"'{req}' requires this guide in turn, "
                                      f"a cycle: {' -> '.join(cycle)}")
        for guide, name, secret, problem in self.pending:
            # The guides it requires run first, in the same browser: what they remember is known.
            earlier = required_closure(guide, by_id) if guide in by_id else set()
            if earlier & self.broken_guides or any(
                    self.remembered.get(r, {}).get(name) == secret for r in earlier):
                continue
            self.problems.items.append(problem)

    def load_guides(self) -> list[RGuide]:
        guides: list[RGuide] = []
        files = [p for p in yaml_files(self.steps_dir) if p.name != PROJECT_FILE]
        if not files:
            self.problems.add(display_path(self.steps_dir, self.root), 0, "",
                              "no guides: add one .yml file per guide")
        seen: dict[str, str] = {}
        for path in files:
            key = self.guide_key(path)
            checked = key and self.cache.get(key)
            if checked and checked.guide.id not in seen:
                guides.append(self.replay(checked))
                seen[checked.guide.id] = checked.file
                continue
            before = len(self.problems.items)
            doc = read_doc(path, self.root, self.problems)
            guide = doc and validate_doc(doc, Guide, self.problems)
            if not guide or not self.plan_ids:
                if doc and isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
                    self.broken_guides.add(doc.data["id"])  # reported already, in its file
                continue
            if guide.id in seen:
                self.problems.add(doc.file, doc.line_of(("id",)), "id",
                                  f"duplicate guide id '{guide.id}' (also in {seen[guide.id]})")
                continue
            seen[guide.id] = doc.file
            self.requires_lines[guide.id] = [doc.line_of(("requires", i))
                                             for i in range(len(guide.requires))]
            self.check_names(doc.data, doc, ())
            shots, pending = len(self.screenshots), len(self.pending)
            guides.append(GuideChecker(self, doc, guide).run())
            if key and len(self.problems.items) == before:
                self.cache.put(key, self.checked(guides[-1], doc.file, shots, pending), keep=True)
        if self.cache is not None:
            self.cache.save()
        return guides

    def guide_key(self, path: Path) -> str | None:
        """The cache key of a guide file: its path and bytes, and the shared files'."""
        if self.cache is None or not self.plan_ids or confined(path, self.root) is None:
            return None
        try:
            return digest("guide", str(self.root), str(path), path.read_bytes(), self.shared_key)
        except OSError:
            return None  # read_doc reports it

    def checked(self, guide: RGuide, file: str, shots: int, pending: int) -> _Checked:
        """What checking `guide` added: the screenshots and pending names after the first
        `shots` and `pending` (in the order they were added; not a search of all of them,
        which grew with the square of the guides)."""
        return _Checked(
            guide=guide, file=file, requires_lines=self.requires_lines[guide.id],
            remembered=self.remembered[guide.id], source=self.sources[guide.id],
            pending=self.pending[pending:],
            screenshots=dict(islice(self.screenshots.items(), shots, None)))

    def replay(self, checked: _Checked) -> RGuide:
        """What checking the guide told the loader, as if it had been checked again."""
        gid = checked.guide.id
        self.requires_lines[gid] = checked.requires_lines
        self.remembered[gid] = checked.remembered
        self.sources[gid] = checked.source
        self.pending.extend(checked.pending)
        self.screenshots.update(checked.screenshots)
        return checked.guide


def _step_ids(doc: YamlDocument | None) -> set[str]:
    """The ids a reusable file that failed validation meant to define."""
    steps = doc.data.get("steps") if doc else None
    if not isinstance(steps, list):
        return set()
    return {s["id"] for s in steps if isinstance(s, dict) and isinstance(s.get("id"), str)}


def yaml_files(folder: Path) -> list[Path]:
    """Both spellings: a writer's `guide.yaml` must not be silently skipped."""
    return sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])


def _problem(path: Path, message: str) -> Problem:
    return Problem(str(path), 0, "", message)


def load_catalog(steps_dir: Path, root: Path | None = None,
                 cache: ContentCache | None = None) -> Catalog:
    """The checked catalog; with a cache, guide files whose content (and the shared files')
    did not change since it last saw them are not read or checked again."""
    return Loader(steps_dir, root, cache).load()
