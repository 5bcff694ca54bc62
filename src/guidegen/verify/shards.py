"""`--shard i/n`: which guides one of n machines verifies.

A guide is the unit (its steps share one browser context, in order). Guides are dealt out by
their step counts, longest first, each to the shard with the fewest steps so far; ties go by
guide id and shard number, so every machine computes the same split from the same catalog.
"""

from __future__ import annotations

import re

from ..catalog import RGuide
from ..errors import GuideError, Problem

_SPEC = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(spec: str) -> tuple[int, int]:
    match = _SPEC.match(spec.strip())
    if match:
        index, total = int(match.group(1)), int(match.group(2))
        if 1 <= index <= total:
            return index, total
    raise GuideError([Problem("command line", 0, "--shard",
                              f"'{spec}' is not i/n with 1 <= i <= n, e.g. 1/4")])


def cost(guide: RGuide, by_id: dict[str, RGuide]) -> int:
    """Steps the run performs: the guide's own, its outcome checks and its required guides'."""
    own = len(guide.all_steps()) + len(guide.outcome)
    return own + sum(len(by_id[r].all_steps()) for r in guide.requires if r in by_id)


def split(guides: list[RGuide], total: int, by_id: dict[str, RGuide]) -> list[list[RGuide]]:
    shards: list[list[RGuide]] = [[] for _ in range(total)]
    load = [0] * total
    for guide in sorted(guides, key=lambda g: (-cost(g, by_id), g.id)):
        target = min(range(total), key=lambda i: (load[i], i))
        shards[target].append(guide)
        load[target] += cost(guide, by_id)
    return [sorted(s, key=lambda g: g.id) for s in shards]


def select(guides: list[RGuide], spec: str, by_id: dict[str, RGuide]) -> list[RGuide]:
    index, total = parse_shard(spec)
    return split(guides, total, by_id)[index - 1]
