"""What the renderer and the verify run consume: guides with reusable steps expanded,
variables substituted, plans resolved and steps numbered."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Admonition, Locator, Plan, Portal, Screenshot, Strict


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

    def all_steps(self) -> list[RStep]:
        return [s for sec in self.sections for s in sec.all_steps()]


@dataclass
class Catalog:
    plans: list[Plan]
    portals: dict[str, Portal]
    guides: list[RGuide]
    controls: dict[str, Control] = field(default_factory=dict)

    @property
    def plan_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.plans)

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

    def plan_name(self, plan_id: str) -> str:
        return next(p.name for p in self.plans if p.id == plan_id)
