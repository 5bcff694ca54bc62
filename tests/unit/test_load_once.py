"""What loading does once per project, not once per use: a reusable step's controls are
filled in and its data taken once, however many guides use it (a first build of 200 guides
used reusable steps 294 times), and each use still gets its own parameters."""

from __future__ import annotations

import sys
from pathlib import Path

from guidegen import checks
from guidegen.load import load_catalog
from guidegen.model import ReusableStep
from guidegen.project import Layout

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import corpus  # noqa: E402  (bench/ is scripts, not a package)


def test_a_reusable_step_is_filled_in_once_for_all_its_uses(tmp_path, monkeypatch):
    root = corpus.make_project(tmp_path / "project", guides=20, steps=15)
    fresh = load_catalog(Layout(root).steps, root)
    filled: list[str] = []
    original = checks.fill_controls

    def counting(obj, *args):
        if isinstance(obj, ReusableStep):
            filled.append(obj.id)
        return original(obj, *args)

    monkeypatch.setattr(checks, "fill_controls", counting)
    catalog = load_catalog(Layout(root).steps, root)
    uses = [s.reusable for g in catalog.guides for s in g.all_steps() if s.reusable]
    assert len(uses) > len(set(uses)) > 1  # the corpus uses each more than once
    assert sorted(filled) == sorted(set(uses))
    assert catalog == fresh


def test_each_use_gets_its_own_parameters(tmp_path):
    """The corpus's guides each open their own application (`app: {{ product }} <n>`): the
    data kept for later uses is the step before substitution, not the first use's."""
    root = corpus.make_project(tmp_path / "project", guides=20, steps=15)
    catalog = load_catalog(Layout(root).steps, root)
    opened = {g.id: s.text for g in catalog.guides for s in g.all_steps()
              if s.reusable == "open-app-provisioning"}
    assert len(opened) > 2
    assert len(set(opened.values())) == len(opened)
