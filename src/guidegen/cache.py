"""Results of pure work on the project's files, kept by the content of those files.

The live preview loads and renders the whole project on every save; nearly all of it is the
same as before. A `ContentCache` keeps what a guide's step file gave (its checked guide and
what checking it told the loader) under a hash of the file's bytes and of every file it
depends on (project.yml, the page objects, the reusable steps), so a save re-reads only the
files that changed, and a change to a page object or project.yml re-checks every guide.

The cache is passed in, never global: `guidegen render` and `guidegen build` run once and
need none; the preview (`guidegen serve`, and the MkDocs plugin under `mkdocs serve`) holds
one for as long as it runs, and its render and build go through the same one.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MAX_ENTRIES = 4096  # guides; an entry is one checked guide, a few hundred KiB at most


def digest(*parts: bytes | str) -> str:
    """A hash of the parts, each length-prefixed so that ('ab', 'c') != ('a', 'bc')."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    """A hash of the files' names and bytes (a missing file counts as absent)."""
    parts: list[bytes | str] = []
    for path in sorted(paths):
        try:
            parts += [str(path), path.read_bytes()]
        except OSError:
            parts += [str(path), b"\0missing"]
    return digest(*parts)


class ContentCache:
    """A bounded map from content keys to results; the least recently used go first."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._items: OrderedDict[str, Any] = OrderedDict()
        self.max_entries = max_entries
        self.hits = self.misses = 0

    def get(self, key: str) -> Any | None:
        value = self._items.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return value

    def put(self, key: str, value: Any) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)
