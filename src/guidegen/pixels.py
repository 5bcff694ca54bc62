"""Screenshots as decoded pixels, and whether two hold exactly the same ones.

Most shots of a verify run equal their baselines pixel for pixel, and telling so needs only
the decoded bytes: Pillow alone, without numpy. The pixel-by-pixel diff (guidegen.diff) needs
numpy, whose import alone costs about 80 ms, so it is loaded only for a shot that differs.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import NamedTuple

from PIL import Image


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


def same_pixels(path: Path | str, pixels: Image.Image) -> bool:
    """Whether the PNG at `path` holds exactly `pixels` (an RGBA image). False when it is
    missing, truncated or not an image: it must be written again."""
    try:
        old = decode(Path(path))
    except (OSError, ValueError):
        return False
    return old.size == pixels.size and old.tobytes() == pixels.tobytes()
