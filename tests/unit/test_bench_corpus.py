"""The build benchmark's synthetic project stays a valid guidegen project: when the page
objects arrived, its reusable steps named controls of pages the corpus did not copy, and
the benchmark stopped at loading without any test noticing."""

from __future__ import annotations

import sys
from pathlib import Path

from guidegen.load import load_catalog
from guidegen.project import Layout

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import corpus  # noqa: E402  (bench/ is scripts, not a package)


def test_the_synthetic_project_loads_without_problems(tmp_path):
    root = corpus.make_project(tmp_path / "project", guides=4, steps=15)
    catalog = load_catalog(Layout(root).steps, root)
    assert len(catalog.guides) == 4
    assert sum(len(list(g.all_steps())) for g in catalog.guides) >= 4 * 15
