"""The checks that span files: one guide's meaning against the project.

The file loader (load.py) reads and validates each file against its schema; what it cannot
see in one file is checked here: plans against the registry, controls against the page
objects, `use:` against the reusable steps (expanded as they are used), variables and
remembered names, bold labels against what the step's actions name, and `requires`
(cycles, and names a required guide remembers). Every problem carries the file and line of
the guide that has it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, get_args

from pydantic import BaseModel, ValidationError

from .catalog import Control, Origin, RGuide, RSection, RStep
from .errors import Problem, did_you_mean, format_path
from .model import RESOLVED as RESOLVED_CONTEXT
from .model import (
    Admonition,
    Expectation,
    Fill,
    GoTo,
    Guide,
    Http,
    Locator,
    Remember,
    Section,
    Step,
    Use,
    action_kind,
    action_target,
)
from .project import PAGES_DIR, PROJECT_FILE
from .yamlfile import YamlDocument

if TYPE_CHECKING:
    from .load import Loader


# What a page's control gives the locator that references it. An expectation's own `text`
# is the text it expects, never a way of finding the control.
LOCATOR_FIELDS = ("role", "name", "label", "text", "region", "exact", "within", "names")
EXPECT_FIELDS = ("role", "name", "label", "region", "exact", "within", "names")
BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# A literal typed into one of these is a secret written into YAML.
# The portals' secret fields by their labels, in the languages guidegen verifies them in
# (German: Kennwort, Passwort, Geheimer Schlüssel, API-Schlüssel; "token" is the same word):
# a field renamed there is still a secret's. Not "Schlüssel" alone: attribute keys are data.
SECRET_FIELD = re.compile(r"password|secret|token|api key|client secret|"
                          r"passwort|kennwort|geheim|api-schlüssel|zugriffsschlüssel", re.I)
# Where the verify run fills in {{ name }} of an action or a screenshot's locators: names,
# values typed, chosen and expected.
RUNTIME_FIELDS = ("name", "label", "text", "region", "value", "option")

def substitute(text: str, scope: dict[str, str], keep_unknown: bool = False) -> tuple[str, list[str]]:
    """Replace {{ name }} from `scope`; returns the text and the names not in scope."""
    missing: list[str] = []

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name in scope:
            return str(scope[name])
        missing.append(name)
        return match.group(0) if keep_unknown else name

    return VARIABLE.sub(one, text), missing


def locale_message(locale: str, locales: tuple[str, ...], source: str) -> str:
    """Why `locale` is no language to translate into; `source` says what the source's is."""
    if locales and locale == locales[0]:
        return f"'{locale}' is the source language: {source}"
    others = ", ".join(locales[1:]) or "none"
    return (f"'{locale}' is not a translation language of the project"
            f"{did_you_mean(locale, locales[1:])} (locales in {PROJECT_FILE}: {others})")


def markdown_scope(scope: dict[str, str]) -> dict[str, str]:
    """Variables as they go into Markdown: as text, their `<` and `>` references, never a tag."""
    return {k: str(v).replace("<", "&lt;").replace(">", "&gt;") for k, v in scope.items()}


def step_labels(actions: list, screenshot: Any, scope: dict[str, str],
                locale: str | None = None) -> dict[str, Locator]:
    """The UI labels a step's actions and screenshot name, in `locale` (None: the source
    language), variables filled in, whitespace normalised; each with the locator naming it."""
    locators: list[Locator] = []
    for action in actions:
        target = action_target(action)
        loc = target.target() if isinstance(target, Expectation) else target
        if isinstance(loc, Locator):
            locators.append(loc)
    if screenshot:
        locators += [*screenshot.highlight, *screenshot.mask,
                     *([screenshot.of] if isinstance(screenshot.of, Locator) else [])]
    used: dict[str, Locator] = {}
    for loc in locators:
        for part in loc.chain():
            label = part.name_in(locale)
            if label:
                if "{{" in label:  # no variable can be in it otherwise: spares the regex
                    label = substitute(label, scope)[0]
                used.setdefault(" ".join(label.split()), part)
    return used


def _substitute_all(data: Any, scope: dict[str, str]) -> Any:
    """Parameters into every string of a dumped step; unknown names stay for later checks."""
    if isinstance(data, str):
        return substitute(data, scope, keep_unknown=True)[0]
    if isinstance(data, list):
        return [_substitute_all(x, scope) for x in data]
    if isinstance(data, dict):
        return {k: _substitute_all(v, scope) for k, v in data.items()}
    return data


# Field values that hold no model: skipped by their exact type, a few times faster than
# isinstance(value, BaseModel), which goes through pydantic's ABCMeta for every value.
PLAIN = frozenset({str, int, float, bool, type(None)})


@cache
def nested_fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(name, YAML key) of the fields whose type can hold a model, the only ones the walks
    below descend into (a step has a dozen fields, four of them lists of models). Once per
    class: pydantic's `model_fields` is a property that builds its answer on every access."""
    return tuple((name, info.alias or name) for name, info in model.model_fields.items()
                 if _holds_model(info.annotation))


@cache
def named_fields(model: type[BaseModel]) -> tuple[tuple[str, str, bool], ...]:
    """(name, YAML key, filled in at run time?) of the fields the verify run fills
    {{ name }} into and of those that can hold a model, in the model's order."""
    nested = {name for name, _ in nested_fields(model)}
    return tuple((name, key, key in RUNTIME_FIELDS)
                 for name, info in model.model_fields.items()
                 if (key := info.alias or name) in RUNTIME_FIELDS or name in nested)


def _holds_model(annotation: Any) -> bool:
    if annotation is Any:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in get_args(annotation))


def fill_controls(obj: Any, path: tuple, controls: dict[str, Control], report) -> Any:
    """`obj` with every `control: <page>.<control>` filled in from its page, the reference
    kept (for reports and fixes). Unknown references go to `report(path, message)`."""
    if isinstance(obj, list):
        out = None
        for i, x in enumerate(obj):
            if type(x) not in PLAIN and isinstance(x, (BaseModel, list)):
                new = fill_controls(x, (*path, i), controls, report)
                if new is not x:
                    out = out or list(obj)
                    out[i] = new
        return obj if out is None else out
    if not isinstance(obj, BaseModel):
        return obj
    update: dict[str, Any] = {}
    for name, key in nested_fields(type(obj)):
        value = obj.__dict__.get(name)  # the field's value, without pydantic's getattr
        if type(value) not in PLAIN:
            new = fill_controls(value, (*path, key), controls, report)
            if new is not value:
                update[name] = new
    # Not getattr(obj, "control", None): on a model without the field, pydantic's
    # __getattr__ raises and catches an AttributeError, for every model of every step.
    ref = obj.control if isinstance(obj, (Locator, Expectation)) else None
    if ref is not None:
        control = controls.get(ref)
        page = ref.split(".", 1)[0]
        if control is None:
            known = [c for c in controls if c.startswith(page + ".")] or list(controls)
            where = (f"no control '{ref.split('.', 1)[1]}' on page '{page}'"
                     if any(c.startswith(page + ".") for c in controls) else
                     f"no page '{page}' in {PAGES_DIR}/")
            report((*path, "control"), f"unknown control '{ref}': {where}{did_you_mean(ref, known)}")
        elif isinstance(obj, Expectation) and control.locator.text is not None:
            report((*path, "control"), f"'{ref}' is found by its text; expect a text with "
                   f"`expect: {{text: ...}}` instead")
        else:
            fields = EXPECT_FIELDS if isinstance(obj, Expectation) else LOCATOR_FIELDS
            update.update({f: getattr(control.locator, f) for f in fields})
    return obj.model_copy(update=update) if update else obj


def locators(obj: Any):
    """Every Locator or Expectation inside `obj`, outermost first."""
    if isinstance(obj, list):
        for x in obj:
            yield from locators(x)
    elif isinstance(obj, BaseModel):
        if isinstance(obj, (Locator, Expectation)):
            yield obj
        for name, _ in nested_fields(type(obj)):
            value = obj.__dict__.get(name)
            if type(value) not in PLAIN:
                yield from locators(value)


@dataclass
class SourceText:
    """A guide's text as written in the source language, before variables are filled in."""

    guide: Guide
    file: str
    sections: dict[str, tuple[Section, int]]  # id -> the section and its line
    steps: dict[str, tuple[Step, int]]


class GuideChecker:
    """Semantic checks of one guide, expanding reusable steps as it goes."""

    def __init__(self, loader: Loader, doc: YamlDocument, guide: Guide) -> None:
        self.loader, self.doc, self.guide = loader, doc, guide
        self.problems = loader.problems
        self.registry = loader.plan_ids
        self.scope = {**loader.project_vars, **guide.variables}
        self.markdown_scope = markdown_scope(self.scope)  # escaped once, not per text
        self.seen_ids: dict[str, int] = {}
        self.remembered: dict[str, bool] = {}  # name -> secret?
        self.portal = guide.portals[0] if guide.portals else ""
        self.number = 0
        # What translations translate: the readers' sections and steps as written (reusable
        # steps expanded), by id.
        self.source = SourceText(guide, doc.file, {}, {})

    def add(self, path: tuple, message: str, file: str | None = None, line: int | None = None) -> None:
        self.problems.add(file or self.doc.file, line or self.doc.line_of(path),
                          format_path(path), message)

    # plans ---------------------------------------------------------------------------------

    def plans(self, value: list[str] | None, path: tuple, parent: tuple[str, ...],
              parent_name: str, optional: bool = True) -> tuple[str, ...]:
        if value is None:
            return parent
        good = []
        for i, plan in enumerate(value):
            if plan not in self.registry:
                self.add((*path, i), f"unknown plan '{plan}'{did_you_mean(plan, self.registry)}; "
                         f"plans are: {', '.join(self.registry)}")
            elif plan not in parent:
                self.add((*path, i), f"plan '{plan}' is outside the {parent_name}'s plans "
                         f"({', '.join(parent)})")
            else:
                good.append(plan)
        if not value:
            # Only a step's or a section's 'plans' may be left out (it then inherits).
            self.add(path, "applies to no plan; list at least one plan"
                     + (" or remove 'plans'" if optional else ""))
        return tuple(p for p in self.registry if p in good) or parent

    def guide_plans(self) -> tuple[str, ...]:
        if self.guide.plans == "all":
            return self.registry
        return self.plans(self.guide.plans, ("plans",), self.registry, "project",
                          optional=False)

    # text ----------------------------------------------------------------------------------

    def text(self, value: str | None, path: tuple) -> str | None:
        if value is None:
            return None
        out, missing = substitute(value, self.markdown_scope)
        for name in dict.fromkeys(missing):
            self.add(path, f"undefined variable '{name}'{did_you_mean(name, self.scope)}")
        return out

    # guide ---------------------------------------------------------------------------------

    def run(self) -> RGuide:
        g = self.guide
        for i, portal in enumerate(g.portals):
            if portal not in self.loader.portal_ids:
                self.add(("portals", i), f"unknown portal '{portal}'"
                         f"{did_you_mean(portal, self.loader.portal_ids)}")
        plans = self.guide_plans()
        # Set-up first: what it remembers, the steps after it may use.
        setup = [s for i, item in enumerate(g.setup)
                 if (s := self.step(item, ("setup", i), plans, shown=False))]
        sections = [self.section(s, ("sections", i), plans, 2) for i, s in enumerate(g.sections)]
        outcome = [s for i, item in enumerate(g.outcome)
                   if (s := self.step(item, ("outcome", i), plans, shown=False))]
        self.loader.remembered[g.id] = dict(self.remembered)
        self.loader.sources[g.id] = self.source
        return RGuide(
            id=g.id, title=g.title, summary=self.text(g.summary, ("summary",)),
            plans=plans, portals=tuple(g.portals), order=g.order,
            intro=self.text(g.intro, ("intro",)),
            outro=self.text(g.outro, ("outro",)),
            sections=sections, secrets=dict(g.secrets), outcome=outcome, requires=tuple(g.requires),
            variables=dict(self.scope),
            origin=Origin(self.doc.file, 1), setup=setup,
        )

    def unique(self, ident: str, path: tuple) -> None:
        if ident in self.seen_ids:
            self.add(path, f"duplicate id '{ident}' (first at line {self.seen_ids[ident]})")
        else:
            self.seen_ids[ident] = self.doc.line_of(path)

    def section(self, sec: Section, path: tuple, parent: tuple[str, ...], level: int) -> RSection:
        plans = self.plans(sec.plans, (*path, "plans"), parent,
                           "guide" if level == 2 else "enclosing section")
        ident = sec.id or re.sub(r"[^a-z0-9]+", "-", sec.title.lower()).strip("-")
        self.unique(ident, (*path, "id") if sec.id else path)
        self.source.sections[ident] = (sec, self.doc.line_of(path))
        out = RSection(id=ident, title=self.text(sec.title, (*path, "title")),
                       text=self.text(sec.text, (*path, "text")), plans=plans,
                       narrower=plans != parent, level=level)
        for i, item in enumerate(sec.steps):
            step = self.step(item, (*path, "steps", i), plans)
            if step:
                out.steps.append(step)
        out.sections = [self.section(s, (*path, "sections", i), plans, level + 1)
                        for i, s in enumerate(sec.sections)]
        return out

    # steps ---------------------------------------------------------------------------------

    def expand(self, use: Use, path: tuple) -> Step | None:
        reusable = self.loader.reusable.get(use.use)
        if reusable is None and use.use in self.loader.broken_reusable:
            return None
        if reusable is None:
            self.add((*path, "use"), f"unknown reusable step '{use.use}'"
                     f"{did_you_mean(use.use, self.loader.reusable)}")
            return None
        for name in use.with_:
            if name not in reusable.params:
                self.add((*path, "with", name), f"unknown parameter '{name}' of '{use.use}'"
                         f"{did_you_mean(name, reusable.params)}")
        missing = [name for name in reusable.params if name not in use.with_]
        for name in missing:
            self.add((*path, "with"), f"missing parameter '{name}' of '{use.use}' "
                     f"({reusable.params[name]})")
        if missing or use.use in self.loader.broken_reusable:
            # Expanding anyway would report every '{{ name }}' of the step a second time.
            return None
        params = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in use.with_.items()}
        body = self.loader.reusable_bodies.get(reusable.id)
        if body is None:
            # Controls first, so that a page's '{{ app }}' takes this use's parameters too.
            # Unknown ones were reported in the reusable's own file, which is then broken,
            # never expanded. Once per reusable step, not per use: the same for every use.
            filled = fill_controls(reusable, (), self.loader.controls, lambda *_: None)
            body = filled.model_dump(by_alias=True, exclude_unset=True, exclude={"params", "id"})
            self.loader.reusable_bodies[reusable.id] = body
        body = _substitute_all(body, params)  # a new dict, lists and dicts: the kept one stays
        body["id"] = use.id or reusable.id
        if use.plans is not None:
            body["plans"] = use.plans
        try:
            return Step.model_validate(body, context={RESOLVED_CONTEXT: True})
        except ValidationError as err:
            for e in err.errors():
                self.add(path, f"after substituting parameters of '{use.use}': "
                         f"{format_path(e['loc'])}: {e['msg']}")
            return None

    def step(self, item: Step | Use, path: tuple, parent: tuple[str, ...],
             shown: bool = True) -> RStep | None:
        """`shown`: a step readers see, numbered; set-up and outcome steps are not."""
        reusable, unresolved = None, False
        if isinstance(item, Use):
            reusable = item.use
            step = self.expand(item, path)
            if step is None:
                return None
            # Problems inside an expanded step point at the `use:` line of this guide.
            where = Origin(self.doc.file, self.doc.line_of(path))
        else:
            step, where = item, Origin(self.doc.file, self.doc.line_of(path))
            before = len(self.problems.items)
            step = fill_controls(step, path, self.loader.controls, self.add)
            unresolved = len(self.problems.items) > before
        self.unique(step.id, (*path, "id"))
        self.number += shown
        if shown:
            self.source.steps[step.id] = (step, where.line)
        plans = self.plans(step.plans, (*path, "plans"), parent, "section")
        variants = []
        for i, var in enumerate(step.variants):
            vpath = (*path, "variants", i, "plans")
            vplans = self.plans(var.plans, vpath, plans, "step", optional=False)
            if var.plans and set(var.plans) >= set(plans):
                self.add(vpath, "variant applies to every plan of the step; put its text in 'text'")
            variants.append((vplans, self.text(var.text, (*path, "variants", i, "text"))))
        admonitions = [
            Admonition(kind=kind, text=self.text(getattr(step, kind), (*path, kind)))
            for kind in ("note", "tip", "warning") if getattr(step, kind)
        ] + [
            a.model_copy(update={"text": self.text(a.text, (*path, "admonitions", i, "text"))})
            for i, a in enumerate(step.admonitions)
        ]
        if step.portal:
            self.check_portal(step.portal, (*path, "portal"))
            self.portal = step.portal
        self.actions(step, path, shown)
        if not unresolved:  # an unknown control's labels are unknown: no knock-on complaints
            self.bold_labels(step, path)
        shot = step.screenshot
        if shot:
            self.loader.claim_screenshot(self.guide.id, shot.name, where if reusable else Origin(
                self.doc.file, self.doc.line_of((*path, "screenshot", "name"))),
                format_path((*path, "screenshot", "name")))
            if shot.after_action is not None and shot.after_action > len(step.actions):
                self.add((*path, "screenshot", "after_action"),
                         f"the step has only {len(step.actions)} actions")
            if shot.portal:
                self.check_portal(shot.portal, (*path, "screenshot", "portal"))
            self.control_portal(shot, shot.portal or self.portal, (*path, "screenshot"),
                                "the screenshot")
            self.text(shot.alt, (*path, "screenshot", "alt"))
            for field in ("of", "highlight", "mask"):
                self.locator_names(getattr(shot, field), (*path, "screenshot", field))
            shot = shot.model_copy(update={
                "alt": substitute(shot.alt, self.scope)[0],
                "caption": substitute(shot.caption, self.scope)[0] if shot.caption else None,
                "portal": shot.portal or self.portal,
            })
        return RStep(
            id=step.id, number=self.number,
            title=self.text(step.title, (*path, "title")),
            text=self.text(step.text, (*path, "text")),
            plans=plans, narrower=plans != parent, variants=variants, admonitions=admonitions,
            optional=step.optional, portal=self.portal, screenshot=shot,
            actions=list(step.actions), origin=where, reusable=reusable,
            manual=step.manual_reason if step.verify == "manual" else None,
        )

    def bold_labels(self, step: Step, path: tuple) -> None:
        """Every UI label the text quotes in bold must be one the step's actions or
        screenshot name: then a renamed control fails verification instead of leaving prose
        that no longer matches the portal."""
        used = step_labels(step.actions, step.screenshot, self.scope)
        # Tips and notes quote labels too, and go stale the same way.
        texts = [((*path, "text"), step.text)]
        texts += [((*path, kind), getattr(step, kind)) for kind in ("note", "tip", "warning")
                  if getattr(step, kind)]
        texts += [((*path, "admonitions", i, "text"), a.text) for i, a in enumerate(step.admonitions)]
        for where, text in texts:
            for label in dict.fromkeys(BOLD.findall(substitute(text, self.scope)[0])):
                label = " ".join(label.split())
                if label not in used:
                    self.add(where, f"**{label}** is quoted in bold but none of the step's "
                             "actions or highlights uses it; name the control in an action (or "
                             "drop the bold) so a rename in the portal is caught")

    def check_portal(self, portal: str, path: tuple) -> None:
        if portal not in self.loader.portal_ids:
            self.add(path, f"unknown portal '{portal}'{did_you_mean(portal, self.loader.portal_ids)}")
        elif portal not in self.guide.portals:
            self.add(path, f"portal '{portal}' is not among the guide's portals "
                     f"({', '.join(self.guide.portals)})")

    def control_portal(self, obj: Any, portal: str, path: tuple, what: str) -> None:
        """A control of one portal's page used while another portal's tab is in front
        would fail at run time; say so now."""
        for loc in locators(obj):
            control = self.loader.controls.get(loc.control) if loc.control else None
            if control is not None and control.portal != portal:
                self.add(path, f"'{loc.control}' is a control of the {control.portal} portal, "
                         f"but {what} runs in {portal}")

    def actions(self, step: Step, path: tuple, shown: bool) -> None:
        portal = self.portal
        for i, action in enumerate(step.actions):
            apath = (*path, "actions", i)
            target = action_target(action)
            if isinstance(action, Http):
                self.http(target, (*apath, "http"), shown)
            elif isinstance(action, GoTo) and action.portal:
                self.check_portal(action.portal, (*apath, "portal"))
                portal = action.portal
            elif not isinstance(action, GoTo):
                self.control_portal(target, portal, (*apath, action_kind(action)), "this action")
            if isinstance(action, Fill):
                self.fill(target, (*apath, "fill"))
            if isinstance(action, Remember) and step.verify != "manual":  # not performed
                self.remembered[target.as_] = target.secret
            if isinstance(action, GoTo):
                self.runtime_names(action.goto, (*apath, "goto"))
            elif not isinstance(action, Http):
                self.locator_names(target, (*apath, action_kind(action)))

    def locator_names(self, obj: Any, path: tuple) -> None:
        """Every {{ name }} the run fills in where a control is named, or a value typed or
        expected (a page's control brings its own, a parameter of the page): one that the run
        would leave unfilled is reported here, where it is written."""
        if isinstance(obj, list):
            for i, item in enumerate(obj):
                if type(item) not in PLAIN:  # a list's strings are none of those fields
                    self.locator_names(item, (*path, i))
        elif isinstance(obj, BaseModel):
            for name, key, runtime in named_fields(type(obj)):
                value = obj.__dict__.get(name)
                if type(value) is str:
                    if runtime:
                        self.runtime_names(value, (*path, key))
                elif type(value) not in PLAIN:
                    self.locator_names(value, (*path, key))

    def runtime_names(self, value: str, path: tuple) -> None:
        for name in dict.fromkeys(VARIABLE.findall(value)):
            if self.remembered.get(name):
                self.add(path, f"'{name}' is a secret; use 'secret: {name}' so it is never shown")
            elif name not in self.scope and name not in self.remembered:
                # Perhaps remembered by a guide this one requires: decided once all are read.
                known = [*self.scope, *self.remembered]
                self.later(name, False, path, f"undefined variable '{name}'"
                           f"{did_you_mean(name, known)} (define it in 'variables' or "
                           "'remember' it in an earlier step)")

    def later(self, name: str, secret: bool, path: tuple, message: str) -> None:
        self.loader.pending.append((self.guide.id, name, secret, Problem(
            self.doc.file, self.doc.line_of(path), format_path(path), message)))

    def secret_name(self, name: str, path: tuple) -> None:
        known = {**self.guide.secrets, **{k: "" for k, s in self.remembered.items() if s}}
        if name not in known:
            self.later(name, True, path, f"unknown secret '{name}'{did_you_mean(name, known)} "
                       "(declare it under 'secrets' or 'remember' it with 'secret: true')")

    def http(self, request, path: tuple, shown: bool) -> None:
        if shown:
            self.add(path, "an API request is nothing a reader can follow; put the step under "
                     "'setup' (or 'outcome')")
        self.check_portal(request.portal, (*path, "portal"))
        if request.bearer is not None:
            self.secret_name(request.bearer, (*path, "bearer"))
        self.runtime_names(request.path, (*path, "path"))
        for value in json_strings(request.json_):
            self.runtime_names(value, (*path, "json"))

    def fill(self, target, path: tuple) -> None:
        if target.secret is not None:
            self.secret_name(target.secret, (*path, "secret"))
        elif target.value and not VARIABLE.search(target.value) and SECRET_FIELD.search(
                " ".join(target.ui_labels())):
            self.add((*path, "value"), "looks like a secret written into YAML; "
                     "use 'secret: <name>' and set the value in the environment")


def json_strings(data: Any):
    """Every string of a JSON value, keys included."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, list):
        for item in data:
            yield from json_strings(item)
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from json_strings(key)
            yield from json_strings(value)


def requires_cycle(start: str, first: str, by_id: dict[str, RGuide]) -> list[str] | None:
    """The way from `start` through `first` back to `start`, when requires lead there."""
    paths = [[start, first]]
    seen = {first}
    while paths:
        path = paths.pop(0)
        for req in by_id[path[-1]].requires if path[-1] in by_id else ():
            if req == start:
                return [*path, start]
            if req not in seen:
                seen.add(req)
                paths.append([*path, req])
    return None


def required_closure(start: str, by_id: dict[str, RGuide]) -> set[str]:
    """Every guide `start` needs, directly or through others."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        current = by_id.get(stack.pop())
        for req in current.requires if current else ():
            if req not in seen:
                seen.add(req)
                stack.append(req)
    return seen
