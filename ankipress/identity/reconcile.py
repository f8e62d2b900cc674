"""Reconcile a build with its lock: keep GUIDs through renames and rewording, give each note
the time its content last changed, and ship notes that disappeared once more, tagged.

- A note whose GUID is in the lock keeps the lock's time unless its fields changed.
- A note whose GUID is not (its file was renamed, its question reworded) takes the GUID of
  a lock entry that no note claimed, with the same answer and a similar question.
- An entry no note claims, whose file was built (or is gone), is a removed note:
  shipped once more tagged ``ankipress::removed`` (``retire``), and kept in the lock.
- A chapter whose deck id is new, most of whose notes the lock knows in one deck no chapter
  of this build has, is that chapter renamed: it keeps that deck's id, so a sync knows the
  cards in the old deck for its own (the lock's hash of that id and the old name), whatever
  else knows of the move (``renamed_decks``). (Anki itself matches decks by name.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path
from typing import NamedTuple

from ankipress.identity.guids import in_namespace
from ankipress.identity.lockentry import (
    LockEntry,
    answer_hash,
    content_hash,
    deck_hash,
    plain_question,
)
from ankipress.identity.lockfile import Lock
from ankipress.identity.matching import kept_entries, matched_entries, question_key, renamed_entries
from ankipress.identity.retire import (
    Recall,
    chapter_of,
    forgotten,
    removed_decks,
    retired_note,
)
from ankipress.records import Deck, Note

EARLIER_DECK = "\x00earlier"  # a note's deck before, when only its id's hash is known


@dataclass(frozen=True)
class Change:
    kind: str  # new | changed | matched | removed | unchanged
    guid: str
    question: str  # as on the card
    deck: str
    where: str  # path:line of the note (for a removed note: where it was)
    before: str = ""  # matched: the question the lock knew it by
    moved_from: str = ""  # the deck the lock last shipped it in, if that was another
    was_at: str = ""  # matched: where the lock knew it, named as ``where`` is


class Reconciled(NamedTuple):
    decks: list[Deck]  # with the lock's GUIDs and times, plus decks of removed notes
    lock: Lock  # the new lock
    changes: list[Change]  # note by note
    loose: set[str]  # books whose notes the next build matches again, with any book's


def reconcile(
    decks: list[Deck],
    lock: Lock,
    now: int,
    built: set[str],
    root: Path,
    recall: Recall = forgotten,
    whole: bool = True,
) -> Reconciled:
    """``decks`` (one content root's, or some books of it and their entries) with the lock.
    ``built``: the files (relative to ``root``) built this time; an entry of a file that
    failed to build stays as it was. ``recall``: what the last build made of a note.
    ``whole``: the build read the whole root; else (a file or a subfolder of it) only the
    entries of the files built may be matched, moved or retired."""
    known = lock.by_guid()
    decks = [_in_namespace(deck, lock.namespace, known) for deck in decks]
    decks = renamed_decks(decks, lock.entries, known)
    placed = [(deck, note) for deck in decks for note in deck.notes]
    built_guids = {note.guid for _, note in placed}

    def ours(entry: LockEntry) -> bool:  # this build answers for it
        return entry.source in built or (whole and not (root / entry.source).exists())

    orphans = [
        entry
        for entry in lock.entries
        if entry.guid not in built_guids and (whole or entry.removed is not None or ours(entry))
    ]
    unknown = [(deck.book_key, note) for deck, note in placed if note.guid not in known]
    kept = kept_entries(unknown, orphans)
    known.update(kept)
    taken = {entry.guid for entry in kept.values()}  # not to be matched to a second note
    orphans = [entry for entry in orphans if entry.guid not in taken]
    matched = matched_entries([(b, n) for b, n in unknown if n.guid not in known], orphans)
    taken |= {entry.guid for entry in matched.values()}
    matched |= renamed_entries(
        [(b, n) for b, n in unknown if n.guid not in known and n.guid not in matched],
        [entry for entry in orphans if entry.guid not in taken],
        {deck.book_key for deck in decks},
        {entry.book for entry in lock.entries},
    )
    entries: list[LockEntry] = []
    changes: list[Change] = []
    notes: dict[int, list[Note]] = {deck.deck_id: [] for deck in decks}
    moved: list[tuple[str, str]] = []  # notes whose GUID is not the one of their question
    hashes = {deck.deck_id: deck_hash(deck.deck_id, deck.name) for deck in decks}
    for deck, note in placed:
        old = matched.get(note.guid) or known.get(note.guid)
        entry, kind = _entry(deck, note, old, now, note.guid in matched, hashes[deck.deck_id])
        entries.append(entry)
        before = _question(old.text) if kind == "matched" and old is not None else ""
        was = _moved_from(old, deck, hashes[deck.deck_id], recall)
        at = ""
        if kind == "matched" and old is not None:  # named as the note's source is
            at = deck.book.source_name.removesuffix(str(deck.book.rel)) + old.at
        change = Change(kind, entry.guid, note.question, deck.name, note.source, before, was, at)
        changes.append(change)
        notes[deck.deck_id].append(_with(note, entry.guid, entry.changed, entry.first_built))
        if entry.guid != note.guid:
            moved.append((deck.book_key, entry.question))
    claimed = {entry.guid for entry in entries}
    home = chapter_of(decks, recall)
    elsewhere: list[tuple[LockEntry, Note]] = []  # retired notes whose chapter is not built
    for entry in lock.entries:
        if entry.guid in claimed:
            continue
        if entry.removed is None and ours(entry):
            entry = replace(entry, removed=now, changed=later(entry.changed, now))
            note = retired_note(entry, recall, root)
            deck = home(entry)
            if deck is not None:  # the chapter is still built: its package takes it
                notes[deck.deck_id].append(note)
                changes.append(Change("removed", entry.guid, note.question, deck.name, note.source))
            else:
                elsewhere.append((entry, note))
        entries.append(entry)
    result = [replace(d, notes=tuple(notes[d.deck_id])) for d in decks]
    extra = removed_decks(elsewhere, recall, decks, root)
    for deck in extra:
        changes += [Change("removed", n.guid, n.question, deck.name, n.source) for n in deck.notes]
    result += extra
    return Reconciled(
        result, replace(lock, entries=tuple(entries)), changes, _loose(moved, entries)
    )


def _in_namespace(deck: Deck, namespace: str, known: Mapping[str, LockEntry]) -> Deck:
    """``deck`` with each note the lock does not know by its question's GUID in the
    folder's namespace: a note new to the folder is one of its own, though another folder
    asks the same question in a same-named file. (A note the lock knows by its question's
    GUID, made before folders had a namespace, keeps it.)"""
    if not namespace:
        return deck
    notes = tuple(
        n
        if n.guid in known
        else Note(
            in_namespace(namespace, n.guid),
            n.question,
            n.answer,
            n.context,
            n.source,
            n.media,
            n.tags,
            n.mod,
            n.key,
            n.since,
        )
        for n in deck.notes
    )
    return replace(deck, notes=notes)


def renamed_decks(
    decks: list[Deck], entries: Sequence[LockEntry], known: Mapping[str, LockEntry]
) -> list[Deck]:
    """``decks`` where a chapter renamed keeps its deck's id: a deck whose id the lock
    knows no note in, more than half of whose notes the lock knows in one deck no deck of
    this build has (and no other renamed chapter takes)."""
    ids = {deck.deck_id for deck in decks}
    locked = {e.deck_id for e in entries if e.deck_id is not None}
    taken: set[int] = set()
    found = []
    for deck in decks:
        before = Counter(
            entry.deck_id
            for note in deck.notes
            if (entry := known.get(note.guid)) is not None and entry.deck_id is not None
        )
        old, count = before.most_common(1)[0] if before else (None, 0)
        if (
            deck.deck_id not in locked
            and old is not None
            and old not in ids
            and old not in taken
            and 2 * count > len(deck.notes)
        ):
            taken.add(old)
            deck = replace(deck, deck_id=old)
        found.append(deck)
    return found


def _loose(moved: list[tuple[str, str]], entries: list[LockEntry]) -> set[str]:
    """Books with a note whose GUID ``_kept`` will not find by its book and question alone
    (a repeated question): the next build matches it again, against every book's entries."""
    live = Counter((e.book, e.question) for e in entries if e.removed is None)
    return {book for book, question in moved if live[book, question] > 1}


def _entry(
    deck: Deck, note: Note, old: LockEntry | None, now: int, matched: bool, where: str
) -> tuple[LockEntry, str]:
    """The note's new lock entry, and the kind of change; ``where``: its deck's hash."""
    guid = old.guid if old is not None else note.guid
    digest = content_hash(*note.fields, *note.tags)
    at = f"{deck.book.rel.as_posix()}:{note.source.rpartition(':')[2]}"  # a line: no entity
    if (  # the common case, kept cheap: nothing about the note changed
        old is not None
        and not matched
        and old.hash == digest
        and old.removed is None
        and (old.deck, old.book, old.at) == (where, deck.book_key, at)
    ):
        if old.deck_id != deck.deck_id:  # (a lock written before it kept deck ids)
            return replace(old, deck_id=deck.deck_id), "unchanged"
        return old, "unchanged"
    if old is None:
        kind, changed = "new", now
    elif matched:
        kind, changed = "matched", later(old.changed, now)
    elif old.hash == digest and old.removed is None:
        kind, changed = "unchanged", old.changed
    else:
        kind, changed = "changed", later(old.changed, now)
    entry = LockEntry(
        guid=guid,
        book=deck.book_key,
        question=question_key(note),
        text=plain_question(note.question),
        at=at,
        deck=where,
        hash=digest,
        answer=answer_hash(note.answer),
        changed=changed,
        tags=note.tags,
        # first built: now, or as the lock knew it (its time then, if it knew no more)
        since=now if old is None else old.first_built,
        deck_id=deck.deck_id,
    )
    return entry, kind


def later(before: int, now: int) -> int:
    """A note's time after a change: ``now``, or just after the time it had, whichever is
    later. Anki updates a note on import only if the package's copy is newer than its own
    (measured), so a change dated no later than the last one (two builds in a second, a
    ``SOURCE_DATE_EPOCH`` older than a local build's clock) would be skipped silently."""
    return max(now, before + 1)


def _question(text: str) -> str:
    """A lock's question text as a Change holds a question (HTML-escaped)."""
    return escape(text, quote=False)


def _moved_from(old: LockEntry | None, deck: Deck, where: str, recall: Recall) -> str:
    """The deck a note was in before, if another: as the last build named it. ``where``:
    the hash of the deck it is in now."""
    if old is None or old.deck == where:
        return ""
    known = recall(old.guid)
    if known is None:
        return EARLIER_DECK
    return known.deck if known.deck != deck.name else ""


def _with(note: Note, guid: str, mod: int, since: int) -> Note:
    """``note`` with the lock's GUID and times (``dataclasses.replace``, without its cost)."""
    n = note
    return Note(guid, n.question, n.answer, n.context, n.source, n.media, n.tags, mod, n.key, since)
