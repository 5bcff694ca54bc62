"""The secret values a run has seen, and every form they take in an artifact.

A token a page shows is in a trace as the page's HTML, a JSON string of the action log, the
URL-encoded body of the form that posted it, HTML-escaped in an attribute, or base64 inside
a larger blob. Scrubbing the raw value alone leaves those: `Secrets` knows each form and
replaces them all."""

from __future__ import annotations

import base64
import html
import json
from urllib.parse import quote, quote_plus

MASK = "••••••"
# Shorter values are not scrubbed: replacing a three-letter "password" everywhere would
# blank ordinary words of every report, and would hide nothing worth hiding.
MIN_CHARS = 4
# The base64 fragment of a 6-byte value at an odd alignment is 4 characters: shorter ones
# would match by chance (so a value of 4 or 5 bytes is caught in base64 only when aligned).
MIN_BASE64_CHARS = 4


def _base64_fragments(raw: bytes) -> set[str]:
    """The part of the base64 encoding of `raw` that is the same wherever `raw` sits in a
    larger blob: one form per alignment (0, 1 or 2 bytes before it), the characters that
    mix it with its neighbours cut off."""
    found = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        for offset in range(3):
            text = encode(b"\0" * offset + raw).decode()
            start = 4 if offset else 0
            end = 4 * ((offset + len(raw)) // 3)
            if end - start >= MIN_BASE64_CHARS:
                found.add(text[start:end])
    return found


def forms(value: str) -> set[str]:
    """Every text form of `value` an artifact can hold."""
    found = {value, quote(value, safe=""), quote(value), quote_plus(value),
             json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
             html.escape(value), html.escape(value, quote=False),
             json.dumps(html.escape(value))[1:-1]}
    found |= _base64_fragments(value.encode())
    return {f for f in found if len(f) >= MIN_CHARS}


class Secrets:
    """A growing set of secret values; `scrub` replaces each of their forms with a mask."""

    def __init__(self, values=()) -> None:
        self._values: set[str] = set()
        self._forms: list[str] = []
        for value in values:
            self.add(value)

    def add(self, value: str | None) -> bool:
        """Remember `value` as secret; True when it is new."""
        value = (value or "").strip()
        if len(value) < MIN_CHARS or value in self._values:
            return False
        self._values.add(value)
        # Longest first: a value that contains another is replaced whole.
        self._forms = sorted({f for v in self._values for f in forms(v)}, key=len,
                             reverse=True)
        return True

    @property
    def values(self) -> list[str]:
        return sorted(self._values)

    def __bool__(self) -> bool:
        return bool(self._values)

    def scrub(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def scrub_bytes(self, data: bytes) -> bytes:
        mask = MASK.encode()
        for form in self._forms:
            encoded = form.encode()
            if encoded in data:
                data = data.replace(encoded, mask)
        return data

    def scrub_data(self, value):
        """Every text in a JSON-like value (a finding as results.json records it)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_data(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub_data(v) for k, v in value.items()}
        return value
