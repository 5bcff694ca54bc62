"""What the renderer and the verify run consume: guides with reusable steps expanded,
variables substituted, plans resolved and steps numbered."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .errors import Problem
from .model import Admonition, Locale, Locator, Plan, Portal, Screenshot, Strict


@dataclass(frozen=True)
class Origin:
    """Where a thing was written, for messages."""

    file: str
    line: int


@dataclass(frozen=True)
class Control:
    """A control declared on a page in `steps/pages/`: what drift reports and fixes point at."""

    ref: str          # '<page>.<control>'
    locator: Locator
    portal: str
    origin: Origin    # the line of its definition
    secret: bool = False  # it shows or takes a secret: never stored, shown or traced


@dataclass
class RStep:
    id: str
    number: int
    title: str | None
    text: str
    plans: tuple[str, ...]
    narrower: bool  # plans narrower than the enclosing section's: readers see a badge
    variants: list[tuple[tuple[str, ...], str]]
    admonitions: list[Admonition]
    optional: bool
    portal: str
    screenshot: Screenshot | None
    actions: list[Strict]
    origin: Origin
    reusable: str | None = None
    manual: str | None = None  # verify: manual, and why: the run does not perform it
    # In a translated guide: shown in the source language, as its translation is missing or
    # stale (readers see a note).
    fallback: bool = False


@dataclass
class RSection:
    id: str
    title: str
    text: str | None
    plans: tuple[str, ...]
    narrower: bool
    level: int
    steps: list[RStep] = field(default_factory=list)
    sections: list[RSection] = field(default_factory=list)
    fallback: bool = False  # its title and text in the source language (see RStep)

    def all_steps(self) -> list[RStep]:
        return self.steps + [s for sub in self.sections for s in sub.all_steps()]


@dataclass
class RGuide:
    id: str
    title: str
    summary: str
    plans: tuple[str, ...]
    portals: tuple[str, ...]
    order: int
    intro: str | None
    outro: str | None
    sections: list[RSection]
    secrets: dict[str, str]
    outcome: list[RStep]
    requires: tuple[str, ...]
    variables: dict[str, str]  # project and guide variables: the scope of action values
    origin: Origin
    setup: list[RStep] = field(default_factory=list)  # performed before the steps, not shown
    locale: str | None = None  # None: the source language
    fallback: bool = False  # its title, summary, intro and outro in the source language

    def all_steps(self) -> list[RStep]:
        return [s for sec in self.sections for s in sec.all_steps()]


@dataclass
class Coverage:
    """How much of one guide one translation holds, up to date. Parts are the guide's own
    text (title, summary, intro, outro), each section's title and text, and each step."""

    guide: str
    locale: str
    file: str  # the translation file, relative to the project
    parts: int
    up_to_date: int
    exists: bool = True
    missing: list[str] = field(default_factory=list)    # part names: 'guide', 'section x', ...
    stale: list[str] = field(default_factory=list)
    unstamped: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)  # translated, but gone from the source
    problems: list[Problem] = field(default_factory=list)  # one line each, for `check`

    @property
    def complete(self) -> bool:
        return self.exists and self.parts == self.up_to_date and not self.orphaned


@dataclass
class Catalog:
    plans: list[Plan]
    portals: dict[str, Portal]
    guides: list[RGuide]
    controls: dict[str, Control] = field(default_factory=dict)
    locales: list[Locale] = field(default_factory=lambda: [Locale(id="en", name="English")])
    # (guide id, locale) -> the guide in that language, wherever a translation file exists.
    translated: dict[tuple[str, str], RGuide] = field(default_factory=dict)
    # What each translation covers, per guide and locale; what it lacks shows in the source.
    coverage: list[Coverage] = field(default_factory=list)

    @property
    def plan_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.plans)

    @property
    def source_locale(self) -> str:
        return self.locales[0].id

    @property
    def translation_locales(self) -> tuple[str, ...]:
        return tuple(loc.id for loc in self.locales[1:])

    @property
    def untranslated(self) -> list[Problem]:
        """Translations missing, stale, not stamped or of parts the source no longer has:
        `check` lists them; never an error
        unless asked (`check --require-translations`), as the site then shows the source."""
        return [p for c in self.coverage for p in c.problems]

    def guide_in(self, guide: RGuide, locale: str | None) -> RGuide:
        """`guide` as readers of `locale` see it: translated where a translation is up to
        date, each part in the source language (`fallback`) where it is not."""
        if locale is None or locale == self.source_locale:
            return guide
        found = self.translated.get((guide.id, locale))
        return found if found is not None else _all_fallback(guide, locale)

    def requirements(self, guide: RGuide) -> list[RGuide]:
        """The guides `guide` requires, directly or through others, in the order a run
        performs them: a guide after everything it requires, each once (the loader has
        refused cycles)."""
        by_id = {g.id: g for g in self.guides}
        order: list[RGuide] = []
        seen: set[str] = set()

        def visit(ids: tuple[str, ...]) -> None:
            for ident in ids:
                if ident not in seen:
                    seen.add(ident)
                    visit(by_id[ident].requires)
                    order.append(by_id[ident])

        visit(guide.requires)
        return order

    def plan_name(self, plan_id: str, locale: str | None = None) -> str:
        plan = next(p for p in self.plans if p.id == plan_id)
        return plan.names.get(locale, plan.name) if locale else plan.name


def _all_fallback(guide: RGuide, locale: str) -> RGuide:
    """A guide no translation file covers: every part in the source language."""

    def section(sec: RSection) -> RSection:
        return replace(sec, fallback=True, steps=[replace(s, fallback=True) for s in sec.steps],
                       sections=[section(sub) for sub in sec.sections])

    return replace(guide, locale=locale, fallback=True,
                   sections=[section(s) for s in guide.sections])
