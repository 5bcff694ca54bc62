"""Results of pure work on the project's files, kept by the content of those files.

The live preview loads and renders the whole project on every save; nearly all of it is the
same as before. A `ContentCache` keeps what a guide's step file gave (its checked guide and
what checking it told the loader) under a hash of the file's bytes and of every file it
depends on (project.yml, the page objects, the reusable steps), so a save re-reads only the
files that changed, and a change to a page object or project.yml re-checks every guide.

The cache is passed in, never global. The preview (`guidegen serve`, and the MkDocs plugin
under `mkdocs serve`) holds one for as long as it runs, and its render and build go through
the same one. A `DiskCache` also keeps the checked guides in `.guidegen-cache/load/`, so that
`guidegen build`, `guidegen render` and the preview's start read only the step files that
changed since any of them last ran. They are kept in one file, the checked guides of the
last load that checked any: one file to create per load, where one per guide cost a first
build of 200 guides 0.07 s of CPU in file creation alone. Its entries are pickles, so the file
is private (0600 in a 0700 folder) and a file another user owns or could have written is
never unpickled; it records a digest of guidegen's own code, so an upgrade never reads an
older layout.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MAX_ENTRIES = 4096  # guides; an entry is one checked guide, a few hundred KiB at most
FOLDER = Path(".guidegen-cache") / "load"  # under the project


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
            value = self._read(key)
            if value is not None:
                self._items[key] = value
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(key)
        return value

    def _read(self, key: str) -> Any | None:
        """An entry kept elsewhere (DiskCache: in a file); here, none."""
        return None

    def save(self) -> None:
        """Keep what a load put (DiskCache: in a file); here, nothing outlives the process."""

    def put(self, key: str, value: Any, keep: bool = False) -> None:
        """`keep`: also across runs, where the cache can (a value that pickles)."""
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)


class DiskCache(ContentCache):
    """A ContentCache whose kept entries are also in a file, `folder/checked.pickle`: a
    pickle of (code digest, {key: the entry pickled}). Entries stay pickled until asked for,
    so a load that checked one guide again writes the others' bytes as it read them."""

    def __init__(self, folder: Path, max_entries: int = MAX_ENTRIES) -> None:
        super().__init__(max_entries)
        self.folder = folder
        self.code = _code_digest()
        self._kept: dict[str, bytes] | None = None  # read from the file when first asked
        self._used: dict[str, None] = {}  # kept keys asked for or put since the last save
        self._changed = False

    @property
    def path(self) -> Path:
        return self.folder / "checked.pickle"

    def get(self, key: str) -> Any | None:
        value = super().get(key)
        if value is not None and key in self._file():
            self._used[key] = None
        return value

    def put(self, key: str, value: Any, keep: bool = False) -> None:
        super().put(key, value)
        if keep:
            try:
                self._file()[key] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError):
                return  # kept in memory only
            self._used[key] = None
            self._changed = True

    def save(self) -> None:
        """Write the entries used since the last save, if any is new; those of guides no
        longer there or changed since are left out (the file never outgrows the project)."""
        used, self._used = self._used, {}
        held = self._file()
        kept = self._kept = {k: held[k] for k in used}  # what a long preview holds
        if not self._changed and len(kept) == len(held):
            return  # nothing new, nothing gone
        self._changed = False
        from .atomic import write_atomic

        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if self.folder.lstat().st_mode & 0o077:
                return  # a folder others can write in is no place for pickles we read back
            write_atomic(self.path, pickle.dumps((self.code, kept), pickle.HIGHEST_PROTOCOL),
                         mode=0o600, durable=False)
            # Earlier versions kept one file per guide here: never read again, so gone.
            for stale in self.folder.glob("*.pickle"):
                if stale.name != self.path.name:
                    stale.unlink()
        except OSError:
            pass  # a read-only project still builds; only the next run is slower

    def _read(self, key: str) -> Any | None:
        blob = self._file().get(key)
        if blob is None:
            return None
        try:
            return pickle.loads(blob)  # noqa: S301 - private, ours (see _file)
        except Exception:  # an entry of a layout that no longer loads: check the file again
            return None

    def _file(self) -> dict[str, bytes]:
        """The pickled entries of the file, read once; none when it is missing, another
        user's or others could have written it, of another code digest, or unreadable."""
        if self._kept is None:
            self._kept = {}
            try:
                info = self.path.lstat()
                if info.st_uid != os.getuid() or info.st_mode & 0o077 or not self.path.is_file():
                    return self._kept  # not ours alone: never unpickled
                code, entries = pickle.loads(self.path.read_bytes())  # noqa: S301 - see above
                if code == self.code and isinstance(entries, dict):
                    self._kept = entries
            except Exception:  # none yet, or a truncated one: every guide is checked again
                pass
        return self._kept


def _code_digest() -> str:
    """guidegen's own code: what a checked guide's layout depends on."""
    package = Path(__file__).parent
    return files_digest(package.rglob("*.py"))
