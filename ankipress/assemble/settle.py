"""What a build's lock stage leaves for the next one (``lockmemo``): each book of a content
root settled as the next build will find it, and the lock's bytes with where each book's
lines are in them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ankipress.apkg.manifest import notes_listing
from ankipress.assemble.lockmemo import BookIndex, BookState, RootState, book_file
from ankipress.assemble.packageindex import Derived, notes_digest
from ankipress.identity.apply_lock import PendingLock
from ankipress.identity.lockfile import LockEntry
from ankipress.identity.reconcile import Change
from ankipress.records import Deck


@dataclass
class MemoParts:
    """Of one content root, what its memo needs besides the lock."""

    files: dict[str, tuple[str, str]]  # each reconciled book's file and its cache key
    kept: dict[str, BookIndex] = field(default_factory=dict)  # the books not reconciled


@dataclass(frozen=True)
class Made:
    data: bytes | None  # the lock to write (None: it stays as it is)
    state: RootState | None  # to remember (None: the lock is not one this tool wrote)
    books: dict[str, bytes]  # the state files of the books reconciled


def made(pending: PendingLock, parts: MemoParts, derived: Derived) -> Made:
    """A root's lock after this build, and what to remember of it."""
    text = pending.text()
    if text is None:  # written by hand: not remembered
        return Made(None, None, {})
    done = pending.reconciled
    lock = done.lock
    books = settle(done.decks, done.changes, lock.entries, done.loose, derived)
    files: dict[str, bytes] = {}
    index = {book: kept._replace(span=text.spans[book]) for book, kept in parts.kept.items()}
    for book, state in books.items():
        token, files[book] = book_file(state)
        file, key = parts.files.get(book, ("", ""))
        index[book] = BookIndex(text.spans[book], file, key, token)
    root = RootState(text.sha, lock.note_type_hash, lock.note_type_changed, index)
    return Made(text.data if pending.changed else None, root, files)


def settle(
    decks: Iterable[Deck],
    changes: Iterable[Change],
    entries: Iterable[LockEntry],
    loose: set[str],
    derived: Derived,
) -> dict[str, BookState]:
    """Each book's state after a reconcile of its decks into ``entries`` (the new lock's),
    as the next build will find it: notes retired now are gone, the rest unchanged.
    ``derived``: of the decks as reconciled (a deck that loses notes is made again)."""
    changes = list(changes)
    removed = {c.guid for c in changes if c.kind == "removed"}
    book_of: dict[str, str] = {}
    guids: dict[str, set[str]] = {}
    for entry in entries:
        book_of[entry.guid] = entry.book
        guids.setdefault(entry.book, set()).add(entry.guid)
    by_book: dict[str, list[Deck]] = {book: [] for book in guids}
    claimed: set[str] = set()
    thinned: set[int] = set()  # decks that lose notes: what the write stage made is not theirs
    for deck in decks:
        notes = tuple(n for n in deck.notes if n.guid not in removed)
        claimed.update(n.guid for n in notes)
        if len(notes) < len(deck.notes):
            deck = replace(deck, notes=notes)
            thinned.add(deck.deck_id)
        if notes:
            by_book.setdefault(deck.book_key, []).append(deck)
    changed: dict[str, list[Change]] = {}
    for c in changes:
        if c.guid not in removed:
            changed.setdefault(book_of[c.guid], []).append(
                replace(c, kind="unchanged", before="", moved_from="", was_at="")
            )
    answers: dict[str, set[str]] = {}
    for entry in entries:
        if entry.guid not in claimed:
            answers.setdefault(entry.book, set()).add(entry.answer)
    return {
        book: BookState(
            tuple(decks),
            tuple(changed.get(book, ())),
            frozenset(guids.get(book, ())),
            frozenset(answers.get(book, ())),
            book in loose,
            tuple(notes_digest(d) if d.deck_id in thinned else derived.digest(d) for d in decks),
            tuple(notes_listing(d) if d.deck_id in thinned else derived.listing(d) for d in decks),
        )
        for book, decks in by_book.items()
    }
