"""Control fingerprints: what each control a guide uses looked like when its baselines were
last refreshed, so that a renamed control can be recognised by everything that did not change.

A portal that renames "Azure Active Directory" to "Identity" keeps the link's target; one
that renames "Get started" to "+ New configuration" keeps the button's form field. When a
control is no longer found by its name, the candidates of the same kind on the page are
scored against its fingerprint (id, link target, form field, then name similarity); a clear
winner is taken as the renamed control. The step is still reported as structure drift, with
the old and the new name, but the guide goes on, so one run finds every affected step and
`guidegen fix` has every rename to propose.

Fingerprints live next to the screenshots (`screenshots/<guide>/controls.json`), are written
by `--update-screenshots` runs only, once per control (a renamed control has a new key, so it
is taken afresh), and are committed with the baselines they belong to.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Locator as PwLocator
from playwright.sync_api import Page

from ..atomic import write_atomic
from ..model import Locator
from .redact import Secrets

FILE = "controls.json"

# What identifies an element apart from its name. The accessible name is approximated the
# way the portals label their controls: aria-label, aria-labelledby, <label>, then text.
_INFO = """el => {
  const text = (s) => (s || "").replace(/\\s+/g, " ").trim();
  const by = el.getAttribute("aria-labelledby");
  const labelled = by ? by.split(" ").map((id) => document.getElementById(id))
    .filter(Boolean).map((e) => e.textContent).join(" ") : "";
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  const href = el.getAttribute("href");
  // A link's path and its query's parameter names (?edit, ?reset): what it opens, besides
  // the page it opens it on. Not their values: a query can carry a token, and this file is
  // committed.
  const opens = (url) => {
    const names = [...new Set(url.searchParams.keys())].sort();
    return url.pathname + (names.length ? "?" + names.join("&") : "");
  };
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id || "",
    href: href ? opens(new URL(href, location.href)) : "",
    // A button's value is part of what it is; a field's value is data (maybe a secret).
    field: [el.getAttribute("name") || "", (el.tagName === "BUTTON" ||
      ["submit", "button", "reset"].includes(el.type)) ? el.getAttribute("value") || "" : ""]
      .join("="),
    name: text(el.getAttribute("aria-label") || labelled || label || el.textContent),
    visible: typeof el.checkVisibility === "function" ? el.checkVisibility() : true,
  };
}"""

IDENTITY = (("id", 4.0), ("href", 4.0), ("field", 4.0))
ENOUGH = 4.0   # at least one identifying attribute, or a near-identical name and more
MARGIN = 1.0   # the winner must beat the runner-up clearly


def key(loc: Locator, portal: str) -> str:
    """A control's key: its portal and its description with variables filled in. Two portals
    can have a control of the same name ("Provisioning"), and they are not the same."""
    return f"{portal}: {loc.describe()}"


def file_name(locale: str | None = None) -> str:
    """controls.json; controls.<locale>.json for a portal in another language, whose controls
    have other names."""
    return f"controls.{locale}.json" if locale else FILE


def read(folder: Path, locale: str | None = None) -> dict[str, dict]:
    """The fingerprints, by key. On disk they are grouped by portal."""
    try:
        data = json.loads((folder / file_name(locale)).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {f"{portal}: {name}": info for portal, controls in data.items()
            if isinstance(controls, dict)
            for name, info in controls.items() if isinstance(info, dict) and "tag" in info}


def write(folder: Path, found: dict[str, dict], locale: str | None = None) -> Path | None:
    """Merge this run's fingerprints in (controls not used this run keep theirs); atomic.
    The file's path when its content changed, else None (and nothing is written)."""
    if not found:
        return None
    path = folder / file_name(locale)
    grouped: dict[str, dict[str, dict]] = {}
    for full, info in sorted({**read(folder, locale), **found}.items()):
        portal, _, name = full.partition(": ")
        grouped.setdefault(portal, {})[name] = info
    text = json.dumps(grouped, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        if path.read_text("utf-8") == text:
            return None
    except (OSError, ValueError):
        pass  # missing or unreadable: written below
    write_atomic(path, text)
    return path


def take(control: PwLocator, secrets: Secrets | None = None) -> dict | None:
    """The control's fingerprint; any secret value in it (a token shown as the text of an
    element), in any form, is masked, because the file is committed."""
    try:
        info = control.first.evaluate(_INFO, timeout=2_000)
    except Exception:  # gone after the action (a dialog closed): nothing to remember
        return None
    info.pop("visible", None)
    return secrets.scrub_data(info) if secrets else info


def _candidates(page: Page, loc: Locator) -> PwLocator | None:
    if loc.role is not None:
        return page.get_by_role(loc.role)
    if loc.region is not None:
        return page.get_by_role("region")
    if loc.label is not None:
        return page.locator("input, select, textarea")
    return None  # a text is content, not a control: no stand-in for it


def _words(name: str) -> str:
    return " ".join(name.casefold().split())


def score(old: dict, new: dict, shared: set[tuple[str, str]] = frozenset()) -> float:
    """How much `new` looks like the control `old` was. An attribute that several elements
    share (two links to the same page, from a menu and from a list) identifies none of them."""
    points = sum(weight for attr, weight in IDENTITY
                 if old.get(attr) and old.get(attr) not in ("=",)
                 and old[attr] == _comparable(attr, old[attr], new.get(attr) or "")
                 and (attr, old[attr]) not in shared)
    points += 0.5 * (old.get("tag") == new.get("tag"))
    before, after = _words(old.get("name", "")), _words(new.get("name", ""))
    if before and before == after:
        points += 4.0   # only case or spacing changed: "Test Connection" -> "Test connection"
    elif before and before in after:
        points += 3.0   # a suffix or a prefix: "Secret Token" -> "Secret token (Bearer)"
    return points + 2 * difflib.SequenceMatcher(None, old.get("name", ""),
                                                new.get("name", "")).ratio()


def _comparable(attr: str, old: str, new: str) -> str:
    """`new` as `old` can equal it: fingerprints taken before links kept their query's
    parameter names hold the path alone."""
    if attr == "href" and "?" not in old:
        return new.partition("?")[0]
    return new


def _shared(infos: list[dict], here: str) -> set[tuple[str, str]]:
    """(attribute, value) pairs that identify no single element: those more than one element
    on the page has, and a link to the page itself (a breadcrumb, a menu's current item:
    the app's "Overview" links where the apps list's "Zenkit" did)."""
    seen: dict[tuple[str, str], int] = {}
    for info in infos:
        for attr, _ in IDENTITY:
            if info.get(attr) and info[attr] != "=":
                seen[(attr, info[attr])] = seen.get((attr, info[attr]), 0) + 1
                path = _comparable(attr, "", info[attr])  # as an older fingerprint has it
                if path != info[attr]:
                    seen[(attr, path)] = seen.get((attr, path), 0) + 1
    return {pair for pair, count in seen.items() if count > 1} | {("href", here)}


def find_renamed(page: Page, loc: Locator, old: dict) -> tuple[PwLocator, str] | None:
    """The element that is `loc` under another name, or None when no candidate stands out."""
    candidates = _candidates(page, loc)
    if candidates is None:
        return None
    try:
        infos = candidates.evaluate_all(f"els => els.map({_INFO})")
    except Exception:
        return None
    shared = _shared([i for i in infos if i["visible"]], urlsplit(page.url).path)
    ranked = sorted(((score(old, info, shared), i) for i, info in enumerate(infos)
                     if info["visible"] and info["name"] != old.get("name")), reverse=True)
    if not ranked or ranked[0][0] < ENOUGH:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < MARGIN:
        return None
    best = ranked[0][1]
    return candidates.nth(best), infos[best]["name"]
