"""Helpers that talk to the real Anki backend (the ``anki`` package from PyPI)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest


@dataclass
class ImportLog:
    """GUIDs by what Anki did with them."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    conflicting: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AnkiNote:
    guid: str
    fields: dict[str, str]
    deck: str
    note_type: str
    mod: int


def open_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_packages(col: Collection, packages: Iterable[Path]) -> ImportLog:
    log = ImportLog()
    for package in packages:
        request = ImportAnkiPackageRequest(
            package_path=str(package),
            options=ImportAnkiPackageOptions(with_scheduling=True),
        )
        response = col.import_anki_package(request).log
        for name in ("new", "updated", "duplicate", "conflicting"):
            getattr(log, name).extend(_guid(col, n.id.nid) for n in getattr(response, name))
    return log


def _guid(col: Collection, nid: int) -> str:
    try:
        return col.get_note(nid).guid
    except Exception:  # a conflicting note may not exist in the collection
        return f"nid:{nid}"


def notes(col: Collection) -> list[AnkiNote]:
    found = []
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        note_type = note.note_type()
        assert note_type is not None
        names = [f["name"] for f in note_type["flds"]]
        deck = col.decks.name(col.get_card(note.card_ids()[0]).did)
        found.append(
            AnkiNote(
                note.guid,
                dict(zip(names, note.fields, strict=True)),
                deck,
                note_type["name"],
                note.mod,
            )
        )
    return sorted(found, key=lambda n: (n.deck, n.fields["Source"]))


def match_key(question: str) -> str:
    """How seed-cards.json matches a card to an entry: no numbering, no leading ``Q:``,
    no punctuation or spaces, no case."""
    text = unicodedata.normalize("NFKC", question)
    text = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", text)
    text = re.sub(r"^\s*q\s*:\s*", "", text, flags=re.IGNORECASE)
    return "".join(
        c for c in text if not (c.isspace() or unicodedata.category(c).startswith("P"))
    ).casefold()
