"""What `guidegen verify` spends before and after the steps: the catalog is read and checked
once per process, not again by the plugin, and pytest runs without the parts that only serve
Python test files (assertion rewriting, the end-of-run garbage collections)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from guidegen.load import load_catalog
from guidegen.project import Layout
from guidegen.verify import pytest_plugin
from guidegen.verify.pytest_plugin import LoadedCatalog
from guidegen.verify.run import collection_args, run_pytest

REPO = Path(__file__).resolve().parents[2]
SEED = "zenkit-azure-scim-provisioning"


def collect(root: Path, plugins: list) -> list[str]:
    collected: list[str] = []

    class Items:
        def pytest_collection_finish(self, session) -> None:
            collected.extend(item.nodeid for item in session.items)

    catalog = load_catalog(Layout(root).steps, root)
    chosen = [g for g in catalog.guides if g.id == SEED]
    code = pytest.main([*collection_args(root, chosen), "--co", "-q", "-p",
                        "guidegen.verify.pytest_plugin", "-p", "no:cacheprovider",
                        "--rootdir", str(root), "-o", "addopts=", "-o", "testpaths=",
                        "--guidegen-root", str(root)], plugins=[*plugins, Items()])
    assert code == 0
    return collected


def test_the_plugin_uses_the_catalog_verify_loaded(monkeypatch):
    catalog = load_catalog(Layout(REPO).steps, REPO)

    def unread(*args, **kwargs):
        raise AssertionError("the plugin read the step files again")

    monkeypatch.setattr(pytest_plugin, "load_catalog", unread)
    items = collect(REPO, [LoadedCatalog(REPO, catalog)])
    assert items and all(i.startswith(f"steps/{SEED}.yml::") for i in items)


def test_a_catalog_of_another_project_is_not_used(monkeypatch, tmp_path):
    """Only the catalog of the root the plugin is told about counts: any other is read anew."""
    catalog = load_catalog(Layout(REPO).steps, REPO)
    reads = []
    real = pytest_plugin.load_catalog
    monkeypatch.setattr(pytest_plugin, "load_catalog",
                        lambda *a, **k: reads.append(a) or real(*a, **k))
    collect(REPO, [LoadedCatalog(tmp_path, catalog)])
    assert len(reads) == 1


def test_verify_hands_pytest_its_catalog_and_a_lean_session(monkeypatch, tmp_path):
    seen: dict = {}

    def main(args, plugins=None):
        seen.update(args=args, plugins=plugins or [], frozen=gc.get_freeze_count())
        return pytest.ExitCode.OK

    monkeypatch.setattr("guidegen.verify.run.pytest.main", main)
    assert run_pytest(REPO, (SEED,), report_dir=tmp_path / "report") == 0
    given = [p for p in seen["plugins"] if isinstance(p, LoadedCatalog)]
    assert [p.root for p in given] == [REPO]
    assert SEED in [g.id for g in given[0].catalog.guides]
    args = seen["args"]
    assert "--assert=plain" in args
    for plugin in ("unraisableexception", "threadexception", "hypothesispytest"):
        assert args[args.index(f"no:{plugin}") - 1] == "-p"
    # What was loaded before the run is left out of the collector's full passes during it,
    # and handed back afterwards to a caller that goes on.
    assert seen["frozen"] > 0
    assert gc.get_freeze_count() == 0
