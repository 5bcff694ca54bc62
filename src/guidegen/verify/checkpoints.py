"""`verify GUIDE --from STEP`: the state a guide's run had just before STEP, saved once and
put back on the next try, so a writer iterating on one step does not wait for every step
(and every required guide) before it.

A checkpoint holds the simulators' state for the run's browser session (portalsim.snapshot),
the browser's cookies and storage, the page each portal's tab showed, and what the run
carried (variables, remembered values, the secret values it knows). It is keyed by all that
decides that state: the actions of everything performed before STEP, the page objects, the
simulators' options and the code of the simulators and of the performer. Anything else
edited (STEP and the steps after it, texts, screenshots) keeps it valid; a change to what
came before makes the next `--from` run perform those steps again and save afresh.

Checkpoints live in the project's `.guidegen-cache/checkpoints/` (git-ignored), written 0600 in
0700 folders: they hold what the run remembered as secret, and the simulators' state is
pickled, so a file others could have written is refused, never read.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..atomic import write_atomic
from ..catalog import Catalog, RGuide, RStep
from ..live import private_file_problem

FOLDER = Path(".guidegen-cache") / "checkpoints"
# The options that change what the simulators do, so what a step leaves behind.
SIM_OPTIONS = ("azure_ui", "azure_style", "faults", "drift", "sim_scim_plans", "step_timeout",
               "locale")


@dataclass
class Checkpoint:
    key: str
    storage_state: dict                 # the browser context's cookies and local storage
    pages: dict[str, str]               # portal -> the path its tab showed (ports differ per run)
    front: str                          # the portal whose tab was in front
    variables: dict[str, str]
    values: dict[str, str]
    secrets: dict[str, str]
    secret_values: list[str]            # every secret value the run had seen: still scrubbed
    entered: list[str]
    sims: bytes                         # portalsim.snapshot.export_session
    performed: list[str] = field(default_factory=list)  # the steps it stands for, for messages


def location(root: Path, guide: RGuide, step: RStep) -> Path:
    return root / FOLDER / guide.id / f"{step.id}.pickle"


def key(catalog: Catalog, guide: RGuide, step: RStep, options: dict) -> str:
    """What the state before `step` depends on, as a digest."""
    before = []
    for other in catalog.requirements(guide):
        before += [*other.setup, *other.all_steps(),
                   *(other.outcome if not options.get("skip_outcome") else ())]
    steps = guide.all_steps()
    before += [*guide.setup, *steps[:steps.index(step)]]
    data = {
        "guides": {g.id: g.variables for g in [*catalog.requirements(guide), guide]},
        "steps": [_performed(s) for s in before],
        "controls": {ref: c.locator.model_dump(mode="json") for ref, c in
                     sorted(catalog.controls.items())},
        "options": {name: _plain(options.get(name)) for name in SIM_OPTIONS},
        "code": _code_digest(),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def steps_before(catalog: Catalog, guide: RGuide, step: RStep) -> list[str]:
    """What a checkpoint saves the writer from waiting for, as step names."""
    names = [f"{g.id}/{s.id}" for g in catalog.requirements(guide)
             for s in [*g.setup, *g.all_steps(), *g.outcome]]
    steps = guide.all_steps()
    return names + [s.id for s in [*guide.setup, *steps[:steps.index(step)]]]


def save(path: Path, checkpoint: Checkpoint) -> None:
    for folder in reversed([path.parent, *path.parent.parents][:3]):
        folder.mkdir(mode=0o700, exist_ok=True)
    write_atomic(path, pickle.dumps(checkpoint, protocol=pickle.HIGHEST_PROTOCOL), mode=0o600)


def load(path: Path, expected_key: str) -> Checkpoint | None:
    """The checkpoint, when there is one for this state; None when there is none or it was
    saved for other steps, page objects, options or code. Raises ValueError for a file that
    others can write or read (it is never unpickled then)."""
    if not path.is_file():
        return None
    problem = private_file_problem(path)
    if problem:
        raise ValueError(f"{path}: {problem}")
    if path.stat().st_uid != os.getuid():
        raise ValueError(f"{path}: owned by another user")
    try:
        checkpoint = pickle.loads(path.read_bytes())  # noqa: S301 - private, ours (above)
    except Exception:  # an older version's or a truncated file: taken again, not trusted
        return None
    if not isinstance(checkpoint, Checkpoint) or checkpoint.key != expected_key:
        return None
    return checkpoint


def page_path(url: str) -> str:
    """A tab's URL without its origin: the simulators' ports change from run to run."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") + \
        (f"#{parts.fragment}" if parts.fragment else "")


def _performed(step: RStep) -> dict:
    return {"id": step.id, "portal": step.portal, "manual": step.manual,
            "actions": [a.model_dump(mode="json") for a in step.actions]}


def _plain(value):
    return list(value) if isinstance(value, (tuple, list)) else value


def _code_digest() -> str:
    """The simulators' code and templates and the performer's: a change there may change
    what a step leaves behind."""
    import portalsim

    digest = hashlib.sha256()
    for package in (Path(portalsim.__file__).parent, Path(__file__).parent):
        for file in sorted(package.rglob("*")):
            if file.is_file() and file.suffix in (".py", ".html", ".js", ".css", ".po"):
                digest.update(str(file.relative_to(package)).encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()
