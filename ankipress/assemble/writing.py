"""Write: every deck (or one package of them all), then the manifest."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from ankipress.apkg.manifest import book_path, earlier_decks, write_manifest
from ankipress.apkg.package import NoteType, Written, write_deck
from ankipress.apkg.prune import is_ours, listed_packages, prune
from ankipress.assemble.filecache import CACHE_DIR
from ankipress.assemble.outcome import COMBINED_FILE, BuildOptions, BuildResult, Progress, plain
from ankipress.assemble.packageindex import Derived, PackageIndex, inputs_of
from ankipress.assemble.parallel import Failed, run_jobs
from ankipress.atomic import remove_stale
from ankipress.cards.notetype import Templates, note_type
from ankipress.diagnostics import display_path
from ankipress.folders import walk
from ankipress.identity.apply_lock import Locked
from ankipress.records import Deck, SourceFile

PARALLEL_FROM = 20  # packages to write before other processes are worth starting
BATCHES = 8  # per worker: a package takes milliseconds, handing one over nearly as long


def write_all(
    result: BuildResult,
    options: BuildOptions,
    templates: Mapping[Path, Templates],
    locked: Locked,
    derived: Derived,
    progress: Progress = plain,
    meanwhile: Callable[[], None] | None = None,
) -> bool:
    """Every deck (or one package of them all) whose package is not already what it would
    be; then, only if every deck is written, the manifest. Whether every deck was (only
    then may the locks be saved: a lock never records a change no package carries).
    ``meanwhile`` runs once, while packages are written (or at once, when none need be)."""
    count = len(result.decks)
    index = PackageIndex(options.out, enabled=options.cache)
    mods = locked.note_type_mod
    combined = options.combined and result.decks
    groups = (
        [(result.decks, PurePosixPath(COMBINED_FILE))]
        if combined
        else [([deck], deck.output) for deck in result.decks]
    )
    roots = {source.root for source in result.sources}
    base = options.out.resolve()
    remove_litter(options.out, [file for _, file in groups], roots)
    listed = hashlib.sha256()  # what the manifest lists: every package, from its inputs
    digests: dict[PurePosixPath, str] = {}
    pending: list[tuple[list[Deck], PurePosixPath, str]] = []  # to write, with their inputs
    for decks, file in groups:
        inputs = inputs_of(decks, templates, mods, options.timestamp, derived)
        books = "\x1f".join(sorted({book_path(deck, base) for deck in decks}))
        listed.update(f"{file}\x1f{inputs}\x1f{books}\n".encode())
        digest = index.unchanged(file, inputs)
        if digest is None:
            pending.append((decks, file, inputs))
        else:
            digests[file] = digest
    earlier = cache(lambda: earlier_decks(options.out))  # the last manifest's, read once
    pending = _unclaimed(pending, result, base, earlier)  # (a package already current: ours)
    kinds = (  # made only when a package is written: genanki loads then
        {root: NoteType(note_type(t), mods.get(root), t.assets) for root, t in templates.items()}
        if pending
        else {}
    )
    packager = _Packager(options.out, kinds, options.timestamp)
    jobs = [(decks, file) for decks, file, _ in pending]
    index.claim([file for _, file in jobs])  # a build killed meanwhile leaves files of its own
    listing = not index.manifest_current(listed.hexdigest())

    def while_writing() -> None:
        if listing:  # the manifest's bulk, made while the packages are written
            for deck in result.decks:
                derived.listing(deck)
        if meanwhile is not None:
            meanwhile()

    outcomes = run_jobs(
        packager, jobs, progress, "Writing decks", PARALLEL_FROM, while_writing, BATCHES
    )
    for (decks, file, inputs), outcome in zip(pending, outcomes, strict=True):
        if isinstance(outcome, Written):
            digests[file] = index.record(file, inputs, outcome)
            continue
        index.unclaim(file)  # not written: what is there is what was there
        if isinstance(outcome, Failed):
            where = decks[0].book.display
            result.diagnostics.error(where, 0, outcome.message, "internal")
            result.tracebacks.append(f"while processing {where}:\n{outcome.trace}")
        else:  # a full disk, a read-only folder: the previous file stays
            where = display_path(options.out / file)
            result.diagnostics.error(where, 0, f"cannot write: {outcome}", "io")
    written = [(deck, file) for decks, file in groups if file in digests for deck in decks]
    result.decks = [deck for deck, _ in written]
    result.packages = {deck.output: file for deck, file in written}
    result.digests = {file: digests[file] for _, file in written}
    if len(result.decks) < count:
        index.save()
        return False  # the manifest and the locks describe complete builds only
    if written and listing:
        last = listed_packages(options.out)  # what the last build wrote, before it is replaced
        covered = _covered(result.sources, result.partial)
        keep = {file.as_posix() for _, file in groups}  # this build's packages
        pruning = not result.diagnostics.error_count  # a file that failed keeps its packages
        kept = [  # other books' decks: a build of one file leaves the others listed; and,
            # where nothing is pruned, every package still there (the next build prunes it)
            d
            for d in earlier()
            if d["file"] not in keep
            and not (pruning and covered(base / d["book"]))
            and _ours_still(base, d)
        ]
        write_manifest(options.out, written, digests, derived.listing, kept)
        index.record_manifest(listed.hexdigest())
        if pruning:
            result.pruned = prune(options.out, last, keep, covered)
    index.save()
    return True


def _unclaimed(
    pending: list[tuple[list[Deck], PurePosixPath, str]],
    result: BuildResult,
    base: Path,
    earlier: Callable[[], list[dict[str, Any]]],
) -> list[tuple[list[Deck], PurePosixPath, str]]:
    """The packages to write, less those an earlier build into this output folder wrote
    for a book this build does not answer for (``a/notes.md`` then ``b/notes.md``, built
    one after the other into one folder): each such one is an error, and stays as it is.
    (The manifest is read only when a package to write is there already.)"""
    if not any((base / file).exists() for _, file, _ in pending):
        return pending
    covered = _covered(result.sources, result.partial)
    claims: dict[str, set[str]] = {}  # package -> the books it was written from
    for d in earlier():
        if _ours_still(base, d):
            claims.setdefault(d["file"], set()).add(d["book"])
    kept = []
    for decks, file, inputs in pending:
        ours = {book_path(deck, base) for deck in decks}
        others = sorted(  # (a book no longer there claims nothing)
            book
            for book in claims.get(file.as_posix(), ())
            if book not in ours and not covered(base / book) and _exists(base / book)
        )
        if not others:
            kept.append((decks, file, inputs))
            continue
        way = "" if file.as_posix() == COMBINED_FILE else ", or give the file a 'title:' of its own"
        result.diagnostics.error(
            decks[0].book.display,
            0,
            f"{display_path(base / file)} holds the cards of {others[0]} (an earlier build "
            f"into this folder), not replaced: build this notes folder into another output "
            f"folder{way}",
            "duplicate-output",
        )
    return kept


@dataclass(frozen=True)
class _Packager:
    """Writes one package (a job of the write stage); a failure to write is its reason."""

    out: Path
    kinds: Mapping[Path, NoteType]
    timestamp: float

    def __call__(self, job: tuple[list[Deck], PurePosixPath]) -> Written | str:
        decks, file = job
        try:
            return write_deck(decks, self.out, self.kinds, self.timestamp, file)
        except OSError as exc:
            return str(exc.strerror or exc)


def remove_litter(out: Path, packages: Iterable[PurePosixPath], roots: Iterable[Path]) -> list[str]:
    """The temporary files a killed build left in the folders a build writes: the output
    folder, the folders of its ``packages``, the cache and the top of each content folder
    (its lock's). Only stale ones go (see ``atomic.remove_stale``); a folder reached
    through a symlink is left alone. Their paths. (A package's folder no build writes any
    more is cleared as its last package is pruned.)"""
    base = out.resolve()
    removed = []
    cache = base / CACHE_DIR
    for folder, _, files in walk(cache) if not cache.is_symlink() else ():
        removed += remove_stale(folder, files)
    for folder in sorted({base, *(base / file.parent for file in packages), *roots}):
        try:
            if folder.is_relative_to(base) and folder.resolve() != folder:
                continue  # a symlink on the way: not the tool's folder
            removed += remove_stale(str(folder), os.listdir(folder))
        except OSError:
            continue
    return removed


def _ours_still(base: Path, deck: dict) -> bool:
    """Whether a deck's package from the last manifest is still there, inside the output
    folder, and still what was written."""
    rel = PurePosixPath(str(deck["file"]))
    sha = deck.get("sha256")
    return isinstance(sha, str) and is_ours(base, rel, sha)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a path the manifest made up
        return False


def _covered(sources: list[SourceFile], partial: Collection[Path] = ()) -> Callable[[Path], bool]:
    """Whether a book (its file's path) is this build's to answer for: a file it read, or
    a file no longer there under a content folder it walked whole."""
    files = {source.path for source in sources}
    roots = {source.root for source in sources} - set(partial)

    def covers(book: Path) -> bool:
        try:
            path = book.resolve()
            gone = not path.exists()
        except (OSError, ValueError):  # a path the manifest made up: none of ours
            return False
        return path in files or (gone and any(path.is_relative_to(r) for r in roots))

    return covers
