"""axe-core in real Chromium on every page of the customers' help centre, in every language
(site/ and site/de/): no serious or critical violation, with no plan picked and with one
picked (hiding steps must not break what is left)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from guidegen.build import build
from tests.helpers import serve_directory

from .conftest import copy_project

pytestmark = pytest.mark.browser

BLOCKING = {"serious", "critical"}
SEED = "zenkit-azure-scim-provisioning"
SAML = "zenkit-azure-saml-sso"


def customer_pages(site) -> list[str]:
    return sorted(p.parent.relative_to(site).as_posix().removeprefix(".") + "/"
                  for p in site.rglob("index.html") if "search" not in p.parts)


def violations(page: Page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            for v in found if v["impact"] in BLOCKING]


@pytest.mark.parametrize("plan", ["", "business"])
def test_no_serious_or_critical_violation_on_any_customer_page(page: Page, built_site,
                                                               site_url, plan):
    pages = customer_pages(built_site.site)
    assert {"/", "guides/plans/", "de/", "de/guides/plans/"} <= set(pages)
    page.goto(f"{site_url}/")
    page.get_by_label("Your plan").select_option(plan)
    found = {}
    for path in pages:
        page.goto(f"{site_url}/{path.lstrip('/')}")
        page.locator("#gg-plan-picker").wait_for()
        if problems := violations(page):
            found[path] = problems
    assert not found, found


def test_a_german_page_partly_or_not_translated_has_no_serious_violation(page: Page, tmp_path):
    """English parts on a German page (lang="en", a German note) are as accessible."""
    layout = copy_project(tmp_path)
    (layout.steps / f"translations/de/{SAML}.yml").unlink()
    seed = layout.steps / f"translations/de/{SEED}.yml"
    seed.write_text(re.sub(r"\n  save-credentials:\n(    .*\n)+", "\n", seed.read_text("utf-8")),
                    "utf-8")
    build(layout)
    with serve_directory(layout.site) as url:
        found = {}
        for path in (f"de/guides/{SAML}/", f"de/guides/{SEED}/"):
            page.goto(f"{url}/{path}")
            expect(page.locator(".gg-untranslated").first).to_be_visible()
            if problems := violations(page):
                found[path] = problems
    assert not found, found
