"""How long does a writer wait for the live preview? `guidegen serve` against `mkdocs serve`.

On the benchmark corpus (bench/corpus.py: 200 guides x 15 steps, the repository's real theme
and pages), each round starts both servers in turn (which goes first alternates) and times:

- start-up: from starting the process to the first answer with the guide page (HTTP 200),
  the console script's imports and the first full build included;
- save to served, for two kinds of save: a sentence of a step's text (only the guide's page
  changes), and the guide's title (every page changes: each lists every title in its
  navigation). From saving the file to the first answer of that page holding the new
  text. guidegen serve's writer saves the step file; the peer, a plain `mkdocs serve` of
  the same Markdown (rendered once by `guidegen render`, with mkdocs.yml less the guidegen
  plugin), has the same change saved in the page's Markdown.

Every wait polls the page on a free loopback port, bounded: a server that exits, or does not
serve the page (or the new text) in time, stops the benchmark with one line and status 1.
Each server runs in its own process group, ended with it. Figures go to
bench/results/serve.json (bench/report.py puts them into project-docs/benchmarks.md).

    .venv/bin/python bench/serve_bench.py                      # about 5 minutes on 2 cores
    .venv/bin/python bench/serve_bench.py --guides 20 --repeat 1 --saves 1   # a quick look
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import corpus
import record
from build_bench import plain_project

from guidegen.project import Layout

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BIN = Path(sys.executable).parent
ZENSICAL = HERE.parent / ".venv-zensical" / "bin" / "zensical"  # `make zensical` installs it
GUIDE = "bench-guide-000"  # the guide whose page is watched and whose file is saved
# The sentence a text save extends: step-01's text in the step file and in the page.
SENTENCE = "You can come back to this page at any time to review or undo the setting."
EDITS = ("text", "title")
START_TIMEOUT = 300.0  # seconds; today's start-up on the corpus is about 12
SAVE_TIMEOUT = 120.0   # seconds; today's rebuild after a save is about 8
SETTLE = 1.0           # seconds after each served save, untimed, for a watcher's stragglers
POLL = 0.05            # seconds between requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    """The page's text, or None while the server does not answer it with 200."""
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.read().decode("utf-8", "replace") if answer.status == 200 else None
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def wait_for(server: Server, url: str, what: str, timeout: float,
             ready: Callable[[str], bool] = lambda _page: True) -> float:
    """Seconds from now until `url` answers with a page that is `ready`; bounded."""
    start = time.perf_counter()
    deadline = start + timeout
    while time.perf_counter() < deadline:
        page = fetch(url)
        if page is not None and ready(page):
            return time.perf_counter() - start
        if server.process.poll() is not None:
            raise record.RunFailed(f"{server.name}: exited with {server.process.returncode} "
                                   f"while waiting for {what}; see {server.log}")
        time.sleep(POLL)
    raise record.RunFailed(f"{server.name}: {what} not served within {timeout:.0f} s; "
                           f"see {server.log}")


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    log: Path

    def stop(self, grace: float = 20.0) -> None:
        """SIGTERM to its process group, SIGKILL to what is left after `grace` (as
        tests/processes.py stop_group does for the suite)."""
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=grace)


@dataclass(frozen=True)
class Side:
    """One server under test: how to start it on a port, and which file a save edits."""

    name: str
    argv: Callable[[int], list[str]]
    cwd: Path
    edited: Path
    lines: dict[str, str]  # per kind of edit, the line a save extends (its first occurrence)

    def start(self, round_: int) -> tuple[Server, str]:
        port = free_port()
        log = OUT / f"serve-{self.name.replace(' ', '-')}-{round_}.log"
        with open(log, "w", encoding="utf-8") as err:
            process = subprocess.Popen(self.argv(port), cwd=self.cwd, stdout=err, stderr=err,
                                       start_new_session=True,
                                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        return Server(self.name, process, log), f"http://127.0.0.1:{port}/guides/{GUIDE}/"

    def save(self, kind: str, marker: str) -> None:
        text, old = self.edited.read_text(encoding="utf-8"), self.lines[kind]
        if old not in text:
            raise record.RunFailed(f"{self.edited}: the line to edit ({old!r}) is gone")
        self.edited.write_text(text.replace(old, old + f" {marker}", 1), encoding="utf-8")
        # The next save of this kind extends the line as it now is.
        self.lines[kind] = old + f" {marker}"

    def restore(self, original: str, lines: dict[str, str]) -> None:
        self.edited.write_text(original, encoding="utf-8")
        self.lines.update(lines)


def line_of(path: Path, found: Callable[[str], bool], what: str) -> str:
    line = next((line for line in path.read_text(encoding="utf-8").splitlines()
                 if found(line)), None)
    if line is None:
        raise record.RunFailed(f"{path}: no line with {what} to edit")
    return line


def sides(project: Path, plain_config: Path) -> list[Side]:
    step_file = project / "steps" / f"{GUIDE}.yml"
    page = plain_config.parent / "docs" / "guides" / f"{GUIDE}.md"

    def lines(path: Path, title: str) -> dict[str, str]:
        return {"text": line_of(path, lambda line: SENTENCE in line, repr(SENTENCE)),
                "title": line_of(path, lambda line: line.startswith(title), repr(title))}

    chosen = [
        Side("guidegen serve",
             lambda port: [str(BIN / "guidegen"), "serve", "--root", str(project),
                           "--dev-addr", f"127.0.0.1:{port}"],
             project, step_file, lines(step_file, "title: ")),
        Side("mkdocs serve",
             lambda port: [str(BIN / "mkdocs"), "serve", "-f", str(plain_config),
                           "--dev-addr", f"127.0.0.1:{port}"],
             plain_config.parent, page, lines(page, "# ")),
    ]
    if ZENSICAL.is_file():
        # MkDocs' successor, with incremental builds of its own: the same Markdown and config.
        chosen.append(Side("zensical serve",
                           lambda port: [str(ZENSICAL), "serve", "-f", str(plain_config),
                                         "-a", f"127.0.0.1:{port}"],
                           plain_config.parent, page, lines(page, "# ")))
    return chosen


def measure(side: Side, round_: int, saves: int) -> dict:
    original, lines = side.edited.read_text(encoding="utf-8"), dict(side.lines)
    server, url = side.start(round_)
    try:
        startup = wait_for(server, url, "the guide page", START_TIMEOUT)
        times: dict[str, list[float]] = {kind: [] for kind in EDITS}
        for n in range(saves):
            for kind in EDITS:
                marker = f"Edit-{round_}-{n}-{time.time_ns()}"
                side.save(kind, marker)
                times[kind].append(wait_for(server, url, f"{kind} save {n + 1}", SAVE_TIMEOUT,
                                            lambda page, marker=marker: marker in page))
                time.sleep(SETTLE)
    finally:
        server.stop()
        side.restore(original, lines)
    print(f"  {side.name}, round {round_ + 1}: start {startup:.2f} s, saves "
          + "; ".join(f"{kind} {', '.join(f'{t:.2f}' for t in ts)} s"
                      for kind, ts in times.items()), flush=True)
    return {"startup": startup, "saves": times}


def summarise(runs: dict[str, list[dict]]) -> dict:
    """Medians and ranges per side, and per-round ratios against `mkdocs serve` (both sides
    of a round saw the same outside load): start-up against start-up, a round's median save
    against the peer's. Zensical, where installed, is a second peer with its own ratios."""
    ours, peer = runs["guidegen serve"], runs["mkdocs serve"]

    def side(rs: list[dict]) -> dict:
        return {"startup": record.summary([r["startup"] for r in rs]),
                **{f"save_{kind}": record.summary([t for r in rs for t in r["saves"][kind]])
                   for kind in EDITS}}

    def median_save(r: dict, kind: str) -> float:
        return record.summary(r["saves"][kind])["median"]

    def ratios(num: list[dict], den: list[dict]) -> dict:
        return {"startup": record.summary([a["startup"] / b["startup"]
                                           for a, b in zip(num, den, strict=True)]),
                **{f"save_{kind}": record.summary([
                    median_save(a, kind) / median_save(b, kind)
                    for a, b in zip(num, den, strict=True)]) for kind in EDITS}}

    figures = {"guidegen": side(ours), "mkdocs": side(peer), "ratio": ratios(ours, peer)}
    if "zensical serve" in runs:
        figures["zensical"] = side(runs["zensical serve"])
        figures["ratio_zensical"] = ratios(ours, runs["zensical serve"])
    return figures


def run_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guides", type=int, default=200)
    parser.add_argument("--steps", type=int, default=15, help="steps per guide")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (each starts both servers)")
    parser.add_argument("--saves", type=int, default=3,
                        help="saves of each kind (text, title) timed per start")
    args = parser.parse_args(argv)
    if min(args.guides, args.repeat, args.saves) < 1:
        parser.error("--guides, --repeat and --saves must be at least 1")
    recording = record.Recording("serve", vars(args))
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as tmp:
        work = Path(tmp)
        print(f"generating {args.guides} guides x {args.steps} steps", flush=True)
        layout = Layout(corpus.make_project(work / "project", args.guides, args.steps).resolve())
        plain_config = plain_project(layout, work / "plain")
        chosen = sides(layout.root, plain_config)
        runs: dict[str, list[dict]] = {s.name: [] for s in chosen}
        for round_ in range(args.repeat):
            # Each side goes first in turn: the order of a round rotates.
            turn = round_ % len(chosen)
            for side in chosen[turn:] + chosen[:turn]:
                runs[side.name].append(measure(side, round_, args.saves))
    figures = {"guides": args.guides, "steps": args.steps, "repeat": args.repeat,
               "saves": args.saves, **summarise(runs), "runs": runs}
    print(f"figures in {recording.save(figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(record.main(run_bench))
