"""A build loads the catalog with no garbage collection and keeps it out of the collections
while it renders and MkDocs builds (guidegen/build.py `loaded`); it leaves the collector as
it found it, also when the build fails. Loading makes no garbage held in a cycle, which is
what makes running it uncollected safe."""

from __future__ import annotations

import gc

import pytest

import guidegen.build as build_module
from guidegen.build import build, render
from guidegen.errors import BuildError, GuideError
from guidegen.load import load_catalog
from tests.site.conftest import REPO, copy_project


@pytest.fixture
def collections(monkeypatch):
    """Every collection during the test, with what was running: 'load' or 'mkdocs'."""
    seen: list[tuple[str | None, int]] = []
    running: list[str] = []

    def during(name, func):
        def wrapped(*args, **kwargs):
            running.append(name)
            try:
                return func(*args, **kwargs)
            finally:
                running.pop()
        return wrapped

    monkeypatch.setattr(build_module, "load_catalog", during("load", load_catalog))
    monkeypatch.setattr(build_module, "mkdocs_build",
                        during("mkdocs", build_module.mkdocs_build))

    def callback(phase, info):
        if phase == "start":
            seen.append((running[-1] if running else None, gc.get_freeze_count()))

    gc.callbacks.append(callback)
    try:
        yield seen
    finally:
        gc.callbacks.remove(callback)


def test_loading_makes_no_cyclic_garbage():
    """Nothing of the loader's (YAML's loaders and nodes, guidegen's objects) is left for the
    collector alone to free. Counted by type, not in all: in a long test session, caches of
    other libraries may let go of their own cyclic objects while the loader runs."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection frees is kept in gc.garbage, to look at
    try:
        catalog = load_catalog(REPO / "steps", REPO)
        assert catalog.guides
        gc.collect()
        ours = {type(o).__module__ + "." + type(o).__qualname__ for o in gc.garbage
                if type(o).__module__.split(".")[0] in ("yaml", "guidegen")}
        assert ours == set()
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def test_a_build_sets_the_loaded_catalog_aside(tmp_path, collections):
    layout = copy_project(tmp_path)
    gc.collect()
    collections.clear()
    build(layout)
    assert (layout.site / "index.html").is_file()
    assert not [c for c in collections if c[0] == "load"]
    during_mkdocs = [frozen for what, frozen in collections if what == "mkdocs"]
    assert during_mkdocs and all(during_mkdocs)  # MkDocs' passes do not scan the catalog
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_render_sets_it_aside_too_and_undoes_it(tmp_path, collections):
    layout = copy_project(tmp_path)
    render(layout)
    assert (layout.docs / "guides" / "index.md").is_file()
    assert not [c for c in collections if c[0] == "load"]
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize("breaks", ["the step files", "the MkDocs build"])
def test_a_failed_build_leaves_the_collector_as_it_was(tmp_path, breaks):
    layout = copy_project(tmp_path)
    if breaks == "the step files":
        (layout.steps / "broken.yml").write_text("id: [\n", "utf-8")
    else:
        index = layout.docs / "index.md"
        index.write_text(index.read_text("utf-8") + "\n[gone](no-such-page.md)\n", "utf-8")
    with pytest.raises(GuideError if breaks == "the step files" else BuildError):
        build(layout)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_freeze_someone_else_made_is_left_to_them(tmp_path):
    layout = copy_project(tmp_path)
    theirs = ["frozen by the caller"]
    gc.freeze()
    try:
        build(layout)
        assert not any(o is theirs for o in gc.get_objects())  # frozen still
    finally:
        gc.unfreeze()
    assert gc.isenabled()


def test_a_collector_switched_off_stays_off(tmp_path):
    layout = copy_project(tmp_path)
    gc.disable()
    try:
        render(layout)
        assert not gc.isenabled()
    finally:
        gc.enable()
