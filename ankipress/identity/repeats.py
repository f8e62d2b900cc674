"""Check across records: identities that repeat, within a book and across books."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable
from html import unescape
from pathlib import Path
from typing import NamedTuple, Protocol, TypeVar

from ankipress.diagnostics import Diagnostics, display_path
from ankipress.identity.guids import guid_of_key, normalise_question
from ankipress.identity.lockfile import lock_path, recorded_books
from ankipress.records import BREADCRUMB, Book, Chapter, Deck, Question, SourceFile

T = TypeVar("T")


class NoteIdentity(NamedTuple):
    guid: str
    key: str  # the question's normalise_question, which the GUID is made of


def assign_guids(book: Book, diagnostics: Diagnostics) -> dict[Question, NoteIdentity]:
    """Every question's GUID. Questions whose identity repeats in the book are told apart
    by the section they sit in (chapter and sub-heading), with a warning."""
    groups: dict[str, list[tuple[Chapter, Question]]] = defaultdict(list)
    for chapter in book.chapters:
        for question in chapter.questions:
            groups[normalise_question(question.text)].append((chapter, question))
    guids: dict[Question, NoteIdentity] = {}
    for key, members in groups.items():
        if len(members) == 1:
            guids[members[0][1]] = NoteIdentity(guid_of_key(book.key, key), key)
            continue
        _warn_repeats(book, members, diagnostics)
        seen: dict[str, int] = defaultdict(int)
        for chapter, question in members:
            section = f"{chapter.deck_key}/{_section_key(question.section)}"
            seen[section] += 1
            if seen[section] > 1:  # same section too: fall back to the order within it
                section = f"{section}#{seen[section]}"
            guids[question] = NoteIdentity(guid_of_key(book.key, key, section), key)
    return guids


def _section_key(section: str) -> str:
    """A section path without the numbering of each of its parts, so renumbering the
    headings or group labels above a repeated question keeps its GUID."""
    return BREADCRUMB.join(normalise_question(part) for part in section.split(BREADCRUMB))


def _warn_repeats(
    book: Book, members: list[tuple[Chapter, Question]], diagnostics: Diagnostics
) -> None:
    first = members[0][1]
    for _, question in members[1:]:
        diagnostics.warning(
            book.source.display,
            question.line,
            f"question {question.text!r} is also asked at line {first.line}; "
            "their cards are told apart by chapter and section",
            "duplicate-question",
        )


class Keyed(Protocol):
    """A book, or the outcome of a file: a key its notes' GUIDs share, and its file."""

    @property
    def key(self) -> str: ...

    @property
    def source(self) -> SourceFile: ...


K = TypeVar("K", bound=Keyed)


def reject_shared_keys(books: list[K], diagnostics: Diagnostics) -> list[K]:
    """Books whose key another (earlier) book already has would share GUIDs: refused."""

    def clash(book: K, owner: K) -> None:
        diagnostics.error(
            book.source.display,
            1,
            f"book id {book.key!r} is already used by {owner.source.display}; "
            "give one of them its own 'id:' (front matter, or files: in ankipress.yaml)",
            "duplicate-book",
        )

    return _first_claim_wins(books, lambda book: book.key, clash)


def reject_keys_held_elsewhere(
    books: list[K], partial: Collection[Path], diagnostics: Diagnostics
) -> list[K]:
    """Of a root read only in part (a file or a subfolder given), the books whose key its
    lock records for another file, still there but not read now, are refused as two books
    of one key in one build are (a file dropped into the notes with front matter ``id:``
    naming another's book would take that book's notes)."""
    held: dict[Path, dict[str, str]] = {}
    for root in partial:
        held[root] = {
            key: file
            for file, keys in recorded_books(root).items()
            for key in keys
            if (root / file).is_file()
        }

    def kept(book: K) -> bool:
        other = held.get(book.source.root, {}).get(book.key)
        if other is None or other == book.source.rel.as_posix():
            return True
        diagnostics.error(
            book.source.display,
            1,
            f"book id {book.key!r} is already used by {other} (its lock says so; not read in "
            "this build); give one of them its own 'id:' (front matter, or files: in "
            "ankipress.yaml)",
            "duplicate-book",
        )
        return False

    return [book for book in books if kept(book)]


def reject_shared_outputs(decks: list[Deck], diagnostics: Diagnostics) -> list[Deck]:
    """Two books that would write the same .apkg (``a.md`` and ``a.markdown``): keep the first."""

    def clash(deck: Deck, owner: Deck) -> None:
        if owner.book != deck.book:
            diagnostics.error(
                deck.book.display,
                1,
                f"its deck {deck.output} would overwrite the one built from "
                f"{owner.book.display}; rename one of the files",
                "duplicate-output",
            )

    return _first_claim_wins(decks, lambda deck: deck.output, clash)


def _first_claim_wins(
    items: list[T], key: Callable[[T], Hashable], clash: Callable[[T, T], None]
) -> list[T]:
    """The items whose key no earlier item has; ``clash(item, owner)`` for each other one."""
    owners: dict[Hashable, T] = {}
    kept = []
    for item in items:
        owner = owners.setdefault(key(item), item)
        if owner is item:
            kept.append(item)
        else:
            clash(item, owner)
    return kept


def roots_sharing_guids(decks: list[Deck], diagnostics: Diagnostics) -> set[Path]:
    """Content folders whose notes take a GUID a note of an earlier folder has: two notes
    of one GUID would be one in Anki (the second import updates the first). Within a folder
    its lock sees to that; across folders only a lock can give one (book keys differ), so
    the later folder's lock is the error, and nothing is built from that folder."""
    by_root: dict[Path, list[Deck]] = {}
    for deck in decks:
        by_root.setdefault(deck.book.root, []).append(deck)
    refused: set[Path] = set()
    if len(by_root) < 2:
        return refused
    seen: dict[str, tuple[str, str]] = {}  # GUID -> question, source, of an earlier folder
    for root in sorted(by_root, key=str):  # sets first: one folder, or none shared, is cheap
        guids = {note.guid for deck in by_root[root] for note in deck.notes}
        shared = guids & seen.keys()
        if shared:
            refused.add(root)
            note = min(
                (n for deck in by_root[root] for n in deck.notes if n.guid in shared),
                key=lambda n: n.source,
            )
            question, source = seen[note.guid]
            message = (
                f"the GUID {note.guid!r} of {unescape(note.question)!r} "
                f"({unescape(note.source)}) is also the GUID of {unescape(question)!r} "
                f"({unescape(source)}), in another content folder: nothing is built "
                "from this folder until its lock no longer gives it"
            )
            diagnostics.error(display_path(lock_path(root)), 0, message, "lock")
        else:
            seen.update(
                (n.guid, (n.question, n.source)) for deck in by_root[root] for n in deck.notes
            )
    return refused
