"""The lock stage of a build: per content root, read its lock, reconcile the root's decks
with it, and (after the decks are written) save the updated lock."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ankideck.atomic import write_text
from ankideck.diagnostics import Diagnostics
from ankideck.discover import display_path
from ankideck.lock import LOCK_FILE, Lock, read_lock
from ankideck.notetype import Templates
from ankideck.reconcile import Change, reconcile
from ankideck.records import Deck


@dataclass
class Locked:
    decks: list[Deck] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    locks: dict[Path, Lock] = field(default_factory=dict)  # to save, by content root
    note_type_mod: dict[Path, int] = field(default_factory=dict)  # by content root


def apply_locks(
    decks: list[Deck],
    built: dict[Path, set[str]],
    templates: Mapping[Path, Templates],
    now: int,
    diagnostics: Diagnostics,
) -> Locked:
    """``decks`` reconciled with the lock of their content root; a root whose lock cannot
    be read builds as if it had none, and its lock is left alone."""
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
        mine, new, changes = reconcile(mine, lock, now, built.get(root, set()), root)
        locked.decks += mine
        locked.changes += changes
        new = Lock(new.entries, note_type_hash, type_mod, True, lock.lines)
        if not _same(lock, new):  # an unchanged lock is not even serialised again
            locked.locks[root] = new
    return locked


def _same(old: Lock, new: Lock) -> bool:
    header = (old.found, old.note_type_hash, old.note_type_changed)
    if header != (new.found, new.note_type_hash, new.note_type_changed):
        return False
    return len(old.entries) == len(new.entries) and set(old.entries) == set(new.entries)


def save_locks(texts: Mapping[Path, str], diagnostics: Diagnostics) -> None:
    """Each root's lock, given as its ``lock_text``."""
    for root, text in texts.items():
        path = root / LOCK_FILE
        try:
            write_text(path, text)
        except OSError as exc:  # a read-only checkout: the decks are built all the same
            message = f"cannot write the lock: {exc.strerror or exc}"
            diagnostics.warning(display_path(path), 0, message, "lock")
