"""What the two simulators' SAML 2.0 sides share: Debian's xmlsec1 (pysaml2 signs and checks
signatures with it), per-session settings, and public addresses that lead to a simulator.

Both import pysaml2's configuration, client and server where a sign-in first needs them, not
when the simulators start: they load and compile SAML's XML schemas as they are imported,
which took a third of `guidegen sim`'s start-up, for pages that may never be opened.
"""

from __future__ import annotations

import shutil
import weakref
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")


class MissingXmlsec(RuntimeError):
    """xmlsec1 is not installed: an environment problem, told on one line."""


def xmlsec_binary() -> str:
    found = shutil.which("xmlsec1")
    if found is None:
        raise MissingXmlsec("xmlsec1 not found: single sign-on needs Debian's xmlsec1 "
                            "(apt-get install xmlsec1, or `make chromium`)")
    return found


def resolve(url: str, hosts: Mapping[str, str]) -> str:
    """Where the browser really goes for a public URL the other simulator shows
    (https://zenkit.sim/... is the Zenkit simulator's loopback address)."""
    for origin, real in hosts.items():
        if url == origin or url.startswith(origin + "/"):
            return real + url[len(origin):]
    return url


def pem_body(pem: str) -> str:
    """A certificate's Base64 without its BEGIN/END lines, as SAML metadata carries it."""
    return "".join(line.strip() for line in pem.splitlines() if line.strip() and "-----" not in line)


class PerSession(Generic[T]):
    """Settings kept beside a session's state, and dropped with it.

    The session states (AzureState, Organization) belong to the provisioning code; single
    sign-on keeps its own settings here, keyed by the state object, so neither grows a field
    for the other. A state is replaced on /_sim/reset: its settings go with it."""

    def __init__(self, factory: Callable[[], T]):
        self.factory = factory
        self.by_state: dict[int, T] = {}

    def __call__(self, state: object) -> T:
        key = id(state)
        if key not in self.by_state:
            self.by_state[key] = self.factory()
            # id() is reused once the state is gone: forget its settings then.
            weakref.finalize(state, self.by_state.pop, key, None)
        return self.by_state[key]
