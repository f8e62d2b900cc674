"""The lock stage of a rebuild, book by book: only the books whose files changed (or are
gone) are reconciled again, against their own lines of the lock; the others are taken as
the last build left them (``lockmemo``).

It gives what the whole lock stage (``identity.apply_lock.apply_locks``) would, or nothing, and then
that runs: when the lock, the templates or a file's book is not the one remembered, when
the last build could not settle a book, or when a book read again could touch another
one (a GUID of the other's, or an answer one of the other's removed notes had).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ankipress.assemble.filestage import FileOutcome
from ankipress.assemble.lockmemo import BookState, LockStates, Remembered
from ankipress.assemble.packageindex import Derived
from ankipress.assemble.settle import MemoParts
from ankipress.identity.apply_lock import Locked, PendingLock, same_entries
from ankipress.identity.guids import in_namespace
from ankipress.identity.lockentry import LockEntry, answer_hash
from ankipress.identity.lockfile import (
    Lock,
    lock_lines,
    namespace_in,
    read_entries,
    written_now,
)
from ankipress.identity.reconcile import Change, reconcile
from ankipress.identity.retire import Recall
from ankipress.records import Deck

DecksOf = Callable[[FileOutcome], list[Deck]]


def relock(
    outcomes: list[FileOutcome],
    note_types: dict[Path, str],
    remembered: dict[Path, Remembered],
    decks_of: DecksOf,
    now: int,
    derived: Derived,
    states: LockStates,
) -> tuple[Locked, dict[Path, MemoParts]] | None:
    """``outcomes``: every file of the build, each with its book and cache key, in order;
    ``note_types``: each content root's templates digest. What the lock stage would give,
    and by root what its memo needs; ``derived`` gets the books taken as they were."""
    locked = Locked()
    parts: dict[Path, MemoParts] = {}
    for root in sorted({o.source.root for o in outcomes}):
        mine = [o for o in outcomes if o.source.root == root]
        last = remembered.get(root)
        if last is None or last.state.note_type != note_types.get(root):
            return None
        if not written_now(last.lock):  # of an older format: read and written anew, whole
            return None
        taken = _relock_root(root, mine, last, decks_of, now, locked, derived, states.recall(root))
        if taken is None:
            return None
        parts[root] = taken
    outputs = [deck.output for deck in locked.decks]
    return (locked, parts) if len(set(outputs)) == len(outputs) else None


def _relock_root(
    root: Path,
    outcomes: list[FileOutcome],
    last: Remembered,
    decks_of: DecksOf,
    now: int,
    locked: Locked,
    derived: Derived,
    recall: Recall,
) -> MemoParts | None:
    state, base = last.state, last.lock
    namespace = namespace_in(base)
    if not namespace:  # the whole stage gives the lock one
        return None
    by_book = {o.key: o for o in outcomes}
    clean: dict[str, BookState] = {}
    for book, taken in last.books.items():
        index, outcome = state.books[book], by_book.get(book)
        if outcome is None and index.file != "":
            continue  # its file is gone
        if outcome is not None and (index.file, index.file_key) != (
            outcome.source.rel.as_posix(),
            outcome.cache_key,
        ):
            continue  # another file has its book now
        if taken.loose:
            return None  # it may claim what a book read again leaves: all of them again
        clean[book] = taken
    dirty = [o for o in outcomes if o.key not in clean]
    own = [decks_of(o) for o in dirty]
    decks = [deck for group in own for deck in group]
    theirs = frozenset().union(*(s.guids for s in clean.values()))
    if any(  # (by its question's GUID, or the one it takes in the folder's namespace)
        note.guid in theirs or in_namespace(namespace, note.guid) in theirs
        for deck in decks
        for note in deck.notes
    ):
        return None
    try:  # a line the whole stage would refuse: it says where
        entries, read = _entries(
            base, {b: i.span for b, i in state.books.items() if b not in clean}
        )
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    sub = Lock(entries, state.note_type, state.type_mod, True, read, base, namespace=namespace)
    built = {o.source.rel.as_posix() for o in outcomes}
    done = reconcile(decks, sub, now, built, root, recall)
    answers = frozenset().union(*(s.unclaimed for s in clean.values()))
    if answers and _may_match(done.decks, done.changes, answers):
        return None
    given = iter(zip(done.decks[: len(decks)], decks, strict=True))  # reconciled, as given
    placed = iter(done.changes)  # one per note given, then the removed ones
    groups = iter(own)
    for outcome in outcomes:  # in the order of the files, as the whole stage has them
        if outcome.key in clean:
            taken = clean[outcome.key]
            locked.decks += taken.decks
            locked.changes += taken.changes
            ids = [deck.deck_id for deck in taken.decks]
            derived.digests.update(zip(ids, taken.digests, strict=True))
            derived.listings.update(zip(ids, taken.listings, strict=True))
            continue
        for _ in next(groups):
            deck, as_given = next(given)
            locked.decks.append(deck)
            locked.changes += [next(placed) for _ in as_given.notes]
    locked.decks += done.decks[len(decks) :]  # packages of removed notes only
    locked.changes += placed
    locked.note_type_mod[root] = state.type_mod
    files = {o.key: (o.source.rel.as_posix(), o.cache_key) for o in dirty}
    kept = {book: state.books[book] for book in clean}
    if same_entries(sub, done.lock):  # the lock stays as it is, every book where it was
        spans = {book: index.span for book, index in state.books.items()}
        pending = PendingLock(root, done, False, base, spans, state.lock_sha)
    else:
        spans = {book: state.books[book].span for book in clean}
        pending = PendingLock(root, done, True, base, spans)
    locked.pending[root] = pending
    return MemoParts(files, kept)


def _entries(
    base: bytes, spans: dict[str, tuple[int, int]]
) -> tuple[tuple[LockEntry, ...], dict[int, tuple[LockEntry, str]]]:
    lines = [line for a, b in spans.values() for line in lock_lines(base[a:b].decode("utf-8"))]
    entries = read_entries(lines)
    return tuple(entries), {id(e): (e, line) for e, line in zip(entries, lines, strict=True)}


def _may_match(decks: list[Deck], changes: list[Change], answers: frozenset[str]) -> bool:
    """Whether a note with a GUID of its own could have matched another book's entry."""
    unknown = {c.guid for c in changes if c.kind in ("new", "matched")}
    return any(
        answer_hash(n.answer) in answers for d in decks for n in d.notes if n.guid in unknown
    )
