"""One browser session's state in both simulators, saved and put back in another start.

`guidegen verify GUIDE --from STEP` saves what the simulators hold for the run's browser
session just before STEP, and a later run puts it back into freshly started simulators
instead of performing every step before it again. A session is found by its cookie, as the
simulators find it for a request; the restored state goes under the same cookie value, so
the browser's saved cookies lead to it.

The format is pickle (with locks made anew): the states are the simulators' own dataclasses,
and everything that cannot be pickled is written as data (scim2-server's resources are
classes made at run time, so they travel as their SCIM JSON). A snapshot is therefore only
read back by the same simulators' code, from a private file the engine wrote (it refuses one
that others could have written).
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import pickle
import re
import threading
from typing import Any

from portalsim.azure import sso as azure_sso
from portalsim.zenkit import sso as zenkit_sso
from portalsim.zenkit.org import Organization
from portalsim.zenkit.scim import PROVIDER

_LOCK, _RLOCK = type(threading.Lock()), type(threading.RLock())
FORMAT = 1  # a snapshot of another format is refused, not half read


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any):
        # A lock is held by nobody once the state is saved: a new one is the same thing.
        if isinstance(obj, (_LOCK, _RLOCK)):
            return (threading.RLock if isinstance(obj, _RLOCK) else threading.Lock), ()
        return NotImplemented


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def export_session(sims, cookies: dict[str, str]) -> bytes:
    """The state of the session these cookies (name -> value) belong to, in both simulators;
    a simulator the session never visited is left out."""
    saved: dict[str, Any] = {"format": FORMAT}
    azure, zenkit = sims.azure, sims.zenkit
    sid = cookies.get(azure.sessions.cookie)
    state = azure.sessions.states.get(sid) if sid else None
    if state is not None:
        with state.lock:
            saved["azure"] = {"sid": sid, "state": state, "sso": azure_sso.settings_of(state)}
    sid = cookies.get(zenkit.sessions.cookie)
    org = zenkit.sessions.states.get(sid) if sid else None
    if org is not None:
        with org.lock:
            fields = {f.name: getattr(org, f.name) for f in dataclasses.fields(org)
                      if f.init and f.name != "lock"}
            resources = [r.model_dump(mode="json") for r in org.resources()]
            saved["zenkit"] = {"sid": sid, "fields": fields, "resources": resources,
                               "sso": zenkit_sso.settings_of(org)}
    return _dumps(saved)


def import_session(sims, blob: bytes) -> None:
    """Put a saved session's state into these (freshly started) simulators, under the cookie
    values it had. Raises ValueError for a snapshot of another format."""
    saved = pickle.loads(blob)  # noqa: S301 - our own private file, see the module's docstring
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        raise ValueError("a snapshot of another guidegen version")
    if "azure" in saved:
        part, sessions = saved["azure"], sims.azure.sessions
        with sessions.lock:
            sessions.states[part["sid"]] = part["state"]
        _copy_into(azure_sso.settings_of(part["state"]), part["sso"])
    if "zenkit" in saved:
        part, zenkit = saved["zenkit"], sims.zenkit
        org = Organization(**part["fields"])
        storage = org.scim.storage
        storage.resources = [PROVIDER.model_for(r["meta"]["resourceType"]).model_validate(r)
                             for r in part["resources"]]
        versions = [int(m.group()) for r in part["resources"]
                    for m in [re.search(r"\d+", str(r["meta"].get("version", "")))] if m]
        storage.versions = itertools.count(max(versions, default=0) + 1)
        _copy_into(zenkit_sso.settings_of(org), part["sso"])
        orgs = zenkit.orgs
        with orgs.lock:
            orgs.all.append(org)
            # A session started later must not get this organization's token seed again.
            used = int(org.token_seed.rpartition(":")[2] or 0)
            orgs.counter = itertools.count(max(used + 1, next(orgs.counter)))
        with zenkit.sessions.lock:
            zenkit.sessions.states[part["sid"]] = org


def _copy_into(target: Any, source: Any) -> None:
    """Settings kept beside a state (portalsim.saml.PerSession) are looked up by the state
    object: the restored state's fresh settings take the saved values."""
    for f in dataclasses.fields(source):
        setattr(target, f.name, getattr(source, f.name))
