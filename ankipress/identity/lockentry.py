"""One note of the lock: what identifies it and when its content last changed, nothing more.

No rendered field, no deck name, no file path the build writes to: deck names and package
paths are always computed, never read back. Every value read is checked (it comes with the
notes, from a repository nobody here wrote); a bad one raises ``ValueError``.

Format 1 (which also kept each note's fields, deck name and package path) is read and
written again as format 2.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from ankipress.identity.lockcheck import count, digest, guid, seconds, tags, text


@dataclass(frozen=True)
class LockEntry:
    guid: str
    book: str  # the book's key
    question: str  # normalised: with the book, what identifies the note
    text: str  # the question as written, plain text
    at: str  # where the note is (was): "file:line", the file relative to the content root
    deck: str  # a hash of its deck's id and name (``deck_hash``): which deck, not a name
    hash: str  # of its fields and tags
    answer: str  # of its answer: a reworded question with this answer is the same note
    changed: int  # when the hash last changed (the note's mod)
    tags: tuple[str, ...] = ()
    removed: int | None = None  # when it disappeared from the sources (shipped then, once)
    since: int | None = None  # when it was first built (a lock written before: not known)
    deck_id: int | None = None  # the id of the deck it was last built in (idem)

    @property
    def first_built(self) -> int:
        """When the note was first built, as well as the lock knows: its ids' time."""
        return self.changed if self.since is None else self.since

    @property
    def source(self) -> str:
        """The file, relative to the content root."""
        return self.at.rpartition(":")[0]


def content_hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def answer_hash(answer: str) -> str:
    return content_hash(answer)


def deck_hash(deck_id: int, name: str) -> str:
    """Which deck a note is in: a renamed chapter keeps its id but is another deck in Anki."""
    return content_hash(str(deck_id), name)[:12]


_TAG = re.compile(r"<[^<>]*>")  # (a tag ends at the next "<" too: linear)


def plain_question(field: str) -> str:
    """The text of a Question field (its math stays as its TeX, which Anki renders)."""
    return html.unescape(_TAG.sub("", field))


def entry_of(data: Any) -> LockEntry:
    """An entry from a line of the lock, checked value by value."""
    if not isinstance(data, dict):
        raise ValueError("a note line is not an object")
    if "fields" in data:
        return _first_format(data)
    return LockEntry(
        **_identity(data),
        text=text(data["text"], "text", empty=True),
        at=_at(data["at"]),
        deck=digest(data["deck"], "deck"),
        answer=digest(data["answer"], "answer hash"),
    )


def _first_format(data: dict[str, Any]) -> LockEntry:
    """A format 1 entry: its deck name, package path and fields are not taken (the fields
    give the question's text and the answer's hash)."""
    fields = data["fields"]
    if (
        not isinstance(fields, list)
        or len(fields) < 2
        or not all(isinstance(f, str) for f in fields)
    ):
        raise ValueError("its fields are not a list of texts")
    deck = data["deck"]
    if not isinstance(deck, list) or len(deck) < 2:
        raise ValueError("its deck is not a list")
    line = html.unescape(fields[3]).rpartition(":")[2] if len(fields) > 3 else ""
    deck_id = count(deck[0], "deck id")
    return LockEntry(
        **(_identity(data) | {"deck_id": deck_id}),
        text=plain_question(fields[0]),
        at=_at(f"{data['source']}:{line if line.isdigit() else 0}"),
        deck=deck_hash(deck_id, text(deck[1], "deck name")),
        answer=answer_hash(fields[1]),
    )


def _identity(data: dict[str, Any]) -> dict[str, Any]:
    """What both formats hold alike, checked: GUID, book, question, hash, times, tags."""
    removed, since, deck_id = data.get("removed"), data.get("since"), data.get("deck_id")
    return {
        "guid": guid(data["guid"]),
        "book": text(data["book"], "book"),
        "question": text(data["question"], "question", empty=True),
        "hash": digest(data["hash"], "hash"),
        "changed": seconds(data["changed"], "changed"),
        "tags": tags(data.get("tags", [])),
        "removed": None if removed is None else seconds(removed, "removed"),
        "since": None if since is None else seconds(since, "since"),
        "deck_id": None if deck_id is None else count(deck_id, "deck id"),
    }


def _at(value: Any) -> str:
    """``file:line``: a relative path inside the content root (a backslash is a character
    of a name where it is not a separator), and a line number."""
    at = text(value, "at")
    file, _, line = at.rpartition(":")
    path = PurePosixPath(file)
    if (
        path.name in ("", ".")
        or not (line.isascii() and line.isdigit())
        or path.is_absolute()
        or ".." in path.parts
        or ("\\" in file and os.sep == "\\")
    ):
        raise ValueError(f"its at {at!r} is not a file:line inside the content folder")
    return at


def entry_data(entry: LockEntry) -> dict[str, Any]:
    """An entry as a line of the lock holds it."""
    data: dict[str, Any] = {
        "guid": entry.guid,
        "book": entry.book,
        "question": entry.question,
        "text": entry.text,
        "at": entry.at,
        "deck": entry.deck,
        "hash": entry.hash,
        "answer": entry.answer,
        "changed": entry.changed,
    }
    if entry.tags:
        data["tags"] = list(entry.tags)
    if entry.removed is not None:
        data["removed"] = entry.removed
    if entry.since is not None:
        data["since"] = entry.since
    if entry.deck_id is not None:
        data["deck_id"] = entry.deck_id
    return data
