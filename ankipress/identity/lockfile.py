"""The identity lock: ``ankipress.lock`` at the top of a content folder, committed with it.

One JSON object per line, sorted, so a diff shows which notes changed. The first line holds
the format and the note type's hash and time; each other line one note: its GUID, what
identified it (book key, normalised question, source file), a hash of its fields, when
they last changed, its deck, and its last fields (to ship it once more if it disappears).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ankipress.diagnostics import Diagnostics
from ankipress.first_name import LEGACY_LOCK_FILE, current_or_legacy
from ankipress.identity.lockcheck import (
    Repeated,
    count,
    deck_name,
    guid,
    note_type_of,
    repeated_guid,
)
from ankipress.identity.lockcheck import tags as check_tags

LOCK_FILE = "ankipress.lock"
FORMAT = 1
_HEADERS = ("ankipress_lock", "ankideck_lock")  # what the first line names the format with


@dataclass(frozen=True)
class LockEntry:
    guid: str
    book: str  # the book's key
    question: str  # normalised
    source: str  # the file, relative to the content root
    hash: str  # of the fields and tags
    changed: int  # when the hash last changed (the note's mod)
    deck: tuple[int, str, str]  # deck id, deck name, package path
    fields: tuple[str, ...]
    tags: tuple[str, ...] = ()
    removed: int | None = None  # when it disappeared from the sources (shipped then, once)


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

    def by_guid(self) -> dict[str, LockEntry]:
        return {entry.guid: entry for entry in self.entries}


def lock_path(root: Path) -> Path:
    """Where a content root's lock is read from: ``ankipress.lock``, or the lock the tool
    wrote under its first name while there is no other. It is always written as the first."""
    return current_or_legacy(root, LOCK_FILE, LEGACY_LOCK_FILE)


def content_hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def read_lock(path: Path, display: str, diagnostics: Diagnostics) -> Lock | None:
    """The lock at ``path``; an empty one if there is none; None (an error) if it is bad."""
    if not path.is_file():
        return Lock()
    number = 1
    data = b""
    try:
        data = path.read_bytes()
        lines = lock_lines(data.decode("utf-8"))
        header = json.loads(lines[0]) if lines else {}
        if not isinstance(header, dict) or FORMAT not in (header.get(k) for k in _HEADERS):
            raise ValueError(f"not an ankipress lock of format {FORMAT}")
        note_type, changed = note_type_of(header)
        body = [line for line in lines[1:] if line.strip()]
        try:  # one parse of them all; line by line only to say where a mistake is
            entries = read_entries(body)
        except ValueError:
            for line in lines[1:]:
                number += 1
                if line.strip():
                    read_entries([line])
            raise
        repeated_guid(entries, lines)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        number = exc.line if isinstance(exc, Repeated) else number
        diagnostics.error(
            display, number, f"unreadable lock, so nothing is built from its folder: {exc}", "lock"
        )
        return None
    raw = {id(entry): (entry, line) for entry, line in zip(entries, body, strict=True)}
    return Lock(tuple(entries), note_type, changed, True, raw, data)


def read_entries(lines: list[str]) -> list[LockEntry]:
    """The entries of note lines of a lock."""
    return [_entry(data) for data in json.loads("[" + ",".join(lines) + "]")]


def _entry(data: dict[str, Any]) -> LockEntry:
    deck_id, name, output = data["deck"]
    package = PurePosixPath(str(output))  # a removed note's package is written there
    if package.is_absolute() or ".." in package.parts or package.suffix != ".apkg":
        raise ValueError(f"package {str(output)!r} is not an .apkg inside the output folder")
    tags = check_tags(data.get("tags", ()))
    removed = data.get("removed")
    return LockEntry(
        guid=guid(data["guid"]),
        book=str(data["book"]),
        question=str(data["question"]),
        source=str(data["source"]),
        hash=str(data["hash"]),
        changed=count(data["changed"], "changed"),
        deck=(count(deck_id, "deck id"), deck_name(name), str(output)),
        fields=tuple(str(f) for f in data["fields"]),
        tags=tags,
        removed=None if removed is None else count(removed, "removed"),
    )


def header_line(note_type_hash: str, note_type_changed: int) -> bytes:
    """The first line of a lock."""
    note_type = {"hash": note_type_hash, "changed": note_type_changed}
    return (_line({_HEADERS[0]: FORMAT, "note_type": note_type}) + "\n").encode()


def book_segments(lock: Lock) -> dict[str, bytes]:
    """The lines of each book's entries, encoded, in the order of the lock."""
    by_book: dict[str, list[LockEntry]] = {}
    for entry in sorted(lock.entries, key=lambda e: (e.book, e.question, e.guid)):
        by_book.setdefault(entry.book, []).append(entry)
    return {
        book: "".join((_as_read(lock, e) or _line(_plain(e))) + "\n" for e in entries).encode()
        for book, entries in by_book.items()
    }


def _as_read(lock: Lock, entry: LockEntry) -> str | None:
    known = lock.lines.get(id(entry))
    return known[1] if known is not None and known[0] is entry else None


def _plain(entry: LockEntry) -> dict[str, Any]:
    return {
        "guid": entry.guid,
        "book": entry.book,
        "question": entry.question,
        "source": entry.source,
        "hash": entry.hash,
        "changed": entry.changed,
        "deck": list(entry.deck),
        "fields": list(entry.fields),
        "tags": list(entry.tags),
        "removed": entry.removed,
    }


def _line(data: dict[str, Any]) -> str:
    """One entry, on one line whatever its text holds: U+2028, U+2029 and U+0085, which
    JSON leaves raw, are escaped (``str.splitlines`` and many editors break lines there)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_BREAKS)


_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def lock_lines(text: str) -> list[str]:
    """The lines of a lock: split at newlines only (a note's text may hold other breaks)."""
    lines = text.split("\n")
    return [line.removesuffix("\r") for line in (lines[:-1] if lines[-1] == "" else lines)]
