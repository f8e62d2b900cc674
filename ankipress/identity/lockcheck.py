"""Checks of what a lock holds, value by value: it is read from a notes repository, and
nothing in one is trusted."""

from __future__ import annotations

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
    if not isinstance(digest, str) or type(changed) is not int or not 0 <= changed < 2**63:
        raise ValueError("its note_type has a bad hash or time")
    return digest, changed


def count(value: Any, what: str) -> int:
    """An integer a collection can hold (a time, an id): 0 to 2**63 - 1."""
    if type(value) is not int or not 0 <= value < 2**63:
        raise ValueError(f"its {what} is not an integer from 0 to 2**63 - 1")
    return value


def guid(value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 64 or not value.isprintable():
        raise ValueError("its guid is not 1 to 64 printable characters")
    return value


def tags(values: Any) -> tuple[str, ...]:
    """A note's tags: words (no space, as Anki splits them) that are text, not markup."""
    found = tuple(str(t) for t in values)
    if any(not t or any(c.isspace() or c in "<>&\"'" for c in t) for t in found):
        raise ValueError("a tag is empty or holds a space or markup")
    return found


def deck_name(value: Any) -> str:
    """A retired note's deck name: text (a template's ``{{Deck}}`` shows it as HTML)."""
    name = str(value)
    if not name or "<" in name or ">" in name:
        raise ValueError("its deck name is empty or holds markup")
    return name
