"""One way to write a file guidegen makes: whole or not at all, and never through a link.

Screenshots, reports, the status file, fingerprints, step files that `fix` edits and saved
sign-ins all go through `write_atomic`, so a crash leaves the old file or the new one, and a
file planted at a predictable temporary name (a symlink to ~/.bashrc, a stale 0644 copy) is
neither written through nor left readable."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomic(dest: Path, data: bytes | str, mode: int = 0o644, durable: bool = True) -> None:
    """Replace `dest` with `data` so that a crash at any moment leaves the old file or the
    new one, never a mix: a temporary file in the same folder, fsync, then rename.

    The temporary file has a fresh random name and is created, owner-only, with O_EXCL and
    O_NOFOLLOW (mkstemp), so nothing planted at a predictable name is written through or
    left readable; the rename replaces a symlink at `dest` instead of following it. `mode`
    is set before the rename: 0o600 for a file that holds credentials. Text is written as
    UTF-8. `durable` False leaves out the fsyncs, for a file that may be lost in a crash
    (a cache's) but must never be read half-written."""
    dest = Path(dest)
    if isinstance(data, str):
        data = data.encode("utf-8")
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    except OSError as err:  # named by its folder: the temporary name means nothing to anyone
        raise type(err)(err.errno, err.strerror, str(dest.parent)) from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            if durable:
                os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if not durable:
        return
    # The rename itself is only durable once the folder's entry is on disk.
    dir_fd = os.open(dest.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
