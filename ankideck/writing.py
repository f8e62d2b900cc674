"""Write: every deck (or one package of them all), the manifest, then the locks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from ankideck.discover import display_path
from ankideck.locking import Locked, save_locks
from ankideck.manifest import write_manifest
from ankideck.notetype import Templates, note_type
from ankideck.outcome import COMBINED_FILE, BuildOptions, BuildResult, Progress, guarded, plain
from ankideck.package import NoteType, write_deck
from ankideck.records import Deck


def write_all(
    result: BuildResult,
    options: BuildOptions,
    templates: Mapping[Path, Templates],
    locked: Locked,
    progress: Progress = plain,
) -> None:
    """Every deck (or one package of them all); then, only if every deck was written, the
    manifest and the locks (a lock never records a change no package carries)."""
    count = len(result.decks)
    kinds = {
        root: NoteType(note_type(t), locked.note_type_mod.get(root), t.assets)
        for root, t in templates.items()
    }
    if options.combined and result.decks:
        decks, file = result.decks, PurePosixPath(COMBINED_FILE)
        first = decks[0].book
        done = guarded(first, result, lambda: _write(decks, file, options, kinds, result))
        result.decks = decks if done else []
        written = [(deck, file) for deck in result.decks]
    else:
        result.decks = [  # a deck that could not be written is reported, not summarised
            deck
            for deck in progress(result.decks, "Writing decks")
            if guarded(
                deck.book,
                result,
                lambda d=deck: _write(d, d.output, options, kinds, result),
            )
        ]
        written = [(deck, deck.output) for deck in result.decks]
    result.packages = {deck.name: file for deck, file in written}
    if len(result.decks) < count:
        return  # the manifest and the locks describe complete builds only
    if written:
        write_manifest(options.out, written)
    if options.lock:
        save_locks(locked.locks, result.diagnostics)


def _write(
    deck: Deck | list[Deck],
    file: PurePosixPath,
    options: BuildOptions,
    kinds: Mapping[Path, NoteType],
    result: BuildResult,
) -> Path | None:
    try:
        return write_deck(deck, options.out, kinds, options.timestamp, file)
    except OSError as exc:  # a full disk, a read-only folder: the previous file stays
        where = display_path(options.out / file)
        result.diagnostics.error(where, 0, f"cannot write: {exc.strerror or exc}", "io")
        return None
