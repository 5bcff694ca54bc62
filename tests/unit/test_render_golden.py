"""Golden render tests: the YAML under golden/<case>/steps/ in, the Markdown under
golden/<case>/expected/ out, through the repo's real templates/ (with golden/<case>/status.json
as the status file the last verify run left, where a case has one). A case whose project has
translations also renders each of them, into golden/<case>/expected-<locale>/, through the
templates' message catalogs (templates/locales/).

When a change to the templates or the renderer is intended, regenerate the goldens with

    GUIDEGEN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_render_golden.py

and review the diff of tests/unit/golden/ like any other change: it is what readers will see.
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pytest

from guidegen.load import load_catalog
from guidegen.render import GUIDES_DIR, render_catalog

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GUIDEGEN_UPDATE_GOLDEN") == "1"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "steps").is_dir())

# Screenshots that exist for each case; every other declared screenshot is not captured yet.
CAPTURED = {"all-plans": ["connect-directory/directory-settings.png"],
            "german": ["invite-member/members.png", "invite-member/members.de.png",
                       "invite-member/invite-dialog.png"]}


def tiny_png() -> bytes:
    """A valid 1×1 PNG, so no binary file has to live in the repository."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


def render_case(case: str, screenshots: Path, locale: str | None = None) -> dict:
    for rel in CAPTURED.get(case, []):
        (screenshots / rel).parent.mkdir(parents=True, exist_ok=True)
        (screenshots / rel).write_bytes(tiny_png())
    # What the last verify run left for the site, for a case that has one: without it, every
    # claimed plan is "not verified yet".
    status = GOLDEN / case / "status.json"
    if status.is_file():
        screenshots.mkdir(parents=True, exist_ok=True)
        (screenshots / "status.json").write_bytes(status.read_bytes())
    root = GOLDEN / case
    catalog = load_catalog(root / "steps", root)
    return render_catalog(catalog, REPO / "templates", screenshots, locale)


def renderings() -> list[tuple[str, str | None]]:
    """(case, locale) for each case's source language (None) and translations."""
    return [(case, locale) for case in CASES for locale in [None, *load_catalog(
        GOLDEN / case / "steps", GOLDEN / case).translation_locales]]


def test_cases_exist():
    assert CASES == ["all-plans", "german", "hostile-labels", "plan-subset"]
    assert ("german", "de") in renderings()


@pytest.mark.parametrize(("case", "locale"), renderings())
def test_render_matches_golden(case, locale, tmp_path):
    outputs = render_case(case, tmp_path / "screenshots", locale)
    texts = {rel.removeprefix(f"{GUIDES_DIR}/"): out.text for rel, out in outputs.items()
             if out.text is not None}
    expected_dir = GOLDEN / case / ("expected" if locale is None else f"expected-{locale}")
    if UPDATE:
        expected_dir.mkdir(exist_ok=True)
        for old in expected_dir.iterdir():
            old.unlink()
        for name, text in texts.items():
            (expected_dir / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in expected_dir.iterdir()}
    assert sorted(texts) == sorted(expected), "generated files differ from the golden ones"
    for name, text in texts.items():
        assert text == expected[name], (
            f"{expected_dir.relative_to(GOLDEN)}/{name} differs; if the change is intended, regenerate with "
            "GUIDEGEN_UPDATE_GOLDEN=1"
        )


def test_captured_screenshot_is_shown_and_copied(tmp_path):
    outputs = render_case("all-plans", tmp_path / "screenshots")
    page = outputs[f"{GUIDES_DIR}/connect-directory.md"].text
    assert ("![The Directory settings of Acme.](screenshots/connect-directory/"
            "directory-settings.png){ loading=lazy }") in page
    copied = {rel: out.copy_from for rel, out in outputs.items() if out.copy_from}
    assert copied == {
        f"{GUIDES_DIR}/screenshots/connect-directory/directory-settings.png":
            tmp_path / "screenshots/connect-directory/directory-settings.png",
    }


def test_missing_screenshot_leaves_a_comment_not_a_broken_image(tmp_path):
    page = render_case("all-plans", tmp_path / "screenshots")[
        f"{GUIDES_DIR}/connect-directory.md"].text
    step = page[page.index('id="enter-domain"'):]
    step = step[:step.index("</div>")]
    assert ("<!-- screenshot 'domain-connected' is declared but not captured yet: "
            "run `guidegen verify --update-screenshots` -->") in step
    assert "![" not in step and "domain-connected.png" not in page
