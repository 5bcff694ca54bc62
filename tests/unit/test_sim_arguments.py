"""A drift scenario or a fault spec the simulators do not know is bad input, said once before
any browser starts (it was an error on every step, exit 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidegen.errors import GuideError
from guidegen.verify.run import run_pytest

REPO = Path(__file__).resolve().parents[2]


def test_an_unknown_drift_scenario_and_a_bad_fault_are_bad_input(tmp_path):
    with pytest.raises(GuideError) as info:
        run_pytest(REPO, (), drift=("azure-save-aply",), faults=("azure:oops:/x",),
                   report_dir=tmp_path / "report")
    assert str(info.value).splitlines() == [
        "command line: --drift: unknown drift scenario 'azure-save-aply' (did you mean "
        "'azure-save-apply'?); `python -m portalsim --list-drift` lists them",
        "command line: --fault: unknown fault 'oops': use one of latency, error, drop, expire",
    ]
    assert not (tmp_path / "report").exists()  # nothing written
