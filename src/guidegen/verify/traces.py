"""Playwright traces of failed guides, with every secret value scrubbed out.

Trace screenshots are off: a token shown in plain text on a page (Zenkit's Bearer Token
field) cannot be scrubbed from pixels. DOM snapshots and the action log are text, so each
secret is replaced wherever it occurs before the trace is written."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

MASK = "••••••".encode()


def start(context) -> None:
    context.tracing.start(snapshots=True, screenshots=False, sources=False)


def stop(context, dest: Path | None, secrets: list[str]) -> None:
    """Discard the trace, or write it to `dest` scrubbed (atomically)."""
    if dest is None:
        context.tracing.stop()
        return
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, raw = tempfile.mkstemp(dir=dest.parent, prefix=".trace.", suffix=".zip")
    os.close(fd)
    try:
        context.tracing.stop(path=raw)
        scrubbed = dest.with_name(f".{dest.name}.tmp")
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(scrubbed, "w", zipfile.ZIP_DEFLATED) as out:
            for entry in source.infolist():
                data = source.read(entry)
                for secret in secrets:
                    if secret:
                        data = data.replace(secret.encode(), MASK)
                out.writestr(entry, data)
        os.replace(scrubbed, dest)
    finally:
        Path(raw).unlink(missing_ok=True)
