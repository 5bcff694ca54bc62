"""`verify GUIDE --from STEP` (issue 12): the first run performs everything before STEP and
saves the state there; the next puts it back and starts at STEP. The token rotation guide
makes the restore load-bearing: its step 'paste-token' pastes the token regenerated two steps
earlier into the Azure provisioning the required seed guide set up, and tests the connection,
which passes only if Zenkit's organization (SCIM on, the new token), Azure's configuration and
the remembered token all came back."""

from __future__ import annotations

import stat

import pytest

from tests.e2e.test_verify import verify

pytestmark = pytest.mark.browser

GUIDE = "zenkit-scim-token-rotation"


def statuses(data: dict) -> dict[str, str]:
    return {s["step"]: s["status"] for s in data["steps"] if s["guide"] == GUIDE}


def test_from_step_saves_the_state_before_it_then_starts_there(tmp_path):
    code, data, output = verify(tmp_path, GUIDE, "--from", "paste-token")
    assert code == 0, output
    assert "no saved state yet: running the 23 steps before it" in output
    assert set(statuses(data).values()) == {"passed"}
    project = tmp_path / "project"
    status_file = project / "screenshots" / "status.json"
    before = status_file.read_bytes()
    saved = project / ".guidegen-cache" / "checkpoints" / GUIDE / "paste-token.pickle"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700

    # Words of a step before STEP are not what it does: the saved state still holds.
    guide = project / "steps" / f"{GUIDE}.yml"
    text = guide.read_text("utf-8")
    assert "Regenerate token" in text
    guide.write_text(text.replace("**Regenerate token**", "**Regenerate token** again", 1),
                     "utf-8")
    code, data, output = verify(tmp_path, GUIDE, "--from", "paste-token")
    assert code == 0, output
    assert "restored the state saved before it; 23 earlier steps not run" in output
    assert statuses(data) == {"regenerate-token": "not run", "open-provisioning": "not run",
                              "paste-token": "passed", "review-audit-log": "passed"}
    assert data["speaks_for_site"] is False and status_file.read_bytes() == before


def test_a_checkpoint_others_can_read_is_refused_before_anything_starts(tmp_path):
    project = tmp_path / "project"
    verify(tmp_path, GUIDE, "--help")  # makes the copy of the project
    saved = project / ".guidegen-cache" / "checkpoints" / GUIDE / "paste-token.pickle"
    saved.parent.mkdir(parents=True)
    saved.write_bytes(b"not a pickle anyone should load")
    saved.chmod(0o664)
    code, _, output = verify(tmp_path, GUIDE, "--from", "paste-token")
    assert code == 2
    assert output.splitlines() == [f"{saved}: --from: readable by others (mode 0664); chmod 600 it",
                                   "1 problem found."]
