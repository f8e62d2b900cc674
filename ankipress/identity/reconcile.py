"""Reconcile a build with its lock: keep GUIDs through renames and rewording, give each note
the time its content last changed, and ship notes that disappeared once more, tagged.

- A note whose GUID is in the lock keeps the lock's time unless its fields changed.
- A note whose GUID is not (its file was renamed, its question reworded) takes the GUID of
  a lock entry that no note claimed, with the same answer and a similar question.
- An entry no note claims, whose file was built (or is gone), is a removed note:
  shipped once more tagged ``ankipress::removed`` with its last fields, and kept in the lock.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from ankipress.identity.lockfile import Lock, LockEntry, content_hash
from ankipress.identity.matching import kept_entries, matched_entries, question_key
from ankipress.records import Deck, Note, SourceFile

REMOVED_TAG = "ankipress::removed"


@dataclass(frozen=True)
class Change:
    kind: str  # new | changed | matched | removed | unchanged
    guid: str
    question: str  # as on the card
    deck: str
    where: str  # path:line of the note (for a removed note: where it was)
    before: str = ""  # matched: the question the lock knew it by
    moved_from: str = ""  # the deck the lock last shipped it in, if that was another


class Reconciled(NamedTuple):
    decks: list[Deck]  # with the lock's GUIDs and times, plus decks of removed notes
    lock: Lock  # the new lock
    changes: list[Change]  # note by note
    loose: set[str]  # books whose notes the next build matches again, with any book's


def reconcile(decks: list[Deck], lock: Lock, now: int, built: set[str], root: Path) -> Reconciled:
    """``decks`` (one content root's, or some books of it and their entries) with the lock.
    ``built``: the files (relative to ``root``) built this time; an entry of a file that
    failed to build stays as it was."""
    known = lock.by_guid()
    placed = [(deck, note) for deck in decks for note in deck.notes]
    built_guids = {note.guid for _, note in placed}
    orphans = [entry for entry in lock.entries if entry.guid not in built_guids]
    unknown = [(deck.book_key, note) for deck, note in placed if note.guid not in known]
    kept = kept_entries(unknown, orphans)
    known.update(kept)
    taken = {entry.guid for entry in kept.values()}  # not to be matched to a second note
    orphans = [entry for entry in orphans if entry.guid not in taken]
    matched = matched_entries([(b, n) for b, n in unknown if n.guid not in known], orphans)
    entries: list[LockEntry] = []
    changes: list[Change] = []
    notes: dict[int, list[Note]] = {deck.deck_id: [] for deck in decks}
    moved: list[tuple[str, str]] = []  # notes whose GUID is not the one of their question
    for deck, note in placed:
        old = matched.get(note.guid) or known.get(note.guid)
        entry, kind = _entry(deck, note, old, now, note.guid in matched)
        entries.append(entry)
        before = old.fields[0] if kind == "matched" and old is not None else ""
        was = old.deck[1] if old is not None and old.deck[1] != deck.name else ""
        change = Change(kind, entry.guid, note.question, deck.name, note.source, before, was)
        changes.append(change)
        notes[deck.deck_id].append(_with(note, entry.guid, entry.changed))
        if entry.guid != note.guid:
            moved.append((deck.book_key, entry.question))
    claimed = {entry.guid for entry in entries}
    removed_decks: dict[tuple[int, str, str], list[Note]] = {}
    for entry in lock.entries:
        if entry.guid in claimed:
            continue
        if entry.removed is None and (entry.source in built or not (root / entry.source).exists()):
            entry = replace(entry, removed=now, changed=now)
            note = _removed_note(entry)
            if entry.deck[0] in notes:  # the chapter is still built: its package takes it
                notes[entry.deck[0]].append(note)
            else:  # else a package of its own, at the chapter's old path
                removed_decks.setdefault(entry.deck, []).append(note)
            changes.append(Change("removed", entry.guid, note.question, entry.deck[1], note.source))
        entries.append(entry)
    result = [replace(d, notes=tuple(notes[d.deck_id])) for d in decks]
    result += _decks_for_removed(removed_decks, root)
    return Reconciled(
        result, replace(lock, entries=tuple(entries)), changes, _loose(moved, entries)
    )


def _loose(moved: list[tuple[str, str]], entries: list[LockEntry]) -> set[str]:
    """Books with a note whose GUID ``_kept`` will not find by its book and question alone
    (a repeated question): the next build matches it again, against every book's entries."""
    live = Counter((e.book, e.question) for e in entries if e.removed is None)
    return {book for book, question in moved if live[book, question] > 1}


def _entry(
    deck: Deck, note: Note, old: LockEntry | None, now: int, matched: bool
) -> tuple[LockEntry, str]:
    guid = old.guid if old is not None else note.guid
    digest = content_hash(*note.fields, *note.tags)
    where = (deck.deck_id, deck.name, deck.output.as_posix())
    source = deck.book.rel.as_posix()
    if (  # the common case, kept cheap: nothing about the note changed
        old is not None
        and not matched
        and old.hash == digest
        and old.removed is None
        and (old.deck, old.book, old.source) == (where, deck.book_key, source)
    ):
        return old, "unchanged"
    if old is None or matched:
        kind, changed = ("new" if old is None else "matched"), now
    elif old.hash == digest and old.removed is None:
        kind, changed = "unchanged", old.changed
    else:
        kind, changed = "changed", now
    entry = LockEntry(
        guid=guid,
        book=deck.book_key,
        question=question_key(note),
        source=source,
        hash=digest,
        changed=changed,
        deck=where,
        fields=tuple(note.fields),
        tags=note.tags,
    )
    return entry, kind


def _removed_note(entry: LockEntry) -> Note:
    tags = tuple(dict.fromkeys((*entry.tags, REMOVED_TAG)))
    question, answer, context, source, _extra = (*entry.fields, "", "", "", "", "")[:5]
    return Note(
        entry.guid, question, answer, context, source, (), tags, entry.removed, entry.question
    )


def _decks_for_removed(removed: dict[tuple[int, str, str], list[Note]], root: Path) -> list[Deck]:
    decks = []
    for (deck_id, name, output), notes in sorted(removed.items()):
        path = PurePosixPath(output)
        source = SourceFile(root / path.parent, root, path.parent, str(root / path.parent))
        decks.append(Deck(name, deck_id, path, tuple(notes), source))
    return decks


def _with(note: Note, guid: str, mod: int) -> Note:
    """``note`` with the lock's GUID and time (``dataclasses.replace``, without its cost)."""
    n = note
    return Note(guid, n.question, n.answer, n.context, n.source, n.media, n.tags, mod, n.key)
