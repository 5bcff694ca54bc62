"""Secrets and saved sign-ins for the live target, without a browser."""

from __future__ import annotations

import json

import pytest

from guidegen.errors import GuideError
from guidegen.live import (
    load_sign_ins,
    read_secrets_file,
    secret_values,
    state_file,
    write_private,
)


def test_secrets_come_from_the_environment_first_then_the_file(tmp_path, monkeypatch):
    path = tmp_path / "secrets.env"
    path.write_text("# comment\n\nclient_secret = from-file\nAPI_TOKEN=token=with=equals\n", "utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("GUIDEGEN_SECRET_CLIENT_SECRET", "from-env")
    values = secret_values(["client_secret", "api_token", "missing"], read_secrets_file(path))
    assert values == {"client_secret": "from-env", "api_token": "token=with=equals", "missing": ""}


def test_saved_sign_ins_of_several_portals_are_merged(tmp_path):
    for portal in ("azure", "zenkit"):
        state_file(tmp_path, portal).write_text(json.dumps(
            {"cookies": [{"name": portal}], "origins": [{"origin": f"https://{portal}"}]}), "utf-8")
        state_file(tmp_path, portal).chmod(0o600)
    merged = load_sign_ins(tmp_path, ["azure", "zenkit"])
    assert [c["name"] for c in merged["cookies"]] == ["azure", "zenkit"]
    assert len(merged["origins"]) == 2


def test_a_saved_sign_in_others_can_read_is_refused(tmp_path):
    """Its cookies are a session: as ssh refuses a private key others can read."""
    path = state_file(tmp_path, "azure")
    path.write_text(json.dumps({"cookies": [], "origins": []}), "utf-8")
    path.chmod(0o644)
    with pytest.raises(GuideError) as info:
        load_sign_ins(tmp_path, ["azure"])
    assert str(info.value) == (f"{path}: a saved sign-in readable by others (mode 0644); "
                               "chmod 600 it")


def test_a_damaged_sign_in_file_says_to_log_in_again(tmp_path):
    state_file(tmp_path, "azure").write_text("{not json", "utf-8")
    state_file(tmp_path, "azure").chmod(0o600)
    with pytest.raises(GuideError) as info:
        load_sign_ins(tmp_path, ["azure"])
    assert str(info.value) == f"{tmp_path}/azure.json: not a saved sign-in; run `guidegen login azure` again"


def _mode(path) -> int:
    return path.stat().st_mode & 0o777


def test_a_stale_readable_temporary_file_does_not_make_the_sign_in_readable(tmp_path):
    """A leftover `<portal>.json.tmp` (0644) used to be opened as it was: the saved session
    then had its mode."""
    dest = state_file(tmp_path / "state", "azure")
    dest.parent.mkdir()
    stale = dest.with_name(dest.name + ".tmp")
    stale.write_text("stale", "utf-8")
    stale.chmod(0o644)
    write_private(dest, {"cookies": [{"name": "session"}], "origins": []})
    assert _mode(dest) == 0o600
    assert json.loads(dest.read_text("utf-8"))["cookies"] == [{"name": "session"}]
    assert stale.read_text("utf-8") == "stale"  # not the file written


@pytest.mark.parametrize("where", ["temporary path", "destination"])
def test_a_symlink_is_replaced_never_written_through(tmp_path, where):
    dest = state_file(tmp_path / "state", "azure")
    dest.parent.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone else's file", "utf-8")
    target.chmod(0o644)
    link = dest.with_name(dest.name + ".tmp") if where == "temporary path" else dest
    link.symlink_to(target)
    write_private(dest, {"cookies": [{"name": "session"}], "origins": []})
    assert target.read_text("utf-8") == "someone else's file"
    assert _mode(target) == 0o644
    assert not dest.is_symlink() and _mode(dest) == 0o600
    assert json.loads(dest.read_text("utf-8"))["cookies"] == [{"name": "session"}]


def test_the_state_folder_guidegen_makes_is_owner_only(tmp_path):
    dest = state_file(tmp_path / "new" / "state", "azure")
    write_private(dest, {"cookies": [], "origins": []})
    assert _mode(dest.parent) == 0o700
    assert [p.name for p in dest.parent.iterdir()] == ["azure.json"]  # no temporary file left
