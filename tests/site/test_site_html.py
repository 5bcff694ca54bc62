"""A real strict `guidegen build` of the shipped content; assertions on the built HTML."""

from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from guidegen.build import build
from guidegen.load import load_catalog
from guidegen.project import Layout

from .conftest import copy_project

SEED = "zenkit-azure-scim-provisioning"
ROTATION = "zenkit-scim-token-rotation"


def page(layout: Layout, path: str) -> BeautifulSoup:
    return BeautifulSoup((layout.site / path / "index.html").read_text("utf-8"), "html.parser")


def test_plans_box_lists_every_plan_with_what_verification_established(built_site):
    """The shipped status file: both guides verified on the two plans they claim."""
    box = page(built_site, f"guides/{ROTATION}").select_one(".gg-plans-box")
    assert box.select_one(".admonition-title").get_text(strip=True) == "Applicable plans"
    rows = {li["data-gg-plan"]: li for li in box.select("li.gg-plan")}
    assert list(rows) == ["free", "plus", "business", "enterprise"]
    assert [p for p, li in rows.items() if "gg-plan-yes" in li["class"]] == ["business", "enterprise"]
    assert rows["free"].select_one(".gg-mark").get_text() == "✗"
    assert rows["business"].select_one(".gg-mark").get_text() == "✓"
    assert rows["free"].get_text(" ", strip=True) == "✗ Free (not included)"
    assert rows["business"].get_text(" ", strip=True) == "✓ Business (included, verified)"
    note = box.select_one(".gg-plan-note-verified")
    assert re.fullmatch(r"Business and Enterprise: verified step by step against the portal "
                        r"simulators on \d{1,2} \w+ \d{4}, with an organization on each of "
                        r"these plans\.", note.get_text(" ", strip=True).replace(" ,", ","))
    assert note.select_one("time")["datetime"]


def test_a_claim_verification_contradicted_is_marked_not_ticked(tmp_path):
    """A status file whose Enterprise check failed at step 2, and no verdict on Business."""
    layout = copy_project(tmp_path)
    (layout.screenshots / "status.json").write_text(json.dumps({"guides": {SEED: {
        "target": "sim", "date": "2026-12-02", "result": "passed", "problems": {},
        "plans": {"enterprise": {"result": "failed", "step": "zenkit-scim-credentials",
                                 "target": "sim", "date": "2026-12-02"}}}}}), "utf-8")
    build(layout)
    soup = page(layout, f"guides/{SEED}")
    rows = {li["data-gg-plan"]: li.get_text(" ", strip=True) for li in soup.select("li.gg-plan")}
    assert rows["business"] == "○ Business (included, not verified yet)"
    assert rows["enterprise"] == "⚠ Enterprise (included, but its verification failed)"
    failed = soup.select_one(".gg-plan-note-failed")
    assert "its verification against the portal simulators on 2 December 2026" in \
        failed.get_text(" ", strip=True)
    link = failed.select_one("a")
    assert link.get_text() == "step 2" and soup.select_one(link["href"])["class"] == ["gg-step"]
    matrix = [[c.get_text(" ", strip=True) for c in tr.select("td")]
              for tr in page(layout, "guides/plans").select("tr")][1]
    assert matrix == ["SCIM provisioning with Azure AD", "—", "—", "○ not verified",
                      "⚠ failed verification"]


def test_seed_guide_claims_business_and_enterprise_and_keeps_its_order(built_site):
    """Zenkit gives organizations, and SCIM with them, to Business and Enterprise only."""
    soup = page(built_site, f"guides/{SEED}")
    assert [li["data-gg-plan"] for li in soup.select(".gg-plans-box li.gg-plan-verified")] == [
        "business", "enterprise"]
    assert [li["data-gg-plan"] for li in soup.select(".gg-plans-box li.gg-plan-excluded")] == [
        "free", "plus"]
    headings = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in soup.select("h2, h3")]
    assert headings[:5] == [
        "Entering the admin credentials", "Mapping Users and Groups for provisioning",
        "Mapping groups", "Mapping users", "Turning provisioning on",
    ]
    numbers = [s.select_one(".gg-step-number").get_text() for s in soup.select(".gg-step")]
    assert numbers == [f"Step {i}" for i in range(1, len(numbers) + 1)]
    text = soup.get_text(" ", strip=True)
    # The slip portals.md points out is corrected: the mode is set in the Azure portal.
    assert "Provisioning Mode" in text and "In the Azure portal" in text
    assert "Zenkit organization settings. At the top" not in text


def test_badge_only_on_steps_narrower_than_their_section(built_site):
    soup = page(built_site, f"guides/{ROTATION}")
    badged = {s["id"]: s.select_one(".gg-step-head .gg-badge") for s in soup.select(".gg-step")}
    assert badged["review-audit-log"].get_text() == "Enterprise"
    assert badged["review-audit-log"]["data-gg-plans"] == "enterprise"
    assert [k for k, b in badged.items() if b is not None] == ["review-audit-log"]
    assert page(built_site, f"guides/{SEED}").select(".gg-step-head .gg-badge") == []


def test_plan_variant_is_marked_with_its_plans(built_site):
    variant = page(built_site, f"guides/{ROTATION}").select_one("#regenerate-token .gg-variant")
    assert variant["data-gg-plans"] == "enterprise"
    assert variant.select_one(".gg-badge").get_text() == "Enterprise"
    assert "audit log" in variant.get_text()


def test_admonitions_render(built_site):
    soup = page(built_site, f"guides/{ROTATION}")
    warning = soup.select_one("#regenerate-token .admonition.warning")
    assert "old token stops working" in warning.get_text()
    tip = page(built_site, f"guides/{SEED}").select_one("#enter-credentials .admonition.tip")
    assert "email notification" in tip.get_text()


@pytest.mark.parametrize("language", ["", "de"])
def test_picker_script_and_plan_data_on_every_page(built_site, language):
    """Each language's pages load that language's copy of the script and its plan data."""
    root = built_site.site / language
    pages = [p for p in root.rglob("*.html")
             if language or p.relative_to(root).parts[0] != "de"]
    assert len(pages) >= 5
    wanted = {root / "assets/guidegen.js", root / "guides/guidegen-data.js"}
    for html in pages:
        scripts = BeautifulSoup(html.read_text("utf-8"), "html.parser").select("script[src]")
        # 404.html links from the site root (site_url); every other page relatively.
        loaded = {(built_site.site / s["src"].lstrip("/") if s["src"].startswith("/")
                   else html.parent / s["src"]).resolve() for s in scripts}
        assert {w.resolve() for w in wanted} <= loaded, html
    data = (root / "guides/guidegen-data.js").read_text("utf-8")
    payload = json.loads(re.search(r"window\.GUIDEGEN = (.*);", data, re.S).group(1))
    assert [p["id"] for p in payload["plans"]] == ["free", "plus", "business", "enterprise"]
    assert payload["guides"][ROTATION]["plans"] == ["business", "enterprise"]


def test_without_javascript_nothing_is_hidden(built_site):
    """No-JS readers see every step, section and variant, each with its badge."""
    soup = page(built_site, f"guides/{ROTATION}")
    marked = soup.select(".gg-step, .gg-section, .gg-variant")
    assert len(marked) >= 6
    assert not any(el.has_attr("hidden") or "display" in el.get("style", "") for el in marked)
    css = (built_site.site / "assets/guidegen.css").read_text("utf-8")
    # Only the [hidden] attribute, which the script sets, hides anything.
    for rule in re.findall(r"([^{}]+)\{[^}]*display:\s*none", css):
        assert "[hidden]" in rule, rule


def test_guides_by_plan_matrix(built_site):
    soup = page(built_site, "guides/plans")
    rows = [[c.get_text(" ", strip=True) for c in tr.select("td, th")] for tr in soup.select("tr")]
    assert rows[0] == ["Guide", "Free", "Plus", "Business", "Enterprise"]
    assert rows[1] == ["SCIM provisioning with Azure AD", "—", "—", "✓", "✓"]
    assert rows[2] == ["Rotating the SCIM bearer token", "—", "—", "✓ (3 of 4 steps)", "✓"]


def test_overview_marks_each_guide_with_its_plans(built_site):
    cards = page(built_site, "guides").select(".gg-guide-card")
    marked = {c["data-gg-guide"]: c["data-gg-plans"] for c in cards}
    assert marked[SEED] == marked[ROTATION] == "business enterprise"
    # Every shipped guide has its card, marked with the plans its file claims.
    catalog = load_catalog(built_site.steps, built_site.root)
    assert marked == {g.id: " ".join(g.plans) for g in catalog.guides}


def test_search_index_holds_guides_and_steps(built_site):
    index = json.loads((built_site.site / "search/search_index.json").read_text("utf-8"))
    text = " ".join(d["title"] + " " + d["text"] for d in index["docs"])
    assert "SCIM provisioning with Azure AD" in text
    assert "Regenerate token" in text


def test_every_image_on_the_site_exists(built_site):
    images = 0
    for html in built_site.site.rglob("*.html"):
        for tag in BeautifulSoup(html.read_text("utf-8"), "html.parser").select("article img"):
            assert (html.parent / tag["src"]).resolve().is_file(), (html, tag["src"])
            images += 1
    assert images >= 1


def test_screenshot_not_captured_yet_shows_no_image(tmp_path):
    layout = copy_project(tmp_path)
    (layout.screenshots / SEED / "azure-admin-credentials.png").unlink(missing_ok=True)
    build(layout)
    step = page(layout, f"guides/{SEED}").select_one("#enter-credentials")
    assert step.select("img") == []
    assert "not captured yet" in (layout.docs / "guides" / f"{SEED}.md").read_text("utf-8")


def _png(path: Path, width: int = 4, height: int = 3) -> None:
    raw = b"".join(b"\x00" + b"\x33\x66\x99" * width for _ in range(height))
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data  # noqa: E731
                                + struct.pack(">I", zlib.crc32(kind + data)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                     8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def site_with_screenshot(tmp_path_factory) -> Layout:
    layout = copy_project(tmp_path_factory.mktemp("shot"))
    _png(layout.screenshots / SEED / "azure-admin-credentials.png")
    build(layout)
    return layout


def test_captured_screenshot_has_alt_text_and_lightbox(site_with_screenshot):
    step = page(site_with_screenshot, f"guides/{SEED}").select_one("#enter-credentials")
    img = step.select_one("figure.gg-shot img")
    assert img["alt"].startswith("The Admin Credentials section with the Tenant URL")
    link = img.find_parent("a")
    assert link is not None and "glightbox" in link.get("class", [])
    target = (site_with_screenshot.site / "guides" / SEED / img["src"]).resolve()
    assert target.read_bytes().startswith(b"\x89PNG")
