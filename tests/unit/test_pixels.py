"""Whether a screenshot file holds exactly the pixels of a new capture, told from the decoded
bytes alone: however the two PNGs were encoded, and never true of a missing or broken file."""

from __future__ import annotations

import io

import oxipng
from PIL import Image

from guidegen.pixels import decode, same_as_baseline, same_pixels


def png(image: Image.Image, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def shot() -> Image.Image:
    image = Image.new("RGB", (40, 20), (250, 250, 250))
    image.putpixel((3, 4), (200, 10, 10))
    return image


def test_the_same_pixels_in_other_encodings_are_the_same(tmp_path):
    # The browser's PNG against the baseline as guidegen keeps it: optimised by oxipng (which
    # may pick another colour type) and saved as RGBA at another compression level.
    browser = png(shot(), compress_level=1)
    baseline = tmp_path / "baseline.png"
    baseline.write_bytes(oxipng.optimize_from_memory(png(shot().convert("RGBA"), compress_level=9)))
    assert baseline.read_bytes() != browser
    assert same_pixels(baseline, decode(browser))


def test_one_pixel_or_the_size_differs(tmp_path):
    baseline = tmp_path / "baseline.png"
    baseline.write_bytes(png(shot()))
    changed = shot()
    changed.putpixel((39, 19), (250, 250, 251))  # one channel of one pixel, one level
    assert not same_pixels(baseline, decode(png(changed)))
    wider = Image.new("RGB", (41, 20), (250, 250, 250))
    wider.paste(shot())
    assert not same_pixels(baseline, decode(png(wider)))
    # The very same bytes in another shape: 20×40 against 40×20.
    reshaped = Image.frombytes("RGB", (20, 40), shot().tobytes())
    assert not same_pixels(baseline, decode(png(reshaped)))


def test_transparency_counts(tmp_path):
    baseline = tmp_path / "baseline.png"
    baseline.write_bytes(png(shot().convert("RGBA")))
    see_through = shot().convert("RGBA")
    see_through.putpixel((0, 0), (250, 250, 250, 254))
    assert not same_pixels(baseline, decode(png(see_through)))


def test_a_missing_or_broken_baseline_is_never_the_same(tmp_path):
    new = decode(png(shot()))
    assert not same_pixels(tmp_path / "missing.png", new)
    broken = tmp_path / "broken.png"
    broken.write_bytes(png(shot())[:60])  # cut off mid-file, as a killed write would leave it
    assert not same_pixels(broken, new)
    (tmp_path / "text.png").write_text("not an image", encoding="utf-8")
    assert not same_pixels(tmp_path / "text.png", new)


def test_decode_leaves_no_file_open(tmp_path):
    path = tmp_path / "baseline.png"
    path.write_bytes(png(shot()))
    image = decode(path)
    path.unlink()  # on any platform: nothing holds the file any more
    assert image.mode == "RGBA" and image.size == (40, 20)
    assert image.getpixel((3, 4)) == (200, 10, 10, 255)


def test_a_pair_found_equal_is_told_again_without_decoding(tmp_path):
    from guidegen.cache import DiskCache

    baseline = tmp_path / "baseline.png"
    baseline.write_bytes(oxipng.optimize_from_memory(png(shot())))
    browser = png(shot(), compress_level=1)
    decoded = []

    def pixels():
        decoded.append(1)
        return decode(browser)

    seen = DiskCache(tmp_path / "cache")
    assert same_as_baseline(baseline, browser, pixels, seen) and len(decoded) == 1
    seen.save()
    again = DiskCache(tmp_path / "cache")  # the next run
    assert same_as_baseline(baseline, browser, pixels, again) and len(decoded) == 1

    # The key is both files' bytes: another baseline, or another capture, is decoded again.
    changed = shot()
    changed.putpixel((0, 0), (0, 0, 0))
    baseline.write_bytes(png(changed))
    assert not same_as_baseline(baseline, browser, pixels, again) and len(decoded) == 2
    assert not same_as_baseline(baseline, browser, pixels, again) and len(decoded) == 3
    baseline.write_bytes(png(shot()))
    assert same_as_baseline(baseline, png(shot(), compress_level=9), pixels, again)
    assert len(decoded) == 4
    assert not same_as_baseline(tmp_path / "missing.png", browser, pixels, again)


def test_verify_loads_numpy_only_for_a_shot_that_differs():
    """numpy's import is 80 ms: what verify imports to start and to capture does not load it;
    the diff that needs it is imported when a shot differs from its baseline. Run in a fresh
    interpreter, since this test session has numpy loaded already."""
    import subprocess
    import sys

    probe = ("import sys, guidegen.cli, guidegen.verify.run, guidegen.verify.pytest_plugin, "
             "guidegen.capture, guidegen.pixels; print('numpy' in sys.modules); "
             "import guidegen.diff; print('numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out == ["False", "True"]
