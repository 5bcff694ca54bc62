"""Text that came from a portal page (or a report that carries it) put into Markdown that
GitHub or a CI job summary renders: it shows as the characters it holds, never as markup.

A portal is untrusted input: a button named `<img src=x onerror=...>` or `[x](https://...)`
must not become an image, a script, a link or a new table column in an issue or a summary.
"""

from __future__ import annotations

import html
import re

# What GitHub Flavored Markdown reads as inline markup (emphasis, code, links and images:
# no `[`, no link, so `(` and `!` may stay; table cells, strikethrough) and the backslash
# that escapes it. `&`, `<` and `>` become entities first, so no HTML (a tag, a comment such
# as guidegen's issue marker) survives.
_INLINE = re.compile(r"([\\`*_\[\]|~])")
# GitHub turns `@name` into a mention (a notification to that person) and `#12` or `GH-12`
# into a link to an issue, whatever escapes them: a zero-width space after the mark keeps the
# characters and drops the reference.
_REFERENCE = re.compile(r"(?<![\w])(@|#|GH-)(?=[\w])")
ZERO_WIDTH_SPACE = "\u200b"


def md_text(text: str) -> str:
    """`text` on one line, as literal characters in Markdown prose or a table cell."""
    text = _INLINE.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))
    return _REFERENCE.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE, text)


def md_code(text: str) -> str:
    """`text` on one line as a code span in a table cell: backticks cannot end it early and
    a pipe cannot open a cell (GFM reads `\\|` as a pipe inside a cell's code span too)."""
    return "`" + " ".join(text.split()).replace("`", "'").replace("|", "\\|") + "`"
