"""results.json, the machines' copy of a verify run: each step's status and, for a step that
failed, what was found. One model for the file, shared by everything that writes it (the
verify run, `report merge`) and everything that reads it (`fix`, the status file, `report
issues`, the people's reports, verify's exit code)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    computed_field,
    field_validator,
    model_serializer,
    model_validator,
)

from .errors import GuideError, Problem, format_path

FILE = "results.json"

Target = Literal["sim", "live"]
Status = Literal["passed", "failed", "not run", "manual"]  # manual: verify: manual, not performed


class Kind(StrEnum):
    """What went wrong in a step, classified so a writer knows whether to fix the guide."""

    STRUCTURE = "structure drift"  # a control is gone or renamed, a text changed
    VISUAL = "visual drift"        # the screenshot differs from its baseline above threshold
    OUTCOME = "outcome failure"    # the steps ran but the result is not there
    PLAN_CLAIM = "plan claim"      # the guide claims a plan whose organization lacks the feature
    ERROR = "error"                # network, timeout, expired sign-in: never reported as drift
    BLOCKED = "blocked"            # a guide this one requires drifted; reported on that guide
    SETUP = "setup failure"        # the guide's hidden set-up failed: its steps were not checked
    MISSING_DATA = "missing data"  # a row the step names is absent, and nothing earlier created it


class Hop(BaseModel):
    """One click on the way from where a control was expected to where it is now."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str = Field(min_length=1)  # link, tab, button (an expander or a menu button), menuitem
    name: str = Field(min_length=1)


class Rename(BaseModel):
    """A control of a step found under a new name by its fingerprint, or at the end of a path
    of clicks (`via`): the step went on past it."""

    model_config = ConfigDict(extra="forbid")

    action: int = Field(ge=0)        # index of the action in the step, from 0
    action_text: str | None = None   # the action as the writer declared it
    control: str | None = None       # '<page>.<control>' when the step names a page's control
    role: str
    old: str
    new: str
    via: list[Hop] | None = None     # the clicks that now lead to it, when it moved
    defined_at: str | None = None    # 'file:line' of the control, once the run knows it

    @field_validator("via", mode="before")
    @classmethod
    def _one_link(cls, via):
        """Reports written before moves were followed along paths hold one link's name."""
        if isinstance(via, str):
            return [{"role": "link", "name": via}] if via else None
        return via

    @model_serializer(mode="wrap")
    def _as_written(self, handler):
        # A control that did not move, or is named inline, has no such key in the file.
        data = handler(self)
        return {k: v for k, v in data.items() if v is not None or k not in ("via", "defined_at")}

    def describe(self) -> str:
        if self.via:
            name = f" (now '{self.new}')" if self.new and self.new != self.old else ""
            return f"{self.role} '{self.old}'{name} is now behind {via_text(self.via)}"
        return f"{self.role} '{self.old}' is now '{self.new}'"


def via_text(via: list[Hop]) -> str:
    return " > ".join(f"{hop.role} '{hop.name}'" for hop in via)


def renamed_message(renamed: list[Rename]) -> str:
    return "changed: " + "; ".join(r.describe() for r in renamed)


class FindingRecord(BaseModel):
    """What a failed step found, as results.json records it (the engine raises a `Finding`)."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind
    message: str = ""
    action: int | None = Field(None, ge=0)  # index of the action in the step, from 0
    action_text: str | None = None   # the action as the writer declared it
    expected: str | None = None
    found: list[str] = []            # the closest accessible names; visual: new capture, diff
    control: str | None = None       # '<page>.<control>' when the step names a page's control
    defined_at: str | None = None    # 'file:line' of that control: the one place to edit
    renamed: list[Rename] = []       # controls the step went on past, under new names or paths
    shown: str | None = None         # what the element an expectation names actually shows
    notices: list[str] = []          # alerts and toasts on the page then


class StepResult(BaseModel):
    model_config = ConfigDict(extra="forbid")

    guide: str
    step: str
    plan: str | None = None          # the plan of the claim run it ran in; None: the plain run
    status: Status
    finding: FindingRecord | None = None
    claim: str | None = None         # the plan whose claim its result speaks for
    locale: str | None = None        # the language of the portal's UI; None: the source's

    @property
    def kind(self) -> Kind | None:
        return self.finding.kind if self.finding else None

    @property
    def where(self) -> str:
        """'<guide>/<step>', '<guide>[<plan>]/<step>' in a claim run, and '@<locale>' after
        the guide in a run in another language: '<guide>@de/<step>'."""
        guide = f"{self.guide}@{self.locale}" if self.locale else self.guide
        guide = f"{guide}[{self.plan}]" if self.plan else guide
        return f"{guide}/{self.step}"


COUNTS = ("passed", "failed", "not_run")


class Results(BaseModel):
    """A verify run's results: steps in guide order. `speaks_for_site` says whether they
    belong in screenshots/status.json, which a merge of shards needs to know. The counts are
    written for people and CI scripts, and worked out from the steps."""

    model_config = ConfigDict(extra="forbid")

    target: Target
    speaks_for_site: bool = False
    steps: list[StepResult]

    @model_validator(mode="before")
    @classmethod
    def _counts_are_derived(cls, data):
        return {k: v for k, v in data.items() if k not in COUNTS} if isinstance(data, dict) \
            else data

    @computed_field
    @property
    def passed(self) -> int:
        return sum(s.status == "passed" for s in self.steps)

    @computed_field
    @property
    def failed(self) -> int:
        return sum(s.status == "failed" for s in self.steps)

    @computed_field
    @property
    def not_run(self) -> int:
        return sum(s.status == "not run" for s in self.steps)

    def to_json(self) -> str:
        """The file's text, laid out as json.dumps does (two-space indent, ASCII)."""
        return json.dumps(self.model_dump(mode="json"), indent=2) + "\n"


# A run of thousands of steps writes a few megabytes; a file far larger is not a run's.
MAX_BYTES = 64_000_000


def read_results(path: Path) -> Results:
    """A verify run's results.json, given it or the report folder that holds it. The file may
    come from another machine (a shard) or be crafted: anything that is not a run's results
    is a GuideError naming the file and the field, never a traceback."""
    path = path / FILE if path.is_dir() else path
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
        data = json.loads(raw) if len(raw) <= MAX_BYTES else None
    except (OSError, ValueError, RecursionError):  # RecursionError: nesting beyond any run's
        data = None
    if not (isinstance(data, dict) and "target" in data and isinstance(data.get("steps"), list)):
        raise GuideError([Problem(str(path), 0, "", "not the results.json of a guidegen "
                                  "verify run")])
    where = _unencodable(data)
    if where is not None:
        raise GuideError([Problem(str(path), 0, _field(where), "not text: a lone UTF-16 "
                                  "surrogate (\\ud800-\\udfff), which no report can show")])
    try:
        return Results.model_validate(data)
    except ValidationError as err:
        raise GuideError([Problem(str(path), 0, _field(e["loc"]), e["msg"])
                          for e in err.errors()]) from None


def _field(where: tuple) -> str:
    """A field's path as a message shows it: a key of the file's own that is no plain text
    (a control character, a lone surrogate) is shown escaped, never printed raw."""
    return format_path(part.encode("unicode_escape").decode("ascii")
                       if isinstance(part, str) and not part.isprintable() else part
                       for part in where)


def _unencodable(data) -> tuple | None:
    """Where a string (or key) holds a lone surrogate, which JSON can escape and UTF-8 cannot
    hold: the HTML report and the summary would fail to be written. A stack, not recursion:
    the nesting is the file's to choose."""
    stack: list[tuple[tuple, object]] = [((), data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if any("\ud800" <= c <= "\udfff" for c in value):
                return where
            continue
        items = value.items() if isinstance(value, dict) else enumerate(value) \
            if isinstance(value, list) else ()
        for key, item in items:
            if isinstance(key, str):
                stack.append(((*where, key), key))
            stack.append(((*where, key), item))
    return None
