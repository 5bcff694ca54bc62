"""How `guidegen verify` has pytest collect the guides: each file in steps/ is asked about
once, however many guides there are. Naming each guide's file made pytest walk the folder
once per file named, and the plugin scanned the catalog per file: collecting 100 guides
took 48 s, 200 several minutes, before a browser started."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from guidegen.load import load_catalog
from guidegen.project import Layout
from guidegen.verify.run import collection_args

REPO = Path(__file__).resolve().parents[2]
GUIDE = """\
id: {id}
title: Guide {n}
summary: One step.
plans: all
portals: [zenkit]
order: {n}
sections:
  - title: Zenkit
    steps:
      - id: open
        portal: zenkit
        text: Open the provisioning settings.
        actions:
          - goto: /settings/provisioning
            portal: zenkit
"""


class Asked:
    """Counts pytest's questions about the guide files."""

    def __init__(self) -> None:
        self.files: list[str] = []

    def pytest_collect_file(self, file_path: Path, parent) -> None:
        if file_path.name.startswith("g-"):
            self.files.append(file_path.name)


def test_each_guide_file_is_asked_about_once_and_only_the_chosen_are_collected(tmp_path):
    steps = tmp_path / "steps"
    steps.mkdir()
    shutil.copy2(REPO / "steps" / "project.yml", steps)
    shutil.copytree(REPO / "steps" / "pages", steps / "pages")
    for n in range(1, 41):
        (steps / f"g-{n:02d}.yml").write_text(GUIDE.format(id=f"g-{n:02d}", n=n), "utf-8")
    catalog = load_catalog(Layout(tmp_path).steps, tmp_path)
    chosen = [g for g in catalog.guides if int(g.id[2:]) % 2]  # a shard's share

    asked, collected = Asked(), []

    class Items:
        def pytest_collection_finish(self, session) -> None:
            collected.extend(item.nodeid for item in session.items)

    code = pytest.main([*collection_args(tmp_path, chosen), "--co", "-q",
                        "-p", "guidegen.verify.pytest_plugin", "-p", "no:cacheprovider",
                        "--rootdir", str(tmp_path), "-o", "addopts=", "-o", "testpaths=",
                        "--guidegen-root", str(tmp_path), "--report-dir", str(tmp_path / "r")],
                       plugins=[asked, Items()])
    assert code == 0
    assert sorted(asked.files) == sorted(f"g-{n:02d}.yml" for n in range(1, 41))
    # A guide's items (its plan-claim runs among them) come from its file, in guide order.
    files = list(dict.fromkeys(i.split("::")[0] for i in collected))
    assert files == [f"steps/g-{g.id[2:]}.yml" for g in chosen]
