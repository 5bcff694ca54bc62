"""The preview's load cache: a cached load gives the very catalog a fresh one gives, re-reads
only what changed, re-checks every guide when a file they all read changes, never hides a
problem, and replays what a guide's checks left for later (a name another guide remembers)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from guidegen.cache import ContentCache, DiskCache
from guidegen.errors import GuideError
from guidegen.load import load_catalog
from tests.site.conftest import copy_project

ROTATION = "zenkit-scim-token-rotation"
SEED = "zenkit-azure-scim-provisioning"


@pytest.fixture
def steps(tmp_path) -> Path:
    return copy_project(tmp_path).steps


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_cached_load_is_the_fresh_load(steps):
    cache = ContentCache()
    first = load_catalog(steps, steps.parent, cache)
    assert (cache.hits, cache.misses) == (0, len(first.guides))
    again = load_catalog(steps, steps.parent, cache)
    assert cache.hits == len(first.guides)
    assert again == load_catalog(steps, steps.parent) == first


def test_a_saved_guide_is_read_again_and_only_it(steps):
    cache = ContentCache()
    load_catalog(steps, steps.parent, cache)
    edit(steps / f"{ROTATION}.yml", "title: ", "title: Edited ")
    hits = cache.hits
    catalog = load_catalog(steps, steps.parent, cache)
    assert cache.hits - hits == len(catalog.guides) - 1
    assert next(g for g in catalog.guides if g.id == ROTATION).title.startswith("Edited ")
    assert catalog == load_catalog(steps, steps.parent)


def test_a_page_object_edit_checks_every_guide_again(steps):
    cache = ContentCache()
    load_catalog(steps, steps.parent, cache)
    # Renaming a control the seed guide uses: every guide's checks read the page objects.
    edit(steps / "pages" / "zenkit-provisioning.yml", "  bearer-token:", "  the-token:")
    hits = cache.hits
    with pytest.raises(GuideError) as err:
        load_catalog(steps, steps.parent, cache)
    assert cache.hits == hits
    assert "unknown control 'zenkit-provisioning.bearer-token'" in str(err.value)


def test_a_guide_with_a_problem_is_never_served_from_the_cache(steps):
    cache = ContentCache()
    good = (steps / f"{ROTATION}.yml").read_text("utf-8")
    edit(steps / f"{ROTATION}.yml", "plans: ", "plans: [nonesuch] #")
    for _ in range(2):
        with pytest.raises(GuideError, match="unknown plan 'nonesuch'"):
            load_catalog(steps, steps.parent, cache)
    (steps / f"{ROTATION}.yml").write_text(good, "utf-8")
    assert load_catalog(steps, steps.parent, cache) == load_catalog(steps, steps.parent)


def test_a_name_left_for_the_required_guides_is_decided_again(steps):
    """The rotation guide uses a name only the seed guide (which it requires) remembers:
    served from the cache, its pending check must still see the seed guide change."""
    cache = ContentCache()
    edit(steps / f"{ROTATION}.yml", "- goto: /settings/provisioning",
         "- goto: '/settings/provisioning?from={{ zenkit_base_url }}'")
    load_catalog(steps, steps.parent, cache)
    edit(steps / f"{SEED}.yml", "as: zenkit_base_url", "as: zenkit_url")
    with pytest.raises(GuideError, match="undefined variable 'zenkit_base_url'"):
        load_catalog(steps, steps.parent, cache)
    assert cache.hits >= 1  # the rotation guide itself came from the cache


def test_the_disk_cache_serves_the_next_run_and_trusts_only_private_files(steps, tmp_path):
    folder = tmp_path / "cache"
    first = load_catalog(steps, steps.parent, DiskCache(folder))
    assert folder.stat().st_mode & 0o777 == 0o700
    # One file for all the guides a load checked: file creation was most of writing them.
    assert [f.name for f in folder.iterdir()] == ["checked.pickle"]
    kept = folder / "checked.pickle"
    assert kept.stat().st_mode & 0o777 == 0o600

    again = DiskCache(folder)  # the next `guidegen build`, another process
    assert load_catalog(steps, steps.parent, again) == first
    assert (again.hits, again.misses) == (len(first.guides), 0)

    # A file another user could have written is never unpickled: planted, it would run this.
    marker = tmp_path / "unpickled"
    kept.write_bytes(pickle.dumps(_Planted(str(marker))))
    kept.chmod(0o644)
    wary = DiskCache(folder)
    assert load_catalog(steps, steps.parent, wary) == first
    assert wary.misses == len(first.guides) and not marker.exists()


def test_the_per_guide_files_of_earlier_versions_are_removed(steps, tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    old = folder / "3f2c9a0e1b7d4c55a1e0f9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8.pickle"
    old.write_bytes(b"an entry of the layout before checked.pickle")
    load_catalog(steps, steps.parent, DiskCache(folder))
    assert [f.name for f in folder.iterdir()] == ["checked.pickle"]


def test_a_deleted_guide_leaves_the_file_though_nothing_else_changed(steps, tmp_path):
    folder = tmp_path / "cache"
    first = load_catalog(steps, steps.parent, DiskCache(folder))
    for source_or_translation in steps.rglob(f"{ROTATION}.yml"):
        source_or_translation.unlink()
    load_catalog(steps, steps.parent, DiskCache(folder))  # every other guide from the file
    entries = pickle.loads((folder / "checked.pickle").read_bytes())[1]
    assert len(entries) == len(first.guides) - 1


def test_the_disk_cache_keeps_the_last_loads_guides_and_ignores_a_broken_file(steps, tmp_path):
    folder = tmp_path / "cache"
    load_catalog(steps, steps.parent, DiskCache(folder))
    edit(steps / f"{ROTATION}.yml", "title: ", "title: Edited ")
    edited = DiskCache(folder)
    catalog = load_catalog(steps, steps.parent, edited)
    assert (edited.hits, edited.misses) == (len(catalog.guides) - 1, 1)
    # The next run finds the edited guide, and the old version's entry is gone from the file.
    later = DiskCache(folder)
    assert load_catalog(steps, steps.parent, later) == catalog
    assert (later.hits, later.misses) == (len(catalog.guides), 0)
    assert len(pickle.loads((folder / "checked.pickle").read_bytes())[1]) == len(catalog.guides)

    (folder / "checked.pickle").write_bytes(b"truncated")
    broken = DiskCache(folder)
    assert load_catalog(steps, steps.parent, broken) == catalog
    assert broken.misses == len(catalog.guides)


def test_the_previews_disk_cache_saves_each_load_for_the_next_process(steps, tmp_path):
    """One DiskCache for a whole preview: after a save, the file holds the guide as saved,
    and the next process (a build) reads every guide from it."""
    folder = tmp_path / "cache"
    preview = DiskCache(folder)
    load_catalog(steps, steps.parent, preview)
    edit(steps / f"{ROTATION}.yml", "title: ", "title: Edited ")
    load_catalog(steps, steps.parent, preview)
    catalog = load_catalog(steps, steps.parent, preview)  # a save that changed nothing
    build = DiskCache(folder)
    assert load_catalog(steps, steps.parent, build) == catalog
    assert (build.hits, build.misses) == (len(catalog.guides), 0)


def test_the_disk_cache_is_keyed_by_guidegens_own_code(steps, tmp_path):
    load_catalog(steps, steps.parent, DiskCache(tmp_path / "cache"))
    upgraded = DiskCache(tmp_path / "cache")
    upgraded.code = "another version"
    catalog = load_catalog(steps, steps.parent, upgraded)
    assert (upgraded.hits, upgraded.misses) == (0, len(catalog.guides))


class _Planted:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (Path(self.path),))
