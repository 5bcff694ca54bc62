"""Every file guidegen writes goes through one atomic write: a link or a stale file planted at
the temporary name a writer used to take (`<file>.tmp`) is neither written through nor left
in place of the file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from guidegen.atomic import write_atomic
from guidegen.load import load_catalog
from guidegen.report import write_reports
from guidegen.results import Results, StepResult
from guidegen.status import STATUS_FILE, update_status
from guidegen.verify import fingerprints

REPO = Path(__file__).resolve().parents[2]


def _plant(folder: Path, name: str, victim: Path) -> None:
    """A symlink at the name the old writers used for their temporary file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.tmp").symlink_to(victim)


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim" / "bashrc"
    path.parent.mkdir()
    path.write_text("untouched\n", "utf-8")
    return path


def _untouched(victim: Path) -> None:
    assert victim.read_text("utf-8") == "untouched\n"


def test_reports_are_not_written_through_a_planted_link(tmp_path, victim):
    report = tmp_path / "report"
    for name in ("report.html", "summary.md"):
        _plant(report, name, victim)
    results = Results(target="sim", steps=[StepResult(
        guide="zenkit-azure-scim-provisioning", step="open-app-provisioning", status="passed")])
    write_reports(results, load_catalog(REPO / "steps", REPO), report, None)
    _untouched(victim)
    assert "<html" in (report / "report.html").read_text("utf-8")
    assert not (report / "report.html").is_symlink()


def test_the_status_file_and_fingerprints_are_not_written_through_a_planted_link(tmp_path,
                                                                                   victim):
    screenshots = tmp_path / "screenshots"
    _plant(screenshots, STATUS_FILE, victim)
    _plant(screenshots / "guide", fingerprints.FILE, victim)
    update_status(screenshots, "sim", [StepResult(guide="guide", step="a", status="passed")])
    fingerprints.write(screenshots / "guide", {"azure: button 'Save'": {"tag": "button"}})
    _untouched(victim)
    assert '"guide"' in (screenshots / STATUS_FILE).read_text("utf-8")
    assert "Save" in (screenshots / "guide" / fingerprints.FILE).read_text("utf-8")


def test_a_link_at_the_file_itself_is_replaced_not_followed(tmp_path, victim):
    dest = tmp_path / "out" / "results.json"
    dest.parent.mkdir()
    dest.symlink_to(victim)
    write_atomic(dest, "{}")
    _untouched(victim)
    assert not dest.is_symlink() and dest.read_text("utf-8") == "{}"


def test_the_mode_is_the_callers_and_nothing_is_left_behind(tmp_path):
    write_atomic(tmp_path / "state.json", b"{}", mode=0o600)
    write_atomic(tmp_path / "shot.png", b"png")
    assert stat.S_IMODE((tmp_path / "state.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "shot.png").stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shot.png", "state.json"]
