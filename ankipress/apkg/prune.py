"""Packages an earlier build wrote that this one no longer makes (a renamed file or
chapter, a deleted one, ``--combined`` switched on or off): deleted, and only those.

The last build's manifest says what the tool wrote. It lies in the output folder, which is
not to be trusted any more than the notes, so a file goes only if the manifest lists it,
it is a regular ``.apkg`` file inside the output folder (no symlink on the way), and its
bytes are still the ones the manifest recorded: a file the tool did not write stays.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Collection, Mapping
from pathlib import Path, PurePosixPath

from ankipress.apkg.manifest import MANIFEST_FILE


def listed_packages(out: Path) -> dict[str, str]:
    """The packages the manifest in ``out`` lists, with their sha256 (none if it is
    missing, unreadable or not a regular file)."""
    path = out / MANIFEST_FILE
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return {}
        decks = json.loads(path.read_text(encoding="utf-8"))["decks"]
        return {str(deck["file"]): str(deck["sha256"]) for deck in decks}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def prune(out: Path, listed: Mapping[str, str], keep: Collection[str]) -> list[PurePosixPath]:
    """Delete the packages in ``listed`` (file -> sha256) that are not in ``keep`` and are
    still what the tool wrote; the folders they leave empty go too. What was deleted."""
    base = out.resolve()
    deleted = []
    for name, sha in sorted(listed.items()):
        rel = PurePosixPath(name)
        if name in keep or not _ours(base, rel, sha):
            continue
        try:
            (base / rel).unlink()
        except OSError:
            continue
        deleted.append(rel)
        for parent in list(rel.parents)[:-1]:  # up to, not including, the output folder
            try:
                (base / parent).rmdir()
            except OSError:
                break
    return deleted


def _ours(base: Path, rel: PurePosixPath, sha: str) -> bool:
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
