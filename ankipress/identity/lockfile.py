"""The identity lock: ``ankipress.lock`` at the top of a content folder, committed with it.

One JSON object per line, sorted, so a diff shows which notes changed. The first line holds
the format and the note type's hash and time; each other line one note (``lockentry``): its
GUID, what identifies it (book key, normalised question), its question, where it is, its
deck's id, hashes of its fields and answer, when they last changed and when it was first
built (its ids' time; not in entries written before it was kept). About 280 bytes a
note: identity and history only, no rendered fields, no paths the build writes to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ankipress.diagnostics import Diagnostics
from ankipress.first_name import LEGACY_LOCK_FILE, current_or_legacy
from ankipress.identity.lockcheck import Repeated, namespace_of, note_type_of, repeated_guid
from ankipress.identity.lockentry import LockEntry, entry_data, entry_of

LOCK_FILE = "ankipress.lock"
FORMAT = 2  # what a build writes
_READ = (1, 2)  # what it reads
_HEADERS = ("ankipress_lock", "ankideck_lock")  # what the first line names the format with


@dataclass(frozen=True)
class Lock:
    entries: tuple[LockEntry, ...] = ()
    note_type_hash: str = ""
    note_type_changed: int = 0
    found: bool = False  # read from a file (else: a first build)
    # Each entry as read, by id(): an entry that comes back unchanged is written as it was
    # read (the entry is kept with its line, so its id cannot be reused by another).
    lines: dict[int, tuple[LockEntry, str]] = field(default_factory=dict, compare=False, repr=False)
    data: bytes = field(default=b"", compare=False, repr=False)  # the file as read
    format: int = FORMAT  # as read: one of another format is written anew
    # Of a lock of the first format, each line as read, by GUID: it kept each note's fields
    # and deck, which a note retired in the build that rewrites it is shipped with.
    first: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # The notes folder's own: what a note new to it takes its GUID in ('' before a build
    # gave it one; the notes of such a lock keep the GUIDs it gives them)
    namespace: str = ""

    def by_guid(self) -> dict[str, LockEntry]:
        return {entry.guid: entry for entry in self.entries}


def lock_path(root: Path) -> Path:
    """Where a content root's lock is read from: ``ankipress.lock``, or the lock the tool
    wrote under its first name while there is no other. It is always written as the first."""
    return current_or_legacy(root, LOCK_FILE, LEGACY_LOCK_FILE)


def read_lock(path: Path, display: str, diagnostics: Diagnostics) -> Lock | None:
    """The lock at ``path``; an empty one if there is none; None (an error) if it is bad."""
    if not path.is_file():
        return Lock()
    number = 1
    data = b""
    try:
        _confined(path)
        data = path.read_bytes()
        lines = lock_lines(data.decode("utf-8"))
        header = json.loads(lines[0]) if lines else {}
        found = [header.get(k) for k in _HEADERS] if isinstance(header, dict) else []
        version = next((v for v in found if type(v) is int and v in _READ), None)
        if version is None:
            raise ValueError(f"not an ankipress lock of format {' or '.join(map(str, _READ))}")
        note_type, changed = note_type_of(header)
        namespace = namespace_of(header)
        body = [line for line in lines[1:] if line.strip()]
        try:  # one parse of them all; line by line only to say where a mistake is
            parsed = _parsed(body)
            entries = [entry_of(line) for line in parsed]
        except _BAD:
            for line in lines[1:]:
                number += 1
                if line.strip():
                    read_entries([line])
            raise
        repeated_guid(entries, lines)
    except (OSError, UnicodeDecodeError, *_BAD) as exc:
        number = exc.line if isinstance(exc, Repeated) else number
        if isinstance(exc, RecursionError):
            exc = ValueError("JSON nested too deep")
        diagnostics.error(
            display, number, f"unreadable lock, so nothing is built from its folder: {exc}", "lock"
        )
        return None
    raw = {id(entry): (entry, line) for entry, line in zip(entries, body, strict=True)}
    raw = raw if version == FORMAT else {}  # lines of another format are not written again
    first = {line["guid"]: line for line in parsed} if version == 1 else {}
    return Lock(tuple(entries), note_type, changed, True, raw, data, version, first, namespace)


_BAD = (ValueError, KeyError, TypeError, RecursionError)  # what a line of the lock may raise
LOCK_LIMIT = 100 << 20  # bytes: 350,000 notes of the lean format


def _confined(path: Path) -> None:
    """A lock is read only from inside its content folder (a symlink may not lead out: what
    it says would reach decks), and only a regular file of at most ``LOCK_LIMIT`` bytes."""
    real = path.resolve()
    if not real.is_relative_to(path.parent.resolve()):
        raise ValueError(f"it is a symlink to {real}, outside the content folder")
    size = real.stat().st_size
    if size > LOCK_LIMIT:
        raise ValueError(f"it is {size >> 20} MB, over the {LOCK_LIMIT >> 20} MB a lock may be")


def written_now(data: bytes) -> bool:
    """Whether a lock is of the format this build writes (else it is read, and written, anew)."""
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)]  # not a split: that copies the rest
    try:
        header = json.loads(first)
    except (ValueError, RecursionError):
        return False
    return isinstance(header, dict) and header.get(_HEADERS[0]) == FORMAT


def read_entries(lines: list[str]) -> list[LockEntry]:
    """The entries of note lines of a lock."""
    return [entry_of(data) for data in _parsed(lines)]


def _parsed(lines: list[str]) -> list[Any]:
    """The JSON values of note lines of a lock, in one parse."""
    return json.loads("[" + ",".join(lines) + "]")


def header_line(note_type_hash: str, note_type_changed: int, namespace: str) -> bytes:
    """The first line of a lock."""
    note_type = {"hash": note_type_hash, "changed": note_type_changed}
    header = {_HEADERS[0]: FORMAT, "namespace": namespace, "note_type": note_type}
    return (_line(header) + "\n").encode()


def namespace_in(data: bytes) -> str:
    """The namespace a lock's first line records, of a lock read whole before ('' if none)."""
    end = data.find(b"\n")
    try:
        header = json.loads(data[: end if end >= 0 else len(data)])
        return namespace_of(header) if isinstance(header, dict) else ""
    except (ValueError, RecursionError):
        return ""


def book_segments(lock: Lock) -> dict[str, bytes]:
    """The lines of each book's entries, encoded, in the order of the lock."""
    by_book: dict[str, list[LockEntry]] = {}
    for entry in sorted(lock.entries, key=lambda e: (e.book, e.question, e.guid)):
        by_book.setdefault(entry.book, []).append(entry)
    return {
        book: "".join((_as_read(lock, e) or _line(entry_data(e))) + "\n" for e in entries).encode()
        for book, entries in by_book.items()
    }


def _as_read(lock: Lock, entry: LockEntry) -> str | None:
    known = lock.lines.get(id(entry))
    return known[1] if known is not None and known[0] is entry else None


def _line(data: dict[str, Any]) -> str:
    """One entry, on one line whatever its text holds: U+2028, U+2029 and U+0085, which
    JSON leaves raw, are escaped (``str.splitlines`` and many editors break lines there)."""
    line = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return line.translate(_BREAKS) if _BREAK.search(line) else line  # (translate is slow)


_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})
_BREAK = re.compile("[\u2028\u2029\x85]")


def recorded_books(root: Path) -> dict[str, set[str]]:
    """The book keys a root's lock records for each file (of its live notes), read
    lightly: no entry is checked or built (a bad lock gives none; the build says why)."""
    found: dict[str, set[str]] = {}
    path = lock_path(root)
    try:
        _confined(path)
        lines = lock_lines(path.read_bytes().decode("utf-8"))[1:]
        for data in _parsed(lines):
            at, book = data.get("at"), data.get("book")
            if "removed" not in data and isinstance(at, str) and isinstance(book, str):
                found.setdefault(at.rpartition(":")[0], set()).add(book)
    except (OSError, ValueError, AttributeError, RecursionError):
        return {}
    return found


class Held(NamedTuple):
    """What a root's lock holds, read lightly (``held``)."""

    guids: frozenset[str]  # of its notes, alive or retired
    hashes: frozenset[str]  # of their fields and tags: what they hold in Anki
    alive: dict[str, tuple[str, str]]  # GUID -> hash and deck hash, of its live notes


def held(root: Path) -> Held:
    """What a root's lock holds, read lightly; nothing if it has no lock, or one that
    cannot be read."""
    lines = _light(root)
    alive = {}
    for data in lines:
        guid, digest, deck = data.get("guid"), data.get("hash"), data.get("deck")
        if "removed" not in data and all(isinstance(v, str) for v in (guid, digest, deck)):
            alive[guid] = (digest, deck)
    return Held(
        frozenset(g for data in lines if isinstance(g := data.get("guid"), str)),
        frozenset(h for data in lines if isinstance(h := data.get("hash"), str)),
        alive,
    )


def _light(root: Path) -> list[dict[str, Any]]:
    """The note lines of a root's lock, parsed but not checked; none if it has no lock, or
    one that cannot be read (a line that is no object included)."""
    path = lock_path(root)
    try:
        _confined(path)
        lines = lock_lines(path.read_bytes().decode("utf-8"))[1:]
        found = _parsed([line for line in lines if line.strip()])
    except (OSError, ValueError, RecursionError):
        return []
    return found if all(isinstance(data, dict) for data in found) else []


def lock_lines(text: str) -> list[str]:
    """The lines of a lock: split at newlines only (a note's text may hold other breaks)."""
    lines = text.split("\n")
    return [line.removesuffix("\r") for line in (lines[:-1] if lines[-1] == "" else lines)]
