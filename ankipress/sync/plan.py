"""What a sync changes in the user's Anki, note by note, and the steps that do it.

One planner for the dry run and the sync itself. Before an import it predicts, as Anki
decides (measured, and read in its importer): a note it lacks is new, a note it holds is
updated only where ours is newer, and no import moves a card it already holds. After the
import it observes, comparing the notes with the snapshot taken before. Either way:

- a note Anki holds a newer copy of (edited there) is not updated by the import: where
  it differs from ours it is ``kept``, as Anki has it;
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
from ankipress.sync.wanted import Retired, Shipped, Wanted, fingerprint

KINDS = ("new", "updated", "kept", "moved", "retired", "unchanged")
REMOVED_MODES = ("tag", "suspend", "delete")


@dataclass(frozen=True)
class Item:
    kind: str  # one of KINDS
    guid: str
    question: str
    deck: str
    where: str  # path:line
    detail: str = ""  # moved: the deck it leaves; retired: tagged, suspended or deleted


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

    def count(self, kind: str) -> int:
        return sum(item.kind == kind for item in self.items)


def plan(
    wanted: Wanted, live: Snapshot, record: Record, removed: str, before: Snapshot | None = None
) -> SyncPlan:
    """``live``: the collection now (GUIDs recognised). ``before``: the collection before
    the import just done (then kinds are observed), or None (then they are predicted)."""
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
        if was is not None and not updated and fingerprint(note.fields) != shipped.content:
            kinds = ["kept"]  # Anki's copy is newer (edited there): the import leaves it
        if was is not None and REMOVED_TAG in was.tags:  # retired before, back in the notes
            ours = set(record.suspended.get(shipped.guid, ()))  # not the user's own
            result.unsuspend += [c.card_id for c in note.cards if c.suspended and c.card_id in ours]
        left = _moves(result, shipped, note, record)
        kinds += ["moved"] if left else []
        for kind in kinds or ["unchanged"]:
            result.items.append(_item(kind, shipped, shipped.deck, left if kind == "moved" else ""))
    for retired in wanted.retired.values():
        note = held.get(retired.guid)
        if note is not None:
            _retire(result, retired, note, removed, earlier, record.deck(retired.guid))
    known = set(wanted.shipped) | set(wanted.retired)
    result.strangers = sum(note.guid not in known for note in live.notes)
    return result


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
