"""Package and write: a Deck -> one .apkg, written to a temporary file and renamed into place."""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import tempfile
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ankideck.identity import deck_id
from ankideck.records import Book, Chapter, Deck, MediaFile, Note

if TYPE_CHECKING:
    import genanki

_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')
_MAX_SLUG = 60


def make_deck(book: Book, chapter: Chapter, notes: tuple[Note, ...], width: int) -> Deck:
    """``Book::NN Chapter``, written to ``<book path>/<NN>-<chapter>.apkg``."""
    number = str(chapter.number).zfill(width)
    title = _deck_name_part(chapter.title)
    name = _deck_name_part(book.title)
    if chapter.number or title:
        name = f"{name}::{number} {title}".rstrip()
    slug = _UNSAFE_IN_FILE_NAME.sub("-", chapter.title or book.title).strip("-.")[:_MAX_SLUG]
    output = PurePosixPath(book.source.rel.with_suffix("")) / f"{number}-{slug or 'chapter'}.apkg"
    return Deck(name, deck_id(book.key, chapter.deck_key), output, notes, book.source, book.key)


def _deck_name_part(text: str) -> str:
    return " ".join(text.replace("::", ":").split())


@dataclass(frozen=True)
class NoteType:
    """What a package carries of a content root's note type."""

    model: genanki.Model
    mod: int | None = None  # when its templates last changed (from the lock); None: the build's
    assets: tuple[MediaFile, ...] = ()  # the templates' static files


def write_deck(
    decks: list[Deck],
    out_dir: Path,
    note_types: Mapping[Path, NoteType],
    timestamp: float,
    output: PurePosixPath,
) -> Path:
    """Write ``decks`` as one package, ``out_dir/output``, each deck's notes of its content
    root's note type; a failure leaves any previous file untouched. The bytes depend only
    on the records (``timestamp`` stands in for a note with no time of its own)."""
    target = out_dir / output
    target.parent.mkdir(parents=True, exist_ok=True)
    collection = _collection(decks, note_types, timestamp)
    used = {deck.book.root for deck in decks}
    assets = [a for root in sorted(used) for a in note_types[root].assets]
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".ankideck-") as staging:
        temporary = Path(staging, "deck.apkg")
        _write_zip(temporary, collection, _media(decks, assets))
        os.replace(temporary, target)
    return target


def _collection(decks: list[Deck], note_types: Mapping[Path, NoteType], timestamp: float) -> bytes:
    """The package's SQLite collection, built in memory: no temporary database, no fsync."""
    import genanki

    anki_decks = []
    mods: list[tuple[int, str]] = []
    type_mods: dict[int, int] = {}
    for deck in decks:
        kind = note_types[deck.book.root]
        if kind.mod is not None:  # the note type changes only when its templates do
            type_mods[kind.model.model_id] = int(kind.mod)
        anki_deck = genanki.Deck(deck.deck_id, deck.name)
        for note in deck.notes:
            anki_deck.add_note(
                genanki.Note(
                    model=kind.model, fields=note.fields, guid=note.guid, tags=list(note.tags)
                )
            )
            mods.append((int(note.mod if note.mod is not None else timestamp), note.guid))
        anki_decks.append(anki_deck)
    base = min((mod for mod, _ in mods), default=int(timestamp))  # the ids and card times
    connection = sqlite3.connect(":memory:")
    try:
        cursor = connection.cursor()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # genanki's HTML lint: our HTML is sanitised
            genanki.Package(anki_decks).write_to_db(cursor, base, itertools.count(base * 1000))
        ids = dict(cursor.execute("SELECT guid, id FROM notes").fetchall())  # guid: no index
        cursor.executemany("UPDATE notes SET mod = ? WHERE id = ?", [(m, ids[g]) for m, g in mods])
        (models_json,) = cursor.execute("SELECT models FROM col").fetchone()
        models = json.loads(models_json)
        for model_id, mod in type_mods.items():
            models[str(model_id)]["mod"] = mod
        cursor.execute("UPDATE col SET models = ?", (json.dumps(models, sort_keys=True),))
        connection.commit()
        return connection.serialize()
    finally:
        connection.close()


def _media(decks: list[Deck], assets: list[MediaFile]) -> list[MediaFile]:
    unique = {m.name: m for deck in decks for m in deck.media}
    unique.update((a.name, a) for a in assets)
    return [unique[name] for name in sorted(unique)]


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every entry: the bytes never depend on the clock


def _write_zip(path: Path, collection: bytes, media: list[MediaFile]) -> None:
    """Anki's package layout: the collection, a ``media`` index, then each file by index."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "collection.anki2", collection)
        index = {str(i): m.name for i, m in enumerate(media)}
        _add(archive, "media", json.dumps(index, sort_keys=True).encode())
        for i, m in enumerate(media):
            _add(archive, str(i), m.path.read_bytes())


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
