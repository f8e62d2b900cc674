"""Walking a folder tree without recursion: ``os.walk`` recurses once per level, and a
notes repository a thousand folders deep would exhaust Python's stack."""

from __future__ import annotations

import os
from collections.abc import Iterator


def walk(root: str | os.PathLike[str]) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(root)`` top down, symlinked folders not entered, unreadable folders
    skipped: each folder with its sub-folders (sorted; prune them in place) and files."""
    stack = [os.fspath(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            continue
        kinds = [(entry.name, _is_folder(entry)) for entry in entries]
        dirs = [name for name, folder in kinds if folder]
        files = [name for name, folder in kinds if not folder]
        yield folder, dirs, files
        stack.extend(os.path.join(folder, name) for name in reversed(dirs))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A real folder: a symlink to one is never entered (it is listed with the files)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False
