"""The user's Anki as a sync sees it: its notes of our note types, and what can be done to
them. Two ways in share this port: a collection file (``collectionfile.py``, the ``anki``
package) and a running Anki with the AnkiConnect add-on (``connect.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol


class AnkiUnreachable(Exception):
    """Anki cannot be reached, or refused a request: the message says what to do (exit 3).
    Raised before anything was changed, or between steps that each leave the collection
    whole (an import, a move, a retirement)."""


@dataclass(frozen=True)
class LiveCard:
    card_id: int
    deck: str  # its deck's name
    suspended: bool


@dataclass(frozen=True)
class LiveNote:
    """A note of one of our note types, as the collection holds it."""

    note_id: int
    guid: str | None  # None where Anki does not tell (AnkiConnect): ``recognise`` finds it
    mod: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    cards: tuple[LiveCard, ...]

    def known_as(self, guid: str) -> LiveNote:
        return replace(self, guid=guid)


@dataclass(frozen=True)
class Looks:
    """How a note type shows its notes: its CSS and each card's templates (name, front,
    back). An import may leave them as they were (AnkiConnect's merges note types and then
    keeps the collection's own unless a note of it is updated too: measured)."""

    model_id: int
    name: str
    css: str
    cards: tuple[tuple[str, str, str], ...]
    fields: tuple[str, ...] = ()  # its fields' names, in order


@dataclass(frozen=True)
class Snapshot:
    notes: tuple[LiveNote, ...]
    decks: frozenset[str]  # every deck's name
    # the filtered decks' (where Anki tells them: a collection file), under which Anki
    # puts no deck
    filtered: frozenset[str] = frozenset()

    def by_guid(self) -> dict[str, LiveNote]:
        return {note.guid: note for note in self.notes if note.guid is not None}

    def ids(self) -> dict[int, LiveNote]:
        return {note.note_id: note for note in self.notes}


class Anki(Protocol):
    """What a sync does to a collection: each call a step of its own, done or not."""

    target: str  # what it is, for the record's name
    shown: str  # what it is, for messages
    sees_guids: bool  # whether snapshots carry each note's GUID

    def snapshot(self, note_types: Iterable[int]) -> Snapshot: ...

    def foreign(
        self, guids: Iterable[str], note_ids: Iterable[int], note_types: Iterable[int]
    ) -> int:
        """How many notes of ours (by GUID, or by the record's note ids where Anki tells no
        GUIDs) are of a note type not ours now: changed in Anki, which an import with
        note types merged would overwrite with our fields."""

    def import_package(self, path: Path, named: Path, merge: bool = False) -> None:
        """As File › Import does it (AnkiConnect's ``importPackage``): notes updated only
        where the package's are newer, scheduling kept. ``path``: the sync's own copy of
        the package ``named`` (the name messages give). ``merge``: note types merged (as
        AnkiConnect always does), where Anki's has card templates ours lacks."""

    def looks(self, model_id: int) -> Looks | None:
        """The note type's looks as the collection holds them (None: it has no such)."""

    def restyle(self, looks: Looks) -> None:
        """Give the note type these CSS and templates (its cards keep their names)."""

    def change_deck(self, card_ids: list[int], deck: str) -> None: ...

    def suspend(self, card_ids: list[int], suspended: bool) -> None: ...

    def add_tag(self, note_ids: list[int], tag: str) -> None: ...

    def delete_notes(self, note_ids: list[int]) -> None: ...

    def cards_in(self, deck: str) -> int:
        """How many cards ``deck`` and its sub-decks hold."""

    def delete_empty_deck(self, deck: str) -> None: ...

    def sync_ankiweb(self) -> None: ...

    def close(self) -> None: ...
