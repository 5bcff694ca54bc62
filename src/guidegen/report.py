"""Reports of a verify run for people: one self-contained HTML file (images inlined) and a
Markdown summary for a CI job summary. results.json and JUnit XML are the machines' copies."""

from __future__ import annotations

import base64
import html
import os
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .catalog import Catalog
from .load import BOLD
from .results import Kind, Results, renamed_message, via_text

TEMPLATE = Path(__file__).parent / "assets" / "report.html.j2"


def _data_uri(path: str | None) -> str | None:
    if not path or not Path(path).is_file():
        return None
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode()


def _bold(text: str) -> Markup:
    """A step's text as the reader sees its labels: **Save** in bold, everything else escaped."""
    return Markup(BOLD.sub(r"<strong>\1</strong>", str(escape(text))))


def _rows(results: Results, catalog: Catalog) -> list[dict]:
    steps = {(g.id, s.id): s for g in catalog.guides for s in g.all_steps()}
    # Outcome steps run after the last step and readers never see them: no number.
    outcome = {(g.id, s.id): s for g in catalog.guides for s in g.outcome}
    titles = {g.id: g.title for g in catalog.guides}
    rows = []
    for entry in results.steps:
        key = (entry.guide, entry.step)
        step = steps.get(key) or outcome.get(key)
        label = f"Step {step.number}" if key in steps else "Outcome check" if step else "Step"
        finding = entry.finding
        images = {}
        if finding and finding.kind == Kind.VISUAL and len(finding.found) == 2:
            new, diff = finding.found
            images = {"baseline": _data_uri(finding.expected), "new": _data_uri(new),
                      "diff": _data_uri(diff)}
        rows.append({"guide": entry.guide, "step": entry.step, "status": entry.status,
                     "title": titles.get(entry.guide, entry.guide), "label": label,
                     "text": step.text if step else "", "finding": finding, "images": images})
    return rows


def write_reports(results: Results, catalog: Catalog, folder: Path) -> None:
    rows = _rows(results, catalog)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["bold"] = _bold
    env.filters["via"] = via_text
    groups: dict[str, list[dict]] = {}
    for row in rows:  # guides in run order, steps in guide order
        groups.setdefault(row["guide"], []).append(row)
    page = env.from_string(TEMPLATE.read_text("utf-8")).render(results=results, rows=rows,
                                                                groups=list(groups.items()))
    _write(folder / "report.html", page)
    _write(folder / "summary.md", markdown_summary(results, rows))


def markdown_summary(results: Results, rows: list[dict]) -> str:
    icon = {"passed": "✅", "failed": "❌", "not run": "⏭️"}
    lines = [f"## guidegen verify against {results.target}", "",
             f"{results.passed} passed, {results.failed} failed, {results.not_run} not run", "",
             "| Guide | Step | Result | What happened |", "|---|---|---|---|"]
    for row in rows:
        if row["status"] == "passed":
            continue
        finding = row["finding"]
        what = finding.message if finding else "an earlier step failed"
        if finding and finding.found and finding.kind == Kind.STRUCTURE:
            what += "; closest on the page: " + ", ".join(f"'{f}'" for f in finding.found)
        if finding and finding.shown is not None:
            what += f"; it shows: '{finding.shown}'"
        if finding and finding.notices:
            what += "; the page says: " + ", ".join(f"'{n}'" for n in finding.notices)
        if finding and finding.renamed and not what.startswith("changed: "):
            what += "; also " + renamed_message(finding.renamed)
        if finding and finding.defined_at:
            what += f" (control `{finding.control}` is defined at `{finding.defined_at}`)"
        what = html.escape(what, quote=False).replace("|", "\\|")
        lines.append(f"| {row['guide']} | {row['label']}: {row['step']} | "
                     f"{icon[row['status']]} {finding.kind if finding else row['status']} | "
                     f"{what} |")
    if results.failed == 0 and results.not_run == 0:
        lines.append("| all | all | ✅ passed | |")
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
