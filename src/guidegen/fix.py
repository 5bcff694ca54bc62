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

A report of a run in another language (`verify --locale de`: its steps carry the locale)
changes that language's side only, as a German portal session is what knows the German names:
- a renamed control gets the name the run found in that language where it is defined
  (`names: {de: ...}`, corrected, or added where the control had none), so German names
  are recorded from a German session rather than typed; the English `name:` stays;
- the bold quotes of the old name in that language's translation files
  (`steps/translations/de/<guide>.yml`), in the steps that use the control, quote the new
  one. Their `source:` stamps stay as they are: those hash the English text, which did not
  change, so a part up to date stays up to date and a stale one stays stale;
- a control that moved is left: the clicks on the way to it are actions, shared by every
  language, so they are made from an English report (the way is the same in every language).
The re-verification runs in the language of the report's steps (`--locale de` added to the
verify options; a report of both languages has a run for each).

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

import difflib
import io
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ruamel.yaml import YAML, YAMLError
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from .atomic import write_atomic
from .catalog import Catalog
from .checks import BOLD, substitute
from .errors import GuideError, Problem, did_you_mean
from .load import load_catalog
from .model import Expectation, action_target
from .paths import confined
from .project import PAGES_DIR, PROJECT_FILE, REUSABLE_DIR, Layout
from .results import FILE as RESULTS_FILE
from .results import FindingRecord, Hop, Kind, StepResult, read_results
from .translations import translation_file

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
    locale: str | None = None  # the language of the run that saw it; None: the source's

    def describe(self) -> str:
        what = self.control or f"{self.role} '{self.old}'"
        what = f"{what}@{self.locale}" if self.locale else what
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


def _scalar(name: str) -> str:
    """`name` as a value fix writes: double-quoted where ruamel.yaml would write it plain
    and it would not read back as itself (`? Save` and `: Save` plain in a flow mapping are
    no YAML at all; a plain U+0085 is read as a line break)."""
    written = io.StringIO()
    flow = CommentedMap(name=name)
    flow.fa.set_flow_style()
    YAML(typ="rt").dump(flow, written)
    try:
        reads_back = YAML(typ="safe", pure=True).load(written.getvalue()) == {"name": name}
    except YAMLError:
        reads_back = False
    return name if reads_back else DoubleQuotedScalarString(name)


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
                            tuple(r.via or ()), step.locale)
            # A page's control renamed once is one change in each language, however many
            # steps met it.
            ident = (change.locale, change.control, change.old, change.new, change.via) \
                if change.control else (change.locale, change.guide, change.step,
                                        change.action, change.old, change.new, change.via)
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
    told = {(c.guide, c.step, c.locale) for c in not_kept}
    left = {f.where for f in result.left}
    for step, finding in _failures(trial):
        where = step.where
        if step.kind in (Kind.VISUAL, Kind.ERROR, Kind.BLOCKED) or where in left \
                or (step.guide, step.step, step.locale) in told:
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
        self.texts: dict[Path, str] = {}  # each file as written, for `save` to keep
        self.dirty: set[Path] = set()
        project = self.load(self.steps / PROJECT_FILE)
        self.variables = {k: str(v) for k, v in (project.get("variables") or {}).items()}

    def load(self, path: Path) -> CommentedMap:
        if path not in self.docs:
            self.texts[path] = path.read_text("utf-8")
            self.docs[path] = self.yaml.load(self.texts[path])
        return self.docs[path]

    def save(self) -> list[Path]:
        for path in sorted(self.dirty):
            write_atomic(path, self.edited(path))
        return sorted(self.dirty)

    def _dump(self, doc) -> list[str]:
        out = io.StringIO()
        self.yaml.dump(doc, out)
        return out.getvalue().splitlines(keepends=True)

    def edited(self, path: Path) -> str:
        """The file with the edits and every other line as written. ruamel.yaml re-lays a few
        things it reads (a flow mapping spread over lines comes out on one), so the lines
        the edits changed in its output are put into the file as written; an edit inside
        such a re-laid part takes ruamel.yaml's output whole."""
        written = self.texts[path].splitlines(keepends=True)
        plain = self._dump(self.yaml.load(self.texts[path]))
        edited = self._dump(self.docs[path])
        # Each line of ruamel.yaml's own output of the file that is a line of the file.
        at = {a + k: b + k for a, b, n in difflib.SequenceMatcher(
            None, plain, written, autojunk=False).get_matching_blocks() for k in range(n)}
        out, shift = list(written), 0
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
                None, plain, edited, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            if i1 < i2 and all(k in at for k in range(i1, i2)) \
                    and at[i2 - 1] - at[i1] == i2 - 1 - i1:
                start, end = at[i1], at[i2 - 1] + 1
            elif i1 == i2 and (i1 in at or i1 - 1 in at):
                start = end = at[i1] if i1 in at else at[i1 - 1] + 1
            else:
                return "".join(edited)
            out[start + shift:end + shift] = edited[j1:j2]
            shift += (j2 - j1) - (end - start)
        return "".join(out)

    def rel(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def guides(self) -> Iterator[tuple[Path, CommentedMap]]:
        for path in sorted([*self.steps.glob("*.yml"), *self.steps.glob("*.yaml")]):
            if path.name != PROJECT_FILE:
                yield path, self.load(path)

    def scope(self, guide: CommentedMap) -> dict[str, str]:
        """The variables a guide's text sees."""
        return {**self.variables, **{k: str(v) for k, v in (guide.get("variables") or {}).items()}}

    @cached_property
    def catalog(self) -> Catalog:
        """The guides as loaded: which of their steps (`use:` ones included) use a control."""
        return load_catalog(self.steps, self.root)

    def all_steps(self) -> Iterator[tuple[Path, CommentedMap, dict[str, str]]]:
        """Every step mapping with its file and the variables its text sees."""
        for path, guide in self.guides():
            scope = self.scope(guide)
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
            locator[key] = _scalar(change.new)
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

        new = _requoted(text, scope, old, quote)
        if new != text:
            step[key] = new
            files.dirty.add(path)
            edits.append(f"{files.rel(path)}:{_line(step, key)}: {key}: **{old}** -> {quote}")
    return edits


def _requoted(text: str, scope: dict[str, str], old: str, quote: str) -> str:
    """`text` with its bold quotes of the label `old` as `quote`, in the scalar style it had."""
    new = BOLD.sub(lambda m: quote if _label(m, scope) == old else m.group(0), text)
    return type(text)(new) if type(text) is not str and new != text else new


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
            new = CommentedMap(role=hop.role, name=_scalar(hop.name))
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
        target = CommentedMap({key: _scalar(value) for key, value in want.items()})
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
    if change.locale:
        return _plan_in_locale(files, change)
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
    if change.locale:
        locator, _ = _defined(files, change)
        return not change.via and _names_in(locator, change.locale, files.variables, change.new)
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


# ── In another language ─────────────────────────────────────────────────────────────────────

MOVED_IN_LOCALE = ("the clicks on the way to it are actions, the same in every language: run fix "
                   "on a report of an English run to add them")


def _defined(files: StepFiles, change: Change) -> tuple[CommentedMap | None, Path | None]:
    """Where the change's control is defined: its page's control, or the action's locator."""
    if change.control:
        page_id, name = change.control.split(".", 1)
        path = files.steps / PAGES_DIR / f"{page_id}.yml"
        locator = (files.load(path).get("controls") or {}).get(name) if path.is_file() else None
        return (locator, path) if isinstance(locator, dict) else (None, None)
    found = files.find_step(change.guide, change.step)
    if found is None:
        return None, None
    actions = found[1].get("actions") or []
    target = _target(actions[change.action]) if change.action < len(actions) else None
    return (target, found[0]) if target is not None else (None, None)


def _name_in(locator, locale: str) -> tuple[str | None, str | None]:
    """The name a run in `locale` looks for, as written (its `names:` entry, else the source's
    name), and the key (name, label, text or region) that `names` translates."""
    key = next((k for k in NAME_KEYS if isinstance(locator, dict)
                and isinstance(locator.get(k), str)), None)
    if key is None:
        return None, None
    names = locator.get("names")
    own = names.get(locale) if isinstance(names, dict) else None
    return (own if isinstance(own, str) else locator[key]), key


def _names_in(locator, locale: str, scope: dict[str, str], name: str) -> bool:
    written, _ = _name_in(locator, locale)
    return written is not None and substitute(written, scope)[0] == name


def _rename_in_locale(files: StepFiles, path: Path, locator: CommentedMap, change: Change
                      ) -> str | None:
    """`names: {<locale>: <new>}` on the locator a run in that language looked for under the
    old name (its German name, or the English one where it had none): corrected, or added
    after the name it translates. The source's name never changes."""
    written, key = _name_in(locator, change.locale)
    if written is None or substitute(written, files.variables)[0] != change.old:
        return None
    names = locator.get("names")
    where = f"{files.rel(path)}:{_line(locator, 'names' if isinstance(names, dict) else key)}"
    if isinstance(names, dict):
        before = names.get(change.locale)
        names[change.locale] = _scalar(change.new)
        edit = f"'{before}' -> '{change.new}'" if isinstance(before, str) else \
            f"added '{change.new}'"
    else:
        names = CommentedMap({change.locale: _scalar(change.new)})
        names.fa.set_flow_style()
        locator.insert(list(locator).index(key) + 1, "names", names)
        edit = f"added '{change.new}'"
    files.dirty.add(path)
    return f"{where}: names.{change.locale}: {edit}"


def _uses_change(guide: str, step, change: Change) -> bool:
    """The step (a loaded one) uses the change's control: for an inline control, it is the
    step the change was seen in."""
    if change.control is None:
        return (guide, step.id) == (change.guide, change.step)
    for action in step.actions:
        target = action_target(action)
        loc = target.target() if isinstance(target, Expectation) else target
        if getattr(loc, "control", None) == change.control:
            return True
    return False


def _requote_part(files: StepFiles, path: Path, node, scope: dict[str, str], old: str,
                  quote: str, at: str) -> list[str]:
    """Every piece of text of a translated part (text, tip, variants, admonitions...) with
    its bold quotes of `old` as `quote`."""
    edits = []
    for key, value in list(node.items() if isinstance(node, dict) else enumerate(node)):
        field_path = f"{at}.{key}" if isinstance(node, dict) else f"{at}[{key}]"
        if isinstance(value, str):
            new = _requoted(value, scope, old, quote)
            if new != value:
                node[key] = new
                files.dirty.add(path)
                edits.append(f"{files.rel(path)}:{_line(node, key)}: {field_path}: **{old}** "
                             f"-> {quote}")
        elif isinstance(value, (dict, list)):
            edits += _requote_part(files, path, value, scope, old, quote, field_path)
    return edits


def _requote_translations(files: StepFiles, change: Change) -> list[str]:
    """The bold quotes of the old name in the change's language's translations of the steps
    that use the control. Their `source:` stamps hash the source text, which is unchanged:
    a part up to date stays so, a stale one stays stale."""
    edits = []
    docs = {guide.get("id"): guide for _, guide in files.guides()}
    for guide in files.catalog.guides:
        path = translation_file(files.steps, change.locale, guide.id)
        if not path.is_file():
            continue
        parts = files.load(path).get("steps") or {}
        scope = files.scope(docs.get(guide.id) or {})
        for step in guide.all_steps():
            part = parts.get(step.id)
            if isinstance(part, dict) and _uses_change(guide.id, step, change):
                edits += _requote_part(files, path, part, scope, change.old,
                                       f"**{change.new}**", f"steps.{step.id}")
    return edits


def _plan_in_locale(files: StepFiles, change: Change) -> list[str]:
    """A change a run in another language saw: the name in that language where the control
    is defined, and the translations' quotes of it ([] when there is nothing to edit)."""
    if change.via or change.new == change.old:
        return []  # the clicks on the way are the source's actions (MOVED_IN_LOCALE)
    locator, path = _defined(files, change)
    edit = _rename_in_locale(files, path, locator, change) if locator is not None else None
    return [edit, *_requote_translations(files, change)] if edit else []


def refusal(change: Change) -> str | None:
    """Why fix leaves the change to a writer without trying it, if it does."""
    if change.locale and change.via:
        return MOVED_IN_LOCALE
    return markup_in(change)


# ── Trying them ─────────────────────────────────────────────────────────────────────────────


def _fixed(change: Change, results: list[StepResult]) -> tuple[bool, str]:
    """Whether the step the change was seen in is past it now."""
    at = change.action + len(change.via)  # the clicks on the way went in before it
    for step in results:
        if (step.guide, step.step, step.locale) != (change.guide, change.step, change.locale):
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
    if any(arg == "--locale" or arg.startswith("--locale=") for arg in verify_args):
        raise GuideError([Problem("command line", 0, "--locale", "fix re-verifies each change "
                                  "in the language of the run that saw it (the report's steps "
                                  "say which): leave --locale out")])
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
    refused = [Outcome(c, reason=why) for c in changes if (why := refusal(c))]
    result.outcomes += refused
    changes = [c for c in changes if not refusal(c)]
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
        results: list[StepResult] = []
        # A run for each language the changes were seen in, in that language.
        for locale in sorted({c.locale for c in changes}, key=lambda loc: loc or ""):
            guides = sorted({c.guide for c in changes if c.locale == locale})
            language = ["--locale", locale] if locale else []
            # After `--`, a guide id is never read as an option (the report's ids are the
            # project's, and this keeps it so for any id a guide may have).
            results += (run or _verify)(trial, [*verify_args, *language, "--", *guides],
                                        Path(scratch) / f"report{f'-{locale}' if locale else ''}")
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
