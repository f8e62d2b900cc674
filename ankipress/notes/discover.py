"""Discover: the markdown files a build reads, in a stable order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ankipress.diagnostics import Diagnostics, display_path
from ankipress.folders import walk
from ankipress.records import SourceFile

MARKDOWN_SUFFIXES = (".md", ".markdown")


def discover(
    paths: Iterable[Path], cwd: Path | None = None, diagnostics: Diagnostics | None = None
) -> list[SourceFile]:
    """Every markdown file under ``paths`` (folders walked recursively), sorted, no repeats.

    A folder is the content root of the files under it; a file named directly is its own
    folder's root. Inside a folder, a symlink is followed only to a file inside the same
    root, judged on the resolved path: one pointing outside is refused with a warning.
    """
    cwd = (cwd or Path.cwd()).resolve()
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    found: dict[Path, SourceFile] = {}
    for given in paths:
        root = given.resolve()
        if root.is_dir():
            files = _walk(root, cwd, diagnostics)
        else:
            files = [root]
            root = root.parent
        for path in files:
            try:
                real = path.resolve()
            except (OSError, RuntimeError):  # a symlink loop
                diagnostics.warning(display_path(path, cwd), 0, "symlink loop; not read", "outside")
                continue
            refused = outside(real, root)
            if refused is not None:
                diagnostics.warning(display_path(path, cwd), 0, refused, "outside")
                continue
            if not real.is_file():  # a FIFO or device would block or never end
                diagnostics.warning(
                    display_path(path, cwd), 0, "not a regular file; not read", "outside"
                )
                continue
            if real not in found or path == real:  # a file and a link to it: the file
                found[real] = _source_file(path, real, root, cwd)
    return _keyed(sorted(found.values(), key=lambda s: (str(s.root), s.rel.parts)))


def _keyed(sources: list[SourceFile]) -> list[SourceFile]:
    """Each file's book key: its stem, but for files that share it with a shallower (or
    earlier) file of their root (a ``readme.md`` in every chapter folder): those are other
    books, keyed by their path. The shallowest keeps its stem, as before the others came."""
    first: dict[tuple[Path, str], SourceFile] = {}
    for source in sorted(sources, key=lambda s: (len(s.rel.parts), s.rel.parts)):
        first.setdefault((source.root, source.rel.stem), source)
    return [
        replace(s, key=s.rel.stem if first[s.root, s.rel.stem] is s else _path_key(s))
        for s in sources
    ]


def _path_key(source: SourceFile) -> str:
    return source.rel.parent.joinpath(source.rel.stem).as_posix()


def _walk(root: Path, cwd: Path, diagnostics: Diagnostics) -> list[Path]:
    """The markdown files under ``root``, sorted, hidden entries left out; a symlinked
    folder is never entered, and one leading outside the root is refused with a warning."""

    def unreadable(folder: str, error: OSError) -> None:
        where = display_path(Path(folder), cwd)
        diagnostics.error(where, 0, f"cannot read folder: {error.strerror}", "io")

    files: list[Path] = []
    for folder, dirs, names in walk(root, onerror=unreadable):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in names:
            path = Path(folder, name)
            if name.startswith("."):
                continue
            if path.is_dir():  # a symlink to a folder (a symlink loop is none)
                refused = outside(path.resolve(), root)
                if refused is not None:
                    diagnostics.warning(display_path(path, cwd), 0, refused, "outside")
            elif name.lower().endswith(MARKDOWN_SUFFIXES):
                files.append(path)
    return sorted(files, key=lambda path: path.relative_to(root).parts)


def _source_file(path: Path, real: Path, root: Path, cwd: Path) -> SourceFile:
    rel = PurePosixPath(path.relative_to(root).as_posix())
    return SourceFile(path=real, root=root, rel=rel, display=display_path(path, cwd))


def outside(real: Path, root: Path) -> str | None:
    """Why ``real`` (a resolved path: where a symlink leads) is not read, if it is outside
    the content ``root``; None if it is inside."""
    if real.is_relative_to(root):
        return None
    return f"symlink to {real} is outside the content root; not read"
