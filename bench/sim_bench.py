"""How long until `guidegen sim` serves both portals? Against a bare Python process that serves.

Each round starts two processes in turn (which goes first alternates), each on two free
loopback ports, and times from starting the process to both home pages answering HTTP 200
with a whole page:

- `guidegen sim --azure-port A --zenkit-port Z`, the console script: Python's start, the
  CLI's imports, the simulators' imports and preparation, the first page of each portal
  (Azure's `/`, Zenkit's `/settings/provisioning`: the URLs `guidegen sim` prints);
- the floor, a bare `python -c` on the same interpreter that starts two `http.server`
  servers and answers a small page on each: what any Python process pays to start and serve.

Every wait polls (every 5 ms: the floor takes tens of milliseconds) on a bounded clock: a
process that exits, or does not answer both pages in time, stops the benchmark with one line
and status 1. Each process runs in its own process
group, ended with it. The goal (issue 14): at most 1 s for `guidegen sim`. Figures go to
bench/results/sim.json (bench/report.py puts them into project-docs/benchmarks.md).

    .venv/bin/python bench/sim_bench.py              # 10 rounds, about 20 seconds
    .venv/bin/python bench/sim_bench.py --repeat 3   # a quick look
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import record
from serve_bench import Server, fetch, free_port

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BIN = Path(sys.executable).parent
GOAL = 1.0  # seconds, start -> both portals answer (issue 14)
# Seconds between requests while a port is refused: the floor answers within tens of
# milliseconds, which serve_bench's 50 ms poll would round up.
POLL = 0.005

# Two servers in one bare Python process, each answering a small page to any GET.
FLOOR = """\
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<!doctype html><title>floor</title><p>ok</p></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

servers = [ThreadingHTTPServer(("127.0.0.1", int(port)), Page) for port in sys.argv[1:]]
for server in servers[1:]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
servers[0].serve_forever()
"""


@dataclass(frozen=True)
class Side:
    """One process under test: how to start it on two ports, and the page each port must
    answer, with a text only the whole page holds (its title)."""

    name: str
    argv: Callable[[int, int], list[str]]
    pages: tuple[tuple[str, str], tuple[str, str]]  # (path, text) on the first, second port

    def start(self, round_: int) -> tuple[Server, list[tuple[str, str]], float]:
        ports = [free_port(), free_port()]
        while ports[1] == ports[0]:
            ports[1] = free_port()
        log = OUT / f"sim-{self.name.split()[0]}-{round_}.log"
        with open(log, "w", encoding="utf-8") as out:
            started = time.perf_counter()
            process = subprocess.Popen(self.argv(*ports), stdout=out, stderr=out,
                                       start_new_session=True)
        urls = [(f"http://127.0.0.1:{port}{path}", text)
                for port, (path, text) in zip(ports, self.pages, strict=True)]
        return Server(self.name, process, log), urls, started


SIDES = (
    Side("guidegen sim",
         lambda azure, zenkit: [str(BIN / "guidegen"), "sim", "--azure-port", str(azure),
                                "--zenkit-port", str(zenkit)],
         (("/", "Microsoft Azure</title>"),
          ("/settings/provisioning", "Organization settings · Zenkit</title>"))),
    Side("floor", lambda one, two: [str(BIN / "python"), "-c", FLOOR, str(one), str(two)],
         (("/", "<p>ok</p>"), ("/", "<p>ok</p>"))),
)


def answered(server: Server, url: str, text: str, timeout: float) -> None:
    """Returns once `url` answers 200 with a page holding `text`; bounded."""
    deadline = time.perf_counter() + timeout
    while (page := fetch(url)) is None or text not in page:
        if server.process.poll() is not None:
            raise record.RunFailed(f"{server.name}: exited with {server.process.returncode} "
                                   f"before {url} answered; see {server.log}")
        if time.perf_counter() > deadline:
            raise record.RunFailed(f"{server.name}: {url} not answered with its page within "
                                   f"{timeout:g} s; see {server.log}")
        time.sleep(POLL)


def measure(side: Side, round_: int, timeout: float) -> float:
    """Seconds from starting the process until both its pages answered, whole."""
    server, urls, started = side.start(round_)
    try:
        for url, text in urls:
            answered(server, url, text, timeout)
        return time.perf_counter() - started
    finally:
        server.stop()


def summarise(runs: dict[str, list[float]]) -> dict:
    """Medians and ranges per side; per-round ratio and difference (both processes of a round
    saw the same outside load)."""
    ours, floor = runs["guidegen sim"], runs["floor"]
    return {"guidegen": record.summary(ours), "floor": record.summary(floor),
            "ratio": record.summary([a / b for a, b in zip(ours, floor, strict=True)]),
            "above_floor": record.summary([a - b for a, b in zip(ours, floor, strict=True)])}


def run_bench(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="rounds (each starts both)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds each page may take to answer before the benchmark fails")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.timeout <= 0:
        parser.error("--repeat must be at least 1 and --timeout above 0")
    recording = record.Recording("sim", vars(args))
    OUT.mkdir(exist_ok=True)
    runs: dict[str, list[float]] = {side.name: [] for side in SIDES}
    for round_ in range(args.repeat):
        for side in SIDES if round_ % 2 == 0 else reversed(SIDES):
            runs[side.name].append(measure(side, round_, args.timeout))
        print(f"  round {round_ + 1}: " + ", ".join(
            f"{name} {times[-1]:.3f} s" for name, times in runs.items()), flush=True)
    figures = {"repeat": args.repeat, "goal": GOAL, **summarise(runs), "runs": runs}
    median = figures["guidegen"]["median"]
    print(f"guidegen sim: {median:.2f} s median (goal <= {GOAL:g} s: "
          f"{'met' if median <= GOAL else 'not met'}); figures in {recording.save(figures)}")
    return 0


if __name__ == "__main__":
    sys.exit(record.main(run_bench))
