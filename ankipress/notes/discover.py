"""Discover: the markdown files a build reads, in a stable order."""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ankipress.diagnostics import Diagnostics, display_path
from ankipress.first_name import LEGACY_LOCK_FILE, LEGACY_PROJECT_FILE
from ankipress.folders import walk
from ankipress.identity.lockfile import LOCK_FILE, recorded_books
from ankipress.records import SourceFile

MARKDOWN_SUFFIXES = (".md", ".markdown")


PROJECT_FILE = "ankipress.yaml"
# What marks a notes root: its lock or its settings (or theirs under the tool's first name).
ROOT_MARKERS = (LOCK_FILE, PROJECT_FILE, LEGACY_LOCK_FILE, LEGACY_PROJECT_FILE)


def discover(
    paths: Iterable[Path], cwd: Path | None = None, diagnostics: Diagnostics | None = None
) -> list[SourceFile]:
    """Every markdown file under ``paths`` (folders walked recursively), sorted, no repeats.

    Each file belongs to its notes root, found as git finds a repository: the nearest
    folder at or above the file's own that holds a lock or settings file (above the folder
    given, one of the user's own), no higher than the top of the git repository it is in;
    else the folder given (a file named directly: its own folder).
    So a file, a subfolder or a glob is read as a build of its whole root reads it, with
    the same book keys and lock. Inside a folder, a symlink is followed only to a file
    inside the same root, judged on the resolved path: one pointing outside is refused
    with a warning.
    """
    cwd = (cwd or Path.cwd()).resolve()
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    paths = list(paths)
    found: dict[Path, SourceFile] = {}
    roots = _Roots()
    for given in paths:
        scope = given.resolve()
        if scope.is_dir():
            files, fallback = _walk(scope, cwd, diagnostics), scope
        elif not given.name.lower().endswith(MARKDOWN_SUFFIXES):  # named, but no note
            message = f"not a markdown file ({', '.join(MARKDOWN_SUFFIXES)}); not read"
            diagnostics.warning(display_path(given, cwd), 0, message, "io")
            continue
        else:
            files, fallback = [scope], scope.parent
        for path in files:
            root = roots.of(path.parent, fallback)
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
    sources = sorted(found.values(), key=lambda s: (str(s.root), s.rel.parts))
    every = roots.all_files(partial_roots(paths, sources), cwd)
    rels = [(s.root, s.rel) for s in sources] + [(r, f) for r, fs in every.items() for f in fs]
    nested = {root for root, rel in rels if len(rel.parts) > 1}  # where keys may be paths
    return _keyed(sources, every, _recorded(nested))


def _recorded(roots: Iterable[Path]) -> dict[Path, dict[str, str]]:
    """By root, each file's book key as its lock records it (of its notes still there):
    a file keeps its key when another of its name comes or goes. The lock is not trusted:
    a key is taken only if it is one of the file's own (its stem or its path) and no other
    file's."""
    found: dict[Path, dict[str, str]] = {}
    for root in roots:
        keys = recorded_books(root)
        mine = {  # only a key the file could have by itself: its stem, or its path
            file: key
            for file, (key,) in ((f, tuple(b)) for f, b in keys.items() if len(b) == 1)
            if key in (PurePosixPath(file).stem, _path_key(PurePosixPath(file)))
        }
        claimed = Counter(mine.values())
        found[root] = {file: key for file, key in mine.items() if claimed[key] == 1}
    return found


def _marker(path: Path, trusted: bool) -> bool:
    """Whether ``path`` is a root's marker: a file, and outside the folder given, the
    user's own (where the system knows owners)."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return False
    own = trusted or not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISREG(info.st_mode) and own


def partial_roots(paths: Iterable[Path], sources: Iterable[SourceFile]) -> set[Path]:
    """The roots a build reads only part of: no folder given is the root or holds it (a
    file, a glob or a subfolder of it was given). Their lock keeps what was not read."""
    given = [path.resolve() for path in paths]
    folders = [path for path in given if path.is_dir()]
    return {
        source.root
        for source in sources
        if not any(source.root.is_relative_to(folder) for folder in folders)
    }


class _Roots:
    """The notes root of each folder, looked up once per folder."""

    def __init__(self) -> None:
        self._marked: dict[tuple[Path, Path], Path | None] = {}

    def of(self, folder: Path, fallback: Path) -> Path:
        return self._marked_root(folder, fallback) or fallback

    def _marked_root(self, folder: Path, given: Path) -> Path | None:
        """The nearest folder at or above ``folder`` that holds a root's marker, up to the
        top of the git repository it is in. Above the folder ``given``, only a marker of
        the user's own counts: one planted by someone else in a shared folder (``/tmp``)
        makes no root, as git trusts no repository another user owns."""
        climbed: list[Path] = []  # looked at on the way up, each given the answer found
        found: Path | None = None
        current = folder
        while (current, given) not in self._marked:
            climbed.append(current)
            mine = current.is_relative_to(given)
            if any(_marker(current / name, mine) for name in ROOT_MARKERS):
                found = current
                break
            if current.parent == current or (current / ".git").exists():
                break  # the top of the file system, or of the repository the notes are in
            current = current.parent
        else:
            found = self._marked[current, given]
        for seen in climbed:
            self._marked[seen, given] = found
        return found

    def all_files(self, roots: Iterable[Path], cwd: Path) -> dict[Path, list[PurePosixPath]]:
        """Every markdown file of each root a build reads only part of (a file or a
        subfolder of it was given), relative to the root: what its book keys depend on."""
        return {
            root: [
                PurePosixPath(path.relative_to(root).as_posix())
                for path in _walk(root, cwd, Diagnostics())
                if self.of(path.parent, root) == root
            ]
            for root in roots
            if self._marked_root(root, root) == root  # (an unmarked one is the folder given)
        }


def _keyed(
    sources: list[SourceFile],
    every: dict[Path, list[PurePosixPath]],
    recorded: dict[Path, dict[str, str]],
) -> list[SourceFile]:
    """Each file's book key: the one its lock records; else its stem, but for files that
    share it with a shallower (or earlier) file of their root (a ``readme.md`` in every
    chapter folder), or whose stem a recorded file holds: those are other books, keyed by
    their path. The shallowest keeps its stem, as before the others came; of a root only
    partly read, the shallowest of all its files."""
    first: dict[tuple[Path, str], PurePosixPath] = {}
    rels = [(s.root, s.rel) for s in sources if s.root not in every]
    rels += [(root, rel) for root, files in every.items() for rel in files]
    for root, rel in sorted(rels, key=lambda r: (len(r[1].parts), r[1].parts)):
        first.setdefault((root, rel.stem), rel)
    held = {  # keys recorded for files that are still there
        (root, key): file
        for root, files in recorded.items()
        for file, key in files.items()
        if (root / file).is_file()
    }

    def key(source: SourceFile) -> str:
        file = source.rel.as_posix()
        own = recorded.get(source.root, {}).get(file)
        if own is not None and held.get((source.root, own)) == file:
            return own
        stem = source.rel.stem
        taken = held.get((source.root, stem), file) != file
        shallowest = first[source.root, stem] == source.rel
        return stem if shallowest and not taken else _path_key(source.rel)

    return [replace(s, key=key(s)) for s in sources]


def _path_key(rel: PurePosixPath) -> str:
    """A file's key by its path (``b/readme``); at the top, where that is its stem, one no
    stem can be (``./readme``): a file whose stem another file's recorded key holds."""
    if rel.parent == PurePosixPath("."):
        return f"./{rel.stem}"
    return rel.parent.joinpath(rel.stem).as_posix()


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
