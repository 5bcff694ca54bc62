"""The plan picker in real Chromium: pick a plan, see steps hidden; reload, still picked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ROTATION = "guides/zenkit-scim-token-rotation/"


def test_picking_a_plan_hides_what_is_not_in_it_and_survives_reload(page: Page, site_url):
    page.goto(f"{site_url}/{ROTATION}")
    picker = page.get_by_label("Your plan")
    audit = page.locator("#review-audit-log")
    variant = page.locator("#regenerate-token .gg-variant")
    expect(picker).to_have_value("")
    expect(audit).to_be_visible()
    expect(variant).to_be_visible()

    picker.select_option("business")
    expect(audit).to_be_hidden()
    expect(variant).to_be_hidden()
    expect(page.locator("#paste-token .gg-step-number")).to_have_text("Step 3")
    expect(page.locator(".gg-plan-current")).to_have_text("✓ Business (included, verified)")

    page.reload()
    expect(page.get_by_label("Your plan")).to_have_value("business")
    expect(audit).to_be_hidden()

    page.get_by_label("Your plan").select_option("enterprise")
    expect(audit).to_be_visible()
    expect(variant).to_be_visible()
    expect(audit.locator(".gg-step-number")).to_have_text("Step 4")


def test_guides_outside_the_plan_are_marked_in_nav_and_overview(page: Page, site_url):
    page.goto(f"{site_url}/guides/")
    page.get_by_label("Your plan").select_option("free")
    card = page.locator(".gg-guide-card[data-gg-guide='zenkit-scim-token-rotation']")
    expect(card).to_have_class("gg-guide-card gg-unavailable")
    expect(card).to_have_attribute("data-gg-unavailable", "Not in Free")
    # Zenkit has SCIM on Business and Enterprise only: neither guide is for Free.
    seed_card = page.locator(".gg-guide-card[data-gg-guide='zenkit-azure-scim-provisioning']")
    expect(seed_card).to_have_class("gg-guide-card gg-unavailable")
    nav = page.locator(".md-nav--primary a.gg-unavailable")
    # Each guide the overview marks is marked in the navigation too, whatever guides ship.
    expect(nav.filter(has_text="Rotating the SCIM bearer token")).to_have_count(1)
    expect(nav).to_have_count(page.locator(".gg-guide-card.gg-unavailable").count())
    page.get_by_label("Your plan").select_option("business")
    expect(seed_card).not_to_have_class("gg-guide-card gg-unavailable")
    expect(nav).to_have_count(0)
    page.get_by_label("Your plan").select_option("free")

    # The choice follows the reader to the guide itself, which says it does not apply.
    page.goto(f"{site_url}/{ROTATION}")
    expect(page.locator("#gg-plan-notice")).to_contain_text(
        "This guide does not apply to the Free plan")


def test_all_plans_shows_everything_again(page: Page, site_url):
    page.goto(f"{site_url}/{ROTATION}")
    page.get_by_label("Your plan").select_option("business")
    expect(page.locator("#review-audit-log")).to_be_hidden()
    page.get_by_label("Your plan").select_option("")
    expect(page.locator("#review-audit-log")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Your plan")).to_have_value("")


def test_search_finds_a_step(page: Page, site_url):
    page.goto(f"{site_url}/")
    search = page.get_by_role("textbox", name="Search")
    search.click()
    search.press_sequentially("Regenerate token")  # Material searches on key events
    result = page.locator(".md-search-result__link").first
    expect(result).to_be_visible(timeout=15_000)
    expect(result).to_contain_text("Rotating the SCIM bearer token")


def test_the_picker_works_by_keyboard_alone_and_says_what_it_hid(page: Page, site_url):
    page.goto(f"{site_url}/{ROTATION}")
    picker = page.get_by_label("Your plan")
    for _ in range(30):  # Tab from the top of the page, as a keyboard user would
        page.keyboard.press("Tab")
        if picker.evaluate("el => el === document.activeElement"):
            break
    expect(picker).to_be_focused()
    status = page.get_by_role("status")
    expect(status).to_have_text("Showing steps for all plans")

    page.keyboard.press("ArrowDown")  # Free: the whole guide is outside it
    expect(picker).to_have_value("free")
    expect(status).to_have_text("This guide does not apply to the Free plan")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(picker).to_have_value("business")
    expect(status).to_have_text("Showing steps for Business: 1 step hidden")
    expect(page.locator("#review-audit-log")).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(status).to_have_text("Showing steps for Enterprise: 0 steps hidden")
    expect(page.locator("#review-audit-log")).to_be_visible()

    page.goto(f"{site_url}/guides/")  # the overview says how many guides it marked
    expect(page.get_by_role("status")).to_have_text(
        "Showing guides for Enterprise: 0 guides not available")
    page.get_by_label("Your plan").focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")
    expect(page.locator(".gg-guide-card[data-gg-guide='zenkit-scim-token-rotation']")
           ).to_have_class("gg-guide-card gg-unavailable")
    marked = page.locator(".gg-guide-card.gg-unavailable").count()
    expect(page.get_by_role("status")).to_have_text(
        f"Showing guides for Free: {marked} guides not available")
