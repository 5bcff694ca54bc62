"""Which Chromium to drive and how to launch it.

Playwright cannot download its own browser on machines like ours, so Debian's Chromium is
the default; GUIDEGEN_CHROMIUM names another binary, and where neither exists Playwright's
own installed browser is used.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"

# Without the background-networking flags Chromium keeps dialling Google's hosts, which a
# closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium binary to launch, or None for Playwright's own browser."""
    configured = os.environ.get("GUIDEGEN_CHROMIUM")
    if configured:
        return configured
    if Path(DEBIAN_CHROMIUM).exists():
        return DEBIAN_CHROMIUM
    return shutil.which("chromium")


def launch_options() -> dict:
    """Keyword arguments for `playwright.chromium.launch`."""
    options: dict = {"args": list(CHROMIUM_ARGS)}
    path = chromium_path()
    if path:
        options["executable_path"] = path
    return options


def remote_launch_headers() -> dict[str, str]:
    """Headers for `browser_type.connect`: by default the browser server launches its own
    browser; GUIDEGEN_CHROMIUM names the binary on the server's machine instead (the server
    must then run with `--unsafe`, which lets a client choose the executable and flags)."""
    path = os.environ.get("GUIDEGEN_CHROMIUM")
    if not path:
        return {}
    return {"x-playwright-launch-options": json.dumps({"executablePath": path,
                                                       "args": CHROMIUM_ARGS})}
