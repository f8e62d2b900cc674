"""What a build wants the user's Anki to hold: each note it ships (its GUID, deck and time),
each note its lock retired, and how to recognise a note where Anki does not tell its GUID.

A note ankipress wrote holds, in Anki, exactly the fields it was shipped with (measured:
Anki stores them as imported, normalised to NFC) until the user edits it there. So the
hash of its fields and our tags, the lock's own ``hash``, is its fingerprint: the one a
note is shipped with now, and the one the lock knew before this build.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from ankipress.assemble.outcome import BuildResult
from ankipress.cards.notetype import FIELDS, note_type_id, shown_name
from ankipress.diagnostics import Diagnostics, display_path
from ankipress.identity.lockentry import LockEntry, content_hash, plain_question
from ankipress.identity.lockfile import Lock, lock_path, read_lock
from ankipress.identity.reconcile import EARLIER_DECK
from ankipress.identity.retire import REMOVED_TAG
from ankipress.notes.discover import discover
from ankipress.records import Deck, Note
from ankipress.sync.live import Looks


@dataclass(frozen=True)
class Shipped:
    """A note this build ships, alive."""

    guid: str
    question: str  # plain text
    deck: str
    deck_id: int
    where: str  # path:line
    mod: int  # the note's time in its package: Anki updates only an older copy
    earlier: frozenset[str]  # decks the last build put it in, by name, where known
    earlier_hash: str  # the deck the lock knew it in (``deck_hash``), '' if none
    content: str  # ``fingerprint`` of its fields alone: what a card shows
    fields: tuple[str, ...] = ()  # the fields themselves (notetype.FIELDS), for a conflict
    tags: tuple[str, ...] = ()  # its tags, as the package gives them
    # what the last build shipped of it (the lock's hash of its fields and tags, and those
    # tags): a copy in Anki that is that is no edit, whatever this machine's record says
    last_built: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Retired:
    """A note the lock knows as removed from the notes."""

    guid: str
    question: str
    where: str  # where it was
    mod: int | None = None  # its time in a package of this build, if one ships it


@dataclass(frozen=True)
class Wanted:
    shipped: dict[str, Shipped]
    retired: dict[str, Retired]
    prints: dict[str, str]  # fingerprint -> GUID
    tag_sets: tuple[tuple[str, ...], ...]  # the tags our notes carry, each set once
    note_types: tuple[int, ...]
    packages: tuple[tuple[Path, str], ...]  # the files to import, in order, and sha256s
    out: Path  # the output folder they are in
    looks: tuple[Looks, ...] = ()  # each note type's CSS and templates, as built

    def knows(self, guid: str) -> bool:
        return guid in self.shipped or guid in self.retired


def fingerprint(fields: Iterable[str], tags: Iterable[str] = ()) -> str:
    """The lock's hash of a note's fields and tags, on the text as Anki keeps it (NFC)."""
    return content_hash(*(unicodedata.normalize("NFC", f) for f in fields), *tags)


def field_prints(fields: Iterable[str]) -> tuple[str, ...]:
    """Each field's own fingerprint: which fields of a note changed, on either side."""
    return tuple(fingerprint((f,)) for f in fields)


def wanted(
    result: BuildResult,
    before: Mapping[Path, Lock],
    out: Path,
    now: int,
    elsewhere: Collection[str] = frozenset(),
) -> Wanted:
    """``before``: each content root's lock as it was before this build (the build may have
    written a new one): what Anki holds of a note it did not update since. ``elsewhere``:
    fingerprints of other folders' notes (``owners.prints_elsewhere``), which recognise
    none of these notes."""
    moved_from = {c.guid: c.moved_from for c in result.changes if c.moved_from}
    shipped: dict[str, Shipped] = {}
    retired: dict[str, Retired] = {}
    prints: dict[str, str] = {}
    tag_sets: set[tuple[str, ...]] = {()}
    old = {e.guid: e for lock in before.values() for e in lock.entries}
    for deck in result.decks:
        for note in deck.notes:
            prints[fingerprint(note.fields, note.tags)] = note.guid
            tag_sets.add(note.tags)
            if REMOVED_TAG in note.tags:
                mod = now if note.mod is None else int(note.mod)
                question, where = one_line(note.question), unescape(note.source)
                retired[note.guid] = Retired(note.guid, question, where, mod)
            else:
                entry = old.get(note.guid)
                shipped[note.guid] = _shipped(deck, note, entry, moved_from, now)
    for root, lock in before.items():
        if root not in result.locked:  # dropped (an error said why): it retires nothing
            continue
        for entry in lock.entries:
            if entry.guid in result.foreign:  # another folder's note: left alone
                continue
            prints.setdefault(entry.hash, entry.guid)
            tag_sets.add(entry.tags)
            if entry.removed is not None and entry.guid not in shipped:
                where = f"{root.name}/{entry.at}" if root.name else entry.at
                retired.setdefault(entry.guid, Retired(entry.guid, entry.text, where))
    prints = {fp: guid for fp, guid in prints.items() if fp not in elsewhere}
    kinds = sorted({note_type_id(t.note_type) for t in result.note_types.values()})
    files = {
        out / file: result.digests[file]
        for file in (result.packages[d.output] for d in result.decks if d.output in result.packages)
    }
    looks = {
        note_type_id(t.note_type): Looks(
            note_type_id(t.note_type),
            t.note_type,
            t.css,
            tuple((shown_name(c.name), c.front, c.back) for c in t.cards),
            FIELDS,
        )
        for t in result.note_types.values()
    }
    return Wanted(
        shipped,
        retired,
        prints,
        tuple(sorted(tag_sets)),
        tuple(kinds),
        tuple(files.items()),
        out,
        tuple(looks[k] for k in sorted(looks)),
    )


def locks_before(paths: Iterable[Path]) -> dict[Path, Lock]:
    """Each content root's lock as it is, before a build rewrites it (one that cannot be
    read is left out: the build says why, and builds nothing of its root)."""
    quiet = Diagnostics()
    found = {}
    for root in dict.fromkeys(source.root for source in discover(paths, diagnostics=quiet)):
        path = lock_path(root)
        lock = read_lock(path, display_path(path), quiet)
        if lock is not None:
            found[root] = lock
    return found


def _shipped(
    deck: Deck, note: Note, entry: LockEntry | None, moved_from: dict[str, str], now: int
) -> Shipped:
    earlier = moved_from.get(note.guid, "")
    return Shipped(
        note.guid,
        one_line(note.question),
        deck.name,
        deck.deck_id,
        unescape(note.source),
        now if note.mod is None else int(note.mod),
        frozenset({earlier} - {"", EARLIER_DECK}),
        entry.deck if entry is not None else "",
        fingerprint(note.fields),
        tuple(note.fields),
        tuple(note.tags),
        (entry.hash, entry.tags) if entry is not None else None,
    )


def one_line(question: str) -> str:
    """A Question field as plain text on one line: how a sync and a pull name a note."""
    return " ".join(plain_question(question).split())
