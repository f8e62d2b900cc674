"""Checks of what a lock holds, value by value: it is read from a notes repository, and
nothing in one is trusted."""

from __future__ import annotations

import re
from typing import Any, Protocol


class _Keyed(Protocol):
    @property
    def guid(self) -> str: ...


def repeated_guid(entries: list[_Keyed], lines: list[str]) -> None:
    """Two entries with one GUID would give two notes one GUID (one replacing the other in
    Anki): raised at the line of the second."""
    numbers = [n for n, line in enumerate(lines[1:], start=2) if line.strip()]
    seen: dict[str, int] = {}
    for entry, number in zip(entries, numbers, strict=True):
        if entry.guid in seen:
            raise Repeated(number, f"its guid {entry.guid!r} is also on line {seen[entry.guid]}")
        seen[entry.guid] = number


class Repeated(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def note_type_of(header: dict[str, Any]) -> tuple[str, int]:
    """The note type's hash and change time a lock's header records, checked."""
    note_type = header.get("note_type", {})
    if not isinstance(note_type, dict):
        raise ValueError("its note_type is not an object")
    digest, changed = note_type.get("hash", ""), note_type.get("changed", 0)
    if not isinstance(digest, str) or type(changed) is not int or not 0 <= changed <= MAX_TIME:
        raise ValueError("its note_type has a bad hash or time")
    return digest, changed


def namespace_of(header: dict[str, Any]) -> str:
    """The notes folder's namespace a lock's header records ('' in a lock written before
    folders had one), checked."""
    namespace = header.get("namespace", "")
    if not isinstance(namespace, str) or not (namespace == "" or _NAMESPACE.fullmatch(namespace)):
        raise ValueError("its namespace is not 32 hexadecimal digits")
    return namespace


_NAMESPACE = re.compile(r"[0-9a-f]{32}")


def count(value: Any, what: str) -> int:
    """An id a collection can hold: 0 to 2**63 - 1 (Anki's ids are signed 64-bit)."""
    if type(value) is not int or not 0 <= value < 2**63:
        raise ValueError(f"its {what} is not an integer from 0 to 2**63 - 1")
    return value


# A time, in seconds: a note's id is the time it was first built in milliseconds (and its
# cards' ids a few more: a second spare), so a time's milliseconds must fit in a signed
# 64-bit integer, as Anki's ids do.
MAX_TIME = (2**63 - 1) // 1000 - 1


def seconds(value: Any, what: str) -> int:
    """A time in seconds a collection can hold, in milliseconds too: 0 to ``MAX_TIME``."""
    if type(value) is not int or not 0 <= value <= MAX_TIME:
        raise ValueError(f"its {what} is not a time from 0 to {MAX_TIME} (seconds)")
    return value


def guid(value: Any) -> str:
    """A GUID: 1 to 64 printable ASCII characters, not a space (genanki's are 10 of base91)."""
    if not isinstance(value, str) or not 0 < len(value) <= 64 or not _GUID.fullmatch(value):
        raise ValueError("its guid is not 1 to 64 printable ASCII characters")
    return value


_GUID = re.compile(r"[!-~]+")
_DIGEST = re.compile(r"[0-9a-f]{8,64}")


def text(value: Any, what: str, empty: bool = False) -> str:
    """A string (of any length: the lock's own size is bounded; whatever a note's question
    or a book's id holds, the tool writes, so it reads it back)."""
    if not isinstance(value, str):
        raise ValueError(f"its {what} is not a text")
    if not value and not empty:
        raise ValueError(f"its {what} is empty")
    return value


def digest(value: Any, what: str) -> str:
    """A hash: 8 to 64 lowercase hexadecimal digits."""
    if not isinstance(value, str) or not _DIGEST.fullmatch(value):
        raise ValueError(f"its {what} is not 8 to 64 hexadecimal digits")
    return value


# What a tag may not hold: Anki splits tags at spaces, {{Tags}} shows them as HTML (and
# MathJax typesets them there: no backslash, so no command).
TAG_UNSAFE = re.compile(r"[\s<>&\"'\\]+")


def tags(values: Any) -> tuple[str, ...]:
    """A note's tags: words (no space, as Anki splits them) that are text, not markup: what
    the settings make of any tag (``notes.config``), so a lock the tool wrote reads back."""
    if not isinstance(values, list) or not all(isinstance(t, str) for t in values):
        raise ValueError("its tags are not a list of texts")
    # A backslash, which locks written before it was refused may hold: as the settings
    # now write it (the note's hash moves, so it is shipped once more with that tag).
    tags = [t.replace("\\", "_") for t in values]
    if any(not t or TAG_UNSAFE.search(t) for t in tags):
        raise ValueError("a tag is empty or holds a space or markup")
    return tuple(tags)
