"""A drift scenario or a fault spec the simulators do not know is bad input, said once before
any browser starts (it was an error on every step, exit 3)."""

from __future__ import annotations

import subprocess
import sys
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


@pytest.mark.parametrize(("argv", "told"), [
    (["--azure-port", "99999"], "--azure-port: must be a port number from 1 to 65535, or 0 for "
                                "a free port (got '99999')"),
    (["--zenkit-port", "-1"], "--zenkit-port: must be a port number from 1 to 65535, or 0 for "
                              "a free port (got '-1')"),
    (["--azure-port", "8o80"], "--azure-port: must be a port number from 1 to 65535, or 0 for "
                               "a free port (got '8o80')"),
    (["--http-timeout", "0"], "--http-timeout: must be a number of seconds above 0 (got '0')"),
    (["--fault", "zenkit:error"], "--fault: bad fault 'zenkit:error': expected "
                                  "APP:KIND:/PATH[:N] (or APP:KIND:METHOD /PATH[:N])"),
])
def test_guidegen_sim_refuses_a_bad_value_on_one_line(argv, told):
    """99999 was taken modulo 65536: the simulator listened on 34463 and said nothing."""
    result = subprocess.run([sys.executable, "-m", "guidegen.cli", "sim", *argv],
                            capture_output=True, text=True, check=False, timeout=30)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"command line: {told}\n")
