"""Progress of a verify run on stderr: one live line per guide on a terminal, plain lines
in CI logs (where carriage returns make a mess)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# "manual": a `verify: manual` step, which the site marks "Checked by hand".
SYMBOL = {"passed": "✓", "failed": "✗", "not run": "·", "manual": "✋"}


class Progress:
    def __init__(self, total: Callable[[str], int], stream=None) -> None:
        self.stream = stream or sys.stderr
        self.total = total  # guide label -> number of steps it reports
        self.totals: dict[str, int] = {}
        self.done: dict[str, int] = {}
        self.failed: dict[str, int] = {}
        self.live = self.stream.isatty() and not os.environ.get("CI")
        self.current: str | None = None

    def step(self, guide: str, step: str, status: str, kind: str | None = None) -> None:
        if guide not in self.totals:
            self.totals[guide] = self.total(guide)
        self.done[guide] = self.done.get(guide, 0) + 1
        if status == "failed":
            self.failed[guide] = self.failed.get(guide, 0) + 1
        count = f"{self.done[guide]}/{self.totals.get(guide, '?')}"
        line = f"{guide}: step {count} {SYMBOL.get(status, '?')} {step} ({kind or status})"
        if not self.live:
            print(line, file=self.stream, flush=True)
            return
        if self.current not in (None, guide):
            self.stream.write("\n")
        self.current = guide
        self.stream.write("\r\033[K" + line + ("\n" if status == "failed" else ""))
        if self.done[guide] == self.totals.get(guide):
            failed = self.failed.get(guide, 0)
            self.stream.write("\r\033[K" + f"{guide}: {count} steps, "
                              + (f"{failed} failed" if failed else "all passed") + "\n")
            self.current = None
        self.stream.flush()
