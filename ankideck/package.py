"""Package and write: a Deck -> one .apkg, written to a temporary file and renamed into place."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path, PurePosixPath

import genanki

from ankideck.identity import deck_id
from ankideck.records import Book, Chapter, Deck, Note

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
    return Deck(name, deck_id(book.key, chapter.deck_key), output, notes, book.source)


def _deck_name_part(text: str) -> str:
    return " ".join(text.replace("::", ":").split())


def write_deck(deck: Deck, out_dir: Path, model: genanki.Model, timestamp: float) -> Path:
    """Write ``deck`` under ``out_dir``; a failure leaves any previous file untouched."""
    target = out_dir / deck.output
    target.parent.mkdir(parents=True, exist_ok=True)
    anki_deck = genanki.Deck(deck.deck_id, deck.name)
    for note in deck.notes:
        anki_deck.add_note(
            genanki.Note(model=model, fields=note.fields, guid=note.guid, tags=list(note.tags))
        )
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".ankideck-") as staging:
        media = [_stage(m.path, Path(staging, m.name)) for m in deck.media]
        temporary = Path(staging, "deck.apkg")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # genanki's HTML lint: our HTML is sanitised
            genanki.Package(anki_deck, media_files=media).write_to_file(
                str(temporary), timestamp=timestamp
            )
        os.replace(temporary, target)
    return target


def _stage(source: Path, staged: Path) -> str:
    """genanki names media after their file: give each its content-hashed name."""
    try:
        os.link(source, staged)
    except OSError:
        shutil.copyfile(source, staged)
    return str(staged)
