"""Which live note is which of ours, where Anki does not tell a note's GUID (AnkiConnect).

A note is recognised by its fingerprint, the fields and tags ankipress wrote into it
(``wanted``); else by the note id the last sync into this Anki found it under (the
record), which is how a note edited in Anki since is known. A note edited in Anki before
any sync recognised it, or one the user added, is recognised as nothing, and left alone.
A fingerprint two live notes share (a note copied in Anki) recognises neither, unless the
record tells which. A note id the record gives is never taken over what a fingerprint
says (notes deleted and imported again get ids the record gave others); but a note the
record gives a GUID this build does not know (another folder's) is never recognised as
one of this build's by its fingerprint: a stranger's lock can copy any fingerprint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from ankipress.sync.live import Snapshot
from ankipress.sync.wanted import Wanted, fingerprint


def recognise(live: Snapshot, wanted: Wanted, record: Mapping[str, int]) -> Snapshot:
    """``live`` with the GUID of each note recognised set; ``record``: GUID -> note id."""
    if all(note.guid is not None for note in live.notes):  # the collection told them
        return live
    claimed = {note.guid for note in live.notes if note.guid is not None}
    # Notes the record knows as a note of another build (another notes folder's): a lock
    # is a repository's to write, and the fields and tags it gives can be copied from
    # anyone's public lock, so no fingerprint takes such a note away from its GUID.
    others = {nid for guid, nid in record.items() if not wanted.knows(guid)}
    unknown = [note for note in live.notes if note.guid is None]
    candidates: defaultdict[str, list[int]] = defaultdict(list)
    for note in unknown:  # what ankipress wrote into it: the evidence that counts first
        if note.note_id in others:
            continue
        for tags in wanted.tag_sets:
            guid = wanted.prints.get(fingerprint(note.fields, tags))
            if guid is not None and guid not in claimed:
                candidates[guid].append(note.note_id)
                break
    found = {ids[0]: guid for guid, ids in candidates.items() if len(ids) == 1}
    claimed |= set(found.values())
    by_id = {nid: guid for guid, nid in record.items() if wanted.knows(guid)}
    for note in unknown:  # then where the last sync found it: a note edited in Anki since
        guid = by_id.get(note.note_id)
        if note.note_id not in found and guid is not None and guid not in claimed:
            found[note.note_id] = guid
            claimed.add(guid)
    notes = tuple(
        note.known_as(found[note.note_id]) if note.note_id in found else note for note in live.notes
    )
    return Snapshot(notes, live.decks, live.filtered)


def carry_over(after: Snapshot, before: Snapshot) -> Snapshot:
    """``after`` (a snapshot taken since ``before``) knowing each note ``before`` knew, by
    its note id: an import keeps a note's id."""
    known = {note.note_id: note.guid for note in before.notes if note.guid is not None}
    notes = tuple(
        note.known_as(known[note.note_id]) if note.guid is None and note.note_id in known else note
        for note in after.notes
    )
    return Snapshot(notes, after.decks, after.filtered)
