"""`guidegen report merge` without a browser: what `--update-screenshots` copies from the
merged report's refreshed/ folder, when it leaves the status file alone, shards that overlap,
and crafted shard reports (paths out of the shard, symlinks, files that are not what their
names say), which are bad input that reads, copies and writes nothing."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from guidegen.catalog import Catalog
from guidegen.cli import main
from guidegen.errors import GuideError
from guidegen.results import Results
from guidegen.verify.merge import merge_reports, update_screenshots

NO_GUIDES = Catalog(plans=[], portals={}, guides=[])
REPO = Path(__file__).resolve().parents[2]
STEP = {"guide": "g", "step": "s1", "plan": None, "status": "passed", "finding": None}
SECRET = "root:x:0:0 CANARY-7d1e"  # what a file outside the shard holds
FINGERPRINTS = {"azure": {"button 'Save'": {"tag": "button", "id": "", "href": "",
                                            "field": "=", "name": "Save"}}}


def png(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(buffer, "PNG")
    return buffer.getvalue()


def report_with(tmp_path, speaks: bool):
    refreshed = tmp_path / "report" / "refreshed" / "g"
    refreshed.mkdir(parents=True)
    (refreshed / "shot.png").write_bytes(png())
    (refreshed / "controls.json").write_text(json.dumps(FINGERPRINTS), encoding="utf-8")
    return tmp_path / "report", Results(target="sim", speaks_for_site=speaks, steps=[STEP])


def test_refreshed_baselines_and_fingerprints_are_written_and_the_status_updated(tmp_path):
    report, summary = report_with(tmp_path, speaks=True)
    shots = tmp_path / "screenshots"
    written = update_screenshots(report, shots, summary)
    assert sorted(p.name for p in written) == ["controls.json", "shot.png"]
    assert (shots / "g" / "shot.png").read_bytes() == png()
    assert json.loads((shots / "status.json").read_text("utf-8"))["guides"]["g"]["result"] == \
        "passed"


def test_a_what_if_run_leaves_the_status_file_alone(tmp_path):
    report, summary = report_with(tmp_path, speaks=False)
    shots = tmp_path / "screenshots"
    update_screenshots(report, shots, summary)
    assert (shots / "g" / "shot.png").exists()
    assert not (shots / "status.json").exists()


REFUSED = ": refused, {shots} is left as it was"


def secrets(tmp_path) -> Path:
    """A file outside every report and the project: the saved sign-in, say."""
    path = tmp_path / "elsewhere" / "azure.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"cookies": [{"value": SECRET}], "origins": []}), "utf-8")
    return path


@pytest.mark.parametrize(("plant", "problem"), [
    (lambda g, s: (g / "shot.png").write_bytes(s.read_bytes()),
     "refreshed/g/shot.png: not a PNG image" + REFUSED),
    (lambda g, s: (g / "shot.png").write_bytes(png()[:40]),  # the signature, then cut short
     "refreshed/g/shot.png: not a PNG image" + REFUSED),
    (lambda g, s: (g / "controls.json").write_text("TOKEN=" + SECRET, "utf-8"),
     "refreshed/g/controls.json: not control fingerprints" + REFUSED),
    (lambda g, s: (g / "controls.json").write_bytes(s.read_bytes()),
     "refreshed/g/controls.json: not control fingerprints" + REFUSED),
    (lambda g, s: (g / "notes.txt").write_text("hello", "utf-8"),
     "refreshed/g/notes.txt: neither a baseline (.png) nor the fingerprints (controls.json, or "
     "controls.<locale>.json)"
     + REFUSED),
    (lambda g, s: (g / "shot.png").symlink_to(s),
     "refreshed/g/shot.png: a symbolic link; a report folder holds only files (not followed)"),
    (lambda g, s: (g / "more").symlink_to(s.parent, target_is_directory=True),
     "refreshed/g/more: a symbolic link; a report folder holds only files (not followed)"),
])
def test_a_refreshed_file_that_is_not_what_a_refresh_writes_is_refused(tmp_path, plant, problem):
    report, summary = report_with(tmp_path, speaks=True)
    (report / "refreshed" / "g" / "shot.png").unlink()
    plant(report / "refreshed" / "g", secrets(tmp_path))
    shots = tmp_path / "screenshots"
    with pytest.raises(GuideError) as info:
        update_screenshots(report, shots, summary)
    assert str(info.value) == f"{report}/{problem}".format(shots=shots)
    assert not shots.exists()  # all or nothing: not even the good controls.json


def test_a_baseline_folder_linked_out_of_the_project_is_not_written_through(tmp_path):
    report, summary = report_with(tmp_path, speaks=True)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    (shots / "g").symlink_to(secrets(tmp_path).parent, target_is_directory=True)
    with pytest.raises(GuideError) as info:
        update_screenshots(report, shots, summary)
    assert str(info.value).splitlines() == [
        f"{report}/refreshed/g/{name}: would be written outside {shots}: refused, {shots} is "
        "left as it was" for name in ("controls.json", "shot.png")]
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == ["azure.json"]


def shard_report(folder: Path, finding: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    step = {**STEP, "status": "failed", "finding": {"kind": "visual drift", **finding}} \
        if finding else STEP
    (folder / "results.json").write_text(json.dumps(
        {"target": "sim", "speaks_for_site": True, "steps": [step]}), encoding="utf-8")
    (folder / "junit.xml").write_text(
        '<testsuites><testsuite tests="1" failures="0" errors="0" skipped="0" time="1">'
        '<testcase classname="g" name="s1"/></testsuite></testsuites>', "utf-8")
    return folder


def visual(shard: Path, screenshots: Path) -> dict:
    """A visual finding as the shard's machine recorded it: its own report folder and its own
    checkout, neither of which is where they are here."""
    (shard / "screenshots" / "g").mkdir(parents=True)
    for name in ("shot.png", "shot.diff.png"):
        (shard / "screenshots" / "g" / name).write_bytes(png())
    return {"message": "screenshot 'shot': 3.00% of its pixels differ",
            "expected": "/home/runner/work/docs/screenshots/g/shot.png",
            "found": ["/home/runner/work/report-1/screenshots/g/shot.png",
                      "/home/runner/work/report-1/screenshots/g/shot.diff.png"]}


def test_a_shard_s_images_are_found_in_its_folder_and_its_baseline_in_the_project(tmp_path):
    shard = tmp_path / "shard-1"
    shots = tmp_path / "project" / "screenshots"
    shard_report(shard, visual(shard, shots))
    (shard / "traces").mkdir()
    (shard / "traces" / "g.zip").write_bytes(b"PK trace")
    (shard / "traces" / "g.zip").chmod(0o600)
    out = tmp_path / "merged"
    merge_reports([shard], out, catalog=NO_GUIDES, screenshots=shots)
    finding = json.loads((out / "results.json").read_text("utf-8"))["steps"][0]["finding"]
    assert finding["found"] == [f"{out}/screenshots/g/shot.png", f"{out}/screenshots/g/shot.diff.png"]
    assert finding["expected"] == f"{shots}/g/shot.png"
    assert (out / "screenshots" / "g" / "shot.png").read_bytes() == png()
    assert oct(os.stat(out / "traces" / "g.zip").st_mode & 0o777) == "0o600"  # kept owner-only


@pytest.mark.parametrize(("change", "problem"), [
    ({"found": ["/etc/passwd", "/home/runner/work/report-1/screenshots/g/shot.diff.png"]},
     "steps[0].finding.found[0]: '/etc/passwd' is not in the shard's screenshots/ folder"),
    ({"found": ["r/screenshots/../../elsewhere/azure.json", "r/screenshots/g/shot.diff.png"]},
     "steps[0].finding.found[0]: 'r/screenshots/../../elsewhere/azure.json' is not in the "
     "shard's screenshots/ folder"),
    ({"found": ["r/screenshots/out/azure.json", "r/screenshots/g/shot.diff.png"]},  # a link
     "steps[0].finding.found[0]: 'r/screenshots/out/azure.json' is not in the shard's "
     "screenshots/ folder"),
    ({"expected": "/root/.config/guidegen/state/azure.json"},
     "steps[0].finding.expected: '/root/.config/guidegen/state/azure.json' is not a baseline "
     "in screenshots/"),
    ({"expected": "/x/screenshots/../../../etc/passwd"},
     "steps[0].finding.expected: '/x/screenshots/../../../etc/passwd' is not a baseline in "
     "screenshots/"),
])
def test_a_path_a_crafted_report_names_outside_its_folders_is_bad_input(tmp_path, change,
                                                                       problem):
    shard = tmp_path / "shard-1"
    shots = tmp_path / "project" / "screenshots"
    outside = secrets(tmp_path)
    shard_report(shard, {**visual(shard, shots), **change})
    if "out/azure.json" in str(change):
        (shard / "screenshots" / "out").symlink_to(outside.parent, target_is_directory=True)
    out = tmp_path / "merged"
    with pytest.raises(GuideError) as info:
        merge_reports([shard], out, catalog=NO_GUIDES, screenshots=shots)
    assert f"{shard}/results.json: {problem}" in str(info.value).splitlines()
    assert not out.exists()


@pytest.mark.parametrize("where", ["traces/g.zip", "screenshots/g/shot.png", "refreshed/g",
                                   "traces"])
def test_a_symlink_in_a_shard_s_folders_is_bad_input_and_not_followed(tmp_path, where):
    shard = shard_report(tmp_path / "shard-1")
    outside = secrets(tmp_path)
    link = shard / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside if where.endswith((".zip", ".png")) else outside.parent)
    out = tmp_path / "merged"
    with pytest.raises(GuideError) as info:
        merge_reports([shard], out, catalog=NO_GUIDES, screenshots=tmp_path / "screenshots")
    assert str(info.value) == (f"{link}: a symbolic link; a report folder holds only files "
                               "(not followed)")
    assert not out.exists()


@pytest.mark.parametrize("name", ["results.json", "junit.xml"])
def test_a_report_file_linked_out_of_the_shard_is_bad_input(tmp_path, name):
    shard = shard_report(tmp_path / "shard-1")
    moved = tmp_path / "elsewhere" / name
    moved.parent.mkdir()
    (shard / name).rename(moved)
    (shard / name).symlink_to(moved)
    with pytest.raises(GuideError) as info:
        merge_reports([shard], tmp_path / "merged", catalog=NO_GUIDES,
                      screenshots=tmp_path / "screenshots")
    assert str(info.value) == f"{shard}/{name}: a symbolic link out of the shard's report folder"


@pytest.mark.parametrize("junit", [
    '<testsuites><testsuite tests="lots"/></testsuites>',
    # An external entity is not read: expat leaves it undefined.
    '<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]><testsuites><testsuite tests="1">'
    '<testcase classname="g" name="&x;"/></testsuite></testsuites>',
])
def test_a_junit_file_that_is_not_a_run_s_is_bad_input(tmp_path, junit):
    shard = shard_report(tmp_path / "shard-1")
    (shard / "junit.xml").write_text(junit, "utf-8")
    result = CliRunner().invoke(main, ["report", "merge", str(shard), "--out",
                                       str(tmp_path / "merged"), "--root", str(REPO)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"{shard}/junit.xml: ")
    assert not (tmp_path / "merged").exists()


def test_a_crafted_report_through_the_command_line_reads_nothing_outside(tmp_path):
    """The attack as it was found: a shard's results.json naming the saved sign-in."""
    shard = tmp_path / "shard-1"
    outside = secrets(tmp_path)
    shard_report(shard, {**visual(shard, tmp_path), "expected": str(outside),
                         "found": [str(outside), str(outside)]})
    result = CliRunner().invoke(main, ["report", "merge", str(shard), "--out",
                                       str(tmp_path / "merged"), "--root", str(REPO)])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "3 problems found."
    assert SECRET not in result.output and not (tmp_path / "merged").exists()


def test_a_guide_in_two_shard_reports_is_bad_input_and_writes_nothing(tmp_path):
    """The same folder given twice (or shards of two runs) would count its steps twice."""
    shard = tmp_path / "report-1"
    shard.mkdir()
    (shard / "results.json").write_text(json.dumps(
        {"target": "sim", "speaks_for_site": True, "steps": [STEP]}), encoding="utf-8")
    out = tmp_path / "merged"
    with pytest.raises(GuideError) as info:
        merge_reports([shard, shard], out, catalog=NO_GUIDES, screenshots=tmp_path / "screenshots")
    assert str(info.value) == (f"command line: shards: guide 'g' is in both {shard} and {shard}: "
                               "each guide runs in one shard (a report given twice, or shards "
                               "of different runs?)")
    assert not out.exists()


def test_the_same_guide_in_two_languages_merges_into_both_status_sections(tmp_path):
    """The nightly's matrix: an English and a German report of the same guide are two runs,
    not a guide given twice; the German one's fingerprints (controls.de.json) are copied."""
    shards = []
    for locale in (None, "de"):
        shard = tmp_path / f"report-{locale or 'en'}"
        refreshed = shard / "refreshed" / "g"
        refreshed.mkdir(parents=True)
        suffix = f".{locale}" if locale else ""
        (refreshed / f"shot{suffix}.png").write_bytes(png("red" if locale else "blue"))
        (refreshed / f"controls{suffix}.json").write_text(json.dumps(FINGERPRINTS), "utf-8")
        (shard / "results.json").write_text(json.dumps(
            {"target": "sim", "speaks_for_site": True, "steps": [{**STEP, "locale": locale}]}),
            encoding="utf-8")
        (shard / "junit.xml").write_text('<testsuites><testsuite name="pytest" tests="1" '
                                         'failures="0" errors="0" skipped="0" time="1" />'
                                         "</testsuites>", "utf-8")
        shards.append(shard)
    shots = tmp_path / "screenshots"
    merged = merge_reports(shards, tmp_path / "merged", catalog=NO_GUIDES, screenshots=shots)
    update_screenshots(tmp_path / "merged", shots, merged)
    assert sorted(p.name for p in (shots / "g").iterdir()) == \
        ["controls.de.json", "controls.json", "shot.de.png", "shot.png"]
    status = json.loads((shots / "status.json").read_text("utf-8"))
    assert status["guides"]["g"]["result"] == status["locales"]["de"]["guides"]["g"]["result"] \
        == "passed"
