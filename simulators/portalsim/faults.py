"""Faults a simulator can be started with, so a verify run's retries and error handling get tested.

A fault spec reads `APP:KIND:[METHOD ]PATH[:N]`:
  azure:latency:/enterprise-apps/*:400   every matching request waits 400 ms first
  zenkit:error:/scim/*                   every matching request answers HTTP 500
  azure:drop:/directory/users:2          the first 2 matching requests lose their connection
  azure:expire:/enterprise-apps/*:1      the first matching request shows the sign-in page
  azure:latency:/static/azure.js:400     every page's script comes late (never cached)
  zenkit:error:POST /scim/*/Users        creating a user over SCIM answers HTTP 500; reads work
PATH is a shell-style glob on the request path; METHOD, when given, narrows the fault to
requests of that method (a form post or a fetch, not the page that holds it). N is
milliseconds for latency and a number of requests for the other kinds (every matching
request when left out).
"""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass, field

APPS = ("azure", "zenkit")
KINDS = ("latency", "error", "drop", "expire")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class FaultSpecError(ValueError):
    pass


@dataclass
class Fault:
    app: str
    kind: str
    path: str
    ms: int = 0
    times: int | None = None
    method: str | None = None  # None: every method
    _used: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.app not in APPS:
            raise FaultSpecError(f"unknown simulator {self.app!r}: use one of {', '.join(APPS)}")
        if self.kind not in KINDS:
            raise FaultSpecError(f"unknown fault {self.kind!r}: use one of {', '.join(KINDS)}")
        if self.kind == "latency" and self.ms <= 0:
            raise FaultSpecError("a latency fault needs a delay in milliseconds, e.g. azure:latency:/*:300")
        if self.method is not None and self.method not in METHODS:
            raise FaultSpecError(f"unknown method {self.method!r}: use one of {', '.join(METHODS)}")

    @classmethod
    def parse(cls, spec: str) -> Fault:
        parts = spec.split(":")
        method, _, path = parts[2].rpartition(" ") if len(parts) > 2 else ("", "", "")
        if len(parts) not in (3, 4) or not path.startswith("/"):
            raise FaultSpecError(f"bad fault {spec!r}: expected APP:KIND:/PATH[:N] "
                                 "(or APP:KIND:METHOD /PATH[:N])")
        app, kind = parts[:2]
        number = None
        if len(parts) == 4:
            if not parts[3].isdigit():
                raise FaultSpecError(f"bad fault {spec!r}: N must be a whole number")
            number = int(parts[3])
        method = method.strip() or None
        if kind == "latency":
            return cls(app, kind, path, ms=number or 0, method=method)
        return cls(app, kind, path, times=number, method=method)

    def names(self, path: str) -> bool:
        """Whether this fault can hit a request for `path` (by some method, some time)."""
        return fnmatch.fnmatchcase(path, self.path)

    def fires(self, path: str, method: str = "GET") -> bool:
        """Whether this request is hit; counts it against `times`."""
        if self.method is not None and method != self.method:
            return False
        if not self.names(path):
            return False
        with self._lock:
            if self.times is not None and self._used >= self.times:
                return False
            self._used += 1
            return True
