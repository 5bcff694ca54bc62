"""Translations: each guide's text in the project's other languages, held to the source.

`steps/translations/<locale>/<guide>.yml` holds one guide's text in one language, keyed by
the source guide's section and step ids; what a step does (actions, plans, screenshots'
crops) always comes from the source guide. Each translated part records `source:`, a hash of
the source text it was translated from, so a change to that text makes it stale.

The hash covers only what is translated: a step's title, text, variants' text, note, tip,
warning, admonitions' titles and texts, and its screenshot's alt and caption, as written
(variables unfilled, a reusable step with its parameters filled in). A change to actions,
plans or ids never makes a translation stale.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from .atomic import write_atomic
from .catalog import Coverage, RGuide, RSection, RStep
from .checks import (
    BOLD,
    VARIABLE,
    SourceText,
    json_strings,
    markdown_scope,
    step_labels,
    substitute,
)
from .errors import GuideError, Problem, did_you_mean, format_path
from .load import Loader, display_path, read_doc, validate_doc, yaml_files
from .model import (
    Admonition,
    GuideTranslation,
    Section,
    StepBody,
    TranslatedSection,
    TranslatedStep,
)
from .project import Layout
from .yamlfile import YamlDocument

TRANSLATIONS_DIR = "translations"
STEP_FIELDS = ("title", "text", "variants", "note", "tip", "warning", "admonitions", "screenshot")


# ── What is translated, and its hash ────────────────────────────────────────────────────────


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Without the fields left out: a step without a tip has no 'tip' to translate."""
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def step_text(step: StepBody | TranslatedStep) -> dict[str, Any]:
    """A step's translatable text, in one shape for the source and its translation."""
    shot = step.screenshot
    variants = [v if isinstance(v, str) else v.text for v in step.variants]
    return _compact({
        "title": step.title, "text": step.text, "variants": variants,
        "note": step.note, "tip": step.tip, "warning": step.warning,
        "admonitions": [_compact({"title": a.title, "text": a.text}) for a in step.admonitions],
        "screenshot": _compact({"alt": shot.alt, "caption": shot.caption}) if shot else None,
    })


def section_text(section: Section | TranslatedSection) -> dict[str, Any]:
    return _compact({"title": section.title, "text": section.text})


def guide_text(guide: Any) -> dict[str, Any]:
    return _compact({"title": guide.title, "summary": guide.summary, "intro": guide.intro,
                     "outro": guide.outro})


def source_hash(text: dict[str, Any]) -> str:
    canonical = json.dumps(text, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


# ── One translation file ────────────────────────────────────────────────────────────────────


class _Part:
    """A translatable part of the source guide and its translation, if any."""

    def __init__(self, path: tuple, name: str, source: dict[str, Any], line: int,
                 translation: Any) -> None:
        self.path, self.name, self.source, self.line = path, name, source, line
        self.translation = translation
        self.hash = source_hash(source)

    def translated(self) -> dict[str, Any]:
        t = self.translation
        if isinstance(t, TranslatedStep):
            return step_text(t)
        return section_text(t) if isinstance(t, TranslatedSection) else guide_text(t)


def _parts(src: SourceText, tr: GuideTranslation) -> list[_Part]:
    own = guide_text(tr)
    parts = [_Part((), "the guide's own text", guide_text(src.guide), 1,
                   tr if own or tr.source else None)]
    parts += [_Part(("sections", ident), f"section '{ident}'", section_text(sec), line,
                    tr.sections.get(ident)) for ident, (sec, line) in src.sections.items()]
    parts += [_Part(("steps", ident), f"step '{ident}'", step_text(step), line,
                    tr.steps.get(ident)) for ident, (step, line) in src.steps.items()]
    return parts


class _FileChecker:
    """Checks one translation file against its source guide and builds the guide in that
    language."""

    def __init__(self, loader: Loader, doc: YamlDocument, tr: GuideTranslation, src: SourceText,
                 guide: RGuide, locale: str) -> None:
        self.loader, self.doc, self.tr, self.src = loader, doc, tr, src
        self.guide, self.locale = guide, locale
        self.coverage = Coverage(guide.id, locale, doc.file, 0, 0)
        self.fresh: dict[tuple, _Part] = {}  # parts whose translation is shown

    def add(self, path: tuple, message: str) -> None:
        self.loader.problems.add(self.doc.file, self.doc.line_of(path), format_path(path),
                                 message)

    def lacking(self, kind: list[str], part: _Part, path: tuple, message: str) -> None:
        kind.append(part.name)
        self.coverage.problems.append(Problem(self.doc.file, self.doc.line_of(path),
                                              format_path(path), message))

    def run(self) -> tuple[RGuide, Coverage]:
        self.unknown_ids("sections", self.tr.sections, self.src.sections, "section")
        self.unknown_ids("steps", self.tr.steps, self.src.steps, "step")
        stamp = f"`guidegen translations stamp {self.guide.id} --locale {self.locale}`"
        parts = _parts(self.src, self.tr)
        for part in parts:
            where = f"{self.src.file}:{part.line}"
            if part.translation is None:
                self.lacking(self.coverage.missing, part, part.path or ("title",),
                             f"missing: {part.name} ({where}) has no '{self.locale}' "
                             "translation; readers see it in the source language")
                continue
            # Only what readers see translated is checked here: a part not stamped is work in
            # progress (`stamp` checks it), and a stale one waits for its update, so that a
            # source change alone breaks nothing.
            if part.translation.source is None:
                self.lacking(self.coverage.unstamped, part, part.path or ("title",),
                             f"not stamped: {part.name} is in the file, but not marked as "
                             f"checked against the source ({where}); once it is translated, "
                             f"run {stamp}")
            elif part.translation.source != part.hash:
                self.lacking(self.coverage.stale, part, (*part.path, "source"),
                             f"stale: the source text of {part.name} changed since it was "
                             f"translated ({where}); update the translation, then run {stamp}")
            elif self.check(part):
                self.fresh[part.path] = part
        self.coverage.parts, self.coverage.up_to_date = len(parts), len(self.fresh)
        return self.localized(), self.coverage

    def check(self, part: _Part) -> bool:
        """Whether `part` translates its source as it must; every problem is reported."""
        before = len(self.loader.problems.items)
        self.shape(part.source, part.translated(), part.path)
        self.variables(part)
        if part.path and part.path[0] == "steps":
            self.bold_labels(part)
        return len(self.loader.problems.items) == before

    def unknown_ids(self, key: str, translated: dict, source: dict, kind: str) -> None:
        """Listed, not an error: removing or renaming a source step must not break `check`."""
        for ident in translated:
            if ident not in source:
                self.coverage.orphaned.append(f"{kind} '{ident}'")
                self.coverage.problems.append(Problem(
                    self.doc.file, self.doc.line_of((key, ident)), format_path((key, ident)),
                    f"no {kind} '{ident}' in the source guide ({self.src.file})"
                    f"{did_you_mean(ident, source)}; its id changed or it was removed: rename "
                    "or remove this translation"))

    def shape(self, source: Any, translated: Any, path: tuple) -> None:
        """A translation translates each piece of text its source has, and nothing else."""
        if isinstance(source, dict) and isinstance(translated, dict):
            for key in source:
                if key not in translated:
                    self.add(path or (key,), f"missing '{key}': the source has one; translate it")
            for key, value in translated.items():
                if key not in source:
                    self.add((*path, key), f"the source has no '{key}' here; remove it")
                else:
                    self.shape(source[key], value, (*path, key))
        elif isinstance(source, list) and isinstance(translated, list):
            if len(source) != len(translated):
                self.add(path, f"the source has {len(source)} of these, this has "
                         f"{len(translated)}; translate each, in the source's order")
            for i, (s, t) in enumerate(zip(source, translated, strict=False)):
                self.shape(s, t, (*path, i))

    def variables(self, part: _Part) -> None:
        known = {n for text in json_strings(part.source) for n in VARIABLE.findall(text)}
        for field_path, text in _fields(part.translated(), part.path):
            for name in dict.fromkeys(VARIABLE.findall(text)):
                if name not in known:
                    listed = ", ".join(f"{{{{ {n} }}}}" for n in sorted(known)) or "none"
                    self.add(field_path, f"'{{{{ {name} }}}}' is not in the source text of "
                             f"{part.name}; a translation uses only its variables ({listed})")

    def bold_labels(self, part: _Part) -> None:
        """The source's bold-label rule, against the names in this language: a bold label
        must be a name the step's actions or highlights look for in the portal."""
        step = _find_step(self.guide, part.path[1])
        scope = self.guide.variables
        used = step_labels(step.actions, step.screenshot, scope, self.locale)
        for field_path, text in _fields(part.translated(), part.path):
            if field_path[-2:-1] == ("screenshot",) or field_path[-1] == "title":
                continue  # alt texts and titles quote no labels in bold
            for label in dict.fromkeys(BOLD.findall(substitute(text, scope)[0])):
                label = " ".join(label.split())
                locator = used.get(label)
                if locator is None:
                    self.add(field_path, f"**{label}** is quoted in bold but none of the step's "
                             f"actions or highlights has that '{self.locale}' name"
                             f"{did_you_mean(label, used)}; quote the name the "
                             f"'{self.locale}' portal shows (the page's `names: "
                             f"{{{self.locale}: ...}}`), or drop the bold")
                elif self.locale not in locator.names and VARIABLE.sub(
                        "", locator.name_in(None) or "").strip():
                    # A name made of variables alone ("{{ product }}") is a value, the same
                    # in every language; any other needs its name in this one.
                    self.add(field_path, self.no_name(label, locator))

    def no_name(self, label: str, locator: Any) -> str:
        control = self.loader.controls.get(locator.control) if locator.control else None
        where = (f"control '{control.ref}' ({control.origin.file}:{control.origin.line})"
                 if control else f"the step's {locator.describe()}")
        return (f"**{label}** is the source-language name of {where}, which has no "
                f"'{self.locale}' name: add `names: {{{self.locale}: ...}}` there with the "
                f"name the '{self.locale}' portal shows (the same name if it is not translated)")

    # The guide in this language ---------------------------------------------------------

    def fill(self, value: str | None) -> str | None:
        return None if value is None else substitute(value, markdown_scope(self.guide.variables))[0]

    def localized(self) -> RGuide:
        head = self.fresh.get(())
        g = self.guide
        return replace(
            g, locale=self.locale, fallback=head is None,
            title=self.fill(head.translation.title) if head else g.title,
            summary=self.fill(head.translation.summary) if head else g.summary,
            intro=self.fill(head.translation.intro) if head else g.intro,
            outro=self.fill(head.translation.outro) if head else g.outro,
            sections=[self.section(s) for s in g.sections])

    def section(self, sec: RSection) -> RSection:
        part = self.fresh.get(("sections", sec.id))
        steps = [self.step(s) for s in sec.steps]
        subs = [self.section(s) for s in sec.sections]
        if part is None:
            return replace(sec, fallback=True, steps=steps, sections=subs)
        t = part.translation
        return replace(sec, title=self.fill(t.title), text=self.fill(t.text), steps=steps,
                       sections=subs)

    def step(self, step: RStep) -> RStep:
        part = self.fresh.get(("steps", step.id))
        if part is None:
            return replace(step, fallback=True)
        t: TranslatedStep = part.translation
        source_step = self.src.steps[step.id][0]
        kinds = [k for k in ("note", "tip", "warning") if getattr(source_step, k)]
        admonitions = [Admonition(kind=k, text=self.fill(getattr(t, k))) for k in kinds] + [
            a.model_copy(update={"title": ta.title, "text": self.fill(ta.text)})
            for a, ta in zip(step.admonitions[len(kinds):], t.admonitions, strict=True)]
        shot = step.screenshot
        if shot is not None and t.screenshot is not None:
            scope = self.guide.variables
            shot = shot.model_copy(update={
                "alt": substitute(t.screenshot.alt, scope)[0] if t.screenshot.alt else shot.alt,
                "caption": substitute(t.screenshot.caption, scope)[0]
                if t.screenshot.caption else shot.caption})
        return replace(
            step, title=self.fill(t.title), text=self.fill(t.text),
            variants=[(plans, self.fill(text)) for (plans, _), text
                      in zip(step.variants, t.variants, strict=True)],
            admonitions=admonitions, screenshot=shot)


def _fields(text: dict[str, Any], path: tuple):
    """(path, string) of every piece of text in a part's translatable text."""
    for key, value in text.items():
        if isinstance(value, str):
            yield (*path, key), value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    yield (*path, key, i), item
                else:
                    yield from _fields(item, (*path, key, i))
        elif isinstance(value, dict):
            yield from _fields(value, (*path, key))


def _find_step(guide: RGuide, ident: str) -> RStep:
    return next(s for s in guide.all_steps() if s.id == ident)


# ── Every translation of the project ────────────────────────────────────────────────────────


def translation_file(steps_dir: Path, locale: str, guide: str) -> Path:
    """Where `guide`'s `locale` translation is: the .yml file, or a .yaml one if only that."""
    path = steps_dir / TRANSLATIONS_DIR / locale / f"{guide}.yml"
    other = path.with_suffix(".yaml")
    return other if other.is_file() and not path.is_file() else path


def load_translations(loader: Loader, guides: list[RGuide]
                      ) -> tuple[dict[tuple[str, str], RGuide], list[Coverage]]:
    """Every translation file checked; the guides in each language that has one, and what
    each translation covers."""
    folder = loader.steps_dir / TRANSLATIONS_DIR
    translated: dict[tuple[str, str], RGuide] = {}
    coverage: list[Coverage] = []
    if folder.is_dir():
        for sub in sorted(p for p in folder.iterdir()):
            if sub.name not in loader.locales[1:]:
                loader.problems.add(display_path(sub, loader.root), 0, "", loader.locale_message(
                    sub.name, source="the guides themselves are written in it"))
    by_id = {g.id: g for g in guides}
    for locale in loader.locales[1:]:
        seen: set[str] = set()
        for path in yaml_files(folder / locale):
            if path.stem in seen:
                loader.problems.add(display_path(path, loader.root), 0, "", f"'{path.stem}' is "
                                    "translated twice (a .yml and a .yaml file)")
            seen.add(path.stem)
            if path.stem not in by_id and path.stem not in loader.broken_guides:
                loader.problems.add(display_path(path, loader.root), 0, "",
                                    f"no guide '{path.stem}' in steps/"
                                    f"{did_you_mean(path.stem, by_id)}; a translation file is "
                                    "named after the id of the guide it translates")
        for guide in guides:
            path = translation_file(loader.steps_dir, locale, guide.id)
            display = display_path(path, loader.root)
            if not path.is_file():
                coverage.append(Coverage(guide.id, locale, display, 0, 0, exists=False, problems=[
                    Problem(display, 0, "", f"missing: guide '{guide.id}' has no '{locale}' "
                            f"translation; readers see it in the source language")]))
                continue
            doc = read_doc(path, loader.root, loader.problems)
            tr = doc and validate_doc(doc, GuideTranslation, loader.problems)
            if tr is None:
                continue
            localized, cover = _FileChecker(loader, doc, tr, loader.sources[guide.id], guide,
                                            locale).run()
            translated[(guide.id, locale)] = localized
            coverage.append(cover)
    return translated, coverage


# ── Starting a translation ─────────────────────────────────────────────────────────────────


class _Dumper(yaml.SafeDumper):
    """Text of several lines as a block (`|`), as writers write it."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def start(root: Path, guide_id: str, locale: str) -> Path:
    """Write `guide_id`'s translation file for `locale` with the source text of every part in
    it, to be translated in place; no part is stamped, so readers see the source until it is.
    Refuses to overwrite a translation."""
    loader = Loader(Layout(root).steps, root)
    catalog = loader.load()
    source = _source_of(loader, catalog, guide_id, locale)
    path = translation_file(loader.steps_dir, locale, guide_id)
    if path.exists():
        raise GuideError([Problem(display_path(path, root), 0, "", "a translation exists "
                                  "already: edit it (or remove it to start again)")])
    text = {**guide_text(source.guide),
            "sections": {i: section_text(sec) for i, (sec, _) in source.sections.items()},
            "steps": {i: step_text(step) for i, (step, _) in source.steps.items()}}
    head = (f"# yaml-language-server: $schema=../../schema/translation.schema.json\n"
            f"# {locale}: {source.file}, still in the source language. Translate each text in\n"
            f"# place, then run `guidegen translations stamp {guide_id} --locale {locale}`.\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, head + yaml.dump(text, Dumper=_Dumper, sort_keys=False,
                                        allow_unicode=True, width=95))
    return path


def _source_of(loader: Loader, catalog: Any, guide_id: str, locale: str) -> SourceText:
    if guide_id not in loader.sources:
        raise GuideError([Problem("command line", 0, "GUIDE", f"no guide '{guide_id}'"
                                  f"{did_you_mean(guide_id, loader.sources)}")])
    if locale not in catalog.translation_locales:
        raise GuideError([Problem("command line", 0, "--locale", loader.locale_message(
            locale, source="it has no translation"))])
    return loader.sources[guide_id]


# ── Stamping: recording the source a translator has checked ────────────────────────────────


def stamp(root: Path, guide_id: str, locale: str, only: tuple[str, ...] = ()) -> list[str]:
    """Write the current source hash into each translated part of `guide_id`'s `locale`
    translation (or only the steps and sections `only` names); returns the parts stamped.
    Refuses, changing nothing, when a part does not translate what its source has."""
    loader = Loader(Layout(root).steps, root)
    catalog = loader.load()
    source = _source_of(loader, catalog, guide_id, locale)
    path = translation_file(loader.steps_dir, locale, guide_id)
    if not path.is_file():
        raise GuideError([Problem(display_path(path, root), 0, "", "no such file: start it "
                                  f"with `guidegen translations start {guide_id} --locale "
                                  f"{locale}`")])
    doc = read_doc(path, root, loader.problems)
    tr = doc and validate_doc(doc, GuideTranslation, loader.problems)
    loader.problems.raise_if_any()
    parts = [p for p in _parts(source, tr) if p.translation is not None
             and (not only or (p.path and p.path[1] in only))]
    unknown = [i for i in only if i not in tr.steps and i not in tr.sections]
    if unknown:
        raise GuideError([Problem("command line", 0, "--step", f"'{i}' is no translated step "
                                  f"or section of {doc.file}") for i in unknown])
    checker = _FileChecker(loader, doc, tr, source,
                           next(g for g in catalog.guides if g.id == guide_id), locale)
    for part in parts:
        checker.check(part)
    loader.problems.raise_if_any()
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # From the bottom up, so that inserting a line keeps the lines above where they were.
    for part in sorted(parts, key=lambda p: -doc.line_of(p.path or ("title",))):
        _write_hash(lines, doc, part)
    write_atomic(path, "".join(lines))
    return [p.name for p in parts]


def _hash_text(value: str) -> str:
    """The hash as YAML reads it back as a string: '0123456789ab' is fine, but all digits
    would be a number, so those are quoted."""
    return value if isinstance(yaml.safe_load(value), str) else f'"{value}"'


HASH_VALUE = re.compile(r"(\bsource:[ \t]*)(['\"]?)[0-9a-f]*\2")


def _write_hash(lines: list[str], doc: YamlDocument, part: _Part) -> None:
    key = (*part.path, "source")
    if key in doc.lines:
        index = doc.lines[key] - 1
        lines[index] = HASH_VALUE.sub(lambda m: m.group(1) + _hash_text(part.hash), lines[index], count=1)
        return
    if not part.path:  # the guide's own text: a top-level key, before the first one
        first = min(line for p, line in doc.lines.items() if len(p) == 1)
        lines.insert(first - 1, f"source: {_hash_text(part.hash)}\n")
        return
    children = [line for p, line in doc.lines.items() if len(p) == 3 and p[:2] == part.path]
    head = doc.lines[part.path]
    if not children or min(children) == head:
        raise GuideError([Problem(doc.file, head, format_path(part.path), "write it as a block "
                                  "mapping, one key a line, to stamp it")])
    first = lines[min(children) - 1]
    indent = first[: len(first) - len(first.lstrip())]
    lines.insert(min(children) - 1, f"{indent}source: {_hash_text(part.hash)}\n")
