"""What a sync changes in the user's Anki, note by note, and the steps that do it.

One planner for the dry run and the sync itself. Before an import it predicts, as Anki
decides (measured, and read in its importer): a note it lacks is new, a note it holds is
updated only where ours is newer, and no import moves a card it already holds. After the
import it observes, comparing the notes with the snapshot taken before. Either way:

- a note Anki holds a newer copy of (edited there) is not updated by the import: where
  it differs from ours it is ``kept``, as Anki has it;
- where the sync record knows what the last sync put into a note, field by field, each
  side's changes since decide, not the times: a field edited in Anki stays, a field
  changed in the notes is written, both in one note where they are different fields
  (``updated``, Anki's edits kept); a field changed both ways differently is a
  ``conflict``: Anki's copy is kept unless the user prefers the notes' (``--prefer``);
- a card of a note ours is moved to the note's deck when it sits in a deck ankipress put
  it in before (the last sync's, the last build's); a card in any other deck is where the
  user put it, and stays;
- a note the lock retired is tagged ``ankipress::removed``, and suspended or deleted as
  ``--removed`` says; a note that comes back to the notes gets its cards unsuspended;
- nothing else is touched: only notes whose GUID the lock knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ankipress.identity.lockentry import deck_hash
from ankipress.identity.retire import REMOVED_TAG
from ankipress.sync.decks import deck_key
from ankipress.sync.live import LiveNote, Snapshot
from ankipress.sync.record import Record
from ankipress.sync.wanted import Retired, Shipped, Wanted, field_prints, fingerprint

KINDS = ("new", "updated", "kept", "conflict", "moved", "retired", "unchanged")
REMOVED_MODES = ("tag", "suspend", "delete")
PREFER = ("notes", "anki")  # which copy a conflict keeps (Anki's unless told)
MERGED = "its fields edited in Anki kept"  # an update written beside Anki's own edits


@dataclass(frozen=True)
class Item:
    kind: str  # one of KINDS
    guid: str
    question: str
    deck: str
    where: str  # path:line
    detail: str = ""  # moved: the deck it leaves; retired: tagged, suspended or deleted


@dataclass(frozen=True)
class Sides:
    """What changed in one note since the last sync put it into Anki, field by field."""

    anki: frozenset[int]  # fields edited in Anki
    notes: frozenset[int]  # fields changed in the notes
    clash: frozenset[int]  # fields changed both ways, differently


@dataclass(frozen=True)
class Conflict:
    """A note edited in Anki and changed in the notes since the last sync."""

    item: Item
    anki: tuple[str, ...]  # its fields in Anki
    notes: tuple[str, ...]  # its fields in the notes


@dataclass
class SyncPlan:
    items: list[Item] = field(default_factory=list)
    moves: dict[str, list[int]] = field(default_factory=dict)  # deck -> card ids
    tag: list[int] = field(default_factory=list)  # note ids
    suspend: list[int] = field(default_factory=list)  # card ids
    unsuspend: list[int] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)  # note ids
    left: dict[str, int] = field(default_factory=dict)  # deck -> cards that leave it
    paused: dict[str, list[int]] = field(default_factory=dict)  # GUID -> cards suspended
    elsewhere: list[Item] = field(default_factory=list)  # in a deck the user chose
    missing: list[Item] = field(default_factory=list)  # shipped, yet not in Anki after
    strangers: int = 0  # notes of our note types that are none of these notes'
    conflicts: list[Conflict] = field(default_factory=list)
    # GUID -> the time to give the note in the packages imported, where the changes on
    # each side decide, not Anki's times (older: Anki keeps its copy; newer: it is replaced)
    times: dict[str, int] = field(default_factory=dict)
    merged: dict[str, tuple[str, ...]] = field(default_factory=dict)  # GUID -> its fields
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # GUID -> its tags

    def count(self, kind: str) -> int:
        return sum(item.kind == kind for item in self.items)


def plan(
    wanted: Wanted,
    live: Snapshot,
    record: Record,
    removed: str,
    before: Snapshot | None = None,
    prefer: str | None = None,
) -> SyncPlan:
    """``live``: the collection now (GUIDs recognised). ``before``: the collection before
    the import just done (then kinds are observed), or None (then they are predicted).
    ``prefer``: the copy a conflict keeps, ``notes`` or ``anki`` (None: Anki's, said)."""
    result = SyncPlan()
    held = live.by_guid()
    earlier = before.ids() if before is not None else None
    for shipped in wanted.shipped.values():
        note = held.get(shipped.guid)
        if note is None:
            _absent(result, shipped, observed=earlier is not None)
            continue
        was = note if earlier is None else earlier.get(note.note_id)
        if earlier is None:
            updated = note.mod < shipped.mod
        else:
            updated = was is not None and was.mod != note.mod
        kinds = ["new"] if was is None else ["updated"] if updated else []
        sides = _sides(shipped, was, record) if was is not None else None
        if sides is not None and was is not None:
            changed = _decide(result, shipped, was, sides, record, prefer)
            kinds = changed if earlier is None or changed == ["conflict"] else kinds
            if kinds == [] and earlier is not None and fingerprint(note.fields) != shipped.content:
                kinds = ["kept"]
        elif was is not None and not updated and fingerprint(note.fields) != shipped.content:
            kinds = ["kept"]  # Anki's copy is newer (edited there): the import leaves it
        if was is not None and REMOVED_TAG in was.tags:  # retired before, back in the notes
            ours = set(record.suspended.get(shipped.guid, ()))  # not the user's own
            result.unsuspend += [c.card_id for c in note.cards if c.suspended and c.card_id in ours]
        left = _moves(result, shipped, note, record)
        kinds += ["moved"] if left else []
        for kind in kinds or ["unchanged"]:
            merged = MERGED if shipped.guid in result.merged else ""
            detail = {"moved": left, "conflict": _resolved(prefer), "updated": merged}.get(kind, "")
            result.items.append(_item(kind, shipped, shipped.deck, detail))
    for retired in wanted.retired.values():
        note = held.get(retired.guid)
        if note is not None:
            _retire(result, retired, note, removed, earlier, record.deck(retired.guid))
    known = set(wanted.shipped) | set(wanted.retired)
    result.strangers = sum(note.guid not in known for note in live.notes)
    return result


def _sides(shipped: Shipped, anki: LiveNote, record: Record) -> Sides | None:
    """What changed on each side since the last sync put the note into Anki; None where
    the record does not know what it put (Anki's times decide then)."""
    put = record.synced.get(shipped.guid)
    held, ours = field_prints(anki.fields), field_prints(shipped.fields)
    if put is None or not len(put) == len(held) == len(ours):
        return None
    if shipped.last_built is not None:  # a build's copy (another machine's sync put it):
        built, tags = shipped.last_built  # what Anki holds is what was put
        if fingerprint(anki.fields, tags) == built:
            put = held
    edited = frozenset(i for i, p in enumerate(put) if held[i] != p)
    # The notes as a pull left them (the text Anki held then, spaced as the build makes
    # it): written into Anki while Anki holds what the pull saw; once edited there since,
    # no change of the notes' against that edit (no conflict: the next pull takes it).
    pulled = record.pulled.get(shipped.guid)
    if pulled is not None and len(pulled) != len(ours):
        pulled = None
    changed = frozenset(
        i
        for i, p in enumerate(put)
        if ours[i] != p and not (pulled is not None and ours[i] == pulled[i] and i in edited)
    )
    return Sides(edited, changed, frozenset(i for i in edited & changed if held[i] != ours[i]))


def _decide(
    result: SyncPlan,
    shipped: Shipped,
    anki: LiveNote,
    sides: Sides,
    record: Record,
    prefer: str | None,
) -> list[str]:
    """The note's kinds, and the time, fields and tags it is imported with to bring them
    about. Tags: ours as the notes give them now, and beside them those added in Anki
    (``leech``, your own), which an import would drop; ``ankipress::removed`` goes once
    the note is back in the notes."""
    guid, newer = shipped.guid, max(shipped.mod, anki.mod + 1)
    before = record.tagged.get(guid)
    ours = set(before or ()) | set(shipped.tags) | {REMOVED_TAG}
    tags = tuple(dict.fromkeys((*shipped.tags, *(t for t in anki.tags if t not in ours))))
    retagged = (before is not None and set(before) != set(shipped.tags)) or (
        REMOVED_TAG in anki.tags and REMOVED_TAG not in shipped.tags
    )
    if sides.clash:
        _conflict(result, shipped, anki, prefer)
        if prefer != "notes":
            result.times[guid] = 1
            return ["conflict"]
    elif not sides.notes - sides.anki and not retagged:  # nothing of the notes' to write
        if shipped.mod > anki.mod:  # (an older copy: Anki keeps its own without being told)
            result.times[guid] = 1
        return ["kept"] if fingerprint(anki.fields) != shipped.content else []
    if sides.anki - sides.clash:  # Anki's own edits kept beside the notes' changes
        fields = tuple(
            anki.fields[i] if i in sides.anki - sides.clash else value
            for i, value in enumerate(shipped.fields)
        )
        result.merged[guid] = fields
    if tags != shipped.tags:
        result.tags[guid] = tags
    if newer != shipped.mod or guid in result.merged or guid in result.tags:
        result.times[guid] = newer
    return ["conflict"] if sides.clash else ["updated"]


def _resolved(prefer: str | None) -> str:
    return "the notes' copy written" if prefer == "notes" else "Anki's copy kept"


def _conflict(result: SyncPlan, shipped: Shipped, anki: LiveNote, prefer: str | None) -> None:
    item = _item("conflict", shipped, shipped.deck, _resolved(prefer))
    result.conflicts.append(Conflict(item, anki.fields, shipped.fields))


def _absent(result: SyncPlan, shipped: Shipped, observed: bool) -> None:
    item = _item("new", shipped, shipped.deck)
    (result.missing if observed else result.items).append(item)


def _moves(result: SyncPlan, shipped: Shipped, note: LiveNote, record: Record) -> str:
    """Plan the moves of ``note``'s cards to its deck; the deck the first leaves, if any."""
    ours = {deck_key(d) for d in (*shipped.earlier, record.deck(shipped.guid) or "")}
    moving = []
    for card in note.cards:
        if deck_key(card.deck) == deck_key(shipped.deck):
            continue
        if (
            deck_key(card.deck) in ours
            or deck_hash(shipped.deck_id, card.deck) == shipped.earlier_hash
        ):
            moving.append(card)
        else:
            result.elsewhere.append(_item("unchanged", shipped, card.deck))
    for card in moving:
        result.moves.setdefault(shipped.deck, []).append(card.card_id)
        result.left[card.deck] = result.left.get(card.deck, 0) + 1
    return moving[0].deck if moving else ""


def _retire(
    result: SyncPlan,
    retired: Retired,
    note: LiveNote,
    removed: str,
    earlier: dict[int, LiveNote] | None,
    ours: str | None,
) -> None:
    """``ours``: the deck the last sync put the note in; a deck it leaves when deleted
    (that a sync may then remove) is only that one, never one the user put it in."""
    if earlier is None:  # predicted: the import updates a copy older than the package's
        imported = retired.mod is not None and note.mod < retired.mod
        tagged = imported or REMOVED_TAG in note.tags
    else:
        was = earlier.get(note.note_id)
        imported = was is None or was.mod != note.mod
        tagged = REMOVED_TAG in note.tags
    deck = note.cards[0].deck if note.cards else ""
    if removed == "delete":
        result.delete.append(note.note_id)
        for card in note.cards:
            if ours is not None and deck_key(card.deck) == deck_key(ours):
                result.left[card.deck] = result.left.get(card.deck, 0) + 1
        result.items.append(_retired(retired, deck, "deleted"))
        return
    awake = [c.card_id for c in note.cards if not c.suspended] if removed == "suspend" else []
    if not tagged:
        result.tag.append(note.note_id)
    result.suspend += awake
    if awake:
        result.paused[retired.guid] = awake
    if imported or not tagged or awake:
        how = "suspended" if removed == "suspend" else "tagged"
        result.items.append(_retired(retired, deck, how))


def _item(kind: str, shipped: Shipped, deck: str, detail: str = "") -> Item:
    return Item(kind, shipped.guid, shipped.question, deck, shipped.where, detail)


def _retired(retired: Retired, deck: str, how: str) -> Item:
    return Item("retired", retired.guid, retired.question, deck, retired.where, how)
