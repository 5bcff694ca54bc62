"""Text from a portal page printed to a terminal or a CI log: its control characters shown
as escapes, never obeyed. An escape sequence in a button's name would otherwise recolour,
rewrite or hide lines of the log that reports it."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls (a terminal obeys 0x9b as ESC [).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
