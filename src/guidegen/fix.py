"""`guidegen fix <report>`: the controls a verify run found renamed or moved, turned into edits
of the step files, kept only when a new verify run passes with them.

For each change the report names (a control found under a new name by its fingerprint, or
at the end of a path of clicks from where it was expected):
- a renamed control gets its new name where it is defined: the page in `steps/pages/`, or
  the action itself when the step names it inline;
- every step that uses the control and quotes the old label in **bold** quotes the new one;
- a control that moved behind links, tabs, expanders or menus gets each of them as a
  control of its page (or inline, for an inline control), clicks on them in order before
  the step's first action that uses it, and the prose the same way:
  "**Manage** > **Provisioning**".

Files are edited with ruamel.yaml's round-trip mode, so comments, order, quoting and flow
style stay as the writer left them. The edits are tried on a copy of the project first;
only those whose steps then pass (or fail later, for another reason) reach the project.
Every other failure of the report is accounted for too: drift no change covers is left
for a writer, visual drift for `verify --update-screenshots`, and a step that an
environment error stopped, or a required guide's drift blocked, was not checked at all.

A report is untrusted input: its names are a portal's text, and the file itself may be
crafted. So the project must load as `guidegen check` loads it (the same limits on size,
aliases and nesting); the report may name only this project's guides and controls and
files inside it; and a new name that would be markup in a guide (a tag, a link, emphasis,
a variable) is never written: that change is left for a writer.
"""

from __future__ import annotations

import io
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

from .atomic import write_atomic
from .catalog import Catalog
from .errors import GuideError, Problem, did_you_mean
from .load import BOLD, PAGES_DIR, PROJECT_FILE, REUSABLE_DIR, load_catalog, substitute
from .paths import confined
from .project import Layout
from .results import FILE as RESULTS_FILE
from .results import FindingRecord, Hop, Kind, StepResult, read_results

NAME_KEYS = ("name", "label", "text", "region")
ACTION_KEYS = ("click", "fill", "select", "check", "expect", "wait", "remember")
# What a name would be read as in a guide's text or YAML rather than shown: HTML (a tag, a
# character reference), code, emphasis, a link or an image, a table cell, a Markdown escape,
# a variable or template tag, a line break or control character. Portal text may hold any
# of it; fix writes none of it into the step files.
MARKUP = re.compile(r"[<>`*\[\]|\\]|\{[{%#]|&#?\w+;|(?:^|\s)_|_(?:\s|$)|[\x00-\x1f\x7f]")


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
    via: tuple[Hop, ...] = ()

    def describe(self) -> str:
        what = self.control or f"{self.role} '{self.old}'"
        path = " > ".join(f"{hop.role} '{hop.name}'" for hop in self.via)
        if self.via and self.new != self.old:
            return f"{what}: '{self.old}' is now '{self.new}', behind {path}"
        if self.via:
            return f"{what}: now behind {path}"
        return f"{what}: '{self.old}' is now '{self.new}'"


@dataclass
class Outcome:
    change: Change
    edits: list[str] = field(default_factory=list)  # 'file:line: what' lines
    kept: bool = False
    reason: str = ""
    applied: bool = False  # the files already say it: merged before, or made by hand


@dataclass(frozen=True)
class Failure:
    """A failed step of a report that no change accounts for."""

    where: str  # '<guide>/<step>', '<guide>[<plan>]/<step>' in a plan-claim run
    kind: Kind | None  # None: the step failed without a finding
    message: str

    @property
    def reason(self) -> str:
        return f"error: {self.message}" if self.kind == Kind.ERROR else self.message


@dataclass
class Result:
    """Everything the report and the re-verification said, each failure told once."""

    outcomes: list[Outcome] = field(default_factory=list)
    left: list[Failure] = field(default_factory=list)       # drift no change covers
    unchecked: list[Failure] = field(default_factory=list)  # stopped before they were checked
    visual: int = 0  # visual drift steps: `verify --update-screenshots` refreshes those

    @property
    def fixed(self) -> int:
        return sum(o.kept for o in self.outcomes)

    @property
    def left_count(self) -> int:
        return len(self.left) + sum(not (o.kept or o.applied) for o in self.outcomes)


def _failures(steps: list[StepResult]) -> list[tuple[StepResult, FindingRecord | None]]:
    return [(s, s.finding) for s in steps if s.status == "failed"]


def _message(finding: FindingRecord | None) -> str:
    return (finding.message if finding else "") or "the step failed"


def check_report(report: Path, steps: list[StepResult], catalog: Catalog, root: Path) -> None:
    """A report names this project's guides and controls, and files inside it: anything else
    is a crafted or foreign report, bad input before any file is edited or any run starts
    (a guide id goes on the re-verification's command line; a control names a page file)."""
    file = str(report / RESULTS_FILE if report.is_dir() else report)
    guides = {g.id for g in catalog.guides}
    problems = []
    for i, step in enumerate(steps):
        if step.guide not in guides:
            problems.append(Problem(file, 0, f"steps[{i}].guide", f"unknown guide "
                                    f"'{step.guide}'{did_you_mean(step.guide, guides)}"))
        finding = step.finding
        if finding is None:
            continue
        for field_path, record in [(f"steps[{i}].finding", finding), *(
                (f"steps[{i}].finding.renamed[{j}]", r) for j, r in enumerate(finding.renamed))]:
            if record.control is not None and record.control not in catalog.controls:
                problems.append(Problem(file, 0, f"{field_path}.control", f"unknown control "
                                        f"'{record.control}'"
                                        f"{did_you_mean(record.control, catalog.controls)}"))
            where = (record.defined_at or "").rsplit(":", 1)[0]
            if where and confined(where, root) is None:
                problems.append(Problem(file, 0, f"{field_path}.defined_at", f"'{where}' is not "
                                        "a file of the project"))
    if problems:
        raise GuideError(problems)


def markup_in(change: Change) -> str | None:
    """Why fix must not write the change's names into the guides, if it must not."""
    for name in dict.fromkeys([change.new, *(hop.name for hop in change.via)]):
        found = MARKUP.search(name)
        if found:
            return (f"the name '{name}' holds {found.group(0).strip()!r}, which a guide would "
                    "read as markup; fix writes no markup into the step files: check the "
                    "portal, and edit by hand if the name is real")
    return None


def changes_from(report: Path) -> list[Change]:
    steps = read_results(report).steps
    seen: dict[tuple, Change] = {}
    for step, finding in _failures(steps):
        if finding is None or finding.kind == Kind.BLOCKED:
            continue  # a blocked step's renames are a required guide's, seen at its steps
        for r in finding.renamed:
            change = Change(step.guide, step.step, r.action, r.control, r.role, r.old, r.new,
                            tuple(r.via or ()))
            # A page's control renamed once is one change, however many steps met it.
            ident = (change.control, change.old, change.new, change.via) if change.control \
                else (change.guide, change.step, change.action, change.old, change.new, change.via)
            seen.setdefault(ident, change)
    return list(seen.values())


def _covered(finding: FindingRecord | None) -> bool:
    """The step failed only for the controls it found renamed or moved: it went on past
    each of them, and the finding's action is one of them. A step that found one control
    renamed and then lost another is drift the renames do not cover."""
    return finding is not None and finding.kind != Kind.BLOCKED and bool(finding.renamed) \
        and finding.action in {r.action for r in finding.renamed}


def _uncovered(steps: list[StepResult], result: Result, requires: dict[str, list[str]]) -> None:
    """The report's failed steps that no change covers, sorted into `result`. A step that
    a required guide's drift blocked was not checked, when the report has that guide's
    failure (fixed or left there); otherwise the drift is one this report cannot fix."""
    failing = {s.guide for s, _ in _failures(steps) if s.kind not in (Kind.ERROR, Kind.VISUAL)}
    for step, finding in _failures(steps):
        if _covered(finding):
            continue
        kind = step.kind
        failure = Failure(step.where, kind, _message(finding))
        if kind == Kind.VISUAL:
            result.visual += 1
        elif kind == Kind.ERROR or (kind == Kind.BLOCKED and
                                    failing & set(requires.get(step.guide, ()))):
            result.unchecked.append(failure)
        else:  # structure drift, an outcome failure, a plan claim: a writer's to fix
            result.left.append(failure)


def _left_after(trial: list[StepResult], result: Result) -> None:
    """Drift the re-verification met that nothing told yet: a step the report never got
    to (it stopped at the change), one that still fails further on, or one an error had
    kept from being checked."""
    not_kept = [o.change for o in result.outcomes if not (o.kept or o.applied)]
    told = {(c.guide, c.step) for c in not_kept}
    left = {f.where for f in result.left}
    for step, finding in _failures(trial):
        where = step.where
        if step.kind in (Kind.VISUAL, Kind.ERROR, Kind.BLOCKED) or where in left \
                or (step.guide, step.step) in told:
            continue
        if _covered(finding) and all(any((r.control, r.old) == (c.control, c.old)
                                         for c in not_kept) for r in finding.renamed):
            continue  # another step of a change already left
        result.unchecked = [f for f in result.unchecked if f.where != where]
        result.left.append(Failure(where, step.kind,
                                   _message(finding) + " (when re-verified with the edits)"))


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
            write_atomic(path, out.getvalue())
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


def _first_uses(files: StepFiles, ref: str):
    """(file, step, scope, action index) of the first action of each step that uses `ref`.
    A moved control is reached once per step: after that the way to it is open (clicking an
    expander again would close it), which is also all a verify run reports."""
    seen: set[int] = set()
    for path, step, scope, i, _ in _uses(files, ref):
        if id(step) not in seen:
            seen.add(id(step))
            yield path, step, scope, i


def _slug(name: str, fallback: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or fallback


def _hop_control(controls, hop: Hop, scope: dict[str, str]) -> str | None:
    """The page's control that already has the hop's role and name."""
    return next((key for key, loc in controls.items() if isinstance(loc, dict)
                 and loc.get("role") == hop.role and isinstance(loc.get("name"), str)
                 and substitute(loc["name"], scope)[0] == hop.name), None)


def _hop_controls(files: StepFiles, page_path: Path, name: str,
                  via: tuple[Hop, ...]) -> tuple[list[str], list[str]]:
    """The page's control for each click of the way to its control `name`: one it already
    has, or a new one just above `name`. Their ids, and the edits."""
    controls = files.load(page_path)["controls"]
    line = _line(controls, name)  # where the first new control goes
    ids, edits = [], []
    for hop in via:
        ident = _hop_control(controls, hop, files.variables)
        if ident is None:
            ident = base = _slug(hop.name, hop.role)
            n = 1
            while ident in controls:
                n += 1
                ident = f"{base}-{n}"
            new = CommentedMap(role=hop.role, name=hop.name)
            new.fa.set_flow_style()
            controls.insert(list(controls).index(name), ident, new)
            files.dirty.add(page_path)
            edits.append(f"{files.rel(page_path)}:{line}: controls: added "
                         f"{ident}: {{role: {hop.role}, name: {hop.name}}}")
            line += 1
        ids.append(ident)
    return ids, edits


def _is_click(action, want: dict) -> bool:
    target = action.get("click") if isinstance(action, dict) else None
    return isinstance(target, dict) and all(target.get(k) == v for k, v in want.items())


def _clicks_before(actions, wants: list[dict], at: int) -> bool:
    """The actions before `at` already click `wants`, in that order."""
    earlier = iter(actions[:at])
    return all(any(_is_click(a, want) for a in earlier) for want in wants)


def _insert_clicks(files: StepFiles, path: Path, step: CommentedMap, at: int,
                   wants: list[dict], what: list[str]) -> str:
    for k, want in enumerate(wants):
        target = CommentedMap(want)
        target.fa.set_flow_style()
        step["actions"].insert(at + k, CommentedMap(click=target))
    files.dirty.add(path)
    return (f"{files.rel(path)}:{_line(step)}: step '{step.get('id') or step.get('use')}': "
            f"click {', then '.join(what)} before action {at + 1}")


def _prose(files: StepFiles, path: Path, step: CommentedMap, scope: dict[str, str],
           change: Change) -> list[str]:
    """The step's bold quotes of the control: its new name, and the reader takes the same
    way as the clicks ("**Manage** > **Provisioning**") unless the step already says it."""
    way = [f"**{hop.name}**" for hop in change.via if not _quotes(step, hop.name, scope)]
    quote = " > ".join([*way, f"**{change.new}**"])
    if quote == f"**{change.old}**":
        return []
    return _requote(files, path, step, scope, change.old, quote)


def plan_edits(files: StepFiles, change: Change) -> list[str]:
    """Apply `change` to the loaded files; the edits as 'file:line: what' lines ([] when
    guidegen cannot tell where to make it)."""
    renamed = change.new != change.old
    if not (renamed or change.via):
        return []
    edits: list[str] = []
    if change.control:
        page_id, name = change.control.split(".", 1)
        page_path = files.steps / PAGES_DIR / f"{page_id}.yml"
        if not page_path.is_file():
            return []
        locator = (files.load(page_path).get("controls") or {}).get(name)
        if not isinstance(locator, dict):
            return []
        if renamed:
            edit = _rename_key(files, page_path, locator, change, files.variables)
            if edit is None:
                return []
            edits.append(edit)
        ids, added = _hop_controls(files, page_path, name, change.via)
        edits += added
        wants = [{"control": f"{page_id}.{ident}"} for ident in ids]
        for path, step, scope, i in list(_first_uses(files, change.control)):  # edits shift them
            if not _clicks_before(step["actions"], wants, i):
                edits.append(_insert_clicks(files, path, step, i, wants,
                                            [w["control"] for w in wants]))
            edits += _prose(files, path, step, scope, change)
        return edits
    found = files.find_step(change.guide, change.step)
    if found is None:
        return []
    path, step = found
    actions = step.get("actions") or []
    target = _target(actions[change.action]) if change.action < len(actions) else None
    scope = files.variables
    if target is None:
        return []
    if renamed:
        edit = _rename_key(files, path, target, change, scope)
        if edit is None:
            return []
        edits.append(edit)
    elif not _names(target, scope, change.old):
        return []  # not the action the report saw: the file changed since
    if change.via:
        wants = [{"role": hop.role, "name": hop.name} for hop in change.via]
        edits.append(_insert_clicks(files, path, step, change.action, wants,
                                    [f"{hop.role} '{hop.name}'" for hop in change.via]))
    return edits + _prose(files, path, step, scope, change)


def already_applied(files: StepFiles, change: Change) -> bool:
    """The step files already say what `change` would make them say: last night's fix was
    merged, or a writer made it by hand. Nothing to do, and nothing left for a writer."""
    if change.new == change.old and not change.via:
        return False
    if change.control:
        page_id, name = change.control.split(".", 1)
        page_path = files.steps / PAGES_DIR / f"{page_id}.yml"
        if not page_path.is_file():
            return False
        controls = files.load(page_path).get("controls") or {}
        if not _names(controls.get(name), files.variables, change.new):
            return False
        ids = [_hop_control(controls, hop, files.variables) for hop in change.via]
        if None in ids:
            return False
        wants = [{"control": f"{page_id}.{ident}"} for ident in ids]
        return all(_clicks_before(step["actions"], wants, i)
                   for _, step, _, i in _first_uses(files, change.control))
    found = files.find_step(change.guide, change.step)
    if found is None:
        return False
    actions = found[1].get("actions") or []
    at = change.action + len(change.via)  # the clicks went in before it
    wants = [{"role": hop.role, "name": hop.name} for hop in change.via]
    return at < len(actions) and _names(_target(actions[at]), files.variables, change.new) \
        and _clicks_before(actions, wants, at)


def _names(locator, scope: dict[str, str], name: str) -> bool:
    return isinstance(locator, dict) and any(
        isinstance(locator.get(k), str) and substitute(locator[k], scope)[0] == name
        for k in NAME_KEYS)


# ── Trying them ─────────────────────────────────────────────────────────────────────────────


def _fixed(change: Change, results: list[StepResult]) -> tuple[bool, str]:
    """Whether the step the change was seen in is past it now."""
    at = change.action + len(change.via)  # the clicks on the way went in before it
    for step in results:
        if step.guide != change.guide or step.step != change.step:
            continue
        finding = step.finding
        if finding is None or step.status == "passed":
            return True, ""
        if finding.kind == Kind.BLOCKED or (finding.kind == Kind.ERROR and
                                            (finding.action is None or finding.action <= at)):
            why = Failure("", finding.kind, finding.message).reason
            return False, f"the re-verification stopped before it ({why})"
        if finding.kind != Kind.STRUCTURE:
            return True, ""
        still = [r for r in finding.renamed if r.old == change.old]
        if still:
            return False, ("the portal still shows it elsewhere" if still[0].via else
                           "the portal still shows it under another name")
        if (finding.action or 0) > at:
            return True, ""
        return False, finding.message or "the step still fails there"
    return False, "the step was not run again"


def fix(root: Path, report: Path, verify_args: list[str], write: bool = True,
        run: Callable[[Path, list[str], Path], list[StepResult]] | None = None) -> Result:
    """The report's failures, each fixed (written unless not `write`), already fixed, or
    left with the reason; `run` stands in for the verify run (tests)."""
    result = Result()
    # Loaded as `check` loads it: an alias bomb, a huge or deeply nested file is bad input
    # with its line here, before ruamel.yaml (which has no such limits) reads the files.
    catalog = load_catalog(Layout(root).steps, root)
    steps = read_results(report).steps
    check_report(report, steps, catalog, root)
    current = StepFiles(root)
    requires = {g.id: list(g.requires) for g in catalog.guides}
    _uncovered(steps, result, requires)
    changes = changes_from(report)
    result.outcomes = [Outcome(c, applied=True) for c in changes if already_applied(current, c)]
    changes = [c for c in changes if not already_applied(current, c)]
    refused = [Outcome(c, reason=why) for c in changes if (why := markup_in(c))]
    result.outcomes += refused
    changes = [c for c in changes if not markup_in(c)]
    if not changes:
        return result  # no verify run needed
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
        # After `--`, a guide id is never read as an option (the report's ids are the
        # project's, and this keeps it so for any id a guide may have).
        results = (run or _verify)(trial, [*verify_args, "--", *guides], Path(scratch) / "report")
    for outcome in outcomes:
        if not outcome.edits:
            outcome.reason = "no edit guidegen can make (the control is named in a way it " \
                             "cannot rewrite)"
            continue
        outcome.kept, outcome.reason = _fixed(outcome.change, results)
    result.outcomes += outcomes
    _left_after(results, result)
    if write:
        files = StepFiles(root)
        for outcome in outcomes:
            if outcome.kept:
                plan_edits(files, outcome.change)
        files.save()
    return result


def _verify(project: Path, args: list[str], report: Path) -> list[StepResult]:
    """A verify run in a process of its own: its pytest output stays out of fix's, and
    `args` are verify's own command-line options, parsed as verify parses them."""
    result = subprocess.run(
        [sys.executable, "-m", "guidegen.cli", "verify", "--root", str(project),
         "--report-dir", str(report), *args],
        capture_output=True, text=True, check=False)
    if result.returncode in (2, 3) and not (report / "results.json").is_file():
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise GuideError([Problem("guidegen fix", 0, "verify", "the re-verification did not "
                                  "run: " + " / ".join(tail))])
    try:
        return read_results(report).steps
    except GuideError:
        return []
