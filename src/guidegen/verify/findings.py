"""What can go wrong in a step, classified so a writer knows whether to fix the guide."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

STRUCTURE = "structure drift"  # a control is gone or renamed, a text changed
VISUAL = "visual drift"        # the screenshot differs from its baseline above threshold
OUTCOME = "outcome failure"    # the steps ran but the result is not there
PLAN_CLAIM = "plan claim"      # the guide claims a plan whose organization lacks the feature
ERROR = "error"                # network, timeout, expired sign-in: never reported as drift
BLOCKED = "blocked"            # a guide this one requires drifted; reported on that guide
KINDS = (STRUCTURE, VISUAL, OUTCOME, PLAN_CLAIM, ERROR, BLOCKED)


@dataclass
class Finding(Exception):
    kind: str
    message: str
    action: int | None = None        # index of the action in the step, from 0
    action_text: str | None = None   # the action as the writer declared it
    expected: str | None = None
    found: list[str] = field(default_factory=list)  # e.g. the closest accessible names
    control: str | None = None       # '<page>.<control>' when the step names a page's control
    defined_at: str | None = None    # 'file:line' of that control: the one place to edit
    # Controls found under a new name by their fingerprints, in this step: {action,
    # action_text, control, role, old, new} each (and `defined_at` once the run knows it).
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


    def to_dict(self) -> dict:
        return asdict(self)


def renamed_message(renamed: list[dict]) -> str:
    return "changed: " + "; ".join(_change(r) for r in renamed)


def via_steps(via) -> list[dict]:
    """The clicks that lead to a moved control: [{role, name}, ...]. Reports written before
    moves were followed along paths hold one link's name."""
    if not via:
        return []
    if isinstance(via, str):
        return [{"role": "link", "name": via}]
    return [v for v in via if isinstance(v, dict) and v.get("name")]


def via_text(via) -> str:
    return " > ".join(f"{v['role']} '{v['name']}'" for v in via_steps(via))


def _change(r: dict) -> str:
    if r.get("via"):
        name = f" (now '{r['new']}')" if r.get("new") and r["new"] != r["old"] else ""
        return f"{r['role']} '{r['old']}'{name} is now behind {via_text(r['via'])}"
    return f"{r['role']} '{r['old']}' is now '{r['new']}'"
