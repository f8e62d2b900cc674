"""Each content root's lock applied to a build: read it, reconcile the root's decks with
it, and (after the decks are written) save the updated lock."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from ankipress.atomic import write_bytes
from ankipress.diagnostics import Diagnostics, display_path
from ankipress.first_name import LEGACY_LOCK_FILE
from ankipress.identity.guids import new_namespace
from ankipress.identity.lockfile import (
    LOCK_FILE,
    Lock,
    book_segments,
    header_line,
    lock_path,
    read_lock,
)
from ankipress.identity.reconcile import Change, Reconciled, later, reconcile
from ankipress.identity.retire import Recall, either, forgotten, from_first_format
from ankipress.records import Deck


@dataclass
class PendingLock:
    """One content root's lock after this build: made into bytes while the packages are
    written (``text``), saved once they all are."""

    root: Path
    reconciled: Reconciled  # of every book of the lock, or of the books read again
    changed: bool  # whether their entries differ from the lock's (else it is not written)
    base: bytes  # the lock as read
    spans: dict[str, tuple[int, int]]  # where the books not reconciled are in ``base``
    sha: str = ""  # of ``base``, when it stays and ``spans`` has every book of it

    def text(self) -> LockText | None:
        """The lock after this build, where each book's lines are in it, and its sha256;
        None for a lock that stays as it is but is not as this tool writes it (by hand)."""
        data, spans, sha = self.base, self.spans, self.sha
        if not sha:
            data, spans = self._spliced()
            if not self.changed and data != self.base:
                return None
            sha = hashlib.sha256(data).hexdigest()
        return LockText(data, spans, sha)

    def _spliced(self) -> tuple[bytes, dict[str, tuple[int, int]]]:
        """The lock: the lines of the books not reconciled as they were, the others new;
        and where each book is in it."""
        lock = self.reconciled.lock
        header = header_line(lock.note_type_hash, lock.note_type_changed, lock.namespace)
        base = memoryview(self.base)  # its slices are not copies
        segments: dict[str, bytes | memoryview] = {b: base[x:y] for b, (x, y) in self.spans.items()}
        segments.update(book_segments(lock))
        spans: dict[str, tuple[int, int]] = {}
        start = len(header)
        for book in sorted(segments):
            spans[book] = (start, start + len(segments[book]))
            start += len(segments[book])
        return header + b"".join(segments[book] for book in sorted(segments)), spans


class LockText(NamedTuple):
    data: bytes
    spans: dict[str, tuple[int, int]]  # by book: where its lines are in ``data``
    sha: str  # of ``data``


@dataclass
class Locked:
    decks: list[Deck] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    pending: dict[Path, PendingLock] = field(default_factory=dict)  # by content root
    note_type_mod: dict[Path, int] = field(default_factory=dict)  # by content root
    restyled: set[Path] = field(default_factory=set)  # roots whose templates changed


def apply_locks(
    decks: list[Deck],
    built: Mapping[Path, set[str]],
    note_types: Mapping[Path, str],
    now: int,
    diagnostics: Diagnostics,
    recall: Callable[[Path], Recall] = lambda _root: forgotten,
    partial: Collection[Path] = (),
    taken: Callable[[str, Path], bool] = lambda _namespace, _root: False,
    recorded: Callable[[Path], str] = lambda _root: "",
) -> Locked:
    """``decks`` reconciled with the lock of their content root; a root whose lock cannot
    be read builds nothing (its error says why), and its lock is left alone. ``built``: by root, the
    files built (relative to it); ``note_types``: by root, its templates' digest;
    ``recall``: by root, what the last build made of its notes; ``partial``: the roots
    read only in part (a file or a subfolder given), whose other notes stay as they are;
    ``taken``: whether a namespace is another folder's, on this machine (``owners``);
    ``recorded``: the namespace this machine knows a root by ('' if none): a lock lost (a
    merge gone wrong) gets it back, and with it every GUID."""
    locked = Locked()
    for root in sorted({deck.book.root for deck in decks} | set(built)):
        mine = [deck for deck in decks if deck.book.root == root]
        path = lock_path(root)
        lock = read_lock(path, display_path(path), diagnostics)
        if lock is not None and path.name == LEGACY_LOCK_FILE:
            message = (
                f"the lock under the tool's old name: a build writes {LOCK_FILE} in its "
                "place; commit that and delete this one"
            )
            diagnostics.warning(display_path(path), 0, message, "lock")
        note_type_hash = note_types.get(root, "")
        same_type = lock is not None and lock.note_type_hash == note_type_hash
        if lock is None:
            type_mod = now
        else:  # a changed note type, like a changed note, is dated after its last change
            type_mod = lock.note_type_changed if same_type else later(lock.note_type_changed, now)
        locked.note_type_mod[root] = type_mod
        if lock is not None and lock.note_type_hash and not same_type:
            locked.restyled.add(root)
        if lock is None:  # new GUIDs would duplicate every card on the next import
            continue
        given = lock.namespace
        if not given:  # a first build, or a lock written before folders had one
            made = recorded(root) or new_namespace(n.guid for deck in mine for n in deck.notes)
            if made and taken(made, root):  # another folder of the same notes has it
                made = new_namespace([made, str(root)])
            lock = replace(lock, namespace=made)
        recalled = recall(root)
        if lock.first:  # the lock's first format kept fields: a note retired now has them
            recalled = either(recalled, from_first_format(lock.first))
        files = set(built.get(root, ()))
        done = reconcile(mine, lock, now, files, root, recalled, whole=root not in partial)
        locked.decks += done.decks
        locked.changes += done.changes
        new = Lock(
            done.lock.entries, note_type_hash, type_mod, True, lock.lines, namespace=lock.namespace
        )
        # An unchanged lock is not even serialised again; one of the old name or an older
        # format is, anew.
        changed = (
            not same_entries(lock, new)
            or path.name == LEGACY_LOCK_FILE
            or lock.format != new.format
            or new.namespace != given
        )
        done = done._replace(lock=new)
        locked.pending[root] = PendingLock(root, done, changed, lock.data, {})
    return locked


def same_entries(old: Lock, new: Lock) -> bool:
    header = (old.found, old.note_type_hash, old.note_type_changed, old.namespace)
    if header != (new.found, new.note_type_hash, new.note_type_changed, new.namespace):
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
