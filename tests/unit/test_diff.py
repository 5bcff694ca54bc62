"""The vectorised diff counts exactly what pixelmatch counts, and draws the same diff image."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from pixelmatch import pixelmatch

from guidegen.diff import DEFAULT_MAX_RATIO, Rect, compare, load_rgba, passes, write_diff_png

W, H = 200, 80


def reference(a: np.ndarray, b: np.ndarray, **options) -> tuple[int, np.ndarray]:
    """pixelmatch's count and diff image for the same pair (its core function: the PIL wrapper
    draws identical pairs by a shortcut of its own)."""
    height, width = a.shape[:2]
    output = bytearray(width * height * 4)
    count = pixelmatch(a.tobytes(), b.tobytes(), width, height, output, **options)
    return count, np.frombuffer(bytes(output), np.uint8).reshape(height, width, 4)


def blank(colour=(255, 255, 255, 255)) -> np.ndarray:
    return np.full((H, W, 4), colour, np.uint8)


def text(label: str, *, dx: float = 0, size: int = 18, fill=(20, 20, 20)) -> np.ndarray:
    """Anti-aliased text on white, like a label in a screenshot."""
    image = Image.new("RGBA", (W, H), (255, 255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.text((10 + dx, 20), label, font=ImageFont.load_default(size=size), fill=fill)
    draw.rounded_rectangle((120 + dx, 50, 190, 72), radius=6, outline=(80, 80, 200), width=2)
    return np.array(image)


def solid_change():
    a = blank()
    b = a.copy()
    b[20:50, 30:90] = (30, 90, 200, 255)
    return a, b


def noise():
    rng = np.random.default_rng(7)
    a = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
    a[..., 3] = 255
    b = a.copy()
    jitter = rng.integers(-40, 41, (H, W, 3))
    b[..., :3] = np.clip(a[..., :3].astype(int) + jitter, 0, 255)
    return a, b


def translucent():
    rng = np.random.default_rng(3)
    a = text("Secret Token")
    a[..., 3] = rng.choice([0, 128, 200, 255], (H, W))
    b = text("Secret Tokens")
    b[..., 3] = a[..., 3]
    return a, b


PAIRS = {
    "solid change": solid_change,
    "text changed": lambda: (text("Tenant URL"), text("Tenant URI")),
    "text moved by a fraction": lambda: (text("Bearer Token"), text("Bearer Token", dx=0.5)),
    "text recoloured": lambda: (text("Save"), text("Save", fill=(40, 40, 40))),
    "noise": noise,
    "semi-transparent": translucent,
}


@pytest.mark.parametrize("threshold", [0.0, 0.1, 0.3])
@pytest.mark.parametrize("include_aa", [False, True])
@pytest.mark.parametrize("pair", PAIRS)
def test_same_count_and_diff_image_as_pixelmatch(pair, threshold, include_aa):
    a, b = PAIRS[pair]()
    expected, expected_image = reference(a, b, threshold=threshold, includeAA=include_aa)

    result = compare(a, b, threshold=threshold, include_aa=include_aa)

    assert result.differing_pixels == expected
    assert result.ratio == expected / (W * H)
    np.testing.assert_array_equal(result.diff_image, expected_image)


@pytest.mark.parametrize("pair", ["text changed", "text moved by a fraction"])
def test_anti_aliasing_detection_matters_and_matches(pair):
    """On text, pixelmatch's anti-aliasing test drops pixels; ours must drop the same ones."""
    a, b = PAIRS[pair]()
    with_aa, _ = reference(a, b, includeAA=True)
    without_aa, image = reference(a, b)
    assert without_aa < with_aa, "the pair should exercise the anti-aliasing test"

    result = compare(a, b)

    assert result.differing_pixels == without_aa
    assert result.anti_aliased_pixels == with_aa - without_aa
    assert (result.diff_image.reshape(-1, 4)[:, :3] == (255, 255, 0)).all(axis=1).sum() == (
        with_aa - without_aa
    )


def test_ignore_regions_are_never_counted():
    a, b = text("Tenant URL"), text("Tenant URI")
    b[5:15, 150:190] = (200, 0, 0, 255)  # a change wholly inside the masked field
    ignore = [Rect(140, 0, 60, 20), Rect(0, 70, 10, 10)]
    _, image = reference(a, b)
    inside = np.zeros((H, W), bool)
    for x, y, w, h in ignore:
        inside[y : y + h, x : x + w] = True
    red = (image[..., :3] == (255, 0, 0)).all(axis=2)

    result = compare(a, b, ignore=ignore)

    assert result.differing_pixels == (red & ~inside).sum()
    assert result.differing_pixels < compare(a, b).differing_pixels
    assert compare(a, b, ignore=[Rect(0, 0, W, H)]).differing_pixels == 0


def test_ignore_region_covering_the_whole_change_passes():
    a, b = solid_change()
    result = compare(a, b, ignore=[(30, 20, 60, 30)])
    assert result.differing_pixels == 0
    assert passes(result)


def test_identical_images_differ_nowhere_and_diff_is_faded_baseline():
    a = text("Provisioning")
    _, expected_image = reference(a, a.copy())
    result = compare(a, a.copy())
    assert result.differing_pixels == 0
    np.testing.assert_array_equal(result.diff_image, expected_image)


def test_size_mismatch_is_reported_not_raised():
    a = text("Mappings")
    b = np.ascontiguousarray(a[:60, :150])

    result = compare(a, b)

    assert result.size_mismatch
    assert (result.baseline_size, result.new_size) == ((W, H), (150, 60))
    assert result.size == (W, H)
    assert result.diff_image.shape == (H, W, 4)
    assert result.differing_pixels > 0  # the uncovered part of the text is missing from `new`
    assert not passes(result, max_ratio=1.0)


def test_passes_compares_the_ratio_with_the_shot_threshold():
    a, b = solid_change()
    result = compare(a, b)  # 60×30 of 200×80 pixels changed
    assert result.ratio == pytest.approx(1800 / 16000)
    assert not passes(result)  # by default, any differing pixel is drift
    assert not passes(result, 0.1)
    assert passes(result, 0.2)
    assert DEFAULT_MAX_RATIO == 0.0


def test_inputs_may_be_paths_bytes_or_arrays(tmp_path):
    a, b = solid_change()
    Image.fromarray(a).save(tmp_path / "a.png")
    Image.fromarray(b[..., :3]).save(tmp_path / "b.png")  # RGB is read as opaque RGBA
    png = (tmp_path / "b.png").read_bytes()
    counts = {
        compare(tmp_path / "a.png", tmp_path / "b.png").differing_pixels,
        compare(str(tmp_path / "a.png"), png).differing_pixels,
        compare(a, b[..., :3]).differing_pixels,
    }
    assert counts == {compare(a, b).differing_pixels}


def test_write_diff_png_writes_the_diff_image(tmp_path):
    a, b = solid_change()
    result = compare(a, b)
    write_diff_png(result, tmp_path / "out" / "diff.png")
    np.testing.assert_array_equal(load_rgba(tmp_path / "out" / "diff.png"), result.diff_image)
    assert (result.diff_image[25, 40] == (255, 0, 0, 255)).all()


def test_a_refresh_keeps_the_baseline_through_rendering_noise(tmp_path):
    """Seen on a fresh clone: two Chromium runs drew a highlight's rounded corner one or two
    colour levels apart on 4 pixels. Verification passed, but the refresh rewrote the file,
    which is noise in git. Only a perceptible difference replaces a baseline."""
    from guidegen.diff import needs_refresh

    base = text("Provisioning")
    baseline = tmp_path / "shot.png"
    Image.fromarray(base).save(baseline)
    noisy = base.copy()
    noisy[10:12, 5:7, :3] -= 2  # 4 pixels, 2 levels darker: below the colour threshold
    assert not needs_refresh(baseline, noisy)
    assert needs_refresh(baseline, text("Provisioning mode"))  # the UI changed
    assert needs_refresh(baseline, base[:, :-10])  # the element changed size
    assert needs_refresh(tmp_path / "missing.png", base)
    changed = text("Provisioning mode")
    box = compare(base, changed)
    assert box.differing_pixels > 0
    everywhere = [Rect(0, 0, W, H)]  # what is masked never counts, as in verification
    assert not needs_refresh(baseline, changed, ignore=everywhere)
