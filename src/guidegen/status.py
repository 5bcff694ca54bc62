"""The small status file the verify run leaves for the site: when each guide was last
verified, against what, and which steps drifted. It is committed with the screenshots."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

STATUS_FILE = "status.json"  # under screenshots/

TARGET_NAMES = {"sim": "the portal simulators", "live": "the live portals"}


def read_status(screenshots: Path) -> dict:
    """{guide id: {...}}; a missing or unreadable file means "never verified"."""
    try:
        data = json.loads((screenshots / STATUS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("guides", {}) if isinstance(data, dict) else {}


def update_status(screenshots: Path, target: str, steps: list[dict],
                  today: str | None = None) -> None:
    """Merge this run's results in (guides not run keep their last status); atomic write."""
    guides = read_status(screenshots)
    date = today or datetime.now(UTC).date().isoformat()
    for guide in dict.fromkeys(s["guide"] for s in steps):
        mine = [s for s in steps if s["guide"] == guide]
        problems = {s["step"]: (s.get("finding") or {}).get("kind", "failed")
                    for s in mine if s["status"] == "failed"}
        if problems and set(problems.values()) == {"error"}:
            continue  # the browser, network or sign-in failed: nothing learnt about the guide
        guides[guide] = {"target": target, "date": date,
                         "result": "failed" if problems else "passed", "problems": problems}
    screenshots.mkdir(parents=True, exist_ok=True)
    tmp = screenshots / (STATUS_FILE + ".tmp")
    tmp.write_text(json.dumps({"guides": dict(sorted(guides.items()))}, indent=2,
                              sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, screenshots / STATUS_FILE)
