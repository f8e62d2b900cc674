"""The lock stage of a build: per content root, read its lock, reconcile the root's decks
with it, and (after the decks are written) save the updated lock."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ankideck.atomic import write_bytes
from ankideck.diagnostics import Diagnostics
from ankideck.discover import display_path
from ankideck.lock import LOCK_FILE, Lock, book_segments, header_line, read_lock
from ankideck.lockstate import BookIndex, RootState, book_file, settle
from ankideck.notetype import Templates
from ankideck.packages import Derived
from ankideck.reconcile import Change, Reconciled, reconcile
from ankideck.records import Deck


@dataclass
class PendingLock:
    """One content root's lock after this build: made into bytes while the packages are
    written (``made``), saved once they all are, and remembered for the next build."""

    root: Path
    reconciled: Reconciled  # of every book of the lock, or of the books read again
    changed: bool  # whether their entries differ from the lock's (else it is not written)
    base: bytes  # the lock as read
    spans: dict[str, tuple[int, int]]  # where the books not reconciled are in ``base``
    files: dict[str, tuple[str, str]]  # each reconciled book's file and its cache key
    kept: dict[str, BookIndex] = field(default_factory=dict)  # the books not reconciled
    sha: str = ""  # of ``base``, when it stays and ``spans`` has every book of it

    def made(self, derived: Derived) -> Made:
        lock = self.reconciled.lock
        data, spans, sha = self.base, self.spans, self.sha
        if not sha:
            data, spans = self._spliced()
            if not self.changed and data != self.base:  # written by hand: not remembered
                return Made(None, None, {})
            sha = hashlib.sha256(data).hexdigest()
        done = self.reconciled
        books = settle(done.decks, done.changes, lock.entries, done.loose, derived)
        files: dict[str, bytes] = {}
        index = {book: kept._replace(span=spans[book]) for book, kept in self.kept.items()}
        for book, state in books.items():
            token, files[book] = book_file(state)
            file, key = self.files.get(book, ("", ""))
            index[book] = BookIndex(spans[book], file, key, token)
        root = RootState(sha, lock.note_type_hash, lock.note_type_changed, index)
        return Made(data if self.changed else None, root, files)

    def _spliced(self) -> tuple[bytes, dict[str, tuple[int, int]]]:
        """The lock: the lines of the books not reconciled as they were, the others new;
        and where each book is in it."""
        lock = self.reconciled.lock
        header = header_line(lock.note_type_hash, lock.note_type_changed)
        base = memoryview(self.base)  # its slices are not copies
        segments: dict[str, bytes | memoryview] = {b: base[x:y] for b, (x, y) in self.spans.items()}
        segments.update(book_segments(lock))
        spans: dict[str, tuple[int, int]] = {}
        start = len(header)
        for book in sorted(segments):
            spans[book] = (start, start + len(segments[book]))
            start += len(segments[book])
        return header + b"".join(segments[book] for book in sorted(segments)), spans


@dataclass(frozen=True)
class Made:
    data: bytes | None  # the lock to write (None: it stays as it is)
    state: RootState | None  # to remember (None: the lock is not one this tool wrote)
    books: dict[str, bytes]  # the state files of the books reconciled


@dataclass
class Locked:
    decks: list[Deck] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    pending: dict[Path, PendingLock] = field(default_factory=dict)  # by content root
    note_type_mod: dict[Path, int] = field(default_factory=dict)  # by content root
    derived: Derived = field(default_factory=Derived)  # of the decks, where already made


def apply_locks(
    decks: list[Deck],
    built: dict[Path, dict[str, tuple[str, str]]],
    templates: Mapping[Path, Templates],
    now: int,
    diagnostics: Diagnostics,
) -> Locked:
    """``decks`` reconciled with the lock of their content root; a root whose lock cannot
    be read builds as if it had none, and its lock is left alone. ``built``: by root, the
    files built (relative to it), by book: (file, cache key)."""
    locked = Locked()
    for root in sorted({deck.book.root for deck in decks} | set(built)):
        mine = [deck for deck in decks if deck.book.root == root]
        path = root / LOCK_FILE
        lock = read_lock(path, display_path(path), diagnostics)
        note_type_hash = templates[root].digest if root in templates else ""
        same_type = lock is not None and lock.note_type_hash == note_type_hash
        type_mod = lock.note_type_changed if same_type and lock is not None else now
        locked.note_type_mod[root] = type_mod
        if lock is None:
            locked.decks += mine
            continue
        files = built.get(root, {})
        done = reconcile(mine, lock, now, {file for file, _ in files.values()}, root)
        locked.decks += done.decks
        locked.changes += done.changes
        new = Lock(done.lock.entries, note_type_hash, type_mod, True, lock.lines)
        changed = not same_entries(lock, new)  # an unchanged lock is not even serialised again
        done = done._replace(lock=new)
        locked.pending[root] = PendingLock(root, done, changed, lock.data, {}, files)
    return locked


def same_entries(old: Lock, new: Lock) -> bool:
    header = (old.found, old.note_type_hash, old.note_type_changed)
    if header != (new.found, new.note_type_hash, new.note_type_changed):
        return False
    return len(old.entries) == len(new.entries) and set(old.entries) == set(new.entries)


def save_lock(root: Path, data: bytes, diagnostics: Diagnostics) -> bool:
    """Write a root's lock; False (a warning) if it cannot be written."""
    path = root / LOCK_FILE
    try:
        write_bytes(path, data)
    except OSError as exc:  # a read-only checkout: the decks are built all the same
        message = f"cannot write the lock: {exc.strerror or exc}"
        diagnostics.warning(display_path(path), 0, message, "lock")
        return False
    return True
