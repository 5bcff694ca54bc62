"""Visual diff of a new screenshot against its baseline, counting pixels as pixelmatch does.

The count is the same as pixelmatch's (the pure-Python port, itself a port of mapbox's JS):
a pixel differs when the YIQ colour distance of the two pixels exceeds `threshold`, unless it
looks like anti-aliasing in either image. The work is vectorised with numpy, and only pixels
whose bytes differ are examined at all, so an unchanged screenshot costs one array compare.

Every float expression below keeps pixelmatch's operation order: the YIQ test is a strict
`>` against a threshold, so a different rounding would change the count on the boundary.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
from PIL import Image

from .pixels import Rect  # noqa: F401  (part of this module's interface: the ignore regions)

# The largest possible YIQ distance (black against white); `threshold` is a fraction of it.
MAX_YIQ_DELTA = 35215

# Screenshots are captured to be pixel-identical, so by default any pixel that survives the
# perceptual threshold and the anti-aliasing test is drift (as Playwright's maxDiffPixels=0).
DEFAULT_MAX_RATIO = 0.0

# Neighbours in pixelmatch's visiting order (x outer, y inner): on ties it keeps the first
# darkest or brightest neighbour it meets, and so must we.
_DX = np.array([-1, -1, -1, 0, 0, 1, 1, 1])
_DY = np.array([-1, 0, 1, -1, 1, -1, 0, 1])

_DIFF_COLOUR = (255, 0, 0)
_AA_COLOUR = (255, 255, 0)
_GREY_ALPHA = 0.1


ImageSource = Path | str | bytes | np.ndarray | Image.Image


@dataclass(frozen=True, eq=False)
class DiffResult:
    """What differs between a baseline and a new image.

    When the sizes differ both are placed top-left on a canvas of the larger size (the rest
    transparent, which pixelmatch sees as white), so the diff image still shows what moved;
    `size_mismatch` is then true and the result never passes.
    """

    differing_pixels: int
    ratio: float
    anti_aliased_pixels: int
    baseline_size: tuple[int, int]
    new_size: tuple[int, int]
    _baseline: np.ndarray = field(repr=False)
    _painted: np.ndarray = field(repr=False)  # flat pixel index -> 0 grey, 1 differs, 2 AA

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the compared canvas."""
        return self._baseline.shape[1], self._baseline.shape[0]

    @property
    def size_mismatch(self) -> bool:
        return self.baseline_size != self.new_size

    @cached_property
    def diff_image(self) -> np.ndarray:
        """A pixelmatch-style diff (H×W×4 uint8): the baseline faded to grey, differing pixels
        red, anti-aliasing yellow. Made on first use, since most comparisons find nothing."""
        out = _grey(self._baseline)
        flat = out.reshape(-1, 4)
        flat[self._painted == 1] = (*_DIFF_COLOUR, 255)
        flat[self._painted == 2] = (*_AA_COLOUR, 255)
        return out


def passes(result: DiffResult, max_ratio: float | None = None) -> bool:
    """Whether a new capture still matches its baseline.

    `max_ratio` is the largest allowed share of differing pixels (0 to 1) over the compared
    canvas; it is what a screenshot's `threshold` in the step file overrides, None meaning
    DEFAULT_MAX_RATIO. The per-pixel colour sensitivity is `compare(threshold=)`, which stays
    at pixelmatch's 0.1. A size change never passes.
    """
    limit = DEFAULT_MAX_RATIO if max_ratio is None else max_ratio
    return not result.size_mismatch and result.ratio <= limit


def needs_refresh(baseline: Path, new: ImageSource, ignore: tuple | list = ()) -> bool:
    """Whether `--update-screenshots` should replace `baseline` with `new`: it is missing or
    unreadable, or a pixel differs perceptibly (pixelmatch's colour threshold and
    anti-aliasing test, at zero tolerance, as verification judges it). Differences below
    that, such as a rounded corner's edge one colour level off between two Chromium runs,
    keep the old file, so a refresh of an unchanged UI changes nothing in git."""
    try:
        return not passes(compare(baseline, new, ignore=ignore))
    except (OSError, ValueError):
        return True


def load_rgba(source: ImageSource) -> np.ndarray:
    """An image as an H×W×4 uint8 array (a path, PNG bytes, a PIL image or an array)."""
    if isinstance(source, np.ndarray):
        if source.ndim != 3 or source.shape[2] not in (3, 4):
            raise ValueError(f"expected an H×W×3 or H×W×4 array, got shape {source.shape}")
        if source.shape[2] == 3:
            alpha = np.full(source.shape[:2] + (1,), 255, np.uint8)
            source = np.concatenate([source, alpha], axis=2)
        return np.ascontiguousarray(source, dtype=np.uint8)
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    if isinstance(source, Image.Image):
        return np.asarray(source.convert("RGBA"))
    with Image.open(source) as image:
        return np.asarray(image.convert("RGBA"))


def compare(
    baseline: ImageSource,
    new: ImageSource,
    *,
    threshold: float = 0.1,
    ignore: tuple | list = (),
    include_aa: bool = False,
) -> DiffResult:
    """Compare two images as pixelmatch does; pixels inside `ignore` (rects in image pixels,
    e.g. the masked fields a capture reports) are never counted.

    `threshold` (0 to 1) is pixelmatch's: smaller is more sensitive. `include_aa` counts
    anti-aliased pixels as differences too.
    """
    img1, img2 = load_rgba(baseline), load_rgba(new)
    sizes = (img1.shape[1], img1.shape[0]), (img2.shape[1], img2.shape[0])
    if sizes[0] != sizes[1]:
        img1, img2 = _on_common_canvas(img1, img2)
    height, width = img1.shape[:2]
    rgba1, rgba2 = img1.reshape(-1, 4), img2.reshape(-1, 4)
    painted = np.zeros(width * height, np.uint8)

    # Pixels with equal bytes have a YIQ distance of exactly 0, never above the threshold.
    candidates = np.flatnonzero(_packed(img1) != _packed(img2))
    candidates = candidates[~_ignored(candidates, ignore, width)]
    delta = _yiq_delta(rgba1[candidates], rgba2[candidates])
    candidates = candidates[delta > MAX_YIQ_DELTA * threshold * threshold]

    aa = np.zeros(len(candidates), bool)
    if not include_aa and len(candidates):
        packed = _packed(img1), _packed(img2)
        around = _neighbours(candidates, width, height)
        aa = _antialiased(rgba1, packed, candidates, around, width, height)
        aa |= _antialiased(rgba2, packed, candidates, around, width, height)
    painted[candidates[~aa]] = 1
    painted[candidates[aa]] = 2

    differing = int(len(candidates) - aa.sum())
    return DiffResult(
        differing_pixels=differing,
        ratio=differing / (width * height) if width * height else 0.0,
        anti_aliased_pixels=int(aa.sum()),
        baseline_size=sizes[0],
        new_size=sizes[1],
        _baseline=img1,
        _painted=painted,
    )


def write_diff_png(result: DiffResult, path: Path | str) -> None:
    """Write the diff image; a report artefact, so written fast rather than small."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(result.diff_image, "RGBA").save(path, compress_level=1)


# ── internals ───────────────────────────────────────────────────────────────────────────────


def _packed(img: np.ndarray) -> np.ndarray:
    """One uint32 per pixel, so 'all four channels equal' is one comparison."""
    return img.reshape(-1, 4).view(np.uint32).ravel()


def _on_common_canvas(img1: np.ndarray, img2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    height = max(img1.shape[0], img2.shape[0])
    width = max(img1.shape[1], img2.shape[1])
    out = []
    for img in (img1, img2):
        canvas = np.zeros((height, width, 4), np.uint8)
        canvas[: img.shape[0], : img.shape[1]] = img
        out.append(canvas)
    return out[0], out[1]


def _ignored(index: np.ndarray, rects, width: int) -> np.ndarray:
    """Which of these pixels lie in one of the rects (tested per pixel, not painted into a
    full-size mask: there are far fewer changed pixels than pixels)."""
    x, y = index % width, index // width
    inside = np.zeros(len(index), bool)
    for rx, ry, rw, rh in rects:
        inside |= (x >= rx) & (x < rx + rw) & (y >= ry) & (y < ry + rh)
    return inside


def _blended(px: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """r, g, b as float64, semi-transparent pixels blended onto white (as pixelmatch)."""
    r, g, b, a = (px[..., k].astype(np.float64) for k in range(4))
    if (a < 255).any():
        # For a == 255 the blend gives back exactly the same value, so applying it everywhere
        # is safe: 255 + (c - 255) * 1.0 is exact in floating point.
        a = a / 255
        r, g, b = (255 + (c - 255) * a for c in (r, g, b))
    return r, g, b


def _y(r, g, b):
    return r * 0.29889531 + g * 0.58662247 + b * 0.11448223


def _yiq_delta(px1: np.ndarray, px2: np.ndarray) -> np.ndarray:
    r1, g1, b1 = _blended(px1)
    r2, g2, b2 = _blended(px2)
    y = _y(r1, g1, b1) - _y(r2, g2, b2)
    i = (r1 * 0.59597799 - g1 * 0.27417610 - b1 * 0.32180189) - (
        r2 * 0.59597799 - g2 * 0.27417610 - b2 * 0.32180189
    )
    q = (r1 * 0.21147017 - g1 * 0.52261711 + b1 * 0.31114694) - (
        r2 * 0.21147017 - g2 * 0.52261711 + b2 * 0.31114694
    )
    return 0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q


def _neighbours(index: np.ndarray, width: int, height: int):
    """Flat indices of the 8 neighbours (K×8, pixelmatch's order), which of them lie inside
    the image, and whether each pixel is on the image border (pixelmatch counts the border
    as one 'equal sibling')."""
    x, y = index % width, index // width
    nx, ny = x[:, None] + _DX, y[:, None] + _DY
    inside = (nx >= 0) & (nx < width) & (ny >= 0) & (ny < height)
    neighbour = np.where(inside, ny * width + nx, index[:, None])
    border = (x == 0) | (x == width - 1) | (y == 0) | (y == height - 1)
    return neighbour, inside, border


def _flat_in_both(packed: tuple, index: np.ndarray, width: int, height: int) -> np.ndarray:
    """pixelmatch's has_many_siblings, true in both images: 3 or more neighbours (the image
    border counts as one) of exactly the same RGBA."""
    neighbour, inside, border = _neighbours(index, width, height)
    result = np.ones(len(index), bool)
    for image in packed:
        equal = inside & (image[neighbour] == image[index][:, None])
        result &= border + equal.sum(axis=1) > 2
    return result


def _antialiased(rgba, packed: tuple, index, around, width: int, height: int) -> np.ndarray:
    """pixelmatch's antialiased(img, x, y, w, h, img2) for each pixel in `index`; `rgba` is
    img, `around` its neighbourhood from _neighbours."""
    neighbour, inside, border = around
    centre = _y(*_blended(rgba[index]))
    delta = np.where(inside, centre[:, None] - _y(*_blended(rgba[neighbour])), 0.0)

    # More than 2 equal siblings: definitely not anti-aliasing.
    zeroes = border + (inside & (delta == 0)).sum(axis=1)
    darker = np.where(delta < 0, delta, 0.0)
    brighter = np.where(delta > 0, delta, 0.0)
    rows = np.arange(len(index))
    darkest, brightest = darker.argmin(axis=1), brighter.argmax(axis=1)
    result = (zeroes <= 2) & (darker[rows, darkest] < 0) & (brighter[rows, brightest] > 0)

    # It is anti-aliasing if its darkest or else its brightest neighbour sits in a flat area
    # in both images.
    todo = np.flatnonzero(result)
    flat = _flat_in_both(packed, neighbour[todo, darkest[todo]], width, height)
    result[todo] = flat
    todo = todo[~flat]
    result[todo] = _flat_in_both(packed, neighbour[todo, brightest[todo]], width, height)
    return result


def _grey(img: np.ndarray) -> np.ndarray:
    """pixelmatch's draw_gray_pixel for every pixel: luma (of the raw, unblended colour)
    faded towards white, truncated as int() does."""
    r, g, b, a = (img[..., k].astype(np.float64) for k in range(4))
    value = 255 + (_y(r, g, b) - 255) * (_GREY_ALPHA * a / 255)
    grey = value.astype(np.uint8)
    out = np.empty_like(img)
    out[..., 0] = out[..., 1] = out[..., 2] = grey
    out[..., 3] = 255
    return out
