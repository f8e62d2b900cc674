"""Helpers that talk to the real Anki backend (the ``anki`` package from PyPI)."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    tags: tuple[str, ...] = ()


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
                tuple(sorted(note.tags)),
            )
        )
    return sorted(found, key=lambda n: (n.deck, n.fields["Source"]))


def imported(packages: Path, collection: Path) -> list[AnkiNote]:
    """The notes a fresh collection in the folder ``collection`` holds after importing
    every package under the folder ``packages``."""
    col = open_collection(collection)
    try:
        import_packages(col, sorted(packages.rglob("*.apkg")))
        return notes(col)
    finally:
        col.close()


def match_key(question: str) -> str:
    """How seed-cards.json matches a card to an entry: no numbering, no leading ``Q:``,
    no punctuation or spaces, no case."""
    text = unicodedata.normalize("NFKC", question)
    text = re.sub(r"^\s*\d+(?:\.\d+)*\.?\s*", "", text)
    text = re.sub(r"^\s*q\s*:\s*", "", text, flags=re.IGNORECASE)
    return "".join(
        c for c in text if not (c.isspace() or unicodedata.category(c).startswith("P"))
    ).casefold()


def build_and_import(
    project: Path, files: dict[str, str]
) -> tuple[str, dict[str, Any], list[AnkiNote]]:
    """``files`` written to ``project/content``, built by the CLI into ``project/decks``
    and imported into a fresh collection: the build's output, ``check --format json``'s
    report, and the notes Anki holds."""
    from tests.conftest import PYTHON, REPO

    content = project / "content"
    content.mkdir()
    for name, text in files.items():
        (content / name).write_text(text, encoding="utf-8")
    run = [PYTHON, str(REPO / "build_deck.py")]
    done = subprocess.run(
        [*run, "build", "content", "-o", "decks"], cwd=project, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    check = subprocess.run(
        [*run, "check", "content", "--format", "json"], cwd=project, capture_output=True, text=True
    )
    col = open_collection(project / "anki")
    import_packages(col, sorted((project / "decks").rglob("*.apkg")))
    found = notes(col)
    col.close()
    return done.stdout + done.stderr, json.loads(check.stdout), found


def folder_guid(root: Path, book: str, question: str) -> str:
    """The GUID a note new to the notes folder ``root`` took: its question's, in the
    namespace the folder's lock records."""
    from ankipress.identity.guids import in_namespace, note_guid
    from ankipress.identity.lockfile import namespace_in

    namespace = namespace_in((root / "ankipress.lock").read_bytes())
    assert namespace, "the lock records no namespace"
    return in_namespace(namespace, note_guid(book, question))
