"""The nightly signs in by itself: before each job drives the live portals, every portal
with a `sign_in:` is signed in unattended (when its saved sign-in would not last), with the
account from the repository secrets of the names steps/project.yml gives."""

from __future__ import annotations

from pathlib import Path

import yaml

from guidegen.load import load_catalog

REPO = Path(__file__).resolve().parents[2]


def test_each_live_job_signs_in_unattended_before_it_drives_the_portals():
    nightly = yaml.safe_load((REPO / ".github" / "workflows" / "nightly.yml").read_text("utf-8"))
    portals = load_catalog(REPO / "steps", REPO).portals.values()
    drives = {"live": "guidegen verify --target live", "report": "guidegen fix report"}
    for job, command in drives.items():
        steps = nightly["jobs"][job]["steps"]
        uses = next(i for i, s in enumerate(steps) if command in s.get("run", ""))
        signs_in = [s for s in steps[:uses] if "guidegen login" in s.get("run", "")]
        assert len(signs_in) == 1, job
        step = signs_in[0]
        for portal in portals:
            assert f"guidegen login {portal.id} --unattended --if-expiring" in step["run"]
            names = [portal.sign_in.user, portal.sign_in.password, portal.sign_in.totp_seed]
            for name in filter(None, names):
                assert step["env"][name] == f"${{{{ secrets.{name} }}}}", (job, name)
