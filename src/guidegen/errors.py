"""The one error type: every problem a writer can cause carries its file, line and field."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, printed as `file:line: field: message`."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class GuideError(Exception):
    """Raised with every problem found in one run, so a writer fixes them all at once."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in sorted(self.problems))


class Problems:
    """Collects problems while loading; `raise_if_any` ends the run with all of them."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str | Path, line: int, field_path: str, message: str) -> None:
        self.items.append(Problem(str(file), line, field_path, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def raise_if_any(self) -> None:
        if self.items:
            raise GuideError(sorted(set(self.items)))

    def __bool__(self) -> bool:
        return bool(self.items)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for a close match, else an empty string."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def format_path(path: Iterable[str | int]) -> str:
    """('sections', 0, 'steps', 3, 'click') -> 'sections[0].steps[3].click'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class BuildError(Exception):
    """MkDocs refused the site (a broken link in strict mode, a bad mkdocs.yml). Here, not in
    build.py, so that the command line names it without importing the build's modules."""
