"""The people's reports of a verify run, without a browser: a results.json of the seed guide
written as report.html and summary.md."""

from __future__ import annotations

import base64
from pathlib import Path

from bs4 import BeautifulSoup

from guidegen.load import load_catalog
from guidegen.report import write_reports
from guidegen.results import Results, StepResult
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
                  catalog, tmp_path, None)
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
    write_reports(results(("open-app-provisioning", "passed")), catalog, tmp_path, None)
    text = BeautifulSoup((tmp_path / "report.html").read_text("utf-8"),
                         "html.parser").select_one("div.text")
    assert [b.get_text() for b in text.find_all("strong")] == ["Save", "Yes"]
    assert text.find("script") is None
    assert "<script>alert(1)</script> &" in text.get_text()


# Page text an attacker controls, in every field of a finding that can carry it.
XSS = "<img src=x onerror=alert(1)>"
MD = "[click](https://evil.example) ![i](https://evil.example/i.png) `x` *y* | cell"


def hostile_step() -> StepResult:
    return StepResult.model_validate({
        "guide": GUIDE, "step": "open-app-provisioning", "status": "failed", "finding": {
            "kind": "structure drift", "message": f"button '{XSS} {MD}' not found", "action": 0,
            "action_text": f"click {XSS}", "expected": XSS, "found": [XSS, MD],
            "control": f"azure-home.{XSS}", "defined_at": f"steps/{XSS}:1", "shown": XSS,
            "notices": [XSS, MD], "renamed": [
                {"action": 0, "role": "button", "old": "Save", "new": XSS},
                {"action": 0, "role": "link", "old": MD, "new": MD,
                 "via": [{"role": "link", "name": XSS}]}]}})


def test_page_text_in_the_html_report_is_text(tmp_path):
    catalog = load_catalog(REPO / "steps", REPO)
    write_reports(Results(target="sim", steps=[hostile_step()]), catalog, tmp_path, None)
    page = BeautifulSoup((tmp_path / "report.html").read_text("utf-8"), "html.parser")
    assert not page.find_all(["img", "script", "a"])
    assert not [t for t in page.find_all(True) if "onerror" in t.attrs]
    assert page.get_text().count(XSS) >= 10  # shown, as the characters it holds


def test_page_text_in_the_markdown_summary_is_text(tmp_path):
    catalog = load_catalog(REPO / "steps", REPO)
    write_reports(Results(target="sim", steps=[hostile_step()]), catalog, tmp_path, None)
    [row] = [ln for ln in (tmp_path / "summary.md").read_text("utf-8").splitlines()
             if ln.startswith(f"| {GUIDE}")]
    # Code spans show their text as it is, `<` too; nothing else holds a `<`.
    spans = [f"`azure-home.{XSS}`", f"`steps/{XSS}:1`"]
    assert all(span in row for span in spans)
    assert "<" not in row.replace(spans[0], "").replace(spans[1], "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in row
    # No unescaped link, image, code span, emphasis or cell break from the page's text...
    assert "\\[click\\](https://evil.example) !\\[i\\](https://evil.example/i.png) " \
        "\\`x\\` \\*y\\* \\| cell" in row
    # ...so the row keeps its four cells: every other pipe is escaped.
    assert row.replace("\\|", "").count("|") == 5


PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
                       "+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def visual(tmp_path: Path, expected: str, new: str, diff: str) -> str:
    """report.html of a results.json whose visual finding names these three images."""
    catalog = load_catalog(REPO / "steps", REPO)
    folder = tmp_path / "report"
    step = StepResult.model_validate({
        "guide": GUIDE, "step": "open-app-provisioning", "status": "failed", "finding": {
            "kind": "visual drift", "message": "screenshot differs", "expected": expected,
            "found": [new, diff]}})
    write_reports(Results(target="sim", steps=[step]), catalog, folder, tmp_path / "screenshots")
    return (folder / "report.html").read_text("utf-8")


def test_only_pngs_in_the_report_and_screenshots_folders_are_inlined(tmp_path):
    (tmp_path / "screenshots" / GUIDE).mkdir(parents=True)
    (tmp_path / "report" / "screenshots").mkdir(parents=True)
    baseline = tmp_path / "screenshots" / GUIDE / "shot.png"
    baseline.write_bytes(PNG)
    new = tmp_path / "report" / "screenshots" / "shot.png"
    new.write_bytes(PNG)
    diff = tmp_path / "report" / "screenshots" / "shot.diff.png"
    diff.write_bytes(PNG)
    page = visual(tmp_path, str(baseline), str(new), str(diff))
    assert page.count("data:image/png;base64," + base64.b64encode(PNG).decode()) == 5

    # A crafted results.json: a file elsewhere, a symlink out of the report folder to the
    # saved sign-in, a way out by '..', and a file inside that is not a PNG.
    state = tmp_path / "state" / "azure.json"
    state.parent.mkdir()
    state.write_text('{"cookies": [{"value": "SESSION-CANARY"}]}', "utf-8")
    link = tmp_path / "report" / "screenshots" / "state.png"
    link.symlink_to(state)
    (tmp_path / "report" / "notes.png").write_text("SECRET-CANARY", "utf-8")
    outside = tmp_path / "outside.png"
    outside.write_bytes(PNG)
    for expected, new_path, diff_path in [
            ("/etc/passwd", str(link), str(tmp_path / "report" / "notes.png")),
            (str(tmp_path / "report" / ".." / "outside.png"), str(state), str(outside))]:
        page = visual(tmp_path, expected, new_path, diff_path)
        assert "data:image" not in page
        for canary in ("root:", "SESSION-CANARY", "SECRET-CANARY"):
            assert base64.b64encode(canary.encode()).decode()[:8] not in page
