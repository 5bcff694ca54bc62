"""Catalog -> Markdown pages (and the files they need) through the Jinja2 templates, in
each language of the help centre.

The output is plain Markdown and HTML that Material and Zensical both build: no MkDocs
plugin has to run for a page to exist. Templates get plain data, never Python objects
with behaviour, so they stay readable for writers.

The templates are written in the source language (English); their words for readers are
gettext messages (Jinja2's i18n extension), translated per language in
`templates/locales/<locale>.po`, a Babel catalog compiled in memory when rendering. The plan
picker's words (docs/assets/guidegen.js) are messages of the same catalog, handed to the
page in guidegen-data.js.

A bold quote is a UI label, a portal's text (`guidegen fix` writes renamed ones): its `<`
and `>` reach the Markdown as character references, so a label never becomes HTML in the
site (the loader does the same for variable values).
"""

from __future__ import annotations

import datetime
import gettext
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale as BabelLocale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from .cache import ContentCache, digest
from .catalog import Catalog, RGuide, RSection, RStep
from .checks import BOLD
from .errors import GuideError, Problem
from .status import read_status

GUIDES_DIR = "guides"
MESSAGES_DIR = "locales"  # under templates/: <locale>.po
SCRIPT = "docs/assets/guidegen.js"  # where the plan picker's messages come from (.po locations)


@dataclass(frozen=True)
class Output:
    """One generated file: text to write, or a file to copy (a screenshot)."""

    text: str | None = None
    copy_from: Path | None = None


def _prose(text: str) -> str:
    """Markdown prose with its bold labels as text (see the module's docstring)."""
    return BOLD.sub(lambda m: "**" + m.group(1).replace("<", "&lt;").replace(">", "&gt;")
                    + "**", text.strip())


def messages_file(templates: Path, locale: str) -> Path:
    return templates / MESSAGES_DIR / f"{locale}.po"


def site_messages(templates: Path, locale: str | None) -> tuple[gettext.NullTranslations, dict]:
    """The site's words in `locale`: translations for the templates and, for the plan
    picker, its messages (msgid -> text, or [singular, plural] forms). The source language
    needs no catalog: the templates and the script are written in it."""
    if locale is None:
        return gettext.NullTranslations(), {}
    path = messages_file(templates, locale)
    try:
        with path.open("rb") as po:
            catalog = read_po(po, locale=locale, abort_invalid=True)
    except OSError:
        raise GuideError([Problem(str(path), 0, "", f"missing: the site's words in '{locale}' "
                                  "(copy another language's file and translate it)")]) from None
    except PoFileError as err:  # its text ends with " on <line>", which Problem says
        raise GuideError([Problem(str(path), err.lineno + 1, "",
                                  str(err).rsplit(" on ", 1)[0])]) from None
    # A translation whose placeholders differ from its message's would fail mid-render.
    problems = [Problem(str(path), message.lineno, f"msgid {message.id!r}", str(error))
                for message, errors in catalog.check() for error in errors]
    if problems:
        raise GuideError(problems)
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    script = {}
    for message in catalog:
        if message.id and message.string and any(f == SCRIPT for f, _ in message.locations):
            key = message.id[0] if message.pluralizable else message.id
            script[key] = list(message.string) if message.pluralizable else message.string
    return gettext.GNUTranslations(mo), script


# What a template's `x.name` finds on a dict before its items: the dict's methods.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        """`step.text` on the templates' data, a dict, as Jinja finds it (an attribute
        first, then the item) without the AttributeError Jinja raises and catches first:
        some hundred thousand per build of 200 guides, a sixth of the render."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def _environment(templates: Path, translations: gettext.NullTranslations) -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the build, not the page
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown out; HTML attributes are escaped with |e where used
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return env


def _date(iso: str, locale: str | None) -> str:
    """'29 November 2026' in English as the site has always said it (Babel's long English
    date puts the month first), the language's long date elsewhere ('29. November 2026')."""
    date = datetime.date.fromisoformat(iso)
    return format_date(date, "long", locale=locale) if locale else \
        format_date(date, "d MMMM y", locale="en")


# A plan note's facts when no verification has spoken about its plans yet.
NO_VERDICT = dict.fromkeys(("date", "iso", "target", "step", "number"))


def _prepared(templates: Path, locale: str | None,
              cache: ContentCache | None) -> tuple[jinja2.Environment, dict]:
    """The templates' environment and the plan picker's messages in `locale`. With a cache
    (the preview's), kept while the language's catalog is unchanged: compiling the catalog
    and the templates again is most of a render, and Jinja's loader already compiles a
    template again when its file changes."""
    po = messages_file(templates, locale) if locale else None
    try:
        key = digest("templates", str(templates), locale or "", po.read_bytes() if po else b"")
    except OSError:
        key = None  # site_messages reports the missing catalog
    prepared = cache.get(key) if cache is not None and key else None
    if prepared is None:
        translations, messages = site_messages(templates, locale)
        prepared = (_environment(templates, translations), messages)
        if cache is not None and key:
            cache.put(key, prepared)
    return prepared


class Renderer:
    def __init__(self, catalog: Catalog, templates: Path, screenshots: Path,
                 locale: str | None = None, cache: ContentCache | None = None) -> None:
        """`locale` None renders the source language. What the pages say verification
        established is what runs in that language did (`verify --locale de`): a German
        page is as verified as the German portal was."""
        self.catalog = catalog
        self.screenshots = screenshots
        self.locale = None if locale == catalog.source_locale else locale
        self.env, self.script_messages = _prepared(templates, self.locale, cache)
        self.plans = [{"id": p.id, "name": catalog.plan_name(p.id, self.locale)}
                      for p in catalog.plans]
        self.status = read_status(screenshots, self.locale)
        self._names: dict[tuple[str, ...], str] = {}
        self._shots: dict[str, dict[str, Path | None]] = {}  # guide -> step -> screenshot

    def names(self, plans: tuple[str, ...]) -> str:
        # Asked for every step, section and variant: a few distinct lists, thousands of times.
        if plans not in self._names:
            self._names[plans] = ", ".join(self.catalog.plan_name(p, self.locale) for p in plans)
        return self._names[plans]

    def shot_path(self, guide: RGuide, step: RStep) -> Path | None:
        """The step's screenshot as the portal shows it in this language (`<name>.de.png`,
        written by `verify --locale de`), else the source language's; kept for render()."""
        if not step.screenshot:
            return None
        folder = self.screenshots / guide.id
        names = [f"{step.screenshot.name}.{self.locale}.png"] if self.locale else []
        path = next((folder / n for n in [*names, f"{step.screenshot.name}.png"]
                     if (folder / n).is_file()), None)
        self._shots.setdefault(guide.id, {})[step.id] = path
        return path

    def step_data(self, guide: RGuide, step: RStep) -> dict:
        shot = step.screenshot
        path = self.shot_path(guide, step)
        return {
            # A step checked by hand is never shown as drift, whatever an older status says.
            "problem": None if step.manual else
            self.status.get(guide.id, {}).get("problems", {}).get(step.id),
            "manual": step.manual,
            "id": step.id, "number": step.number, "title": step.title, "text": _prose(step.text),
            "plans": step.plans, "plan_names": self.names(step.plans), "narrower": step.narrower,
            "optional": step.optional, "fallback": step.fallback,
            "variants": [{"plans": p, "plan_names": self.names(p), "text": _prose(t)}
                         for p, t in step.variants],
            "admonitions": [{"kind": a.kind, "title": a.title, "text": _prose(a.text)}
                            for a in step.admonitions],
            "screenshot": shot and {
                "name": shot.name, "alt": " ".join(shot.alt.split()), "caption": shot.caption,
                "src": f"screenshots/{guide.id}/{path.name if path else shot.name + '.png'}",
                "exists": path is not None,
            },
        }

    def section_data(self, guide: RGuide, sec: RSection) -> dict:
        return {
            "id": sec.id, "title": sec.title, "text": _prose(sec.text or ""),
            "plans": sec.plans, "plan_names": self.names(sec.plans), "narrower": sec.narrower,
            "level": sec.level, "fallback": sec.fallback,
            "steps": [self.step_data(guide, s) for s in sec.steps],
            "sections": [self.section_data(guide, s) for s in sec.sections],
        }

    def guide_data(self, guide: RGuide) -> dict:
        steps = guide.all_steps()
        sections = [self.section_data(guide, s) for s in guide.sections]
        return {
            "id": guide.id, "title": guide.title, "summary": " ".join(guide.summary.split()),
            "plans": guide.plans, "plan_names": self.names(guide.plans),
            "intro": _prose(guide.intro or ""), "outro": _prose(guide.outro or ""),
            "fallback": guide.fallback,
            "sections": sections,
            "step_count": len(steps),
            # For the matrix: how many steps each plan's readers see.
            "steps_per_plan": {p: sum(p in s.plans for s in steps) for p in guide.plans},
            "source": guide.origin.file,
            "verified": self.verified(guide),
            "plan_checks": self.plan_checks(guide),
        }

    def verified(self, guide: RGuide) -> dict | None:
        entry = self.status.get(guide.id)
        if not entry:
            return None
        return {"target": entry["target"], "date": _date(entry["date"], self.locale),
                "iso": entry["date"],
                "passed": entry["result"] == "passed", "problems": len(entry["problems"])}

    def plan_checks(self, guide: RGuide) -> dict:
        """Every plan of the project with what verification established about the guide on
        it: `verified` (a check passed), `failed` (the last check found the guide does not
        work on that plan), `unverified` (claimed, never checked) or `excluded` (not
        claimed); and the same as sentences, one per state and date."""
        verdicts = self.status.get(guide.id, {}).get("plans", {})
        numbers = {s.id: s.number for s in guide.all_steps()}
        plans, notes = [], {}
        for plan in self.catalog.plans:
            name = self.catalog.plan_name(plan.id, self.locale)
            verdict = verdicts.get(plan.id) if plan.id in guide.plans else None
            state = ("excluded" if plan.id not in guide.plans else "unverified" if not verdict
                     else "verified" if verdict["result"] == "passed" else "failed")
            plans.append({"id": plan.id, "name": name, "state": state})
            if state == "excluded":
                continue
            when = verdict and (verdict["date"], verdict["target"], verdict.get("step"))
            note = notes.setdefault((state, when), {"state": state, "names": [], **NO_VERDICT})
            note["names"].append(name)
            if verdict:
                note.update(date=_date(verdict["date"], self.locale), iso=verdict["date"],
                            target=verdict["target"],
                            step=verdict.get("step"), number=numbers.get(verdict.get("step")))
        order = {"verified": 0, "failed": 1, "unverified": 2}
        return {"plans": plans,
                "notes": sorted(notes.values(), key=lambda n: order[n["state"]])}

    def render(self) -> dict[str, Output]:
        """Every generated file, keyed by its path under the language's docs folder."""
        guides = [self.catalog.guide_in(g, self.locale) for g in self.catalog.guides]
        pages = [self.guide_data(g) for g in guides]
        source = self.catalog.source_locale
        site = {"locale": self.locale, "source_locale": source, "untranslated": None,
                # The source language's name in the page's language: 'Englisch'.
                "source_language": BabelLocale.parse(source).get_display_name(self.locale)
                if self.locale else None}
        context = {"plans": self.plans, "guides": pages, "site": site}
        out: dict[str, Output] = {}
        template = self.env.get_template("guide.md.j2")
        for guide, data in zip(guides, pages, strict=True):
            # In a translation: how much of the guide readers see in the source language.
            page = template.render(guide=data, **{
                **context, "site": {**site, "untranslated": self.locale and _untranslated(guide)}})
            out[f"{GUIDES_DIR}/{guide.id}.md"] = Output(text=page)
            for shot in self._shots.pop(guide.id, {}).values():  # as guide_data found them
                if shot:
                    out[f"{GUIDES_DIR}/screenshots/{guide.id}/{shot.name}"] = Output(copy_from=shot)
        out[f"{GUIDES_DIR}/index.md"] = Output(
            text=self.env.get_template("overview.md.j2").render(**context))
        out[f"{GUIDES_DIR}/plans.md"] = Output(
            text=self.env.get_template("by-plan.md.j2").render(**context))
        data: dict = {"plans": self.plans,
                      "guides": {g["id"]: {"title": g["title"], "plans": list(g["plans"])}
                                 for g in pages}}
        if self.script_messages:
            data["messages"] = self.script_messages
        out[f"{GUIDES_DIR}/guidegen-data.js"] = Output(
            text="// Generated by guidegen: the plan registry and each guide's plans.\n"
                 f"window.GUIDEGEN = {json.dumps(data, indent=1, sort_keys=True)};\n")
        return out


def _untranslated(guide: RGuide) -> str | None:
    """'all' when every part of a translated guide is in the source language (no
    translation at all: one note at the top), 'some' when some are (a note on each)."""
    def sections(secs: list[RSection]) -> list[bool]:
        return [flag for s in secs for flag in (s.fallback, *sections(s.sections))]
    parts = [guide.fallback, *sections(guide.sections), *(s.fallback for s in guide.all_steps())]
    return "all" if all(parts) else "some" if any(parts) else None


def _template_line(err: Exception, templates: Path) -> tuple[str, int]:
    """The template file and line a rendering error came from (Jinja keeps them in the
    traceback it rewrites)."""
    file, line = getattr(err, "filename", None), getattr(err, "lineno", None)
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(str(templates)):
            file, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return str(file or templates), int(line or 0)


def render_catalog(catalog: Catalog, templates: Path, screenshots: Path,
                   locale: str | None = None, cache: ContentCache | None = None,
                   ) -> dict[str, Output]:
    """One language's generated files (see Renderer), keyed by path under its docs folder."""
    try:
        return Renderer(catalog, templates, screenshots, locale, cache).render()
    except jinja2.TemplateNotFound as err:
        raise GuideError([Problem(str(templates / str(err.name)), 0, "",
                                  "template not found")]) from None
    except jinja2.TemplateError as err:
        file, line = _template_line(err, templates)
        raise GuideError([Problem(file, line, "", f"template error: {err.message}")]) from None
