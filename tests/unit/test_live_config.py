"""Secrets and saved sign-ins for the live target, without a browser."""

from __future__ import annotations

import json

import pytest

from guidegen.errors import GuideError
from guidegen.live import load_sign_ins, read_secrets_file, secret_values, state_file


def test_secrets_come_from_the_environment_first_then_the_file(tmp_path, monkeypatch):
    path = tmp_path / "secrets.env"
    path.write_text("# comment\n\nclient_secret = from-file\nAPI_TOKEN=token=with=equals\n", "utf-8")
    monkeypatch.setenv("GUIDEGEN_SECRET_CLIENT_SECRET", "from-env")
    values = secret_values(["client_secret", "api_token", "missing"], read_secrets_file(path))
    assert values == {"client_secret": "from-env", "api_token": "token=with=equals", "missing": ""}


def test_saved_sign_ins_of_several_portals_are_merged(tmp_path):
    for portal in ("azure", "zenkit"):
        state_file(tmp_path, portal).write_text(json.dumps(
            {"cookies": [{"name": portal}], "origins": [{"origin": f"https://{portal}"}]}), "utf-8")
    merged = load_sign_ins(tmp_path, ["azure", "zenkit"])
    assert [c["name"] for c in merged["cookies"]] == ["azure", "zenkit"]
    assert len(merged["origins"]) == 2


def test_a_damaged_sign_in_file_says_to_log_in_again(tmp_path):
    state_file(tmp_path, "azure").write_text("{not json", "utf-8")
    with pytest.raises(GuideError) as info:
        load_sign_ins(tmp_path, ["azure"])
    assert str(info.value) == f"{tmp_path}/azure.json: not a saved sign-in; run `guidegen login azure` again"
