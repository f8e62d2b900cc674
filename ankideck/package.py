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
from pathlib import Path, PurePosixPath

import genanki

from ankideck.identity import deck_id
from ankideck.records import Book, Chapter, Deck, MediaFile, Note

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


def write_deck(
    deck: Deck | list[Deck],
    out_dir: Path,
    model: genanki.Model,
    timestamp: float,
    output: PurePosixPath | None = None,
    model_mod: int | None = None,
) -> Path:
    """Write one deck (or several, as one package) under ``out_dir``; a failure leaves any
    previous file untouched. The bytes depend only on the records and ``timestamp``."""
    decks = deck if isinstance(deck, list) else [deck]
    target = out_dir / (output or decks[0].output)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".ankideck-") as staging:
        collection = Path(staging, "collection.anki2")
        _write_collection(decks, collection, model, timestamp, model_mod)
        temporary = Path(staging, "deck.apkg")
        _write_zip(temporary, collection, _media(decks))
        os.replace(temporary, target)
    return target


def _write_collection(
    decks: list[Deck], path: Path, model: genanki.Model, timestamp: float, model_mod: int | None
) -> None:
    anki_decks = []
    mods: list[tuple[int, str]] = []
    for deck in decks:
        anki_deck = genanki.Deck(deck.deck_id, deck.name)
        for note in deck.notes:
            anki_deck.add_note(
                genanki.Note(model=model, fields=note.fields, guid=note.guid, tags=list(note.tags))
            )
            mods.append((int(note.mod if note.mod is not None else timestamp), note.guid))
        anki_decks.append(anki_deck)
    connection = sqlite3.connect(path)
    try:
        cursor = connection.cursor()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # genanki's HTML lint: our HTML is sanitised
            genanki.Package(anki_decks).write_to_db(
                cursor, timestamp, itertools.count(int(timestamp * 1000))
            )
        ids = dict(cursor.execute("SELECT guid, id FROM notes").fetchall())  # guid: no index
        cursor.executemany("UPDATE notes SET mod = ? WHERE id = ?", [(m, ids[g]) for m, g in mods])
        if model_mod is not None:  # the note type changes only when its templates do
            (models_json,) = cursor.execute("SELECT models FROM col").fetchone()
            models = json.loads(models_json)
            models[str(model.model_id)]["mod"] = int(model_mod)
            cursor.execute("UPDATE col SET models = ?", (json.dumps(models, sort_keys=True),))
        connection.commit()
    finally:
        connection.close()


def _media(decks: list[Deck]) -> list[MediaFile]:
    unique = {m.name: m for deck in decks for m in deck.media}
    return [unique[name] for name in sorted(unique)]


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # every entry: the bytes never depend on the clock


def _write_zip(path: Path, collection: Path, media: list[MediaFile]) -> None:
    """Anki's package layout: the collection, a ``media`` index, then each file by index."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "collection.anki2", collection.read_bytes())
        index = {str(i): m.name for i, m in enumerate(media)}
        _add(archive, "media", json.dumps(index, sort_keys=True).encode())
        for i, m in enumerate(media):
            _add(archive, str(i), m.path.read_bytes())


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)
