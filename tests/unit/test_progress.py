"""Progress lines: plain in CI logs, one rewritten line per guide on a terminal."""

from __future__ import annotations

import io

from guidegen.verify.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_count_each_guides_steps(monkeypatch):
    out = io.StringIO()
    progress = Progress({"a": 2, "b": 1, "c": 1}.get, out)
    progress.step("a", "one", "passed")
    progress.step("b", "only", "failed", "structure drift")
    progress.step("a", "two", "not run")
    progress.step("c", "by-hand", "manual")
    assert out.getvalue().splitlines() == [
        "a: step 1/2 ✓ one (passed)",
        "b: step 1/1 ✗ only (structure drift)",
        "a: step 2/2 · two (not run)",
        "c: step 1/1 ✋ by-hand (manual)",  # verify: manual, as the site's "Checked by hand"
    ]


def test_a_terminal_gets_one_live_line_per_guide_and_a_summary(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    out = Terminal()
    progress = Progress({"a": 2}.get, out)
    progress.step("a", "one", "passed")
    progress.step("a", "two", "passed")
    text = out.getvalue()
    assert text.count("\r\033[K") == 3
    assert text.endswith("\r\033[Ka: 2/2 steps, all passed\n")
