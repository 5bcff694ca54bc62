"""Output folders that must take files: checked before a run, so that an unwritable one is
one line and exit 3 at the start rather than a traceback after the steps ran."""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def unwritable(err: OSError, folder: Path | str | None = None) -> OSError:
    """The error as the CLI tells it: `error: FOLDER: not writable (reason)`."""
    return OSError(err.errno, f"not writable ({err.strerror or err})",
                   str(folder or err.filename or ""))


def require_writable(folders: Iterable[Path]) -> None:
    """Each folder can take a new file: itself if it exists, else the nearest folder above it
    (which the run would create it in). Creates nothing but a probe file it removes at once:
    a permission bit says nothing for root, and an immutable or read-only-mounted folder
    refuses root too."""
    for folder in folders:
        existing = next(p for p in (folder, *folder.parents) if os.path.lexists(p))
        if not existing.is_dir():
            raise unwritable(OSError(errno.ENOTDIR, f"{existing} is not a folder"), folder)
        try:
            with tempfile.TemporaryFile(dir=existing, prefix=".guidegen-probe-"):
                pass
        except OSError as err:
            raise unwritable(err, folder) from None
