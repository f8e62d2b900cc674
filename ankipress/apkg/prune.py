"""Packages an earlier build wrote that this one no longer makes (a renamed file or
chapter, a deleted one, ``--combined`` switched on or off): deleted, and only those.

The last build's manifest says what the tool wrote, and from which books. A package goes
only if every book it was made from is one this build answers for (a file it read, or a
file gone from a content folder it walked): building one file, or another folder into the
same output, leaves the other books' packages alone. The manifest lies in the output
folder, which is not trusted any more than the notes, so a file goes only if it is a
regular ``.apkg`` file inside the output folder (no symlink on the way) whose bytes are
still the ones the manifest recorded: a file the tool did not write stays.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Collection, Mapping
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from ankipress.apkg.manifest import manifest_decks
from ankipress.atomic import remove_stale


class Listed(NamedTuple):
    sha256: str
    books: frozenset[str]  # the files it was made from, relative to the output folder


def listed_packages(out: Path) -> dict[str, Listed]:
    """The packages the manifest in ``out`` lists (none if it is missing, unreadable or
    not a regular file)."""
    decks = manifest_decks(out)
    if decks is None:
        return {}
    found: dict[str, Listed] = {}
    try:
        for deck in decks:
            file, sha, book = str(deck["file"]), str(deck["sha256"]), deck.get("book")
            books = found[file].books if file in found else frozenset()
            found[file] = Listed(sha, books | ({book} if isinstance(book, str) else set()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return {}
    return found


def prune(
    out: Path, listed: Mapping[str, Listed], keep: Collection[str], covers: Callable[[Path], bool]
) -> list[PurePosixPath]:
    """Delete the packages in ``listed`` that are not in ``keep``, whose every book this
    build ``covers``, and that are still what the tool wrote; the folders they leave empty
    go too. What was deleted."""
    base = out.resolve()
    deleted = []
    for name, (sha, books) in sorted(listed.items()):
        rel = PurePosixPath(name)
        if rel.as_posix() in keep or not books or not all(covers(base / b) for b in books):
            continue
        if not is_ours(base, rel, sha):
            continue
        try:
            (base / rel).unlink()
        except OSError:
            continue
        deleted.append(rel)
        for parent in list(rel.parents)[:-1]:  # up to, not including, the output folder
            try:
                remove_stale(str(base / parent), os.listdir(base / parent))  # a killed build's
                (base / parent).rmdir()
            except OSError:
                break
    return deleted


def is_ours(base: Path, rel: PurePosixPath, sha: str) -> bool:
    if rel.is_absolute() or ".." in rel.parts or rel.suffix != ".apkg" or not rel.parts:
        return False
    path = base.joinpath(*rel.parts)
    try:
        if path.resolve() != path or not stat.S_ISREG(path.lstat().st_mode):
            return False  # a symlink, here or in a folder on the way
        digest = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return False
    return digest.hexdigest() == sha
