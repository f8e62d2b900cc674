"""Notes that disappeared from the sources, shipped once more, tagged ``ankipress::removed``.

The lock keeps only their identity, so a retired note's fields and deck are the ones the
last build made of it, when its cache still knows (``Recall``); else (a fresh checkout) its
question, and an answer saying where it was removed from. A note whose chapter is still
built goes in that chapter's package; any other in a package of its book's removed notes,
at a path computed here (``<book>/removed-<deck id>.apkg``), never read from the lock;
its deck id is never one of a deck this build makes (a chapter renamed keeps its id: its
retired notes go in its package).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from ankipress.cardtext import card_text
from ankipress.identity.guids import deck_id
from ankipress.identity.lockentry import LockEntry, deck_hash
from ankipress.records import Deck, Note, SourceFile

REMOVED_TAG = "ankipress::removed"
REMOVED_DECK = "Removed notes"  # a retired note's deck when the last build's is not known


class Recalled(NamedTuple):
    """A note as the last build made it, and the deck it was in."""

    deck: str
    deck_id: int
    note: Note


Recall = Callable[[str], Recalled | None]  # by GUID: what the last build knows of a note


def forgotten(_guid: str) -> Recalled | None:
    return None


def either(first: Recall, second: Recall) -> Recall:
    return lambda guid: first(guid) or second(guid)


def from_first_format(lines: Mapping[str, Any]) -> Recall:
    """What a lock of the first format kept of each note (its lines, checked when read):
    its fields and deck, untrusted like the rest (the package sanitises them)."""

    def recall(guid: str) -> Recalled | None:
        data = lines.get(guid)
        if data is None:
            return None
        question, answer, context, source = (*data["fields"], "", "", "")[:4]
        deck_id, name = data["deck"][0], data["deck"][1]
        return Recalled(name, deck_id, Note(guid, question, answer, context, source))

    return recall


def retired_note(entry: LockEntry, recall: Recall, root: Path) -> Note:
    """``entry`` (with its ``removed`` time set) as the note shipped once more."""
    known = recall(entry.guid)
    tags = tuple(dict.fromkeys((*entry.tags, REMOVED_TAG)))
    if known is not None:
        n = known.note
        media = tuple(m for m in n.media if m.path.is_file())  # what is still there to pack
        return Note(
            entry.guid,
            n.question,
            n.answer,
            n.context,
            n.source,
            media,
            tags,
            entry.removed,
            since=entry.first_built,
        )
    where = escape(f"{root.name}/{entry.at}" if root.name else entry.at, quote=False)
    answer = f"<p>Removed from the notes: it was at {where}.</p>"
    question = escape(entry.text or entry.question, quote=False)
    return Note(
        entry.guid,
        question,
        answer,
        "",
        where,
        (),
        tags,
        entry.removed,
        entry.question,
        entry.first_built,
    )


def chapter_of(decks: list[Deck], recall: Recall) -> Callable[[LockEntry], Deck | None]:
    """The deck of this build a retired note's chapter still is, if any: the same deck, or
    (the chapter renamed) the deck of the id the last build put it in."""
    by_hash = {deck_hash(deck.deck_id, deck.name): deck for deck in decks}
    by_id = {deck.deck_id: deck for deck in decks}

    def chapter(entry: LockEntry) -> Deck | None:
        if entry.deck in by_hash:
            return by_hash[entry.deck]
        known = recall(entry.guid)
        return by_id.get(known.deck_id) if known is not None else None

    return chapter


def removed_deck(entry: LockEntry, recall: Recall, titles: dict[str, str]) -> tuple[str, int]:
    """The deck a retired note was last built in, if the cache knows it; else one named
    after its book (``titles``: book key -> the deck name prefix this build gives it)."""
    known = recall(entry.guid)
    if known is not None:  # text, as any deck's name: {{Deck}} shows it as HTML
        return card_text(str(known.deck)), known.deck_id
    book = card_text(entry.book.replace("::", ":"))
    return f"{titles.get(entry.book, book)}::{REMOVED_DECK}", deck_id(entry.book, REMOVED_DECK)


def removed_decks(
    retired: Iterable[tuple[LockEntry, Note]], recall: Recall, decks: list[Deck], root: Path
) -> list[Deck]:
    """Packages of the retired notes whose chapter is not built: one per file and deck."""
    titles = {d.book_key: d.name.split("::")[0] for d in decks}
    grouped: dict[tuple[str, str, int, str], list[Note]] = {}  # by file, name, id, book
    for entry, note in retired:
        name, number = removed_deck(entry, recall, titles)
        grouped.setdefault((entry.source, name, number, entry.book), []).append(note)
    found = []
    for (file, name, number, book), notes in sorted(grouped.items()):
        folder = PurePosixPath(file).with_suffix("")
        source = SourceFile(root / folder, root, folder, str(root / folder))
        output = folder / f"removed-{number}.apkg"
        found.append(Deck(name, number, output, tuple(notes), source, book))
    return found
