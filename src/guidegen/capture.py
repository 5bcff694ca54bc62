"""Take one declared screenshot: cropped, highlighted, masked, deterministic, written atomically.

The caller owns the context (viewport, device scale factor, locale, reduced motion, frozen
clock); this module makes the shot itself repeatable: web fonts loaded, animations settled,
caret hidden, and a re-capture of an unchanged page leaves the file on disk untouched, so git
sees no change.

Coordinates are CSS pixels from the top-left of the document ("page coordinates") until the
last step, where masked rectangles are turned into image pixels for the diff to ignore.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import oxipng
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from guidegen import model
from guidegen.atomic import write_atomic
from guidegen.locate import to_locator
from guidegen.pixels import Rect, decode, png_size, same_pixels

MASK_COLOUR = "#4b5563"
HIGHLIGHT_COLOUR = "#e03131"

_MASK = "data-guidegen-mask"
_HIGHLIGHT = "data-guidegen-highlight"
_TARGET = "data-guidegen-target"


class CaptureError(Exception):
    """A control the shot needs is missing; `locator` is the writer's declaration."""

    def __init__(self, message: str, locator: model.Locator):
        super().__init__(message)
        self.locator = locator


@dataclass(frozen=True)
class CaptureResult:
    path: Path | None  # None when capture wrote nothing
    size: tuple[int, int]  # (width, height) of the image in device pixels
    clip: Rect  # the cropped area in CSS pixels, page coordinates
    masked: list[Rect]  # covered fields in image pixels: the diff's ignore regions
    changed: bool  # False when the file already held exactly these pixels and was left alone
    png: bytes = field(default=b"", repr=False)  # as the browser encoded it, not yet optimised

    @cached_property
    def pixels(self) -> Image.Image:
        """RGBA, decoded when first asked for: a shot whose pair with its baseline was seen
        equal before (guidegen.pixels) never is."""
        return decode(self.png)


def capture(
    page: Page,
    shot: model.Screenshot,
    dest: Path | None,
    *,
    secrets: list[str] | tuple[str, ...] = (),
    hide: Sequence[model.Locator] = (),
    timeout: float = 10_000,
) -> CaptureResult:
    """Capture `shot` from `page` into the PNG `dest`.

    Any element showing one of `secrets` (an input's value or a text node) is masked as well
    as the declared `mask` fields, so a secret a writer forgot to declare still never shows;
    so are password fields and the `hide` fields (those that show secrets, by what they are),
    wherever they are on the page.
    Raises CaptureError when the element, a highlight or a mask field is not on the page.
    `timeout` is in milliseconds, for each wait. With `dest` None nothing is written: the
    caller compares `result.pixels` first and writes (with `optimise`) only what it keeps.
    """
    try:
        _tag_elements(page, shot, timeout)
        # Measured once the page has loaded: a shot right after a click that posted a form
        # would otherwise measure the new page before its stylesheet applied, and crop the
        # unstyled layout. After the tagging, which waited for the target in the new page.
        page.wait_for_load_state("load", timeout=timeout)
        if hide:  # not waited for: most pages do not have them; one round trip for them all
            fields = to_locator(page, hide[0])
            for loc in hide[1:]:
                fields = fields.or_(to_locator(page, loc))
            fields.evaluate_all(_TAG, [_MASK, "", False, False])
        layout = _draw(page, shot, [s for s in secrets if s], timeout)
        clip = _clip(shot, layout)
        png = page.screenshot(
            clip={"x": clip.x, "y": clip.y, "width": clip.width, "height": clip.height},
            full_page=True,  # page coordinates, and parts below the fold still render
            animations="disabled",
            caret="hide",
            # Belt and braces: Playwright paints its own boxes over the same fields.
            mask=[page.locator(f"[{_MASK}]")],
            mask_color=MASK_COLOUR,
            timeout=timeout,
        )
    finally:
        # A page that crashed cannot be cleaned, and that error must not hide the first one.
        with contextlib.suppress(PlaywrightError):
            page.evaluate(_CLEAN)

    width, height = png_size(png)
    masked = _to_image(layout["masks"], clip, layout["scale"], width, height)
    changed = dest is None or not same_pixels(dest, decode(png))
    if dest is not None and changed:
        # Optimise only what will be written: an unchanged shot costs no encoding at all.
        write_atomic(dest, optimise(png))
    return CaptureResult(Path(dest) if dest else None, (width, height), clip, masked, changed,
                         png)


def optimise(png: bytes) -> bytes:
    """Lossless and deterministic (same pixels, same bytes): what goes under screenshots/."""
    return oxipng.optimize_from_memory(png, level=2, strip=oxipng.StripChunks.safe())


def store_png(png: bytes, dest: Path) -> bool:
    """Write `png` to `dest` atomically unless `dest` already holds the same pixels (so a
    baseline promoted from an identical capture keeps its bytes). True if it was written."""
    if same_pixels(dest, decode(png)):
        return False
    write_atomic(dest, png)
    return True


# ── internals ───────────────────────────────────────────────────────────────────────────────


def _tag_elements(page: Page, shot: model.Screenshot, timeout: float) -> None:
    """Mark the target, highlights and masks with data attributes, so one script can draw
    them all and Playwright's `mask=` can find them by one selector."""
    if isinstance(shot.of, model.Locator):
        _tag(page, shot.of, "the element to capture", _TARGET, "", timeout, single=True, scroll=True)
    for index, highlight in enumerate(shot.highlight):
        _tag(page, highlight, "a highlighted element", _HIGHLIGHT, str(index), timeout, single=True)
    for mask in shot.mask:
        # A mask that finds nothing may mean a renamed field now showing its secret: refuse.
        _tag(page, mask, "the field to mask", _MASK, "", timeout, single=False)


def _tag(page: Page, loc: model.Locator, what: str, attr: str, value: str, timeout: float,
         *, single: bool, scroll: bool = False) -> None:
    # One round trip when the element is there; wait (and only then) when it is not yet.
    found = to_locator(page, loc)
    count = found.evaluate_all(_TAG, [attr, value, single, scroll])
    if count == 0:
        try:
            found.first.wait_for(state="attached", timeout=timeout)
        except PlaywrightError as error:
            raise CaptureError(f"{what} ({loc.describe()}) is not on the page", loc) from error
        count = found.evaluate_all(_TAG, [attr, value, single, scroll])
    if single and count != 1:
        raise CaptureError(f"{what} ({loc.describe()}) matches {count} elements, not one", loc)


def _draw(page: Page, shot: model.Screenshot, secrets: list[str], timeout: float) -> dict:
    """Draw the overlays and return the layout. A target or highlight that is there but not
    visible yet may still be being revealed (a switch that shows fields once its request is
    answered): it is waited for as a person would, and only then called hidden. Waited for
    only when the drawing found it hidden, so a shot of a settled page costs one round trip."""
    waited: set = set()
    while True:
        layout = page.evaluate(_DRAW, {**_decorations(shot), "secrets": secrets})
        if layout["hidden"] is None:
            return layout
        hidden = shot.of if layout["hidden"] == "target" else shot.highlight[layout["hidden"]]
        if layout["hidden"] in waited:
            raise CaptureError(f"{hidden.describe()} is on the page but not visible", hidden)
        waited.add(layout["hidden"])
        with contextlib.suppress(PlaywrightError):
            to_locator(page, hidden).first.wait_for(state="visible", timeout=timeout)


def _decorations(shot: model.Screenshot) -> dict:
    return {
        "colour": HIGHLIGHT_COLOUR,
        "maskColour": MASK_COLOUR,
        "highlights": [
            {"callout": None if h.callout is None else str(h.callout), "arrow": h.arrow}
            for h in shot.highlight
        ],
    }


def _clip(shot: model.Screenshot, layout: dict) -> Rect:
    doc_w, doc_h = layout["document"]
    if shot.of == "page":
        return Rect(0, 0, doc_w, doc_h)
    if shot.of == "viewport":
        x, y, w, h = layout["viewport"]
        return _clamp(x, y, x + w, y + h, doc_w, doc_h)
    pad = shot.padding if isinstance(shot.padding, model.Padding) else model.Padding(
        top=shot.padding, right=shot.padding, bottom=shot.padding, left=shot.padding
    )
    x, y, w, h = layout["target"]
    left, top, right, bottom = x - pad.left, y - pad.top, x + w + pad.right, y + h + pad.bottom
    # Grow to take in the boxes, callouts and arrows of highlights on this crop, so a callout
    # is never cut in half by the padding.
    for element, extent in layout["highlights"]:
        ex, ey, ew, eh = element
        if ex < right and ex + ew > left and ey < bottom and ey + eh > top:
            dx, dy, dw, dh = extent
            left, top = min(left, dx), min(top, dy)
            right, bottom = max(right, dx + dw), max(bottom, dy + dh)
    return _clamp(left, top, right, bottom, doc_w, doc_h)


def _clamp(left, top, right, bottom, doc_w, doc_h) -> Rect:
    """Whole CSS pixels, outward, inside the document: a crop never reaches past the page."""
    x0, y0 = max(math.floor(left), 0), max(math.floor(top), 0)
    x1, y1 = min(math.ceil(right), doc_w), min(math.ceil(bottom), doc_h)
    return Rect(x0, y0, max(x1 - x0, 1), max(y1 - y0, 1))


def _to_image(rects, clip: Rect, scale: float, width: int, height: int) -> list[Rect]:
    out = []
    for x, y, w, h in rects:
        x0 = max(math.floor((x - clip.x) * scale), 0)
        y0 = max(math.floor((y - clip.y) * scale), 0)
        x1 = min(math.ceil((x + w - clip.x) * scale), width)
        y1 = min(math.ceil((y + h - clip.y) * scale), height)
        if x1 > x0 and y1 > y0:
            out.append(Rect(x0, y0, x1 - x0, y1 - y0))
    return out


# ── page scripts (src/guidegen/assets/) ──────────────────────────────────────────────────────

_ASSETS = Path(__file__).parent / "assets"
_TAG = (_ASSETS / "capture_tag.js").read_text("utf-8")
_DRAW = (_ASSETS / "capture_draw.js").read_text("utf-8")
_CLEAN = (_ASSETS / "capture_clean.js").read_text("utf-8")
