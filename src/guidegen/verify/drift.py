"""When a control is not found, say what is on the page instead: the accessible names of
the same role closest to the expected one, read from Playwright's ARIA snapshot, from the
element's own neighbourhood first; and the name itself where the page shows it under another
role."""

from __future__ import annotations

import difflib
import re

from playwright.sync_api import Locator as PwLocator
from playwright.sync_api import Page

_NODE = re.compile(r'^\s*-\s+([a-z]+)(?:\s+"((?:[^"\\]|\\.)*)")?')
# How far up from the element a step names with `within:` the names are looked for, before
# the whole page: the row, its table, the table's section.
NEIGHBOURHOOD = 3


def accessible_names(scope: Page | PwLocator) -> list[tuple[str, str]]:
    """(role, name) of every named node in the accessibility tree of the page, or of one
    element of it."""
    root = scope.locator("body") if isinstance(scope, Page) else scope
    try:
        snapshot = root.aria_snapshot(timeout=5_000)
    except Exception:  # a page mid-navigation has no snapshot; the finding still stands
        return []
    out = []
    for line in snapshot.splitlines():
        match = _NODE.match(line)
        if match and match.group(2):
            out.append((match.group(1), match.group(2).replace('\\"', '"')))
    return out


def closest_names(page: Page, role: str | None, name: str, limit: int = 3,
                  near: PwLocator | None = None) -> list[str]:
    """The names closest to `name`: those of the same role inside `near` (the element the
    step looked within) and its containers first, then the page's. A checkbox missing from a
    row is offered the row's controls, not the page banner's."""
    scopes: list[PwLocator] = []
    try:
        if near is not None and near.count() == 1:
            scope = near
            for _ in range(NEIGHBOURHOOD):
                scopes.append(scope)
                scope = scope.locator("xpath=..")
    except Exception:  # a page going away: the page's names will do
        scopes = []
    out: list[str] = []
    for scope in scopes:
        pool = list(dict.fromkeys(n for r, n in accessible_names(scope)
                                  if role is None or r == role))
        ranked = difflib.get_close_matches(name, pool, n=limit, cutoff=0.3) or pool[:limit]
        out += [n for n in ranked if n not in out]
        if len(out) >= limit:
            return out[:limit]
    nodes = accessible_names(page)
    same_role = [n for r, n in nodes if role is None or r == role]
    pool = list(dict.fromkeys(same_role or [n for _, n in nodes]))
    ranked = difflib.get_close_matches(name, pool, n=limit, cutoff=0.3) or pool[:limit]
    out += [n for n in ranked if n not in out]
    return out[:limit]


# Roles a reader operates, and roles that hold them: one guessed for another of its kind (a
# button for a link, a region for a form) is a writer's likeliest mistake. A heading missing
# beside a menu link of its name is drift, and no case for the hint.
KINDS = (frozenset({"button", "link", "menuitem", "menuitemcheckbox", "menuitemradio", "tab",
                    "checkbox", "radio", "switch", "option", "combobox", "textbox", "treeitem"}),
         frozenset({"region", "form", "group", "dialog", "alertdialog", "table", "grid", "list",
                    "navigation", "main", "complementary", "tabpanel", "radiogroup", "toolbar"}))


def other_roles(page: Page, role: str | None, name: str, limit: int = 3) -> list[str]:
    """Where the page shows `name` itself (spaces and case aside) under another role of the
    step's kind, as "link 'Edit properties'". A writer's likeliest wrong guess is the role (a
    link styled as a command button, a form taken for a region), and the closest names of the
    guessed role never show it."""
    wanted = " ".join(name.split()).casefold()
    kind = next((k for k in KINDS if role in k), None)
    if kind is None or not wanted:
        return []
    return list(dict.fromkeys(
        f"{r} '{n}'" for r, n in accessible_names(page)
        if r != role and r in kind and " ".join(n.split()).casefold() == wanted))[:limit]
