"""Turn a writer's `Locator` into a Playwright locator: by role and accessible name first,
as a user would find the control, never by CSS."""

from __future__ import annotations

from playwright.sync_api import Locator as PwLocator
from playwright.sync_api import Page

from guidegen import model


def to_locator(scope: Page | PwLocator, loc: model.Locator) -> PwLocator:
    """The Playwright locator for `loc`, looked up inside `scope` (and inside `loc.within`)."""
    if loc.within is not None:
        scope = to_locator(scope, loc.within)
    if loc.role is not None:
        if loc.name is None:
            return scope.get_by_role(loc.role)
        return scope.get_by_role(loc.role, name=loc.name, exact=loc.exact)
    if loc.label is not None:
        return scope.get_by_label(loc.label, exact=loc.exact)
    if loc.text is not None:
        return scope.get_by_text(loc.text, exact=loc.exact)
    return scope.get_by_role("region", name=loc.region, exact=loc.exact)
