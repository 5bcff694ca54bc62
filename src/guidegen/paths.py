"""Paths that come from data (a report's results.json, a YAML file, an argument) stay in the
folder they belong to. A crafted report must not make guidegen read `/etc/passwd` into an
HTML page, nor a symlink make it write a sign-in file over a baseline."""

from __future__ import annotations

import os
from pathlib import Path


def confined(path: str | os.PathLike, folder: str | os.PathLike) -> Path | None:
    """`path` (absolute, or relative to `folder`) with every symlink resolved, if it is still
    inside `folder` (resolved too); None when it leaves it, by `..`, an absolute path
    elsewhere, or a symlink anywhere along the way."""
    base = Path(folder).resolve()
    candidate = Path(path)
    resolved = (candidate if candidate.is_absolute() else base / candidate).resolve()
    if resolved != base and base not in resolved.parents:
        return None
    return resolved


def first_confined(path: str | os.PathLike, folders: list[Path]) -> Path | None:
    """`path` confined to the first of `folders` that holds it, else None."""
    for folder in folders:
        found = confined(path, folder)
        if found is not None:
            return found
    return None


def links_out(folder: str | os.PathLike) -> list[tuple[Path, Path]]:
    """Every symbolic link under `folder` (links to folders not followed) that leads out of
    it, with where it leads: git keeps links, so a pull request can add one."""
    base = Path(folder)
    if not base.is_dir():
        return []
    found = []
    for parent, folders, files in os.walk(base):
        for name in [*folders, *files]:
            path = Path(parent) / name
            if path.is_symlink() and confined(path, base) is None:
                found.append((path, path.resolve()))
    return sorted(found)
