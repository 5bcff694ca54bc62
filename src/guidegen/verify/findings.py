"""What can go wrong in a step, raised by the engine where it happens; recorded in
results.json as the run's `FindingRecord` (guidegen.results, where the kinds are defined)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .. import results
from ..results import FindingRecord, Kind, Rename

# The kinds under the short names the engine raises them by.
STRUCTURE, VISUAL, OUTCOME, PLAN_CLAIM, ERROR, BLOCKED, SETUP, MISSING_DATA = (
    Kind.STRUCTURE, Kind.VISUAL, Kind.OUTCOME, Kind.PLAN_CLAIM, Kind.ERROR, Kind.BLOCKED,
    Kind.SETUP, Kind.MISSING_DATA)


@dataclass
class Finding(Exception):
    kind: Kind
    message: str
    action: int | None = None        # index of the action in the step, from 0
    action_text: str | None = None   # the action as the writer declared it
    expected: str | None = None
    found: list[str] = field(default_factory=list)  # e.g. the closest accessible names
    control: str | None = None       # '<page>.<control>' when the step names a page's control
    defined_at: str | None = None    # 'file:line' of that control: the one place to edit
    # Controls found under a new name by their fingerprints, or along a path of clicks, in
    # this step: a `Rename`'s fields each (`defined_at` once the run knows it).
    renamed: list[dict] = field(default_factory=list)
    shown: str | None = None         # what the element an expectation names actually shows
    notices: list[str] = field(default_factory=list)  # alerts and toasts on the page then

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f"action {self.action + 1} ({self.action_text}): " if self.action is not None else ""
        text = f"{self.kind}: {where}{self.message}"
        if self.found and self.kind == VISUAL:
            text += "; new capture and diff: " + ", ".join(self.found)
        elif self.found:
            text += "; closest on the page: " + ", ".join(f"'{f}'" for f in self.found)
        if self.shown is not None:
            text += f"; it shows: '{self.shown}'"
        if self.notices:
            text += "; the page says: " + ", ".join(f"'{n}'" for n in self.notices)
        if self.control:
            text += f" [control {self.control}" + (f", {self.defined_at}]" if self.defined_at else "]")
        if self.renamed and self.message != renamed_message(self.renamed):
            text += "; also " + renamed_message(self.renamed)
        return text

    def record(self) -> FindingRecord:
        """The finding as results.json records it."""
        return FindingRecord.model_validate(asdict(self))


class NoBaseline(Finding):
    """A screenshot never recorded (a writer's first run of a new guide): nothing on the page
    failed, so no trace would explain it, and the guide is not run again to record one."""


def renamed_message(renamed: list[dict]) -> str:
    """What changed, told as in results.json (the engine keeps its renames as dicts)."""
    return results.renamed_message([Rename.model_validate(r) for r in renamed])

