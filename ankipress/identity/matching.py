"""Which lock entry a note whose GUID the lock does not know is: the same note, its file
renamed or its question reworded, keeps the entry's GUID and so its review history."""

from __future__ import annotations

import difflib
import html

from ankipress.identity.guids import normalise_question
from ankipress.identity.lockentry import LockEntry, answer_hash
from ankipress.records import Note

SIMILAR = 0.5  # how alike two questions with the same answer must be to be one note
# An answer this long (characters of its HTML) that stays byte for byte in its book is
# the same note whatever its question became; a short one ("Yes.") may answer another.
OWN_ANSWER = 40
# Notes (or entries) of one answer beyond which none of them is matched by its answer:
# ``TODO`` under a hundred questions says nothing of which is which.
CROWD = 32


def kept_entries(unknown: list[tuple[str, Note]], orphans: list[LockEntry]) -> dict[str, LockEntry]:
    """New GUID -> the lock entry that already has its book and question: a note whose
    GUID was kept through a rename or rewording before. Only where both are one of a kind
    (a repeated question's GUID also depends on its section: those go to ``matched_entries``)."""
    entries: dict[tuple[str, str], list[LockEntry]] = {}
    for entry in orphans:
        entries.setdefault((entry.book, entry.question), []).append(entry)
    notes: dict[tuple[str, str], list[Note]] = {}
    for book, note in unknown:
        notes.setdefault((book, question_key(note)), []).append(note)
    found = {}
    for identity, claimants in notes.items():
        candidates = entries.get(identity, [])
        live = [entry for entry in candidates if entry.removed is None] or candidates
        if len(claimants) == 1 and len(live) == 1:
            found[claimants[0].guid] = live[0]
    return found


def matched_entries(
    unknown: list[tuple[str, Note]], orphans: list[LockEntry]
) -> dict[str, LockEntry]:
    """New GUID -> the orphaned lock entry it is: same answer, most similar question. In
    the same book, an answer of its own (not a short one) is enough: the question was
    reworded, however much. An answer more than ``CROWD`` notes or entries share matches
    none of them (so the pairs compared are at most ``CROWD`` a note)."""
    by_answer: dict[str, list[LockEntry]] = {}  # only these can match: no pair of them all
    for entry in orphans:
        by_answer.setdefault(entry.answer, []).append(entry)
    asking: dict[str, int] = {}  # how many notes of each answer ask to be matched
    for _, note in unknown:
        key = answer_hash(note.answer)
        asking[key] = asking.get(key, 0) + 1
    pairs = []
    for book, note in unknown:
        key = answer_hash(note.answer)
        if asking[key] > CROWD or len(by_answer.get(key, ())) > CROWD:
            continue  # one answer many notes share tells none of them apart (and the
            # pairs of them all would be quadratic: a lock can hold thousands)
        for entry in by_answer.get(key, ()):
            score = difflib.SequenceMatcher(None, question_key(note), entry.question).ratio()
            score += 0.01 * (entry.book == book)  # a tie goes to the same book
            own = entry.book == book and len(note.answer) >= OWN_ANSWER
            if score >= SIMILAR or own:
                pairs.append((score, note.guid, entry))
    found: dict[str, LockEntry] = {}
    taken: set[str] = set()
    for _score, guid, entry in sorted(pairs, key=lambda p: -p[0]):
        if guid not in found and entry.guid not in taken:
            found[guid] = entry
            taken.add(entry.guid)
    return found


def renamed_entries(
    unknown: list[tuple[str, Note]],
    orphans: list[LockEntry],
    built: set[str],
    locked: set[str],
) -> dict[str, LockEntry]:
    """New GUID -> the orphaned lock entry of its question, where a book is gone from the
    build (``built``: the books built) and a book new to the lock (``locked``: the books it
    knows) asks that question, each once: the file renamed, and the answer edited in the
    same change (an answer kept would have matched it already)."""
    entries: dict[str, list[LockEntry]] = {}
    for entry in orphans:
        if entry.book not in built and entry.removed is None:
            entries.setdefault(entry.question, []).append(entry)
    notes: dict[str, list[Note]] = {}
    for book, note in unknown:
        if book not in locked:
            notes.setdefault(question_key(note), []).append(note)
    return {
        claimants[0].guid: entries[question][0]
        for question, claimants in notes.items()
        if len(claimants) == 1 and len(entries.get(question, ())) == 1
    }


def question_key(note: Note) -> str:
    return note.key or normalise_question(html.unescape(note.question))
