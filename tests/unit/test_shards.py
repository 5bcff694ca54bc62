"""`--shard i/n`: the same split on every machine, every guide exactly once, loads even."""

from __future__ import annotations

import pytest

from guidegen.catalog import Origin, RGuide, RSection, RStep
from guidegen.errors import GuideError
from guidegen.verify.shards import cost, parse_shard, select, split


def guide(ident: str, steps: int, requires: tuple[str, ...] = ()) -> RGuide:
    section = RSection(id="s", title="S", text=None, plans=("free",), narrower=False, level=2,
                       steps=[RStep(id=f"s{i}", number=i, title=None, text="t", plans=("free",),
                                    narrower=False, variants=[], admonitions=[], optional=False,
                                    portal="p", screenshot=None, actions=[],
                                    origin=Origin("f", 1)) for i in range(steps)])
    return RGuide(id=ident, title=ident, summary="", plans=("free",), portals=("p",), order=1,
                  intro=None, outro=None, sections=[section], secrets={}, outcome=[],
                  requires=requires, variables={}, origin=Origin(f"steps/{ident}.yml", 1))


GUIDES = [guide(f"g{i:03d}", 3 + (i * 7) % 13) for i in range(200)]
BY_ID = {g.id: g for g in GUIDES}


@pytest.mark.parametrize("total", [1, 2, 3, 4, 7])
def test_every_guide_is_in_exactly_one_shard_and_loads_are_even(total):
    shards = split(GUIDES, total, BY_ID)
    ids = [g.id for s in shards for g in s]
    assert sorted(ids) == sorted(BY_ID)
    loads = [sum(cost(g, BY_ID) for g in s) for s in shards]
    assert max(loads) - min(loads) <= max(cost(g, BY_ID) for g in GUIDES)


def test_the_split_does_not_depend_on_the_order_guides_are_listed_in():
    a = [[g.id for g in s] for s in split(GUIDES, 4, BY_ID)]
    b = [[g.id for g in s] for s in split(list(reversed(GUIDES)), 4, BY_ID)]
    assert a == b


def test_a_guide_that_requires_another_counts_its_setup_steps():
    first, second = guide("first", 17), guide("second", 4, requires=("first",))
    by_id = {"first": first, "second": second}
    assert cost(second, by_id) == 21
    # The heavier goes first, to shard 1.
    assert [[g.id for g in s] for s in split([first, second], 2, by_id)] == [["second"], ["first"]]


def test_more_shards_than_guides_leaves_some_empty():
    assert select(GUIDES[:2], "3/3", BY_ID) == []


@pytest.mark.parametrize("spec", ["0/2", "3/2", "1-2", "a/b", "1/0", ""])
def test_bad_shard_spec_is_bad_input(spec):
    with pytest.raises(GuideError) as info:
        parse_shard(spec)
    assert str(info.value).startswith("command line: --shard: ")
