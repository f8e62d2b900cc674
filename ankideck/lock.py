"""The identity lock: ``ankideck.lock`` at the top of a content folder, committed with it.

One JSON object per line, sorted, so a diff shows which notes changed. The first line holds
the format and the note type's hash and time; each other line one note: its GUID, what
identified it (book key, normalised question, source file), a hash of its fields, when
they last changed, its deck, and its last fields (to ship it once more if it disappears).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ankideck.diagnostics import Diagnostics

LOCK_FILE = "ankideck.lock"
FORMAT = 1


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

    def by_guid(self) -> dict[str, LockEntry]:
        return {entry.guid: entry for entry in self.entries}


def content_hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def read_lock(path: Path, display: str, diagnostics: Diagnostics) -> Lock | None:
    """The lock at ``path``; an empty one if there is none; None (an error) if it is bad."""
    if not path.is_file():
        return Lock()
    entries = []
    number = 1
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0]) if lines else {}
        if not isinstance(header, dict) or header.get("ankideck_lock") != FORMAT:
            raise ValueError(f"not an ankideck lock of format {FORMAT}")
        body = [line for line in lines[1:] if line.strip()]
        try:  # one parse of them all; line by line only to say where a mistake is
            parsed = json.loads("[" + ",".join(body) + "]")
        except ValueError:
            parsed = []
            for line in lines[1:]:
                number += 1
                if line.strip():
                    parsed.append(json.loads(line))
        entries = [_entry(data) for data in parsed]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        diagnostics.error(display, number, f"unreadable lock, not used or rewritten: {exc}", "lock")
        return None
    note_type = header.get("note_type", {})
    raw = {id(entry): (entry, line) for entry, line in zip(entries, body, strict=True)}
    changed = int(note_type.get("changed", 0))
    return Lock(tuple(entries), note_type.get("hash", ""), changed, True, raw)


def _entry(data: dict[str, Any]) -> LockEntry:
    deck_id, name, output = data["deck"]
    return LockEntry(
        guid=str(data["guid"]),
        book=str(data["book"]),
        question=str(data["question"]),
        source=str(data["source"]),
        hash=str(data["hash"]),
        changed=int(data["changed"]),
        deck=(int(deck_id), str(name), str(output)),
        fields=tuple(str(f) for f in data["fields"]),
        tags=tuple(str(t) for t in data.get("tags", ())),
        removed=None if data.get("removed") is None else int(data["removed"]),
    )


def lock_text(lock: Lock) -> str:
    """What ``read_lock`` reads back as ``lock``."""
    header = {
        "ankideck_lock": FORMAT,
        "note_type": {"hash": lock.note_type_hash, "changed": lock.note_type_changed},
    }
    entries = sorted(lock.entries, key=lambda e: (e.book, e.question, e.guid))
    lines = [_line(header)] + [_as_read(lock, e) or _line(_plain(e)) for e in entries]
    return "\n".join(lines) + "\n"  # (an unchanged lock is never written: locking._same)


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
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
