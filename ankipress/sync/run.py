"""A sync, step by step: look, import every package, look again, then move, retire and
tidy. Moves and retirements run only once every import succeeded; each step leaves the
collection whole, so a sync stopped half-way is finished by the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ankipress.assemble.outcome import Progress, plain
from ankipress.identity.retire import REMOVED_TAG
from ankipress.sync.decks import above, deck_key, emptied
from ankipress.sync.live import Anki, AnkiUnreachable, LiveNote, Looks, Snapshot
from ankipress.sync.packages import checked_copies, retime
from ankipress.sync.plan import SyncPlan, plan
from ankipress.sync.recognise import carry_over, recognise
from ankipress.sync.record import Record, read_record, write_record
from ankipress.sync.wanted import Shipped, Wanted, field_prints


@dataclass
class SyncOutcome:
    plan: SyncPlan
    removed_decks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ankiweb_failed: str = ""  # why Anki's own sync with AnkiWeb failed, after ours was done
    restyled: list[str] = field(default_factory=list)  # note types given our CSS, templates


def dry_run(anki: Anki, wanted: Wanted, removed: str, prefer: str | None = None) -> SyncOutcome:
    """What ``sync`` would do, predicted from the collection as it is; nothing written."""
    record, warning = read_record(anki.target)
    _no_foreign(anki, wanted, record)
    held = _held(anki, wanted)
    _same_fields(held, wanted, anki.shown)
    live = recognise(anki.snapshot(wanted.note_types), wanted, record.note_ids())
    _no_filtered(live, wanted)
    found = plan(wanted, live, record, removed, prefer=prefer)
    decks = emptied(_left(found, record), _targets(wanted), live.decks, anki.cards_in)
    restyled = [looks.name for looks in _restyled(held, wanted)]
    return SyncOutcome(found, decks, [w for w in (warning,) if w], restyled=restyled)


def sync(
    anki: Anki,
    wanted: Wanted,
    removed: str,
    ankiweb: bool = False,
    progress: Progress = plain,
    prefer: str | None = None,
) -> SyncOutcome:
    with checked_copies(wanted.packages, wanted.out) as packages:
        return _sync(anki, wanted, removed, ankiweb, progress, packages, prefer)


def _sync(
    anki: Anki,
    wanted: Wanted,
    removed: str,
    ankiweb: bool,
    progress: Progress,
    packages: list[Path],
    prefer: str | None,
) -> SyncOutcome:
    record, warning = read_record(anki.target)
    _no_foreign(anki, wanted, record)
    held = _held(anki, wanted)  # our note types as Anki holds them before the imports
    _same_fields(held, wanted, anki.shown)
    before = recognise(anki.snapshot(wanted.note_types), wanted, record.note_ids())
    _no_filtered(before, wanted)
    decided = plan(wanted, before, record, removed, prefer=prefer)  # as the dry run predicts
    restyled = _restyled(held, wanted)
    merge = _templates_added(held, wanted)
    if decided.times:
        for copy in packages:
            retime(copy, decided.times, decided.merged, decided.tags)
    # What the build's lock no longer says (it is written already), kept before any import:
    # a sync stopped half-way still knows each note's id, and the decks it moves cards from.
    warnings = [write_record(_before_import(record, wanted, before, decided))]
    named = [path for path, _ in wanted.packages]
    for copy, package in progress(list(zip(packages, named, strict=True)), "Importing into Anki"):
        anki.import_package(copy, package, merge=merge)
    for looks in _restyled(_held(anki, wanted), wanted):  # what the imports left as it was
        anki.restyle(looks)
    after = carry_over(anki.snapshot(wanted.note_types), before)
    after = recognise(after, wanted, record.note_ids())
    done = plan(wanted, after, record, removed, before=before, prefer=prefer)
    for deck, cards in done.moves.items():
        anki.change_deck(cards, deck)
    if done.tag:
        anki.add_tag(done.tag, REMOVED_TAG)
    if done.suspend:
        anki.suspend(done.suspend, True)
    if done.unsuspend:
        anki.suspend(done.unsuspend, False)
    if done.delete:
        anki.delete_notes(done.delete)
    left = dict.fromkeys(_left(done, record), 0)  # the cards have left
    decks = emptied(left, _targets(wanted), after.decks, anki.cards_in)
    for deck in decks:
        anki.delete_empty_deck(deck)
    warnings = [
        w for w in (warning, *warnings, write_record(_recorded(record, wanted, after, done))) if w
    ]
    failed = ""
    if ankiweb:
        try:
            anki.sync_ankiweb()
        except AnkiUnreachable as exc:  # the notes are in Anki all the same: say both
            failed = str(exc)
    return SyncOutcome(done, decks, warnings, failed, [looks.name for looks in restyled])


def _differs(held: Looks, looks: Looks) -> bool:
    """Whether Anki's CSS, or a card template of ours it holds, is not the build's (a
    template of its own name, added in Anki, is left alone)."""
    ours = {name: (front, back) for name, front, back in looks.cards}
    changed = any(name in ours and (f, b) != ours[name] for name, f, b in held.cards)
    return held.css != looks.css or changed


def _held(anki: Anki, wanted: Wanted) -> dict[int, Looks | None]:
    """Each note type of ours as Anki holds it now (None: it holds none of that id)."""
    return {looks.model_id: anki.looks(looks.model_id) for looks in wanted.looks}


def _templates_added(held: dict[int, Looks | None], wanted: Wanted) -> bool:
    """Whether Anki holds card templates of ours that the build does not make (one added
    there): an unmerged import would make a copy of the note type and update no note."""
    for looks in wanted.looks:
        kind = held[looks.model_id]
        names = {name for name, _, _ in looks.cards}
        if kind is not None and any(name not in names for name, _, _ in kind.cards):
            return True
    return False


def _same_fields(held: dict[int, Looks | None], wanted: Wanted, shown: str) -> None:
    """Refuse before anything when a note type of ours has other fields in Anki (one added
    there): an import would make a copy of the note type and update no note, or merge it
    and empty the field added."""
    for looks in wanted.looks:
        kind = held[looks.model_id]
        if kind is not None and kind.fields and kind.fields != looks.fields:
            raise AnkiUnreachable(
                f"error: the note type {kind.name!r} has other fields in {shown} "
                f"({', '.join(kind.fields)}; ankipress writes {', '.join(looks.fields)}): "
                "changed in Anki (Tools > Manage Note Types > Fields), no import would update "
                "its notes; change its fields back, or give these notes a note type of their "
                "own with 'note_type:' in ankipress.yaml"
            )


def _restyled(held: dict[int, Looks | None], wanted: Wanted) -> list[Looks]:
    """Our note types whose CSS or templates Anki holds otherwise than the build made them:
    before the imports, what the sync is to restyle (an import may do it, AnkiConnect's
    not where no note of the type changed: measured); after them, what is left to do."""
    found = []
    for looks in wanted.looks:
        kind = held[looks.model_id]
        if kind is not None and _differs(kind, looks):
            found.append(replace(looks, name=kind.name))  # (renamed in Anki: by its name)
    return found


def _no_foreign(anki: Anki, wanted: Wanted, record: Record) -> None:
    """Refuse before anything when a note of ours is of another note type now."""
    guids = [*wanted.shipped, *wanted.retired]
    ids = [nid for guid, nid in record.note_ids().items() if wanted.knows(guid)]
    found = anki.foreign(guids, ids, wanted.note_types)
    if found:
        raise AnkiUnreachable(
            f"error: {found} of the notes ankipress made are of another note type in "
            f"{anki.shown} (changed in Anki, Browse > Notes > Change Note Type): importing "
            "would overwrite their fields; change them back to the ankipress note type, or "
            "delete them, and sync again"
        )


def _no_filtered(live: Snapshot, wanted: Wanted) -> None:
    """Refuse before anything when a deck of ours, or one above it, is a filtered deck in
    Anki (a book given the name of one): Anki puts no deck under a filtered deck."""
    filtered = {deck_key(name): name for name in live.filtered}
    for deck in sorted(_targets(wanted)):
        for name in (deck, *above(deck)):
            if deck_key(name) in filtered:
                raise AnkiUnreachable(
                    f"error: {filtered[deck_key(name)]!r} is a filtered deck in Anki, and Anki "
                    f"puts no deck in or under one: the deck {deck!r} of these notes cannot be "
                    "made there; give the book another title ('title:' in its front matter), "
                    "or rename the filtered deck in Anki"
                )


def _left(planned: SyncPlan, record: Record) -> dict[str, int]:
    """The cards leaving each deck: this sync's moves, and the decks an earlier sync moved
    cards from but was stopped before it removed them."""
    return {**dict.fromkeys(record.leaving, 0), **planned.left}


def _targets(wanted: Wanted) -> set[str]:
    return {shipped.deck for shipped in wanted.shipped.values()}


def _before_import(record: Record, wanted: Wanted, before: Snapshot, planned: SyncPlan) -> Record:
    """The record with each note of ours recognised now: its id, and the deck it is ours
    in (the one the sync is to move its cards from, else the one recorded or shipped);
    ``planned``: the sync predicted from ``before``."""
    predicted = planned.items
    moving = {item.guid: item.detail for item in predicted if item.kind == "moved"}
    notes = dict(record.notes)
    for note in before.notes:
        if note.guid is None or not wanted.knows(note.guid):
            continue
        shipped = wanted.shipped.get(note.guid)
        deck = moving.get(note.guid) or record.deck(note.guid)
        notes[note.guid] = (note.note_id, deck or (shipped.deck if shipped else ""))
    leaving = (*record.leaving, *planned.left)
    return replace(record, notes=notes, leaving=leaving)


def _put(shipped: Shipped, note: LiveNote, before: tuple[str, ...] | None) -> tuple[str, ...]:
    """Each field's fingerprint as this sync leaves it ours: the notes' where Anki holds
    it; where Anki holds an edit of its own, what the last sync put (if it knew none, the
    notes' too: Anki's differing copy is taken for an edit, never overwritten unasked)."""
    ours, held = field_prints(shipped.fields), field_prints(note.fields)
    if before is None or len(before) != len(ours) or len(held) != len(ours):
        return ours
    return tuple(o if h == o else b for o, h, b in zip(ours, held, before, strict=True))


def _still_pulled(
    pulled: dict[str, tuple[str, ...]], guid: str, ours: tuple[str, ...], put: tuple[str, ...]
) -> None:
    """What of a note's ``pulled`` still holds after a sync: each field the notes still
    have as the pull left them, while Anki does not hold the notes' copy of it; a field
    the notes changed since, or Anki holds as the notes have it, is as the sync put it
    (no exemption left); none left, the entry goes."""
    made = pulled.get(guid)
    if made is None:
        return
    if len(made) != len(ours) or len(put) != len(ours):
        del pulled[guid]
        return
    kept = tuple(m if m == o and p != o else p for m, o, p in zip(made, ours, put, strict=True))
    if kept == put:
        del pulled[guid]
    else:
        pulled[guid] = kept


def _recorded(record: Record, wanted: Wanted, after: Snapshot, done: SyncPlan) -> Record:
    """The record with each note of ours as this sync left it: its id, the deck it belongs
    in (where its cards now are, unless the user put them elsewhere), and the fields it
    holds where they are the notes' (an edit made in Anki, kept, is not what we put)."""
    notes, paused, synced = dict(record.notes), dict(record.suspended), dict(record.synced)
    tagged, pulled = dict(record.tagged), dict(record.pulled)
    deleted = set(done.delete)
    for note in after.notes:
        if note.guid is None or not wanted.knows(note.guid):
            continue
        if note.note_id in deleted:
            notes.pop(note.guid, None)
            paused.pop(note.guid, None)
            synced.pop(note.guid, None)
            tagged.pop(note.guid, None)
            pulled.pop(note.guid, None)
            continue
        shipped = wanted.shipped.get(note.guid)
        if shipped is not None:  # each field as the notes have it, where Anki holds that
            synced[note.guid] = _put(shipped, note, record.synced.get(note.guid))
            _still_pulled(pulled, note.guid, field_prints(shipped.fields), synced[note.guid])
            dropped = set(record.tagged.get(note.guid, ())) - set(shipped.tags)
            held = set(note.tags)
            if set(shipped.tags) <= held and not dropped & held and REMOVED_TAG not in held:
                tagged[note.guid] = shipped.tags  # our tags, as this sync left them
        elif REMOVED_TAG in note.tags:  # retired: what a note back in the notes sheds
            tagged[note.guid] = tuple(dict.fromkeys((*tagged.get(note.guid, ()), REMOVED_TAG)))
        if shipped is not None:  # alive: what was suspended for it is unsuspended now
            paused.pop(note.guid, None)
        else:  # retired: the deck it was ours in stays the one (not a deck of the user's)
            now = done.paused.get(note.guid, [])
            paused[note.guid] = tuple(sorted({*paused.get(note.guid, ()), *now}))
        deck = shipped.deck if shipped else (record.deck(note.guid) or "")
        notes[note.guid] = (note.note_id, deck)
    return Record(record.target, notes, paused, synced, tagged, (), pulled)  # (no deck left)
