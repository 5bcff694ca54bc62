"""Every shipped guide verified in German against the German simulators (issue 13): the
browser asks for German, controls are found by their German names, choices and expected
texts are the German ones, and each screenshot matches its German baseline
(<name>.de.png, committed beside the English one). The status file then holds the German
verdicts apart from the English ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_verify import verify

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def test_every_guide_passes_in_german_against_its_german_screenshots(tmp_path):
    code, data, output = verify(tmp_path, "--locale", "de", "--no-plan-claims")
    assert code == 0, output
    guides = sorted(p.stem for p in (REPO / "steps").glob("*.yml") if p.name != "project.yml")
    assert sorted({s["guide"] for s in data["steps"]}) == guides
    assert {s["locale"] for s in data["steps"]} == {"de"}
    assert {s["status"] for s in data["steps"]} == {"passed"}
    status = json.loads((tmp_path / "project" / "screenshots" / "status.json").read_text("utf-8"))
    assert sorted(status["locales"]["de"]["guides"]) == guides
    # The German pictures are German: each differs from the English one of the same step.
    shots = REPO / "screenshots"
    german = sorted(shots.glob("*/*.de.png"))
    assert german and all(p.with_name(p.name.replace(".de.png", ".png")).read_bytes()
                          != p.read_bytes() for p in german)
