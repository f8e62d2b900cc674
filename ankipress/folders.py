"""Walking a folder tree without recursion: ``os.walk`` recurses once per level, and a
notes repository a thousand folders deep would exhaust Python's stack."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator


def walk(
    root: str | os.PathLike[str], onerror: Callable[[str, OSError], None] | None = None
) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk(root)`` top down, symlinked folders not entered, an unreadable folder
    skipped (after ``onerror``, if given): each folder with its sub-folders (sorted; prune
    them in place) and its files, sorted (a symlink to a folder among them)."""
    stack = [os.fspath(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as error:
            if onerror is not None:
                onerror(folder, error)
            continue
        kinds = [(entry.name, _is_folder(entry)) for entry in entries]
        dirs = [name for name, is_folder in kinds if is_folder]
        files = [name for name, is_folder in kinds if not is_folder]
        yield folder, dirs, files
        stack.extend(os.path.join(folder, name) for name in reversed(dirs))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A real folder: a symlink to one is never entered (it is listed with the files)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False
