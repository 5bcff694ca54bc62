"""`verify --from STEP`: what it refuses before anything starts, and what its saved state is
keyed by (tests/e2e/test_from_step.py runs it)."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from guidegen.load import load_catalog
from guidegen.model import Expect
from guidegen.project import Layout
from guidegen.verify import checkpoints

REPO = Path(__file__).resolve().parents[2]
GUIDE = "zenkit-scim-token-rotation"
OPTIONS = {"azure_ui": "2020", "azure_style": "classic", "faults": (), "drift": (),
           "sim_scim_plans": None, "step_timeout": 10.0}


def verify(report: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegen.cli", "verify", "--root", str(REPO),
                           "--report-dir", str(report), *args], capture_output=True, text=True,
                          timeout=60, check=False)


@pytest.mark.parametrize(("args", "message"), [
    ((GUIDE, "--from", "paste-token", "--target", "live"),
     "needs --target sim: a live portal's state cannot be saved and put back"),
    (("--from", "paste-token"), "name exactly one guide: `guidegen verify GUIDE --from STEP`"),
    ((GUIDE, "zenkit-azure-scim-provisioning", "--from", "paste-token"),
     "name exactly one guide: `guidegen verify GUIDE --from STEP`"),
    ((GUIDE, "--from", "paste-token", "--plan-claims"),
     "plan claims run the whole guide on each plan: leave out --plan-claims"),
    ((GUIDE, "--from", "paste-tokn"),
     f"no step 'paste-tokn' in guide '{GUIDE}' (its steps: regenerate-token, "
     "open-provisioning, paste-token, review-audit-log)"),
])
def test_from_refuses_what_it_cannot_do_before_anything_starts(tmp_path, args, message):
    run = verify(tmp_path / "report", *args)
    assert (run.returncode, run.stderr.splitlines()[0]) == (2, f"command line: --from: {message}")
    assert "Traceback" not in run.stderr


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(Layout(REPO).steps, REPO)


def key(catalog, step: str = "paste-token", **options) -> str:
    guide = next(g for g in catalog.guides if g.id == GUIDE)
    at = next(s for s in guide.all_steps() if s.id == step)
    return checkpoints.key(catalog, guide, at, {**OPTIONS, **options})


def edited(catalog, guide_id: str, step_id: str, change):
    """A copy of the catalog with one step changed."""
    other = copy.deepcopy(catalog)
    guide = next(g for g in other.guides if g.id == guide_id)
    change(next(s for s in [*guide.setup, *guide.all_steps(), *guide.outcome]
                if s.id == step_id))
    return other


def add_expect(step) -> None:
    step.actions.append(Expect.model_validate({"expect": {"text": "Saved"}}))


def test_the_saved_state_is_kept_while_only_step_and_what_follows_change(catalog):
    """Texts anywhere, and the actions of STEP and the steps after it, decide nothing about
    the state before STEP."""
    same = key(catalog)
    assert key(edited(catalog, GUIDE, "paste-token", add_expect)) == same
    assert key(edited(catalog, GUIDE, "review-audit-log", add_expect)) == same
    assert key(edited(catalog, GUIDE, "regenerate-token",
                      lambda s: setattr(s, "text", "Other words."))) == same


def test_the_saved_state_is_taken_again_when_anything_before_step_changes(catalog):
    same = key(catalog)
    assert key(edited(catalog, GUIDE, "open-provisioning", add_expect)) != same
    # a step of the required guide
    assert key(edited(catalog, "zenkit-azure-scim-provisioning", "open-app-provisioning",
                      add_expect)) != same
    assert key(catalog, azure_ui="2023") != same
    assert key(catalog, drift=("azure-save-apply",)) != same
    moved = copy.deepcopy(catalog)
    control = moved.controls["zenkit-provisioning.regenerate-token"]
    moved.controls[control.ref] = type(control)(
        control.ref, control.locator.model_copy(update={"name": "Rotate token"}),
        control.portal, control.origin)
    assert key(moved) != same
    assert key(catalog, "open-provisioning") != same  # another STEP, another state
