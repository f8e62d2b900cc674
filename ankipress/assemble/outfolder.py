"""The output folder, before a build writes anything there: not inside the notes it reads,
and holding, where the build writes, only what ankipress wrote.

Whatever is in the output folder is untrusted, and may be the user's own. A build writes
its manifest, its cache folder and its packages at paths of its own; what stands at one of
them is replaced only if the tool wrote it: a manifest of a manifest's form
(``manifest.foreign_manifest``), a cache folder that is a folder (its files are sealed:
``sealed``), a package the manifest lists with the bytes it has or that the (sealed)
package index says a build of this user's wrote, or was about to write when it stopped.
Anything else there is an error naming it, and nothing is written. The user's other files
(``README.md``, a package at a path no deck has) are never looked at.
"""

from __future__ import annotations

import shutil
import stat
from functools import cache
from pathlib import Path, PurePosixPath

from ankipress.apkg.manifest import MANIFEST_FILE, foreign_manifest
from ankipress.apkg.prune import is_ours, listed_packages
from ankipress.assemble.filecache import CACHE_DIR
from ankipress.assemble.outcome import COMBINED_FILE, BuildOptions
from ankipress.assemble.packageindex import PackageIndex
from ankipress.diagnostics import Diagnostics, display_path
from ankipress.records import Deck, SourceFile

_MOVE = "nothing written; move it away or choose another output folder (-o)"


def refuse_output_folder(
    options: BuildOptions, sources: list[SourceFile], diagnostics: Diagnostics
) -> bool:
    """Whether the output folder is one a build must not write: inside the notes it reads,
    or with a manifest or cache folder there that ankipress did not write (each an error)."""
    out = options.out
    held = _notes_held(out, sources)
    if held is not None:
        message = (
            f"the output folder holds notes this build reads ({held.display}): the decks would "
            "be mixed into the notes; nothing written: choose an output folder (-o) that holds "
            "no notes, such as decks/ beside them"
        )
        diagnostics.error(display_path(out), 0, message, "outside")
        return True
    refused = False
    if foreign_manifest(out):
        _refuse(out / MANIFEST_FILE, "the build's manifest goes here", diagnostics)
        refused = True
    folder = out / CACHE_DIR
    if options.cache and _kind(folder) not in (None, "folder"):
        _refuse(folder, "the build keeps its cache here", diagnostics)
        refused = True
    return refused


def refuse_foreign_packages(
    options: BuildOptions, decks: list[Deck], diagnostics: Diagnostics
) -> bool:
    """Whether a package of ``decks`` (or the one of them all) would replace what ankipress
    did not write (each an error). A folder there, or a symlink or file where a folder on
    the way should be, is left to the write, which refuses it."""
    out = options.out
    combined = options.combined and decks
    files = [PurePosixPath(COMBINED_FILE)] if combined else [deck.output for deck in decks]
    base = out.resolve()
    listed = cache(lambda: listed_packages(out))  # read only if a package is there
    index = PackageIndex(out, enabled=False)  # (read only: what it says was written)
    refused = False
    for file in files:
        path = base.joinpath(*file.parts)
        try:
            if path.parent.resolve() != path.parent:
                continue
        except (OSError, RuntimeError):
            continue
        if _kind(path) in (None, "folder"):  # (a folder is never replaced: the write says)
            continue
        if index.wrote(file):  # (first: the manifest's word costs the file's hash)
            continue
        entry = listed().get(file.as_posix())
        if entry is not None and is_ours(base, file, entry.sha256):
            continue
        _refuse(out / file, "a package of this build goes here", diagnostics)
        refused = True
    return refused


def cache_there(out: Path) -> bool:
    """Whether anything stands where the cache folder goes."""
    return _kind(out / CACHE_DIR) is not None


def forget_cache(out: Path) -> None:
    """The cache folder a build made in ``out`` before it refused to write there: gone,
    so that the refused build leaves the folder as it was. (Never through a symlink.)"""
    shutil.rmtree(out / CACHE_DIR, ignore_errors=True)


def _refuse(path: Path, what: str, diagnostics: Diagnostics) -> None:
    kind = _kind(path) or "file"
    message = f"{what}, and this {kind} was not written by ankipress: {_MOVE}"
    diagnostics.error(display_path(path), 0, message, "outside")


def _kind(path: Path) -> str | None:
    """What stands at ``path`` (not followed): a file, folder or symlink; None if nothing."""
    try:
        mode = path.lstat().st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISLNK(mode):
        return "symlink"
    return "folder" if stat.S_ISDIR(mode) else "file"


def _notes_held(out: Path, sources: list[SourceFile]) -> SourceFile | None:
    """The first note the build reads that is inside the output folder ``out``, if one is:
    packages written there would lie among the notes. A folder of its own inside a notes
    folder (``decks/`` in an Obsidian vault) holds none, and is the user's choice."""
    try:
        where = out.resolve()
    except (OSError, RuntimeError):
        return None
    return next((source for source in sources if source.path.is_relative_to(where)), None)
