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
        dirs = [e.name for e in entries if e.is_dir(follow_symlinks=False)]
        files = [e.name for e in entries if not e.is_dir(follow_symlinks=False)]
        yield folder, dirs, files
        stack.extend(os.path.join(folder, name) for name in reversed(dirs))
