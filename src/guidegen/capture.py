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
from pathlib import Path

import numpy as np
import oxipng
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from guidegen import model
from guidegen.atomic import write_atomic
from guidegen.diff import Rect, load_rgba
from guidegen.locate import to_locator

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
    pixels: np.ndarray = field(repr=False)  # H×W×4 RGBA, so the diff need not decode again
    png: bytes = field(default=b"", repr=False)  # as the browser encoded it, not yet optimised


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
        for loc in hide:  # not waited for: most pages do not have them
            to_locator(page, loc).evaluate_all(_TAG, [_MASK, "", False, False])
        layout = page.evaluate(_DRAW, {**_decorations(shot), "secrets": [s for s in secrets if s]})
        if layout["hidden"] is not None:
            hidden = shot.of if layout["hidden"] == "target" else shot.highlight[layout["hidden"]]
            raise CaptureError(f"{hidden.describe()} is on the page but not visible", hidden)
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

    pixels = load_rgba(png)
    height, width = pixels.shape[:2]
    masked = _to_image(layout["masks"], clip, layout["scale"], width, height)
    changed = dest is None or not same_pixels(dest, pixels)
    if dest is not None and changed:
        # Optimise only what will be written: an unchanged shot costs no encoding at all.
        write_atomic(dest, optimise(png))
    return CaptureResult(Path(dest) if dest else None, (width, height), clip, masked, changed,
                         pixels, png)


def optimise(png: bytes) -> bytes:
    """Lossless and deterministic (same pixels, same bytes): what goes under screenshots/."""
    return oxipng.optimize_from_memory(png, level=2, strip=oxipng.StripChunks.safe())


def store_png(png: bytes, dest: Path) -> bool:
    """Write `png` to `dest` atomically unless `dest` already holds the same pixels (so a
    baseline promoted from an identical capture keeps its bytes). True if it was written."""
    if same_pixels(dest, load_rgba(png)):
        return False
    write_atomic(dest, png)
    return True


# ── internals ───────────────────────────────────────────────────────────────────────────────


def same_pixels(path: Path, pixels: np.ndarray) -> bool:
    try:
        old = load_rgba(Path(path))
    except (OSError, ValueError):  # missing, truncated or not an image: it must be rewritten
        return False
    return old.shape == pixels.shape and np.array_equal(old, pixels)


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
    if single:
        # A page may still be revealing it (a switch that shows fields once its request is
        # answered): wait for it as a person would, and only then call it hidden.
        with contextlib.suppress(PlaywrightError):
            found.first.wait_for(state="visible", timeout=timeout)


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


# ── page scripts ────────────────────────────────────────────────────────────────────────────

_TAG = """(els, [attr, value, single, scroll]) => {
  if (single && els.length !== 1) return els.length;
  for (const e of els) e.setAttribute(attr, value);
  // Scrolled into view so lazy content and sticky headers are as a reader would see them.
  if (scroll) els[0].scrollIntoView({block: 'nearest', inline: 'nearest'});
  return els.length;
}"""

# One container for every overlay: absolutely positioned over the document, exactly its size,
# clipping its content and in a closed-off shadow root, so it neither moves the page's layout,
# nor grows its scroll area, nor takes the page's CSS, nor catches a click.
_DRAW = """async ({colour, maskColour, highlights, secrets}) => {
  // Settle before measuring, as Playwright's animations="disabled" does during the shot:
  // finite animations jump to their end, infinite ones are cancelled. Measuring first would
  // crop where an element was mid-transition.
  await document.fonts.ready;
  for (const a of document.getAnimations()) {
    const end = a.effect ? a.effect.getComputedTiming().endTime : Infinity;
    if (end === Infinity) a.cancel(); else a.finish();
  }

  // A password field is secret by what it is (its dots tell the length).
  for (const el of document.querySelectorAll('input[type=password]')) {
    el.setAttribute('data-guidegen-mask', '');
  }
  // Whatever shows a secret (a field's value, a text node) is masked, declared or not.
  const shows = (s) => !!s && secrets.some((x) => s.includes(x));
  if (secrets.length) {
    for (const el of document.querySelectorAll('input, textarea, select')) {
      if (shows(el.value)) el.setAttribute('data-guidegen-mask', '');
    }
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      // A closed <select> draws its option's text, but the option itself has no box.
      const el = n.parentElement && (n.parentElement.closest('select') || n.parentElement);
      if (el && shows(n.nodeValue)) el.setAttribute('data-guidegen-mask', '');
    }
  }

  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const target = document.querySelector('[data-guidegen-target]');
  if (target && !visible(target)) return {hidden: 'target'};
  for (let i = 0; i < highlights.length; i++) {
    if (!visible(document.querySelector(`[data-guidegen-highlight="${i}"]`))) return {hidden: i};
  }

  const de = document.documentElement;
  const body = document.body || de;
  const docW = Math.max(de.scrollWidth, body.scrollWidth);
  const docH = Math.max(de.scrollHeight, body.scrollHeight);
  const onPage = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left + scrollX, r.top + scrollY, r.width, r.height];
  };
  const host = document.createElement('guidegen-overlay');
  host.setAttribute('data-guidegen-overlay', '');
  host.style.cssText = 'all: initial; position: absolute; left: 0; top: 0; overflow: hidden;'
    + 'pointer-events: none; z-index: 2147483647; contain: strict;'
    + `width: ${docW}px; height: ${docH}px;`;
  de.appendChild(host);
  // Its containing block may not start at the document's origin (a positioned <html>).
  const [ox, oy] = onPage(host);
  host.style.left = `${-ox}px`;
  host.style.top = `${-oy}px`;
  const root = host.attachShadow({mode: 'closed'});
  const add = (x, y, w, h, css, html) => {
    const d = document.createElement('div');
    d.style.cssText = `position: absolute; box-sizing: border-box; left: ${x}px; top: ${y}px;`
      + `width: ${w}px; height: ${h}px; ${css}`;
    if (html) d.innerHTML = html;
    root.appendChild(d);
  };

  const masks = [];
  for (const el of document.querySelectorAll('[data-guidegen-mask]')) {
    const [x, y, w, h] = onPage(el);
    if (w === 0 || h === 0) continue;
    // Whole pixels outward, and text spilling out of the box too: no pixel of it may show.
    const spills = getComputedStyle(el).overflow === 'visible'
      && !['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
    const x0 = Math.floor(x), y0 = Math.floor(y);
    const x1 = Math.ceil(x + (spills ? Math.max(w, el.scrollWidth) : w));
    const y1 = Math.ceil(y + (spills ? Math.max(h, el.scrollHeight) : h));
    add(x0, y0, x1 - x0, y1 - y0, `background: ${maskColour};`);
    masks.push([x0, y0, x1 - x0, y1 - y0]);
  }

  const drawn = [];
  highlights.forEach(({callout, arrow}, i) => {
    const el = document.querySelector(`[data-guidegen-highlight="${i}"]`);
    const element = onPage(el);
    const [ex, ey, ew, eh] = element;
    const x = ex - 4, y = ey - 4, w = ew + 8, h = eh + 8;
    let ext = [x, y, x + w, y + h];
    const grow = (a, b, c, d) => {
      ext = [Math.min(ext[0], a), Math.min(ext[1], b), Math.max(ext[2], c), Math.max(ext[3], d)];
    };
    add(x, y, w, h, `border: 3px solid ${colour}; border-radius: 4px;`);
    if (arrow) {
      const left = x - 70 >= 0;
      const ax = left ? x - 70 : x + w + 6, ay = y + h / 2 - 12;
      add(ax, ay, 64, 24, left ? '' : 'transform: scaleX(-1);',
        `<svg width="64" height="24" viewBox="0 0 64 24"><path d="M2 12H50" stroke="${colour}"`
        + ` stroke-width="4" stroke-linecap="round"/><path d="M46 3L63 12L46 21Z" fill="${colour}"/></svg>`);
      grow(ax, ay, ax + 64, ay + 24);
    }
    if (callout !== null) {
      const bw = Math.max(24, 10 + 8 * callout.length);
      add(x - bw / 2, y - 12, bw, 24, `background: ${colour}; color: #fff; border-radius: 12px;`
        + 'font: bold 13px/24px system-ui, sans-serif; text-align: center; white-space: nowrap;');
      root.lastChild.textContent = callout;
      grow(x - bw / 2, y - 12, x + bw / 2, y + 12);
    }
    drawn.push([element, [ext[0], ext[1], ext[2] - ext[0], ext[3] - ext[1]]]);
  });

  return {
    hidden: null,
    document: [docW, docH],
    viewport: [scrollX, scrollY, innerWidth, innerHeight],
    target: target ? onPage(target) : null,
    highlights: drawn,
    masks,
    scale: devicePixelRatio,
  };
}"""

_CLEAN = """() => {
  for (const el of document.querySelectorAll('[data-guidegen-overlay]')) el.remove();
  for (const attr of ['data-guidegen-mask', 'data-guidegen-highlight', 'data-guidegen-target']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) el.removeAttribute(attr);
  }
}"""
