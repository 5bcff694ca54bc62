"""Screenshots in real Chromium: crops, off-screen elements, determinism, masks, overlays,
and PNG files that are replaced atomically or not at all."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Page

from guidegen import atomic as atomic_module
from guidegen.atomic import write_atomic
from guidegen.capture import MASK_COLOUR, CaptureError, capture, store_png
from guidegen.diff import compare, load_rgba
from guidegen.model import Screenshot

from .conftest import CANARY

pytestmark = pytest.mark.browser

MASK_RGB = tuple(int(MASK_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
FORM = {"role": "form", "name": "Admin Credentials"}


def shot(**fields) -> Screenshot:
    return Screenshot(name="shot", alt="A screenshot.", **fields)


@pytest.fixture
def form(page: Page, site: str) -> Page:
    page.goto(f"{site}/form.html")
    page.get_by_label("Tenant URL").focus()  # a blinking caret, which must not show
    return page


def padded_size(box: dict, top: int, right: int, bottom: int, left: int) -> tuple[int, int]:
    x0, y0 = math.floor(box["x"] - left), math.floor(box["y"] - top)
    x1 = math.ceil(box["x"] + box["width"] + right)
    y1 = math.ceil(box["y"] + box["height"] + bottom)
    return x1 - x0, y1 - y0


def test_element_crop_has_the_padding(form: Page, tmp_path):
    button = form.get_by_role("button", name="Test Connection")
    box = button.bounding_box()

    even = capture(form, shot(of={"role": "button", "name": "Test Connection"}, padding=10),
                   tmp_path / "even.png")
    sides = capture(form, shot(of={"role": "button", "name": "Test Connection"},
                               padding={"top": 4, "right": 30, "left": 2}), tmp_path / "sides.png")

    assert even.size == padded_size(box, 10, 10, 10, 10)
    assert sides.size == padded_size(box, 4, 30, 0, 2)
    assert load_rgba(tmp_path / "even.png").shape[:2] == even.size[::-1]
    assert even.size[0] >= 180  # the 160 px button itself is in there


def test_padding_is_clamped_to_the_page(form: Page, tmp_path):
    result = capture(form, shot(of={"text": "Portal"}, padding=40), tmp_path / "top.png")
    assert result.clip.y == 0 and result.clip.x == 0  # would be negative without the clamp


def test_element_partly_off_screen(form: Page, tmp_path):
    """The audit log is taller than the viewport, so it can never be wholly on screen."""
    audit = form.get_by_role("region", name="Audit log")
    box = audit.bounding_box()
    scroll_before = form.evaluate("scrollY")

    result = capture(form, shot(of={"region": "Audit log"}, padding=8), tmp_path / "audit.png")

    width, height = padded_size(box, 8, 8, 0, 8)  # it ends the page: no room below
    assert result.size == (width, height)
    assert height > 800
    pixels = load_rgba(tmp_path / "audit.png")
    # Its red bottom border, far below the fold, was rendered: the last rows are red.
    assert (pixels[-3, 100, :3] == (204, 0, 0)).all()
    assert scroll_before != form.evaluate("scrollY")  # it was scrolled to, as a reader would


def test_region_below_the_fold(form: Page, tmp_path):
    mappings = form.get_by_role("region", name="Mappings")
    assert mappings.bounding_box()["y"] + mappings.bounding_box()["height"] > 800
    result = capture(form, shot(of={"region": "Mappings"}, padding=0), tmp_path / "mappings.png")
    assert result.size == (600, 300)
    assert (load_rgba(tmp_path / "mappings.png")[290, 300, :3] == (0xEE, 0xEE, 0xFF)).all()


def test_viewport_and_page(form: Page, tmp_path):
    assert capture(form, shot(of="viewport"), tmp_path / "v.png").size == (1280, 800)
    assert capture(form, shot(of="page"), tmp_path / "p.png").size == (1280, 2200)


def test_recapture_is_byte_identical_and_leaves_the_file_alone(form: Page, tmp_path):
    """The status region holds an endless animation; the form a focused field's caret."""
    dest = tmp_path / "status.png"
    status = shot(of={"region": "Status"})

    # The animation really moves: without capture's care, two shots differ.
    clip = form.get_by_role("region", name="Status").bounding_box()
    raw = [form.screenshot(clip=clip) for _ in range(2)]
    assert compare(raw[0], raw[1]).differing_pixels > 0

    first = capture(form, status, dest)
    original = dest.read_bytes()
    os.utime(dest, ns=(1_000_000_000, 1_000_000_000))  # an mtime no rewrite could keep
    second = capture(form, status, dest)

    assert first.changed and not second.changed
    assert dest.read_bytes() == original
    assert dest.stat().st_mtime_ns == 1_000_000_000
    np.testing.assert_array_equal(first.pixels, second.pixels)
    # The file was optimised losslessly: smaller than Chromium's PNG of the same pixels.
    chromium = form.screenshot(clip=first.clip._asdict(), full_page=True, animations="disabled",
                               caret="hide")
    np.testing.assert_array_equal(load_rgba(chromium), first.pixels)
    assert len(original) < len(chromium)


def test_form_with_caret_is_deterministic(form: Page, tmp_path):
    a = capture(form, shot(of=FORM), tmp_path / "a.png")
    b = capture(form, shot(of=FORM), tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert compare(a.pixels, b.pixels).differing_pixels == 0


def test_a_changed_page_rewrites_the_file(form: Page, tmp_path):
    dest = tmp_path / "form.png"
    capture(form, shot(of=FORM), dest)
    form.get_by_label("Tenant URL").fill("https://example.test/other")
    again = capture(form, shot(of=FORM), dest)
    assert again.changed
    np.testing.assert_array_equal(load_rgba(dest), again.pixels)


def test_a_password_field_and_a_field_that_shows_a_secret_are_masked_undeclared(form: Page,
                                                                                tmp_path):
    """Secret fields are known by what they are: a password field's dots (which tell the
    length), and a field `hide` names (a control its page declares secret)."""
    from guidegen.model import Locator

    result = capture(form, shot(of=FORM), None, hide=[Locator(label="Token preview")])
    boxes = [form.get_by_label(name).bounding_box() for name in ("Secret Token", "Token preview")]
    assert len(result.masked) == 2
    for rect, box in zip(result.masked, boxes, strict=True):
        assert rect.width >= box["width"] and rect.height >= box["height"]
        assert solid(result.pixels, rect)


def solid(pixels, rect) -> bool:
    x, y, w, h = rect
    region = load_rgba(pixels)[y : y + h, x : x + w, :3].reshape(-1, 3)
    return bool((region == MASK_RGB).all())


def test_mask_hides_the_field(form: Page, tmp_path):
    masked = capture(form, shot(of=FORM, mask=[{"label": "Token preview"}]), tmp_path / "m.png")
    plain = capture(form, shot(of=FORM), tmp_path / "p.png")

    assert len(masked.masked) == 2  # and the password field, masked whatever is declared
    rect = masked.masked[1]
    field = form.get_by_label("Token preview").bounding_box()
    assert rect.width >= field["width"] and rect.height >= field["height"]
    assert solid(masked.pixels, rect)
    assert not solid(plain.pixels, rect)  # unmasked, the field's border and text show
    # Nothing of it is left in the page: no overlay, no marker attribute.
    assert form.locator("guidegen-overlay, [data-guidegen-mask]").count() == 0
    # And the diff ignores it: only the masked field differs between the two.
    assert compare(plain.pixels, masked.pixels, ignore=masked.masked).differing_pixels == 0
    assert compare(plain.pixels, masked.pixels).differing_pixels > 0


def test_secret_values_are_masked_even_undeclared(form: Page, tmp_path):
    """The token preview shows the canary in clear text and no mask names it."""
    result = capture(form, shot(of=FORM), tmp_path / "s.png", secrets=[CANARY])

    preview = form.get_by_label("Token preview").bounding_box()
    form_box = form.get_by_role("form", name="Admin Credentials").bounding_box()
    x = math.floor(preview["x"]) - math.floor(form_box["x"] - 8)
    y = math.floor(preview["y"]) - math.floor(form_box["y"] - 8)
    covering = [r for r in result.masked if r.x <= x and r.y <= y
                and r.x + r.width >= x + preview["width"] and r.y + r.height >= y + preview["height"]]
    assert covering and all(solid(result.pixels, r) for r in result.masked)
    assert len(result.masked) == 2  # the preview and the password field


def test_a_missing_mask_refuses_the_shot(form: Page, tmp_path):
    with pytest.raises(CaptureError, match="field to mask .*'Client secret'") as error:
        capture(form, shot(of=FORM, mask=[{"label": "Client secret"}]), tmp_path / "x.png",
                timeout=300)
    assert error.value.locator.label == "Client secret"
    assert not (tmp_path / "x.png").exists()


def test_overlays_do_not_shift_layout(form: Page, tmp_path, monkeypatch):
    measure = """() => ({
      boxes: [...document.querySelectorAll('header, h1, form, label, input, button, section')]
        .map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }),
      size: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
      overlays: document.querySelectorAll('guidegen-overlay').length,
    })"""
    declared = shot(
        of=FORM,
        padding=0,
        highlight=[{**FORM, "callout": 1},
                   {"label": "Tenant URL", "callout": 2, "arrow": True},
                   {"role": "button", "name": "Test Connection", "callout": "Next"}],
        mask=[{"label": "Secret Token"}],
    )
    capture(form, shot(of=FORM), tmp_path / "settle.png")  # settle animations first
    before = form.evaluate(measure)
    during = {}
    take = form.screenshot

    def screenshot(**options):
        during.update(form.evaluate(measure))
        return take(**options)

    monkeypatch.setattr(form, "screenshot", screenshot)
    result = capture(form, declared, tmp_path / "h.png")

    assert during["overlays"] == 1  # drawn while the shot was taken...
    assert during["boxes"] == before["boxes"] and during["size"] == before["size"]
    assert form.evaluate(measure) == before  # ...and gone afterwards
    plain = capture(form, shot(of=FORM, padding=0), tmp_path / "plain.png")
    # The form's own callout sticks out of it: the crop grew to keep it whole.
    assert result.size[0] > plain.size[0] and result.size[1] > plain.size[1]
    red = (load_rgba(result.pixels)[..., :3] == (0xE0, 0x31, 0x31)).all(axis=2).sum()
    assert red > 500  # boxes, arrow and callouts are in the image


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    dest = tmp_path / "shot.png"
    write_atomic(dest, b"old contents")

    def crash(fd):
        raise OSError("disk full")

    monkeypatch.setattr(atomic_module.os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(dest, b"new contents, half written")

    assert dest.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]  # no temporary file left


def test_failed_capture_keeps_the_old_png(form: Page, tmp_path, monkeypatch):
    dest = tmp_path / "form.png"
    capture(form, shot(of=FORM), dest)
    old = dest.read_bytes()
    form.get_by_label("Tenant URL").fill("https://changed.example.test")

    def interrupted(src, dst):
        raise KeyboardInterrupt  # as a Ctrl-C between writing and renaming

    monkeypatch.setattr(atomic_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        capture(form, shot(of=FORM), dest)

    assert dest.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.png"]


def test_store_png_keeps_bytes_when_pixels_match(tmp_path):
    a, b = np.zeros((4, 4, 4), np.uint8), np.full((4, 4, 4), 255, np.uint8)
    pngs = []
    for pixels, level in ((a, 1), (a, 9), (b, 9)):
        path = tmp_path / f"{level}-{len(pngs)}.png"
        Image.fromarray(pixels).save(path, compress_level=level)
        pngs.append(path.read_bytes())
    dest = tmp_path / "dest.png"
    assert store_png(pngs[0], dest)
    assert not store_png(pngs[1], dest)  # other bytes, same pixels: left alone
    assert dest.read_bytes() == pngs[0]
    assert store_png(pngs[2], dest)
    assert dest.read_bytes() == pngs[2]


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from guidegen.atomic import write_atomic
    dest, blobs = Path(sys.argv[1]), [Path(p).read_bytes() for p in sys.argv[2:]]
    while True:
        for blob in blobs:
            write_atomic(dest, blob)
            print("wrote", flush=True)
""")


def test_killed_writer_leaves_old_or_new(tmp_path):
    """SIGKILL a process that keeps replacing a file: each time, the file is whole."""
    blobs = []
    for index, byte in enumerate((b"A", b"B")):
        path = tmp_path / f"{index}.bin"
        path.write_bytes(byte * 4_000_000)  # big enough to be caught mid-write
        blobs.append(path)
    dest = tmp_path / "out" / "shot.png"
    for writes in (1, 2, 3, 5):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(dest), *map(str, blobs)],
                                  stdout=subprocess.PIPE, text=True)
        for _ in range(writes):
            assert writer.stdout.readline() == "wrote\n"
        # Killed while it goes on writing: wherever in the next write that lands.
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        assert dest.read_bytes() in (blobs[0].read_bytes(), blobs[1].read_bytes())


# The form collapsed to no height: on the page (and in its accessibility tree), not visible.
COLLAPSE = ("() => { const form = document.querySelector('form');"
            " form.style.cssText = 'display: block; height: 0; padding: 0; border: 0;"
            " overflow: hidden'")


def test_a_target_revealed_after_a_moment_is_waited_for(form: Page, tmp_path):
    """A switch that shows fields once its request is answered: the target is on the page
    but hidden when the shot begins, and is waited for as a person would, not refused."""
    form.evaluate(COLLAPSE + "; setTimeout(() => { form.style.cssText = ''; }, 400); }")
    result = capture(form, shot(of=FORM), tmp_path / "r.png")
    assert result.clip.width > 500
    assert form.locator("guidegen-overlay").count() == 0


def test_a_target_that_stays_hidden_is_refused(form: Page, tmp_path):
    form.evaluate(COLLAPSE + "}")
    with pytest.raises(CaptureError, match="is on the page but not visible"):
        capture(form, shot(of=FORM), tmp_path / "h.png", timeout=300)
    assert not (tmp_path / "h.png").exists()
    assert form.locator("guidegen-overlay, [data-guidegen-target]").count() == 0


def test_a_shot_costs_one_round_trip_per_named_control(form: Page, tmp_path, monkeypatch):
    """Round trips to the page, counted at Playwright's API: one per control the shot names
    (to mark it), one for all the secret fields together, one to draw, one to shoot, one to
    clean up. None of them waits when the page is already settled."""
    from guidegen.model import Locator

    from .test_verify_round_trips import count_calls

    calls = count_calls(monkeypatch)
    hide = [Locator(label="Token preview"), Locator(label="Secret Token"),
            Locator(label="Client secret")]  # the last is on no page: nothing to mask there
    capture(form, shot(of=FORM, highlight=[{"label": "Tenant URL", "callout": 1}],
                       mask=[{"label": "Token preview"}]), None, hide=hide)
    # target, highlight, mask, the hide fields; draw; shot; clean up
    assert calls == ["evaluate_all"] * 4 + ["evaluate", "screenshot", "evaluate"]
