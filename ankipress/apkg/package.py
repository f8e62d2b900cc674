"""Package and write: a Deck -> one .apkg (its file: archive.py)."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from ankipress.atomic import inside
from ankipress.cards.sanitize import sanitize
from ankipress.cardtext import card_text, inert_tex
from ankipress.identity.guids import deck_id
from ankipress.identity.retire import REMOVED_TAG
from ankipress.records import Book, Chapter, Deck, MediaFile, Note

if TYPE_CHECKING:
    import genanki

_UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]++')
_MAX_SLUG = 60


def make_deck(book: Book, chapter: Chapter, notes: tuple[Note, ...], width: int) -> Deck:
    """``Parent::Book::NN Chapter``, written to ``<book path>/<NN>-<chapter>.apkg``; the text
    before a book's first chapter (or a book of none), deck ``Parent::Book``, to
    ``<book path>.apkg``: the files are laid out as the decks nest. ``::`` in the parent
    deck or the title nests decks, as in Anki."""
    book_name = book_deck_name(book)
    number = str(chapter.number).zfill(width)
    title = _deck_name_part(chapter.title)
    stem = book.source.rel.with_suffix("")
    if chapter.number or title:
        name = f"{book_name}::{number} {title}".rstrip()
        output = stem / f"{number}-{file_name_part(chapter.title or book.title)}.apkg"
    else:
        name, output = book_name, stem.with_name(f"{stem.name}.apkg")
    deck = deck_id(book.key, chapter.deck_key)
    return Deck(name, deck, output, notes, book.source, book.key, book_name)


def book_deck_name(book: Book) -> str:
    """The deck of a whole book: its parent decks (``::`` nests), then its title (a
    heading's ``std::vector`` is text: one deck)."""
    parts = [*(book.deck or "").split("::"), book.title]
    return "::".join(part for part in map(_deck_name_part, parts) if part) or "Notes"


def file_name_part(text: str) -> str:
    """A title as a file name: spaced as written, without what a file system refuses."""
    spaced = " ".join(card_text(text).split())
    return _UNSAFE_IN_FILE_NAME.sub("-", spaced).strip("-. ")[:_MAX_SLUG].strip() or "chapter"


def _deck_name_part(text: str) -> str:
    """A part of a deck name: no ``::`` (it nests decks), no ``<``/``>`` (a template's
    ``{{Deck}}`` shows the name as HTML; a title is text)."""
    return " ".join(card_text(text.replace("::", ":")).split())


@dataclass(frozen=True)
class NoteType:
    """What a package carries of a content root's note type."""

    model: genanki.Model
    mod: int | None = None  # when its templates last changed (from the lock); None: the build's
    assets: tuple[MediaFile, ...] = ()  # the templates' static files


@dataclass(frozen=True)
class Written:
    """A package as written: its sha256 and size."""

    sha256: str
    size: int


def write_deck(
    decks: list[Deck],
    out_dir: Path,
    note_types: Mapping[Path, NoteType],
    timestamp: float,
    output: PurePosixPath,
) -> Written:
    """Write ``decks`` as one package, ``out_dir/output``, each deck's notes of its content
    root's note type; a failure leaves any previous file untouched. The bytes depend only
    on the records (``timestamp`` stands in for a note with no time of its own)."""
    collection = _collection(decks, note_types, timestamp)
    used = {deck.book.root for deck in decks}
    assets = [a for root in sorted(used) for a in note_types[root].assets]
    from ankipress.apkg.archive import write_package  # here: a no-op rebuild never needs it

    path = inside(out_dir, output)  # never through a symlink in the output folder
    return Written(*write_package(path, collection, _media(decks, assets)))


def _collection(decks: list[Deck], note_types: Mapping[Path, NoteType], timestamp: float) -> bytes:
    """The package's SQLite collection, built in memory from an empty one made once: no
    temporary database, no fsync, one insert statement per table. The rows are genanki's
    (its Deck, Model and Note objects make them), in the order its own writer uses."""
    import genanki

    mods = [int(n.mod if n.mod is not None else timestamp) for d in decks for n in d.notes]
    base = min(mods, default=int(timestamp))  # the card times
    note_ids: set[int] = set()
    card_ids: set[int] = set()
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(_empty_collection())
        decks_json, models_json = connection.execute("SELECT decks, models FROM col").fetchone()
        anki_decks, models = json.loads(decks_json), json.loads(models_json)
        notes: list[tuple[object, ...]] = []
        cards: list[tuple[object, ...]] = []
        note_mods = iter(mods)
        for deck in decks:
            kind = note_types[deck.book.root]
            model = kind.model
            anki_decks[str(deck.deck_id)] = genanki.Deck(deck.deck_id, deck.name).to_json()
            models[str(model.model_id)] = model.to_json(base, deck.deck_id)
            if kind.mod is not None:  # the note type changes only when its templates do
                models[str(model.model_id)]["mod"] = int(kind.mod)
            for position, note in enumerate(deck.notes):  # new cards come in book order
                note = _checked(note)
                row = genanki.Note(model=model, fields=note.fields, guid=note.guid, tags=note.tags)
                note_id = _free(_note_id(note, timestamp), note_ids)
                notes.append(
                    (note_id, note.guid, model.model_id, next(note_mods), -1,
                     f" {' '.join(note.tags)} ", "\x1f".join(note.fields), row.sort_field,
                     0, 0, "")
                )  # fmt: skip
                for card in row.cards:
                    card_id = _free(note_id + card.ord, card_ids)
                    cards.append(
                        (card_id, note_id, deck.deck_id, card.ord, base, -1, 0, 0, position,
                         0, 0, 0, 0, 0, 0, 0, 0, "")
                    )  # fmt: skip
        connection.execute(
            "UPDATE col SET decks = ?, models = ?",
            (json.dumps(anki_decks), json.dumps(models, sort_keys=True)),
        )
        connection.executemany(f"INSERT INTO notes VALUES({_marks(11)})", notes)
        connection.executemany(f"INSERT INTO cards VALUES({_marks(18)})", cards)
        connection.commit()
        return connection.serialize()
    finally:
        connection.close()


_SPREAD = 1 << 30  # milliseconds (12 days) before its first build a note's id may fall


def _note_id(note: Note, timestamp: float) -> int:
    """A note's id, the same in every build and (all but surely) unlike any other note's,
    in any package: the time it was first built (Anki shows it as the note's creation), in
    milliseconds, less an amount its GUID decides. Anki keeps the ids of a package it
    imports where its collection holds no other note of that id, so new cards keep the
    order their package gives them."""
    since = note.since if note.since is not None else note.mod
    first = int(since if since is not None else timestamp) * 1000
    spread = int.from_bytes(hashlib.sha256(note.guid.encode()).digest()[:8], "big") % _SPREAD
    return first - spread if first > spread else spread + 1  # (ids are positive)


def _free(wanted: int, taken: set[int]) -> int:
    """``wanted``, or the first id below it that this package has not given yet (above
    it, from 1, where that would reach 0: Anki's ids are positive)."""
    step = -1
    while wanted in taken or wanted < 1:
        if wanted < 1:
            wanted, step = 1, 1
        else:
            wanted += step
    taken.add(wanted)
    return wanted


def _checked(note: Note) -> Note:
    """A retired note carries the fields the last build made (from the cache, sealed) or
    a lock of the first format kept (untrusted): sanitised again like any answer (its
    media kept by name)."""
    if REMOVED_TAG not in note.tags:
        return note
    fields = [
        inert_tex(sanitize(f, {s: s for s in _OWN_MEDIA.findall(f)})) for f in note.fields[:4]
    ]
    return replace(note, question=fields[0], answer=fields[1], context=fields[2], source=fields[3])


_OWN_MEDIA = re.compile(r"\b[0-9a-f]{16}\.[A-Za-z0-9]{1,8}\b")  # content-hashed media names


def _marks(count: int) -> str:
    return ",".join("?" * count)


@lru_cache(maxsize=1)
def _empty_collection() -> bytes:
    """genanki's schema and collection row, as database bytes to start each package from."""
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    connection = sqlite3.connect(":memory:")
    try:
        connection.executescript(APKG_SCHEMA)
        connection.executescript(APKG_COL)
        return connection.serialize()
    finally:
        connection.close()


def _media(decks: list[Deck], assets: list[MediaFile]) -> list[MediaFile]:
    unique = {m.name: m for deck in decks for m in deck.media}
    unique.update((a.name, a) for a in assets)
    return [unique[name] for name in sorted(unique)]
