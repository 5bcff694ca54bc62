"""The models pickle as their fields and which were set (model.Strict.__reduce__): the disk
cache writes some 27,000 of them for 200 guides, and pydantic's own state made that a third
slower. A model comes back equal, with the same fields set (exclude_unset dumps, which
expanding a reusable step relies on, are unchanged)."""

from __future__ import annotations

import pickle

from guidegen.load import load_catalog
from guidegen.model import Step, Strict
from tests.site.conftest import copy_project


def _subclasses(cls: type) -> list[type]:
    return [cls, *(s for sub in cls.__subclasses__() for s in _subclasses(sub))]


def test_a_pickled_catalog_is_the_catalog(tmp_path):
    layout = copy_project(tmp_path)
    catalog = load_catalog(layout.steps, layout.root)
    again = pickle.loads(pickle.dumps(catalog, pickle.HIGHEST_PROTOCOL))
    assert again == catalog
    for before, after in zip(catalog.guides, again.guides, strict=True):
        for one, other in zip(before.all_steps(), after.all_steps(), strict=True):
            for action, back in zip(one.actions, other.actions, strict=True):
                assert back.model_fields_set == action.model_fields_set
                assert back.model_dump(exclude_unset=True) == action.model_dump(exclude_unset=True)


def test_a_model_pickles_without_pydantics_bookkeeping():
    step = Step.model_validate({"id": "one", "text": "Click **Save**.",
                                "actions": [{"click": {"role": "button", "name": "Save"}}]})
    data = pickle.dumps(step, pickle.HIGHEST_PROTOCOL)
    assert b"__pydantic_extra__" not in data and b"__pydantic_private__" not in data
    assert pickle.loads(data) == step


def test_no_model_has_what_the_pickle_leaves_out():
    """Extra keys and private attributes are what pydantic's state has beyond the fields:
    a model with either would lose them in the cache."""
    for cls in _subclasses(Strict):
        assert cls.model_config.get("extra") == "forbid", cls
        assert not cls.__private_attributes__, cls
