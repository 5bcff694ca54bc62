"""Shards on one machine, as a CI matrix runs them: each shard verifies its share, and
`guidegen report merge` gives the report an unsharded run gives."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

import pytest

from guidegen.diff import compare, passes
from tests.site.conftest import copy_project

pytestmark = pytest.mark.browser

# The 2023 naming: both guides fail (structure drift), so the findings and traces are merged too.
ARGS = ("--azure-ui", "2023", "--step-timeout", "2")
# Sharding is shown on the two guides these tests were built around: every later guide
# would add minutes to each of the runs here and nothing to what they prove.
LATER_GUIDES = ("zenkit-azure-offboarding", "zenkit-azure-provisioning-logs",
                "zenkit-azure-saml-sso")


def two_guides(project: Path) -> None:
    copy_project(project)
    for guide in LATER_GUIDES:
        (project / "steps" / f"{guide}.yml").unlink()
        # A translation of a guide that is gone is an error (check says so), so it goes too.
        (project / "steps" / "translations" / "de" / f"{guide}.yml").unlink(missing_ok=True)


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


# Four verify runs (three shards and the whole) of two guides: minutes on a loaded machine,
# past the suite's five-minute default.
@pytest.mark.timeout(1200)
def test_merged_shards_equal_an_unsharded_run(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    two_guides(project)
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
    two_guides(project)
    (tmp_path / "empty").mkdir()
    result = guidegen(project, "report", "merge", str(tmp_path / "empty"), "--out",
                      str(tmp_path / "out"))
    assert result.returncode == 2
    assert f"{tmp_path / 'empty' / 'results.json'}: not the results.json" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.timeout(1200)  # two shard runs with --update-screenshots, and the merges
def test_merge_writes_each_shards_refreshed_baselines_and_status(tmp_path):
    """The nightly workflow's refresh with two shards. Each machine's checkout holds every
    guide's baselines; copying whole screenshot folders back would let the last shard undo the
    others' refresh, so each report carries only what its run rewrote."""
    stale = tmp_path / "stale"
    stale.mkdir()
    two_guides(stale)
    seed = stale / "screenshots" / "zenkit-azure-scim-provisioning" / "azure-edit-objectid.png"
    rotation = stale / "screenshots" / "zenkit-scim-token-rotation" / "zenkit-regenerate-token.png"
    good = {seed.name: seed.read_bytes(), rotation.name: rotation.read_bytes()}
    # Both shards' checkouts hold last year's pictures of both guides ...
    seed.write_bytes(good[rotation.name])
    rotation.write_bytes(good[seed.name])
    status = stale / "screenshots" / "status.json"
    status.write_text(json.dumps({"guides": {g: {"target": "sim", "date": "2000-01-01",
                                                 "result": "failed", "problems": {}}
                                             for g in ("zenkit-azure-scim-provisioning",
                                                       "zenkit-scim-token-rotation")}}),
                      encoding="utf-8")
    checkouts = {}
    for name in ("shard-1", "shard-2", "report-job"):
        checkouts[name] = tmp_path / name
        shutil.copytree(stale, checkouts[name])
    for i in (1, 2):  # ... and each refreshes only its own guide
        run = guidegen(checkouts[f"shard-{i}"], "verify", "--shard", f"{i}/2",
                       "--update-screenshots", "--no-trace", "--report-dir",
                       str(tmp_path / f"report-{i}"))
        assert run.returncode == 0, run.stdout + run.stderr
    refreshed = sorted(str(p.relative_to(tmp_path)) for i in (1, 2)
                       for p in (tmp_path / f"report-{i}" / "refreshed").rglob("*.png"))
    assert refreshed == ["report-1/refreshed/zenkit-azure-scim-provisioning/azure-edit-objectid.png",
                         "report-2/refreshed/zenkit-scim-token-rotation/zenkit-regenerate-token.png"]

    job = checkouts["report-job"]
    merged = guidegen(job, "report", "merge", str(tmp_path / "report-1"),
                      str(tmp_path / "report-2"), "--out", str(tmp_path / "merged"),
                      "--update-screenshots")
    assert merged.returncode == 0, merged.stderr
    shots = job / "screenshots"
    # Each shard's refreshed file, as it wrote it; and that is the committed picture, up to
    # the rendering noise a refresh ignores (a byte-for-byte match failed once in CI, the
    # compressed size 6 bytes apart).
    for i, guide, shot in ((1, "zenkit-azure-scim-provisioning", seed),
                           (2, "zenkit-scim-token-rotation", rotation)):
        written = shots / guide / shot.name
        assert written.read_bytes() == \
            (tmp_path / f"report-{i}" / "refreshed" / guide / shot.name).read_bytes()
        assert passes(compare(good[shot.name], written)), f"{guide}/{shot.name} differs"
    # Every other file is as the checkout had it, and the status names both guides as
    # verified today, as one unsharded run would have.
    for path in stale.joinpath("screenshots").rglob("*.png"):
        if path.name not in good:
            assert (shots / path.relative_to(stale / "screenshots")).read_bytes() == \
                path.read_bytes()
    guides = json.loads((shots / "status.json").read_text("utf-8"))["guides"]
    assert {g["result"] for g in guides.values()} == {"passed"}
    assert {g["date"] for g in guides.values()} == {datetime.now(UTC).date().isoformat()}
