"""When a control is not found, say what is on the page instead: the accessible names of
the same role closest to the expected one, read from Playwright's ARIA snapshot."""

from __future__ import annotations

import difflib
import re

from playwright.sync_api import Page

_NODE = re.compile(r'^\s*-\s+([a-z]+)(?:\s+"((?:[^"\\]|\\.)*)")?')


def accessible_names(page: Page) -> list[tuple[str, str]]:
    """(role, name) of every named node in the page's accessibility tree."""
    try:
        snapshot = page.locator("body").aria_snapshot(timeout=5_000)
    except Exception:  # a page mid-navigation has no snapshot; the finding still stands
        return []
    out = []
    for line in snapshot.splitlines():
        match = _NODE.match(line)
        if match and match.group(2):
            out.append((match.group(1), match.group(2).replace('\\"', '"')))
    return out


def closest_names(page: Page, role: str | None, name: str, limit: int = 3) -> list[str]:
    nodes = accessible_names(page)
    same_role = [n for r, n in nodes if role is None or r == role]
    pool = list(dict.fromkeys(same_role or [n for _, n in nodes]))
    ranked = difflib.get_close_matches(name, pool, n=limit, cutoff=0.3)
    return ranked or pool[:limit]
