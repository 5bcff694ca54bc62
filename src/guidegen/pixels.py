"""Screenshots as decoded pixels, and whether two hold exactly the same ones.

Most shots of a verify run equal their baselines pixel for pixel, and telling so needs only
the decoded bytes: Pillow alone, without numpy. The pixel-by-pixel diff (guidegen.diff) needs
numpy, whose import alone costs about 80 ms, so it is loaded only for a shot that differs.

Nor need a shot be decoded at all when the same pair of files was found equal before: the
same pixels give the same PNG from the same Chromium, and whether two files decode to the
same pixels depends on their bytes alone, so a hash of both is a key that never goes stale.
Decoding a shot and its baseline was 15-30 ms a shot, on the critical path of every run.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from PIL import Image

from .cache import ContentCache, digest

FOLDER = Path(".guidegen-cache") / "shots"  # under the project: the pairs found equal


class Rect(NamedTuple):
    """A rectangle in image pixels."""

    x: int
    y: int
    width: int
    height: int


def decode(source: bytes | Path | str) -> Image.Image:
    """PNG bytes or a file as RGBA pixels, fully read (the file is closed on return)."""
    with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
        return image.convert("RGBA")  # a copy, even when already RGBA: loaded, not lazy


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from the PNG's header, without decoding its pixels."""
    with Image.open(io.BytesIO(png)) as image:
        return image.size


def same_as_baseline(baseline: Path, png: bytes, pixels: Callable[[], Image.Image],
                     seen: ContentCache | None = None) -> bool:
    """Whether the PNG file `baseline` holds exactly the pixels of the browser's `png`
    (`pixels()` decodes it, asked only when needed). `seen` remembers the pairs found equal,
    between runs where it is a DiskCache: a pair seen before is told from two hashes."""
    try:
        data = Path(baseline).read_bytes()
    except OSError:  # missing: it must be written
        return False
    key = digest("same pixels", data, png)
    if seen is not None and seen.get(key):
        return True
    same = _holds(data, pixels)
    if same and seen is not None:
        seen.put(key, True, keep=True)
    return same


def same_pixels(path: Path | str, pixels: Image.Image) -> bool:
    """Whether the PNG at `path` holds exactly `pixels` (an RGBA image). False when it is
    missing, truncated or not an image: it must be written again."""
    return _holds(Path(path), lambda: pixels)


def _holds(source: bytes | Path, pixels: Callable[[], Image.Image]) -> bool:
    try:
        old = decode(source)
    except (OSError, ValueError):  # missing, truncated or not an image
        return False
    new = pixels()
    return old.size == new.size and old.tobytes() == new.tobytes()
