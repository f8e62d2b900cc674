"""Write: every deck (or one package of them all), the manifest, then the locks."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from ankideck.discover import display_path
from ankideck.locking import Locked, save_locks
from ankideck.manifest import write_manifest
from ankideck.notetype import Templates, note_type
from ankideck.outcome import COMBINED_FILE, BuildOptions, BuildResult, Progress, guarded, plain
from ankideck.package import NoteType, write_deck
from ankideck.packages import PackageIndex, inputs_of
from ankideck.records import Deck


def write_all(
    result: BuildResult,
    options: BuildOptions,
    templates: Mapping[Path, Templates],
    locked: Locked,
    progress: Progress = plain,
) -> None:
    """Every deck (or one package of them all) whose package is not already what it would
    be; then, only if every deck is written, the manifest and the locks (a lock never
    records a change no package carries)."""
    count = len(result.decks)
    index = PackageIndex(options.out, enabled=options.cache)
    mods = locked.note_type_mod
    kinds: dict[Path, NoteType] = {}  # built when a package is written: genanki loads then

    def write(decks: list[Deck], file: PurePosixPath) -> Path | None:
        if not kinds:
            kinds.update(
                (root, NoteType(note_type(t), mods.get(root), t.assets))
                for root, t in templates.items()
            )
        return _write(decks, file, options, kinds, result)

    combined = options.combined and result.decks
    groups = (
        [(result.decks, PurePosixPath(COMBINED_FILE))]
        if combined
        else [([deck], deck.output) for deck in result.decks]
    )
    written: list[tuple[Deck, PurePosixPath]] = []
    digests: dict[PurePosixPath, str] = {}
    listed = hashlib.sha256()  # what the manifest lists: every package, from its inputs
    for decks, file in progress(groups, "Writing decks"):
        inputs = inputs_of(decks, templates, mods, options.timestamp)
        listed.update(f"{file}\x1f{inputs}\n".encode())
        digest = index.unchanged(file, inputs)
        if digest is None:
            if not guarded(decks[0].book, result, lambda d=decks, f=file: write(d, f)):
                continue  # reported; the previous file stays
            digest = index.record(file, inputs)
        digests[file] = digest
        written += [(deck, file) for deck in decks]
    result.decks = [deck for deck, _ in written]
    result.packages = {deck.name: file for deck, file in written}
    if len(result.decks) < count:
        index.save()
        return  # the manifest and the locks describe complete builds only
    if written and not index.manifest_current(listed.hexdigest()):
        write_manifest(options.out, written, digests)
        index.record_manifest(listed.hexdigest())
    index.save()
    if options.lock:
        save_locks(locked.locks, result.diagnostics)


def _write(
    decks: list[Deck],
    file: PurePosixPath,
    options: BuildOptions,
    kinds: Mapping[Path, NoteType],
    result: BuildResult,
) -> Path | None:
    try:
        return write_deck(decks, options.out, kinds, options.timestamp, file)
    except OSError as exc:  # a full disk, a read-only folder: the previous file stays
        where = display_path(options.out / file)
        result.diagnostics.error(where, 0, f"cannot write: {exc.strerror or exc}", "io")
        return None
