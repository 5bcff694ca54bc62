"""The people's reports of a verify run, without a browser: a results.json of the seed guide
written as report.html and summary.md."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from guidegen.load import load_catalog
from guidegen.report import write_reports
from guidegen.results import Results
from guidegen.verify.findings import OUTCOME, Finding

REPO = Path(__file__).resolve().parents[2]
GUIDE = "zenkit-azure-scim-provisioning"


def results(*steps: tuple[str, str]) -> Results:
    rows = [{"guide": GUIDE, "step": step, "plan": None, "status": status,
             "finding": Finding(OUTCOME, "user not in Zenkit").record()
             if status == "failed" else None} for step, status in steps]
    return Results(target="sim", speaks_for_site=True, steps=rows)


def test_steps_are_numbered_as_readers_see_them_and_outcome_checks_are_named(tmp_path):
    catalog = load_catalog(REPO / "steps", REPO)
    write_reports(results(("open-app-provisioning", "passed"), ("user-in-zenkit", "failed")),
                  catalog, tmp_path)
    page = BeautifulSoup((tmp_path / "report.html").read_text("utf-8"), "html.parser")
    first, outcome = page.select("div.step")
    assert first.find("div").get_text(" ", strip=True).startswith(
        "passed Step 1: open-app-provisioning")
    assert outcome.find("div").get_text(" ", strip=True).startswith(
        "failed Outcome check: user-in-zenkit")
    assert outcome.select_one("div.text").get_text(strip=True)  # its text, from the guide
    summary = (tmp_path / "summary.md").read_text("utf-8")
    assert f"| {GUIDE} | Outcome check: user-in-zenkit | ❌ outcome failure |" in summary


def test_bold_labels_are_bold_and_the_rest_of_the_text_is_escaped(tmp_path):
    catalog = load_catalog(REPO / "steps", REPO)
    step = next(s for s in catalog.guides[0].all_steps() if s.id == "open-app-provisioning")
    step.text = "Click **Save** <script>alert(1)</script> & **Yes**."
    write_reports(results(("open-app-provisioning", "passed")), catalog, tmp_path)
    text = BeautifulSoup((tmp_path / "report.html").read_text("utf-8"),
                         "html.parser").select_one("div.text")
    assert [b.get_text() for b in text.find_all("strong")] == ["Save", "Yes"]
    assert text.find("script") is None
    assert "<script>alert(1)</script> &" in text.get_text()
