"""What the last sync into one Anki found there: each note's id and the deck it put the
note in. The user's own state (``$XDG_STATE_HOME/ankipress/anki/``, else
``~/.local/state/...``), one file per Anki (its AnkiConnect address, or its collection
file), never in a notes repository: it says which note in Anki is which of ours, and a
repository must not say that.

Through AnkiConnect it is what recognises a note after the user edited it in Anki; for
both ways in, which deck a note's cards were last put in, so that cards the user moved to
a deck of their own stay there; and what the last sync put into each note, so that a note
edited both in Anki and in the notes since is a conflict, never overwritten. Losing it
costs only that: notes are recognised again by what ankipress wrote into them. A record
that cannot be read is ignored, with a warning.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ankipress.atomic import open_regular, write_bytes
from ankipress.identity.lockcheck import count, digest, guid, tags, text
from ankipress.userstate import state_folder

FORMAT = 1
_LIMIT = 100 * 1000**2  # bytes: larger is not a record this tool wrote


@dataclass(frozen=True)
class Record:
    target: str
    notes: Mapping[str, tuple[int, str]] = field(default_factory=dict)  # GUID -> id, deck
    # GUID -> the cards a sync suspended when it retired the note: a note back in the notes
    # gets these unsuspended, and no card the user suspended
    suspended: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    # GUID -> each field's fingerprint as a sync last put it into the note (Anki held it
    # after): a field of Anki's copy that differs was edited in Anki since
    synced: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tagged: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # GUID -> our tags put
    # the decks a sync set out to move cards from, until it is done: a sync stopped after
    # the moves leaves them to the next one to remove once empty
    leaving: tuple[str, ...] = ()
    # GUID -> each field's fingerprint as the notes made it when a pull carried Anki's
    # edits into them: the notes unchanged since, though Anki holds the same text spaced
    # otherwise (a no-break space); until a sync writes the notes' copy into Anki
    pulled: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def note_ids(self) -> dict[str, int]:
        return {g: nid for g, (nid, _) in self.notes.items()}

    def deck(self, guid: str) -> str | None:
        found = self.notes.get(guid)
        return None if found is None else found[1]


def record_path(target: str) -> Path:
    name = hashlib.sha256(target.encode()).hexdigest()[:24]
    return state_folder() / "anki" / f"{name}.json"


def read_record(target: str) -> tuple[Record, str]:
    """The record of ``target``, and a warning ('' if none): an empty one if there is
    none, or it cannot be read."""
    path = record_path(target)
    try:
        with open_regular(path) as f:
            data = f.read(_LIMIT + 1)
        if len(data) > _LIMIT:
            raise ValueError("larger than any record")
        return _parsed(json.loads(data), target), ""
    except FileNotFoundError:
        return Record(target), ""
    except (OSError, ValueError, RecursionError) as exc:
        why = f"sync record not read ({exc}); notes are recognised anew"
        return Record(target), f"{path}: warning: {why}"


def _parsed(data: object, target: str) -> Record:
    if not isinstance(data, dict) or data.get("ankipress_sync") != FORMAT:
        raise ValueError(f"not a record of format {FORMAT}")
    if data.get("target") != target:
        raise ValueError("the record of another Anki")
    notes = data.get("notes")
    if not isinstance(notes, dict):
        raise ValueError("its notes are not an object")
    found: dict[str, tuple[int, str]] = {}
    for key, value in notes.items():
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError("a note is not [id, deck]")
        found[guid(key)] = (count(value[0], "note id"), _deck(value[1], empty=True))
    paused = data.get("suspended", {})
    if not isinstance(paused, dict) or not all(isinstance(v, list) for v in paused.values()):
        raise ValueError("its suspended cards are not an object of lists")
    suspended = {guid(k): tuple(count(c, "card id") for c in v) for k, v in paused.items()}
    put = data.get("synced", {})  # (not in a record of an earlier version)
    if not isinstance(put, dict) or not all(isinstance(v, list) for v in put.values()):
        raise ValueError("its synced fields are not an object of lists")
    synced = {guid(k): tuple(digest(f, "fingerprint") for f in v) for k, v in put.items()}
    marked = data.get("tagged", {})
    if not isinstance(marked, dict) or not all(isinstance(v, list) for v in marked.values()):
        raise ValueError("its tags are not an object of lists")
    tagged = {guid(k): tags(v) for k, v in marked.items()}
    leaving = data.get("leaving", [])
    if not isinstance(leaving, list):
        raise ValueError("its decks left are not a list")
    made = data.get("pulled", {})
    if not isinstance(made, dict) or not all(isinstance(v, list) for v in made.values()):
        raise ValueError("its pulled fields are not an object of lists")
    pulled = {guid(k): tuple(digest(f, "fingerprint") for f in v) for k, v in made.items()}
    left = tuple(_deck(d) for d in leaving)
    return Record(target, found, suspended, synced, tagged, left, pulled)


def _deck(value: object, empty: bool = False) -> str:
    """A deck's name, checked: a lone surrogate is no deck name Anki has, nor one written
    back."""
    deck = text(value, "deck", empty=empty)
    deck.encode()
    return deck


def write_record(record: Record) -> str:
    """Save ``record`` (owner-only); a warning if it cannot be ('' if saved)."""
    path = record_path(record.target)
    notes = {g: [nid, deck] for g, (nid, deck) in sorted(record.notes.items())}
    paused = {g: list(ids) for g, ids in sorted(record.suspended.items()) if ids}
    data = {"ankipress_sync": FORMAT, "target": record.target, "notes": notes}
    data["suspended"] = paused
    data["synced"] = {g: list(prints) for g, prints in sorted(record.synced.items())}
    data["tagged"] = {g: list(t) for g, t in sorted(record.tagged.items())}
    data["leaving"] = sorted(set(record.leaving))
    data["pulled"] = {g: list(prints) for g, prints in sorted(record.pulled.items())}
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_bytes(path, json.dumps(data, ensure_ascii=False).encode(), private=True)
    except (OSError, ValueError) as exc:
        why = f"sync record not saved ({exc}); the next sync recognises notes anew"
        return f"{path}: warning: {why}"
    return ""
