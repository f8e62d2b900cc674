"""Discover: the markdown files a build reads, in a stable order."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ankideck.records import SourceFile

MARKDOWN_SUFFIXES = (".md", ".markdown")


def discover(paths: Iterable[Path], cwd: Path | None = None) -> list[SourceFile]:
    """Every markdown file under ``paths`` (folders walked recursively), sorted, no repeats.

    A folder is the content root of the files under it; a file named directly is
    its own folder's root.
    """
    cwd = (cwd or Path.cwd()).resolve()
    found: dict[Path, SourceFile] = {}
    for given in paths:
        root = given.resolve()
        if root.is_dir():
            files = _walk(root)
        else:
            files = [root]
            root = root.parent
        for path in files:
            found.setdefault(path, _source_file(path, root, cwd))
    return sorted(found.values(), key=lambda s: (str(s.root), s.rel.parts))


def _walk(root: Path) -> list[Path]:
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(
            Path(folder, name)
            for name in sorted(names)
            if name.lower().endswith(MARKDOWN_SUFFIXES) and not name.startswith(".")
        )
    return files


def _source_file(path: Path, root: Path, cwd: Path) -> SourceFile:
    rel = PurePosixPath(path.relative_to(root).as_posix())
    return SourceFile(path=path, root=root, rel=rel, display=display_path(path, cwd))


def display_path(path: Path, cwd: Path | None = None) -> str:
    """How diagnostics name a file: relative to the working directory when inside it."""
    try:
        return path.relative_to((cwd or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return str(path)
