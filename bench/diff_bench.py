"""How fast is guidegen's visual diff against pure-Python pixelmatch, on the same pair?

Run `.venv/bin/python bench/diff_bench.py` (about a minute).

The pair is realistic: Chromium renders a 1920×1080 portal-like page, then the same page with
what a portal update does (a renamed menu entry and heading, a restyled button, a new table
row, a field moved by a pixel), so anti-aliased text edges are part of the difference. Both
diffs run side by side in one process on the same arrays, with and without the diff image;
their differing-pixel counts must agree: when they do not, the timing compares two different
computations, and the benchmark stops with one line and status 1 (bench/record.py). Figures go
to bench/results/diff.json (with commit, machine and load); bench/report.py puts them into
project-docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time

import numpy as np
import record
from PIL import Image
from pixelmatch import pixelmatch
from playwright.sync_api import sync_playwright

from guidegen.browser import launch_options
from guidegen.diff import compare

WIDTH, HEIGHT = 1920, 1080
GOAL = 20  # guidegen's diff at least this many times faster than pixelmatch


def portal(updated: bool) -> str:
    """A page like the portals guides drive; `updated` is the same page after a release."""
    directory = "Microsoft Entra ID" if updated else "Azure Active Directory"
    rows = [("Adele Vance", "adele.vance@contoso.com", "Enabled"),
            ("Alex Wilber", "alex.wilber@contoso.com", "Enabled"),
            ("Diego Siciliani", "diego.siciliani@contoso.com", "Disabled"),
            ("Grady Archie", "grady.archie@contoso.com", "Enabled")] * 4
    if updated:
        rows.insert(5, ("Isaiah Langer", "isaiah.langer@contoso.com", "Enabled"))
    nav = "".join(f"<li>{item}</li>" for item in (
        "Home", "Dashboard", "All services", directory, "Enterprise applications",
        "App registrations", "Users", "Groups", "Provisioning", "Audit logs", "Sign-in logs"))
    table = "".join(f"<tr><td>{n}</td><td>{m}</td><td>{s}</td></tr>" for n, m, s in rows)
    save = "#0f6cbd" if not updated else "#115ea3"
    shift = "1px" if updated else "0"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
      body {{ margin: 0; font: 14px/1.5 sans-serif; color: #242424; }}
      header {{ height: 40px; background: #1b1a19; color: #fff; padding: 8px 16px;
                box-sizing: border-box; }}
      nav {{ position: absolute; top: 40px; left: 0; width: 260px; bottom: 0; background: #f3f2f1; }}
      nav li {{ padding: 6px 16px; list-style: none; }}
      main {{ margin-left: 280px; padding: 16px 24px; }}
      h1 {{ font-size: 24px; font-weight: 600; }}
      label {{ display: inline-block; width: 160px; }}
      input {{ width: 420px; height: 28px; margin: 6px 0 6px {shift}; }}
      button {{ background: {save}; color: #fff; border: 0; padding: 8px 20px; border-radius: 4px; }}
      table {{ border-collapse: collapse; margin-top: 24px; width: 900px; }}
      td {{ border-bottom: 1px solid #e1dfdd; padding: 6px 8px; }}
    </style></head><body>
      <header>Microsoft Azure &nbsp; | &nbsp; Search resources, services, and docs</header>
      <nav><ul>{nav}</ul></nav>
      <main>
        <h1>{directory} | Enterprise applications | Zenkit | Provisioning</h1>
        <p>Automate creating, updating and deleting user identities in Zenkit.</p>
        <div><label>Tenant URL</label><input value="https://zenkit.com/scim/v2/acme"></div>
        <div><label>Secret Token</label><input type="password" value="xxxxxxxxxxxx"></div>
        <p><button>Test Connection</button> <button>Save</button></p>
        <table>{table}</table>
      </main></body></html>"""


def render_pair() -> tuple[np.ndarray, np.ndarray]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1)
        shots = []
        for updated in (False, True):
            page.set_content(portal(updated))
            png = page.screenshot(animations="disabled", caret="hide")
            shots.append(np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")))
        browser.close()
    return shots[0], shots[1]


def timed(runs: int, work) -> tuple[list[float], object]:
    """Seconds of each of `runs` calls, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return times, result


def run_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of our diff (median)")
    parser.add_argument("--peer-runs", type=int, default=2, help="runs of pixelmatch (median)")
    args = parser.parse_args(argv)
    if min(args.runs, args.peer_runs) < 1:
        parser.error("--runs and --peer-runs must be at least 1")
    recording = record.Recording("diff", vars(args))

    baseline, new = render_pair()
    a, b = baseline.tobytes(), new.tobytes()
    changed = int((baseline != new).any(axis=2).sum())

    def peer(with_image: bool):
        output = bytearray(len(a)) if with_image else None
        return pixelmatch(a, b, WIDTH, HEIGHT, output)

    rows = {}
    for label, with_image in (("count only", False), ("with diff image", True)):
        ours_times, ours = timed(args.runs, lambda w=with_image: _ours(baseline, new, w))
        peer_times, peer_count = timed(args.peer_runs, lambda w=with_image: peer(w))
        if ours.differing_pixels != peer_count:
            raise record.RunFailed(f"{label}: guidegen counts {ours.differing_pixels} differing "
                                   f"pixels, pixelmatch {peer_count}: not the same computation")
        rows[label] = {
            "guidegen_s": record.summary(ours_times),
            "pixelmatch_s": record.summary(peer_times),
            "speed_ratio": statistics.median(peer_times) / statistics.median(ours_times),
            "differing_pixels": peer_count,
        }
    figures = {
        "pair": f"{WIDTH}x{HEIGHT} Chromium render of a portal page and its updated version",
        "pixels_with_changed_bytes": changed,
        "anti_aliased_pixels": _ours(baseline, new, False).anti_aliased_pixels,
        "results": rows,
        "goal_speed_ratio": GOAL,
        "numpy": np.__version__,
    }
    print(f"{figures['pair']}: {changed} pixels with changed bytes, "
          f"{figures['anti_aliased_pixels']} of the candidates taken as anti-aliasing")
    for label, row in rows.items():
        print(f"{label:16} guidegen {row['guidegen_s']['median'] * 1000:8.1f} ms, pixelmatch "
              f"{row['pixelmatch_s']['median'] * 1000:8.1f} ms: {row['speed_ratio']:.1f}x, "
              f"{row['differing_pixels']} differing pixels on both")
    print(f"figures in {recording.save(figures)}")
    return 0


def _ours(baseline: np.ndarray, new: np.ndarray, with_image: bool):
    result = compare(baseline, new)
    if with_image:
        result.diff_image  # noqa: B018 - made on first use; this is the cost being measured
    return result


if __name__ == "__main__":
    sys.exit(record.main(run_bench))
