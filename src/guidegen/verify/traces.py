"""Playwright traces of failed guides, with every secret scrubbed out of every entry.

A trace is the best account of a failure there is, and the pages it records show secrets,
so it is kept and scrubbed rather than dropped (the choice is explained in
project-docs/security.md):

- every value any page showed in a secret field during the run (a control declared
  `secret: true`, a value remembered as secret, a password field), and every declared
  secret, is replaced in every entry, in each form it can take there (raw, URL- and
  form-encoded, JSON, HTML, base64: verify.redact);
- trace screenshots are off: pixels cannot be scrubbed;
- the raw trace only ever exists in a private temporary folder (0700), deleted at once;
  the kept zip is written 0600 in a 0700 folder, atomically."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from .redact import Secrets


def start(context) -> None:
    context.tracing.start(snapshots=True, screenshots=False, sources=False)


def stop(context, dest: Path | None, secrets: Secrets) -> None:
    """Discard the trace, or write it to `dest`, scrubbed."""
    if dest is None:
        context.tracing.stop()
        return
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(dest.parent, 0o700)
    with tempfile.TemporaryDirectory(prefix="guidegen-trace-") as private:
        raw = Path(private) / "raw.zip"
        context.tracing.stop(path=raw)
        fd, scrubbed = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, zipfile.ZipFile(raw) as source, \
                    zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as kept:
                for entry in source.infolist():
                    kept.writestr(entry, secrets.scrub_bytes(source.read(entry)))
            os.replace(scrubbed, dest)  # mkstemp made it 0600, and so it stays
        except BaseException:
            Path(scrubbed).unlink(missing_ok=True)
            raise
