"""`guidegen fix <report>`: the controls a verify run found renamed or moved, turned into edits
of the step files, kept only when a new verify run passes with them.

For each change the report names (a control found under a new name by its fingerprint, or
one link further on):
- a renamed control gets its new name where it is defined: the page in `steps/pages/`, or
  the action itself when the step names it inline;
- every step that uses the control and quotes the old label in **bold** quotes the new one;
- a control that moved behind a link gets that link as a control of its page, and a click
  on it before each action that uses the moved control.

Files are edited with ruamel.yaml's round-trip mode, so comments, order, quoting and flow
style stay as the writer left them. The edits are tried on a copy of the project first;
only those whose steps then pass (or fail later, for another reason) reach the project.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from .errors import GuideError, Problem
from .load import BOLD, PAGES_DIR, PROJECT_FILE, REUSABLE_DIR, substitute
from .project import Layout
from .report import read_results

NAME_KEYS = ("name", "label", "text", "region")
ACTION_KEYS = ("click", "fill", "select", "check", "expect", "wait", "remember")


@dataclass(frozen=True)
class Change:
    """One thing the portal changed, as a verify run observed it at one action."""

    guide: str
    step: str
    action: int
    control: str | None
    role: str
    old: str
    new: str
    via: str | None

    def describe(self) -> str:
        what = self.control or f"{self.role} '{self.old}'"
        if self.via:
            return f"{what}: now behind link '{self.via}'"
        return f"{what}: '{self.old}' is now '{self.new}'"


@dataclass
class Outcome:
    change: Change
    edits: list[str] = field(default_factory=list)  # 'file:line: what' lines
    kept: bool = False
    reason: str = ""
    applied: bool = False  # the files already say it: merged before, or made by hand


def changes_from(report: Path) -> list[Change]:
    steps = read_results(report)["steps"]
    seen: dict[tuple, Change] = {}
    for step in steps:
        for r in (step.get("finding") or {}).get("renamed", []):
            change = Change(step["guide"], step["step"], r["action"], r.get("control"),
                            r["role"], r["old"], r["new"], r.get("via"))
            # A page's control renamed once is one change, however many steps met it.
            ident = (change.control, change.old, change.new, change.via) if change.control \
                else (change.guide, change.step, change.action, change.old, change.new, change.via)
            seen.setdefault(ident, change)
    return list(seen.values())


# ── Files ───────────────────────────────────────────────────────────────────────────────────


class StepFiles:
    """The project's step files, loaded for round-trip editing; written only on `save`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.steps = Layout(root).steps
        # Round-trip mode: builds only plain mappings, lists and scalars (no Python objects
        # from tags, unlike PyYAML's yaml.load) and keeps comments, order and quoting.
        self.yaml = YAML(typ="rt")
        self.yaml.preserve_quotes = True
        self.yaml.width = 4096  # never re-wrap a writer's lines
        self.yaml.indent(mapping=2, sequence=4, offset=2)
        self.docs: dict[Path, CommentedMap] = {}
        self.dirty: set[Path] = set()
        project = self.load(self.steps / PROJECT_FILE)
        self.variables = {k: str(v) for k, v in (project.get("variables") or {}).items()}

    def load(self, path: Path) -> CommentedMap:
        if path not in self.docs:
            self.docs[path] = self.yaml.load(path.read_text("utf-8"))
        return self.docs[path]

    def save(self) -> list[Path]:
        for path in sorted(self.dirty):
            out = io.StringIO()
            self.yaml.dump(self.docs[path], out)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(out.getvalue(), encoding="utf-8")
            tmp.replace(path)
        return sorted(self.dirty)

    def rel(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def guides(self) -> Iterator[tuple[Path, CommentedMap]]:
        for path in sorted([*self.steps.glob("*.yml"), *self.steps.glob("*.yaml")]):
            if path.name != PROJECT_FILE:
                yield path, self.load(path)

    def all_steps(self) -> Iterator[tuple[Path, CommentedMap, dict[str, str]]]:
        """Every step mapping with its file and the variables its text sees."""
        for path, guide in self.guides():
            scope = {**self.variables, **{k: str(v) for k, v in (guide.get("variables") or {}).items()}}
            for step in _steps_in(guide.get("sections") or []):
                yield path, step, scope
            for step in guide.get("outcome") or []:
                yield path, step, scope
        folder = self.steps / REUSABLE_DIR
        for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
            for step in self.load(path).get("steps") or []:
                yield path, step, self.variables

    def find_step(self, guide_id: str, step_id: str) -> tuple[Path, CommentedMap] | None:
        for path, guide in self.guides():
            if guide.get("id") != guide_id:
                continue
            for step in [*_steps_in(guide.get("sections") or []), *(guide.get("outcome") or [])]:
                if step.get("id") == step_id or step.get("use") == step_id:
                    return path, step
        return None


def _steps_in(sections) -> Iterator[CommentedMap]:
    for section in sections:
        yield from (s for s in section.get("steps") or [] if isinstance(s, dict))
        yield from _steps_in(section.get("sections") or [])


def _target(action) -> CommentedMap | None:
    if not isinstance(action, dict):
        return None
    key = next((k for k in ACTION_KEYS if k in action), None)
    value = action.get(key) if key else None
    return value if isinstance(value, dict) else None


def _line(node, key=None) -> int:
    try:
        return (node.lc.key(key)[0] if key is not None else node.lc.line) + 1
    except (AttributeError, KeyError, TypeError):
        return 0


# ── Edits ───────────────────────────────────────────────────────────────────────────────────


def _rename_key(files: StepFiles, path: Path, locator: CommentedMap, change: Change,
                scope: dict[str, str]) -> str | None:
    for key in NAME_KEYS:
        value = locator.get(key)
        if isinstance(value, str) and substitute(value, scope)[0] == change.old:
            locator[key] = change.new
            files.dirty.add(path)
            return f"{files.rel(path)}:{_line(locator, key)}: {key}: '{value}' -> '{change.new}'"
    return None


def _requote(files: StepFiles, path: Path, step: CommentedMap, scope: dict[str, str],
             old: str, quote: str) -> list[str]:
    """The step's bold quotes of the label `old` become `quote` (Markdown)."""
    edits = []
    for key in ("text", "title"):
        text = step.get(key)
        if not isinstance(text, str):
            continue

        def one(match: re.Match) -> str:
            return quote if _label(match, scope) == old else match.group(0)

        new = BOLD.sub(one, text)
        if new != text:
            step[key] = type(text)(new) if type(text) is not str else new
            files.dirty.add(path)
            edits.append(f"{files.rel(path)}:{_line(step, key)}: {key}: **{old}** -> {quote}")
    return edits


def _label(match: re.Match, scope: dict[str, str]) -> str:
    """A bold quote's label as the page shows it: variables filled in, spaces as one."""
    return " ".join(substitute(match.group(1), scope)[0].split())


def _quotes(step: CommentedMap, label: str, scope: dict[str, str]) -> bool:
    return any(_label(m, scope) == label for key in ("text", "title")
               if isinstance(step.get(key), str) for m in BOLD.finditer(step[key]))


def _uses(files: StepFiles, ref: str):
    """(file, step, action index, target) of every action that uses the control `ref`."""
    for path, step, scope in files.all_steps():
        for i, action in enumerate(step.get("actions") or []):
            target = _target(action)
            if target is not None and target.get("control") == ref:
                yield path, step, scope, i, target


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "link"


def plan_edits(files: StepFiles, change: Change) -> list[str]:
    """Apply `change` to the loaded files; the edits as 'file:line: what' lines ([] when
    guidegen cannot tell where to make it)."""
    edits: list[str] = []
    if change.control:
        page_id, name = change.control.split(".", 1)
        page_path = files.steps / PAGES_DIR / f"{page_id}.yml"
        if not page_path.is_file():
            return []
        page = files.load(page_path)
        locator = (page.get("controls") or {}).get(name)
        if not isinstance(locator, dict):
            return []
        uses = list(_uses(files, change.control))
        if change.via:
            link = _slug(change.via)
            controls = page["controls"]
            if link not in controls:
                new = CommentedMap(role="link", name=change.via)
                new.fa.set_flow_style()
                line = _line(controls, name)  # the new control goes just above, on this line
                controls.insert(list(controls).index(name), link, new)
                files.dirty.add(page_path)
                edits.append(f"{files.rel(page_path)}:{line}: controls: added "
                             f"{link}: {{role: link, name: {change.via}}}")
            for path, step, scope, i, _ in sorted(uses, key=lambda u: -u[3]):
                click = CommentedMap(control=f"{page_id}.{link}")
                click.fa.set_flow_style()
                action = CommentedMap(click=click)
                step["actions"].insert(i, action)
                files.dirty.add(path)
                edits.append(f"{files.rel(path)}:{_line(step)}: step "
                             f"'{step.get('id') or step.get('use')}': click {page_id}.{link} "
                             f"before action {i + 1}")
                # The reader takes the same way: "**Applications** > **Enterprise apps**".
                if not _quotes(step, change.via, scope):
                    edits += _requote(files, path, step, scope, change.old,
                                      f"**{change.via}** > **{change.old}**")
            return edits
        renamed = _rename_key(files, page_path, locator, change, files.variables)
        if renamed is None:
            return []
        edits.append(renamed)
        for path, step, scope, _, _ in uses:
            edits += _requote(files, path, step, scope, change.old, f"**{change.new}**")
        return edits
    found = files.find_step(change.guide, change.step)
    if found is None or change.via:
        return []
    path, step = found
    actions = step.get("actions") or []
    target = _target(actions[change.action]) if change.action < len(actions) else None
    scope = files.variables
    if target is None or (renamed := _rename_key(files, path, target, change, scope)) is None:
        return []
    return [renamed, *_requote(files, path, step, scope, change.old, f"**{change.new}**")]


def already_applied(files: StepFiles, change: Change) -> bool:
    """The step files already say what `change` would make them say: last night's fix was
    merged, or a writer made it by hand. Nothing to do, and nothing left for a writer."""
    if change.control:
        page_id, name = change.control.split(".", 1)
        page_path = files.steps / PAGES_DIR / f"{page_id}.yml"
        if not page_path.is_file():
            return False
        controls = files.load(page_path).get("controls") or {}
        if change.via:
            link = f"{page_id}.{_slug(change.via)}"
            return _slug(change.via) in controls and all(
                any((_target(a) or {}).get("control") == link for a in step["actions"][:i])
                for _, step, _, i, _ in _uses(files, change.control))
        return _names(controls.get(name), files.variables, change.new)
    found = files.find_step(change.guide, change.step)
    if found is None or change.via:
        return False
    actions = found[1].get("actions") or []
    return change.action < len(actions) and _names(_target(actions[change.action]),
                                                   files.variables, change.new)


def _names(locator, scope: dict[str, str], name: str) -> bool:
    return isinstance(locator, dict) and any(
        isinstance(locator.get(k), str) and substitute(locator[k], scope)[0] == name
        for k in NAME_KEYS)


# ── Trying them ─────────────────────────────────────────────────────────────────────────────


def _fixed(change: Change, results: list[dict]) -> tuple[bool, str]:
    """Whether the step the change was seen in is past it now."""
    for step in results:
        if step["guide"] != change.guide or step["step"] != change.step:
            continue
        finding = step.get("finding") or {}
        if step["status"] == "passed" or finding.get("kind") not in ("structure drift",):
            return True, ""
        still = [r for r in finding.get("renamed", []) if r["old"] == change.old]
        if still:
            return False, "the portal still shows it under another name"
        if (finding.get("action") or 0) > change.action:
            return True, ""
        return False, finding.get("message", "the step still fails there")
    return False, "the step was not run again"


def fix(root: Path, report: Path, verify_args: list[str], write: bool = True,
        run: Callable[[Path, list[str], Path], list[dict]] | None = None) -> list[Outcome]:
    changes = changes_from(report)
    if not changes:
        return []
    current = StepFiles(root)
    done = [Outcome(c, applied=True) for c in changes if already_applied(current, c)]
    changes = [c for c in changes if not already_applied(current, c)]
    if not changes:
        return done  # no verify run needed
    with tempfile.TemporaryDirectory(prefix="guidegen-fix-") as scratch:
        trial = Path(scratch) / "project"
        shutil.copytree(Layout(root).steps, trial / "steps")
        for name in ("screenshots",):
            if (root / name).is_dir():
                shutil.copytree(root / name, trial / name)
        files = StepFiles(trial)
        outcomes = [Outcome(c, plan_edits(files, c)) for c in changes]
        files.save()
        guides = sorted({c.guide for c in changes})
        results = (run or _verify)(trial, [*guides, *verify_args], Path(scratch) / "report")
    for outcome in outcomes:
        if not outcome.edits:
            outcome.reason = "no edit guidegen can make (the control is named in a way it " \
                             "cannot rewrite)"
            continue
        outcome.kept, outcome.reason = _fixed(outcome.change, results)
    if write:
        files = StepFiles(root)
        for outcome in outcomes:
            if outcome.kept:
                plan_edits(files, outcome.change)
        files.save()
    return done + outcomes


def _verify(project: Path, args: list[str], report: Path) -> list[dict]:
    """A verify run of its own (pytest's plugin state is per process)."""
    result = subprocess.run(
        [sys.executable, "-m", "guidegen.cli", "verify", "--root", str(project),
         "--report-dir", str(report), *args],
        capture_output=True, text=True, check=False)
    if result.returncode in (2, 3) and not (report / "results.json").is_file():
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise GuideError([Problem("guidegen fix", 0, "verify", "the re-verification did not "
                                  "run: " + " / ".join(tail))])
    try:
        return json.loads((report / "results.json").read_text("utf-8"))["steps"]
    except (OSError, ValueError, KeyError):
        return []
