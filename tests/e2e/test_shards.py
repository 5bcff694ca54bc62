"""Shards on one machine, as a CI matrix runs them: each shard verifies its share, and
`guidegen report merge` gives the report an unsharded run gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser

# The 2023 naming: both guides fail (structure drift), so the findings and traces are merged too.
ARGS = ("--azure-ui", "2023", "--step-timeout", "2")


def guidegen(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "guidegen.cli", *args, "--root", str(project)],
                          capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})


def cases(junit: Path) -> list[tuple[str, str, str]]:
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    return [(c.get("classname"), c.get("name"),
             "failed" if c.find("failure") is not None else
             "skipped" if c.find("skipped") is not None else "passed")
            for c in suite.findall("testcase")]


def test_merged_shards_equal_an_unsharded_run(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    whole = guidegen(project, "verify", "--report-dir", str(tmp_path / "whole"), *ARGS)
    assert whole.returncode == 1, whole.stderr
    for i in (1, 2, 3):  # three shards for two guides: one is empty and says so
        shard = guidegen(project, "verify", "--shard", f"{i}/3", "--report-dir",
                         str(tmp_path / f"shard-{i}"), *ARGS)
        # The rotation guide fails in its setup (the seed guide it needs drifted): an error.
        assert shard.returncode in (0, 1, 3), shard.stdout + shard.stderr
    shard_guides = [{s["guide"] for s in json.loads(
        (tmp_path / f"shard-{i}" / "results.json").read_text("utf-8"))["steps"]} for i in (1, 2, 3)]
    assert shard_guides == [{"zenkit-azure-scim-provisioning"}, {"zenkit-scim-token-rotation"},
                            set()]

    merged = guidegen(project, "report", "merge", *(str(tmp_path / f"shard-{i}") for i in (1, 2, 3)),
                      "--out", str(tmp_path / "merged"))
    assert merged.returncode == 1, merged.stderr  # like the unsharded run: drift
    # Equal but for where each report lives (visual drift names its images by path), and
    # the merged report's images are really there.
    one = (tmp_path / "whole" / "results.json").read_text("utf-8")
    many = (tmp_path / "merged" / "results.json").read_text("utf-8")
    assert many.replace(str(tmp_path / "merged"), "REPORT") == \
        one.replace(str(tmp_path / "whole"), "REPORT")
    images = [f for s in json.loads(many)["steps"] if s["finding"]
              for f in s["finding"]["found"] if f.endswith(".png")]
    assert images and all(Path(f).is_file() and str(tmp_path / "merged") in f for f in images)
    assert cases(tmp_path / "merged" / "junit.xml") == cases(tmp_path / "whole" / "junit.xml")
    # The failed guides' traces travel with the merged report.
    assert sorted(p.name for p in (tmp_path / "merged" / "traces").iterdir()) == \
        sorted(p.name for p in (tmp_path / "whole" / "traces").iterdir())
    html = (tmp_path / "merged" / "report.html").read_text("utf-8")
    assert "zenkit-scim-token-rotation" in html and "Identity" in html
    summary = (tmp_path / "merged" / "summary.md").read_text("utf-8")
    assert summary == (tmp_path / "whole" / "summary.md").read_text("utf-8")


def test_merge_of_a_folder_that_is_no_report_is_bad_input(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    copy_project(project)
    (tmp_path / "empty").mkdir()
    result = guidegen(project, "report", "merge", str(tmp_path / "empty"), "--out",
                      str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{tmp_path / 'empty' / 'results.json'}: not the results.json" in result.stderr
    assert not (tmp_path / "out").exists()
