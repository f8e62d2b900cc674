"""What the lock stage of the last build left, per content root and per book, so that the
next build reconciles only the books whose files changed (``relock``) and takes the rest
as they were: their decks with the lock's GUIDs and times, and where their lines are in
the lock. Kept in ``<out>/.ankipress-cache/lock-*/``: one file per book, and an index."""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from ankipress.assemble.filecache import CACHE_DIR
from ankipress.assemble.sealed import seal, seal_pickled, unseal
from ankipress.atomic import open_regular, write_cache
from ankipress.identity.lockfile import LOCK_FILE
from ankipress.identity.reconcile import Change
from ankipress.identity.retire import Recall, Recalled
from ankipress.records import Deck

_INDEX = "index.pickle"
_ERRORS = (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError, TypeError)


@dataclass(frozen=True)
class BookState:
    """A book as the next build finds it, if its file is the same."""

    decks: tuple[Deck, ...]  # with the lock's GUIDs and times, removed notes retired
    changes: tuple[Change, ...]  # one per note, all unchanged
    guids: frozenset[str]  # of its lock entries
    unclaimed: frozenset[str]  # answer hashes of its entries no note has: a new note may match
    loose: bool  # it has a note the next build matches again, against every book's entries
    digests: tuple[str, ...] = ()  # each deck's packageindex.notes_digest
    listings: tuple[str, ...] = ()  # each deck's manifest.notes_listing


class BookIndex(NamedTuple):
    span: tuple[int, int]  # where its lines are in the lock
    file: str  # its file, relative to the root ('' when only removed notes are left)
    file_key: str  # that file's cache key (filecache) when its notes were reconciled
    token: str  # of its state file: one written by another build is not taken for it
    # The state file as written (device, inode, size, modification and change times): one
    # still the same is read without its MAC checked, the (sealed) index vouching for it.
    stamp: tuple[int, ...] = ()


@dataclass(frozen=True)
class RootState:
    lock_sha: str  # of the lock the spans are in
    note_type: str  # the templates' digest (the lock's note type hash)
    type_mod: int  # the note type's time in the lock
    books: dict[str, BookIndex]


class Remembered(NamedTuple):
    state: RootState
    lock: bytes  # the lock the state is of
    books: dict[str, BookState]  # those whose file is the same (or still missing)


class LockStates:
    """The remembered lock stages of one output folder, by content root."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folder = out / CACHE_DIR

    def root(self, root: Path) -> RootState | None:
        try:
            with open_regular(self._folder(root) / _INDEX) as f:
                state = unseal(f)
        except _ERRORS:
            return None
        return state if isinstance(state, RootState) else None

    def _vouched(self, root: Path, book: str, index: BookIndex) -> BookState | None:
        """A book's state, its MAC not checked if its file is the one the index stamped."""
        return _book_state(self._folder(root) / _book_file(book), index.token, index.stamp)

    def save(self, root: Path, state: RootState, books: dict[str, bytes]) -> None:
        """``books``: the state files (from ``book_file``) that changed; then the index,
        last; then the files of books no longer in it are deleted."""
        folder = self._folder(root)
        for book, data in books.items():
            write_cache(self.out, folder / _book_file(book), data)
        stamped = {
            book: i._replace(stamp=_stamp(folder / _book_file(book)))
            for book, i in state.books.items()
        }
        state = replace(state, books=stamped)
        write_cache(self.out, folder / _INDEX, seal(state))
        wanted = {_book_file(book) for book in state.books} | {_INDEX}
        for name in os.listdir(folder) if self._own(folder) else ():
            if name not in wanted and name.endswith(".pickle"):
                (folder / name).unlink(missing_ok=True)

    def take(self, files: dict[Path, dict[str, str]]) -> dict[Path, Remembered]:
        """What the last build left for each content root whose lock is still the one it
        left, with the books whose file (relative path -> cache key in ``files``) is
        still the same, or which still have none."""
        found = {}
        for root, keys in files.items():
            state = self.root(root)
            try:
                lock = (root / LOCK_FILE).read_bytes() if state is not None else b""
            except OSError:
                continue
            if state is None or hashlib.sha256(lock).hexdigest() != state.lock_sha:
                continue
            books = {}
            for book, index in state.books.items():
                if (index.file == "" or keys.get(index.file) == index.file_key) and (
                    taken := self._vouched(root, book, index)
                ) is not None:
                    books[book] = taken
            found[root] = Remembered(state, lock, books)
        return found

    def recall(self, root: Path) -> Recall:
        """What the last build made of each note of ``root`` (by GUID), read when first
        asked: the fields and deck a retired note is shipped with once more."""
        found: dict[str, Recalled] = {}
        read = False

        def recall(guid: str) -> Recalled | None:
            nonlocal read
            if not read:  # every book's last state, even one a failed build left unindexed
                read = True
                folder = self._folder(root)
                names = os.listdir(folder) if self._own(folder) else []
                for name in sorted(n for n in names if n.endswith(".pickle") and n != _INDEX):
                    taken = _book_state(folder / name, None)
                    for deck in taken.decks if taken is not None else ():
                        found.update(
                            (n.guid, Recalled(deck.name, deck.deck_id, n)) for n in deck.notes
                        )
            return found.get(guid)

        return recall

    def forget(self, root: Path) -> None:
        if self._own(self._folder(root)):
            (self._folder(root) / _INDEX).unlink(missing_ok=True)

    def _own(self, folder: Path) -> bool:
        """Whether ``folder`` is a real folder of the cache, not through a symlink (whatever
        is in the output folder is untrusted: nothing is deleted elsewhere through it)."""
        return all(p.is_dir() and not p.is_symlink() for p in (self.out / CACHE_DIR, folder))

    def _folder(self, root: Path) -> Path:
        return self.folder / f"lock-{hashlib.sha256(str(root).encode()).hexdigest()[:16]}"


def _stamp(path: Path) -> tuple[int, ...]:
    try:
        found = os.stat(path, follow_symlinks=False)
    except OSError:
        return ()
    return _stamp_of(found)


def _stamp_of(found: os.stat_result) -> tuple[int, ...]:
    """A file as written: one a clone or a pull writes differs (device, inode, change
    time). None where change times are too coarse to tell (FAT, some network drives)."""
    if found.st_ctime_ns % 1_000_000 == 0:
        return ()
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def _book_state(path: Path, token: str | None, stamp: tuple[int, ...] = ()) -> BookState | None:
    try:
        with open_regular(path) as f:
            found = os.fstat(f.fileno())
            same = bool(stamp) and stamp == _stamp_of(found)
            if unseal(f, verify=not same) != token and token is not None:
                return None
            state = unseal(f, verify=not same)
    except _ERRORS:
        return None
    return state if isinstance(state, BookState) else None


def book_file(state: BookState) -> tuple[str, bytes]:
    """The token and the bytes of a book's state file."""
    data = pickle.dumps(state, pickle.HIGHEST_PROTOCOL)
    token = hashlib.sha256(data).hexdigest()[:32]
    return token, seal(token) + seal_pickled(data)


def _book_file(book: str) -> str:
    return hashlib.sha256(book.encode()).hexdigest()[:32] + ".pickle"
