"""Scrubbing a secret out of an artifact, whatever form it takes there."""

from __future__ import annotations

import base64
import html
import json
from urllib.parse import quote, quote_plus, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidegen.verify.redact import MASK, Secrets

TOKEN = 'zk+Canary/"Tok&en"=Sec<ret>=='

ENCODINGS = {
    "raw": lambda s: s,
    "url": lambda s: quote(s, safe=""),
    "url path": quote,
    "form": lambda s: urlencode({"token": s}),
    "json": lambda s: json.dumps({"value": s}),
    "json ascii": lambda s: json.dumps({"value": s}, ensure_ascii=True),
    "html attribute": lambda s: f'<input value="{html.escape(s)}">',
    "html text": lambda s: f"<p>{html.escape(s, quote=False)}</p>",
    "html in json": lambda s: json.dumps(f'<input value="{html.escape(s)}">'),
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_form_of_the_secret_is_masked(encoding):
    text = "before " + ENCODINGS[encoding](TOKEN) + " after"
    scrubbed = Secrets([TOKEN]).scrub(text)
    assert MASK in scrubbed and scrubbed.startswith("before ") and scrubbed.endswith(" after")
    for form in ENCODINGS.values():
        assert form(TOKEN) not in scrubbed


# Printable ASCII (the shortest byte forms, the hardest case for base64) and beyond.
secrets_text = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=6,
                       max_size=40) | st.text(st.characters(min_codepoint=33,
                                                            max_codepoint=0x2FF),
                                              min_size=6, max_size=40)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(secret=secrets_text, before=st.binary(max_size=5), after=st.binary(max_size=5),
       urlsafe=st.booleans())
def test_a_secret_inside_base64_is_masked_at_any_alignment(secret, before, after, urlsafe):
    """A page, a form post or an image inlined as base64 holds the secret at any byte
    offset: the encoded run changes with the offset, and each one is caught (from 6 bytes
    up; a shorter value only where it is aligned)."""
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    blob = encode(before + secret.encode() + after).decode()
    assert MASK in Secrets([secret]).scrub(blob)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(secret=secrets_text, encoding=st.sampled_from(sorted(ENCODINGS)))
def test_no_encoding_of_any_secret_survives(secret, encoding):
    scrubbed = Secrets([secret]).scrub(ENCODINGS[encoding](secret))
    assert secret not in scrubbed and quote_plus(secret) not in scrubbed


def test_bytes_are_scrubbed_too_and_a_longer_secret_wins():
    secrets = Secrets(["hunter2-long", "hunter2-long-and-longer"])
    data = b"a hunter2-long-and-longer b " + quote_plus("hunter2-long").encode()
    assert secrets.scrub_bytes(data) == f"a {MASK} b {MASK}".encode()


def test_a_value_too_short_to_be_a_secret_is_not_one():
    """Scrubbing 'abc' would blank ordinary words in every report."""
    secrets = Secrets(["abc", "", None])
    assert not secrets and secrets.scrub("abcdef") == "abcdef"


def test_findings_are_scrubbed_in_every_text():
    data = {"message": f"token {TOKEN}", "found": [quote_plus(TOKEN)], "action": 3}
    assert Secrets([TOKEN]).scrub_data(data) == {"message": f"token {MASK}", "found": [MASK],
                                                 "action": 3}
