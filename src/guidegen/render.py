"""Catalog -> Markdown pages (and the files they need) through the Jinja2 templates.

The output is plain Markdown and HTML that Material and Zensical both build: no MkDocs
plugin has to run for a page to exist. Templates get plain data, never Python objects
with behaviour, so they stay readable for writers.

A bold quote is a UI label, a portal's text (`guidegen fix` writes renamed ones): its `<`
and `>` reach the Markdown as character references, so a label never becomes HTML in the
site (the loader does the same for variable values).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .catalog import Catalog, RGuide, RSection, RStep
from .errors import GuideError, Problem
from .load import BOLD
from .status import TARGET_NAMES, read_status

GUIDES_DIR = "guides"


@dataclass(frozen=True)
class Output:
    """One generated file: text to write, or a file to copy (a screenshot)."""

    text: str | None = None
    copy_from: Path | None = None


def _prose(text: str) -> str:
    """Markdown prose with its bold labels as text (see the module's docstring)."""
    return BOLD.sub(lambda m: "**" + m.group(1).replace("<", "&lt;").replace(">", "&gt;")
                    + "**", text.strip())


def _environment(templates: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the build, not the page
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown out; HTML attributes are escaped with |e where used
    )


class Renderer:
    def __init__(self, catalog: Catalog, templates: Path, screenshots: Path) -> None:
        self.catalog = catalog
        self.screenshots = screenshots
        self.env = _environment(templates)
        self.plans = [{"id": p.id, "name": p.name} for p in catalog.plans]
        self.status = read_status(screenshots)

    def names(self, plans: tuple[str, ...]) -> str:
        return ", ".join(self.catalog.plan_name(p) for p in plans)

    def shot_path(self, guide: RGuide, step: RStep) -> Path | None:
        if not step.screenshot:
            return None
        path = self.screenshots / guide.id / f"{step.screenshot.name}.png"
        return path if path.is_file() else None

    def step_data(self, guide: RGuide, step: RStep) -> dict:
        shot = step.screenshot
        return {
            # A step checked by hand is never shown as drift, whatever an older status says.
            "problem": None if step.manual else
            self.status.get(guide.id, {}).get("problems", {}).get(step.id),
            "manual": step.manual,
            "id": step.id, "number": step.number, "title": step.title, "text": _prose(step.text),
            "plans": step.plans, "plan_names": self.names(step.plans), "narrower": step.narrower,
            "optional": step.optional,
            "variants": [{"plans": p, "plan_names": self.names(p), "text": _prose(t)}
                         for p, t in step.variants],
            "admonitions": [{"kind": a.kind, "title": a.title, "text": _prose(a.text)}
                            for a in step.admonitions],
            "screenshot": shot and {
                "name": shot.name, "alt": " ".join(shot.alt.split()), "caption": shot.caption,
                "src": f"screenshots/{guide.id}/{shot.name}.png",
                "exists": self.shot_path(guide, step) is not None,
            },
        }

    def section_data(self, guide: RGuide, sec: RSection) -> dict:
        return {
            "id": sec.id, "title": sec.title, "text": _prose(sec.text or ""),
            "plans": sec.plans, "plan_names": self.names(sec.plans), "narrower": sec.narrower,
            "level": sec.level,
            "steps": [self.step_data(guide, s) for s in sec.steps],
            "sections": [self.section_data(guide, s) for s in sec.sections],
        }

    def guide_data(self, guide: RGuide) -> dict:
        steps = guide.all_steps()
        return {
            "id": guide.id, "title": guide.title, "summary": " ".join(guide.summary.split()),
            "plans": guide.plans, "plan_names": self.names(guide.plans),
            "intro": _prose(guide.intro or ""), "outro": _prose(guide.outro or ""),
            "sections": [self.section_data(guide, s) for s in guide.sections],
            "step_count": len(steps),
            # For the matrix: how many steps each plan's readers see.
            "steps_per_plan": {p: sum(p in s.plans for s in steps) for p in guide.plans},
            "source": guide.origin.file,
            "verified": self.verified(guide),
            "plan_checks": self.plan_checks(guide),
        }

    def verified(self, guide: RGuide) -> dict | None:
        entry = self.status.get(guide.id)
        if not entry:
            return None
        date = datetime.date.fromisoformat(entry["date"])
        return {"target": TARGET_NAMES.get(entry["target"], entry["target"]),
                "date": f"{date.day} {date:%B %Y}", "iso": entry["date"],
                "passed": entry["result"] == "passed", "problems": len(entry["problems"])}

    def plan_checks(self, guide: RGuide) -> dict:
        """Every plan of the project with what verification established about the guide on
        it: `verified` (a check passed), `failed` (the last check found the guide does not
        work on that plan), `unverified` (claimed, never checked) or `excluded` (not
        claimed); and the same as sentences, one per state and date."""
        verdicts = self.status.get(guide.id, {}).get("plans", {})
        numbers = {s.id: s.number for s in guide.all_steps()}
        plans, notes = [], {}
        for plan in self.catalog.plans:
            verdict = verdicts.get(plan.id) if plan.id in guide.plans else None
            state = ("excluded" if plan.id not in guide.plans else "unverified" if not verdict
                     else "verified" if verdict["result"] == "passed" else "failed")
            plans.append({"id": plan.id, "name": plan.name, "state": state})
            if state == "excluded":
                continue
            when = verdict and (verdict["date"], verdict["target"], verdict.get("step"))
            note = notes.setdefault((state, when), {"state": state, "names": []})
            note["names"].append(plan.name)
            if verdict:
                date = datetime.date.fromisoformat(verdict["date"])
                note.update(date=f"{date.day} {date:%B %Y}", iso=verdict["date"],
                            target=TARGET_NAMES.get(verdict["target"], verdict["target"]),
                            step=verdict.get("step"), number=numbers.get(verdict.get("step")))
        order = {"verified": 0, "failed": 1, "unverified": 2}
        return {"plans": plans, "notes": [{**n, "plans": _and(n["names"])} for n in
                                          sorted(notes.values(), key=lambda n: order[n["state"]])]}

    def render(self) -> dict[str, Output]:
        """Every generated file, keyed by its path under docs/."""
        guides = [self.guide_data(g) for g in self.catalog.guides]
        context = {"plans": self.plans, "guides": guides}
        out: dict[str, Output] = {}
        for guide, data in zip(self.catalog.guides, guides, strict=True):
            page = self.env.get_template("guide.md.j2").render(guide=data, **context)
            out[f"{GUIDES_DIR}/{guide.id}.md"] = Output(text=page)
            for step in guide.all_steps():
                shot = self.shot_path(guide, step)
                if shot:
                    out[f"{GUIDES_DIR}/screenshots/{guide.id}/{shot.name}"] = Output(copy_from=shot)
        out[f"{GUIDES_DIR}/index.md"] = Output(
            text=self.env.get_template("overview.md.j2").render(**context))
        out[f"{GUIDES_DIR}/plans.md"] = Output(
            text=self.env.get_template("by-plan.md.j2").render(**context))
        data = {"plans": self.plans,
                "guides": {g["id"]: {"title": g["title"], "plans": list(g["plans"])}
                           for g in guides}}
        out[f"{GUIDES_DIR}/guidegen-data.js"] = Output(
            text="// Generated by guidegen: the plan registry and each guide's plans.\n"
                 f"window.GUIDEGEN = {json.dumps(data, indent=1, sort_keys=True)};\n")
        return out


def _and(names: list[str]) -> str:
    """'Business', 'Business and Enterprise', 'Free, Plus and Business'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _template_line(err: Exception, templates: Path) -> tuple[str, int]:
    """The template file and line a rendering error came from (Jinja keeps them in the
    traceback it rewrites)."""
    file, line = getattr(err, "filename", None), getattr(err, "lineno", None)
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(str(templates)):
            file, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return str(file or templates), int(line or 0)


def render_catalog(catalog: Catalog, templates: Path, screenshots: Path) -> dict[str, Output]:
    try:
        return Renderer(catalog, templates, screenshots).render()
    except jinja2.TemplateNotFound as err:
        raise GuideError([Problem(str(templates / str(err.name)), 0, "",
                                  "template not found")]) from None
    except jinja2.TemplateError as err:
        file, line = _template_line(err, templates)
        raise GuideError([Problem(file, line, "", f"template error: {err.message}")]) from None
