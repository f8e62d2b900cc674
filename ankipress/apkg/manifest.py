"""``manifest.json`` next to the decks: what a build wrote, for machines (CI, publishing).

Per deck its package file, the file it was made from (relative to the output folder),
name, id, card count and the package's sha256; per note its
GUID, question, source ``path:line`` and tags. Sorted by file, then by the deck's order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from html import unescape
from pathlib import Path, PurePosixPath

from ankipress.atomic import write_text
from ankipress.records import Deck

MANIFEST_FILE = "manifest.json"


def write_manifest(
    out_dir: Path,
    written: list[tuple[Deck, PurePosixPath]],
    digests: dict[PurePosixPath, str],
    listing: Callable[[Deck], str],
) -> Path:
    """``written``: each deck with the package (relative to ``out_dir``) holding it;
    ``digests``: each package's sha256; ``listing``: a deck's ``notes_listing`` (or the
    one already made)."""
    # One deck a line: json's fast encoder, and a diff that names the decks that changed.
    base = out_dir.resolve()
    lines = ",\n".join(
        _deck(deck, file, digests[file], listing(deck), book_path(deck, base))
        for deck, file in sorted(written, key=lambda w: (w[1].as_posix(), w[0].name))
    )
    text = '{"decks": [\n' + lines + "\n]}\n"
    path = out_dir / MANIFEST_FILE
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text(path, text)
    return path


def book_path(deck: Deck, out_dir: Path) -> str:
    """The file a deck was made from, relative to the (resolved) output folder."""
    return Path(os.path.relpath(deck.book.path, out_dir)).as_posix()


def _deck(deck: Deck, file: PurePosixPath, digest: str, notes: str, book: str) -> str:
    head = {
        "file": file.as_posix(),
        "book": book,
        "name": deck.name,
        "deck_id": deck.deck_id,
        "cards": len(deck.notes),
        "sha256": digest,
    }
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "notes": ' + notes + "}"


def notes_listing(deck: Deck) -> str:
    """The manifest's list of a deck's notes, as JSON."""
    notes = [
        {
            "guid": note.guid,
            "question": unescape(note.question),
            "source": unescape(note.source),
            "tags": list(note.tags),
        }
        for note in deck.notes
    ]
    return json.dumps(notes, ensure_ascii=False)
