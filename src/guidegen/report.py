"""Reports of a verify run for people: one self-contained HTML file (images inlined) and a
Markdown summary for a CI job summary. results.json and JUnit XML are the machines' copies."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from .atomic import write_atomic
from .catalog import Catalog
from .checks import BOLD
from .markdown_text import md_code, md_text
from .paths import first_confined
from .results import Kind, Results, renamed_message, via_text

TEMPLATE = Path(__file__).parent / "assets" / "report.html.j2"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _data_uri(path: str | None, folders: list[Path]) -> str | None:
    """An image a finding names, inlined: only a PNG file inside one of `folders` (the report
    folder, the project's screenshots). results.json may be crafted, or a shard's from another
    machine, and must not pull /etc/passwd or the saved sign-in into a page people share; a
    relative path is the run's, from the working folder, as verify writes it."""
    found = first_confined(Path(path).absolute(), folders) if path else None
    if found is None or not found.is_file():
        return None
    data = found.read_bytes()
    if not data.startswith(PNG_SIGNATURE):
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode()


def _bold(text: str) -> Markup:
    """A step's text as the reader sees its labels: **Save** in bold, everything else escaped.
    Character references are read first, as the site reads them (variable values come
    with `<` and `>` as references), so none shows twice escaped."""
    return Markup(BOLD.sub(r"<strong>\1</strong>", str(escape(html.unescape(text)))))


def _rows(results: Results, catalog: Catalog, images_from: list[Path]) -> list[dict]:
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
            images = {"baseline": _data_uri(finding.expected, images_from),
                      "new": _data_uri(new, images_from), "diff": _data_uri(diff, images_from)}
        rows.append({"guide": entry.guide, "step": entry.step, "status": entry.status,
                     "title": titles.get(entry.guide, entry.guide), "label": label,
                     "text": step.text if step else "", "finding": finding, "images": images})
    return rows


def write_reports(results: Results, catalog: Catalog, folder: Path,
                  screenshots: Path | None) -> None:
    """report.html and summary.md in `folder`; images inlined from there and from
    `screenshots` (the project's baselines; None: a run with no steps has none)."""
    rows = _rows(results, catalog, [folder, *([screenshots] if screenshots else [])])
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
    """Every piece of a report's data is escaped (markdown_text): findings carry page text,
    and a crafted results.json any text at all."""
    icon = {"passed": "✅", "failed": "❌", "not run": "⏭️", "manual": "✋"}
    lines = [f"## guidegen verify against {results.target}", "",
             f"{results.passed} passed, {results.failed} failed, {results.not_run} not run", "",
             "| Guide | Step | Result | What happened |", "|---|---|---|---|"]
    for row in rows:
        if row["status"] == "passed":
            continue
        finding = row["finding"]
        what = finding.message if finding else "checked by hand (verify: manual)" \
            if row["status"] == "manual" else "an earlier step failed"
        if finding and finding.found and finding.kind == Kind.STRUCTURE:
            what += "; closest on the page: " + ", ".join(f"'{f}'" for f in finding.found)
        if finding and finding.shown is not None:
            what += f"; it shows: '{finding.shown}'"
        if finding and finding.notices:
            what += "; the page says: " + ", ".join(f"'{n}'" for n in finding.notices)
        if finding and finding.renamed and not what.startswith("changed: "):
            what += "; also " + renamed_message(finding.renamed)
        what = md_text(what)
        if finding and finding.defined_at:
            what += f" (control {md_code(finding.control or '')} is defined at " \
                    f"{md_code(finding.defined_at)})"
        lines.append(f"| {md_text(row['guide'])} | {row['label']}: {md_text(row['step'])} | "
                     f"{icon[row['status']]} {finding.kind if finding else row['status']} | "
                     f"{what} |")
    if results.failed == 0 and results.not_run == 0:
        lines.append("| all | all | ✅ passed | |")
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    write_atomic(path, text)
