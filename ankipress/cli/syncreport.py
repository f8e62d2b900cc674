"""What a sync did, or a dry run would do: a table per deck, or JSON for machines."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from typing import Any

from ankipress.cards.notetype import FIELDS
from ankipress.cli.summary import count
from ankipress.sync.live import Anki
from ankipress.sync.plan import KINDS, Conflict, Item
from ankipress.sync.run import SyncOutcome

_TAG = re.compile(r"<[^<>]*>")


def _by_deck(items: list[Item]) -> dict[str, list[Item]]:
    grouped: dict[str, list[Item]] = {}
    for item in items:
        grouped.setdefault(item.deck, []).append(item)
    return dict(sorted(grouped.items()))


def report_lines(outcome: SyncOutcome, anki: Anki, dry: bool) -> list[str]:
    found = outcome.plan
    where = getattr(anki, "shown", anki.target)
    lines = [
        f"Would sync into {where} (dry run, nothing changed):" if dry else f"Synced into {where}:"
    ]
    for deck, items in _by_deck(found.items).items():
        counts = Counter(item.kind for item in items)
        lines.append(f"  {deck}: " + ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k]))
        for item in items:
            if item.kind != "unchanged":
                detail = f" (from {item.detail!r})" if item.kind == "moved" else ""
                detail = f" ({item.detail})" if item.kind == "retired" else detail
                detail = (
                    " (newer in Anki, edited there: not replaced)"
                    if item.kind == "kept"
                    else detail
                )
                if item.kind == "conflict":
                    detail = f" (edited in Anki and in the notes: {item.detail})"
                if item.kind == "updated" and item.detail:
                    detail = f" ({item.detail})"
                lines.append(f"    {item.kind:<8} {item.where}: {item.question}{detail}")
                if item.kind == "conflict":
                    lines += _both_copies(_of(found.conflicts, item))
    if outcome.removed_decks:
        verb = "Would remove" if dry else "Removed"
        lines.append(
            f"{verb} {count(len(outcome.removed_decks), 'empty deck')}: "
            + ", ".join(repr(d) for d in outcome.removed_decks)
        )
    if outcome.restyled:
        verb = "Would give" if dry else "Gave"
        names = ", ".join(repr(name) for name in outcome.restyled)
        lines.append(f"{verb} the note type {names} the templates and style of this build")
    if found.elsewhere:
        lines.append(f"Left in decks of your own, {count(len(found.elsewhere), 'card')}:")
        lines += [f"  {i.where}: {i.question} (in {i.deck!r})" for i in found.elsewhere]
    if found.missing:
        lines.append(
            f"Not in Anki after the import, {count(len(found.missing), 'note')} "
            "(a note type changed in Anki?):"
        )
        lines += [f"  {i.where}: {i.question}" for i in found.missing]
    if found.strangers:
        lines.append(
            f"Not from these notes, {count(found.strangers, 'note')} of ankipress's note "
            "type (added in Anki, from other notes, or edited there before a sync "
            "knew them): left as they are"
        )
    lines.append("Total: " + ", ".join(f"{found.count(k)} {k}" for k in KINDS))
    return lines


def _of(conflicts: list[Conflict], item: Item) -> Conflict:
    return next(c for c in conflicts if c.item.guid == item.guid)


_SHOWN = 300  # characters of a field shown in a conflict


def _both_copies(conflict: Conflict) -> list[str]:
    """Each field that differs, as Anki holds it and as the notes have it (as text)."""
    lines = []
    for name, anki, notes in _differences(conflict):
        lines.append(f"      {name} in Anki:  {_short(anki)}")
        lines.append(f"      {name} in notes: {_short(notes)}")
    return lines


def _differences(conflict: Conflict) -> list[tuple[str, str, str]]:
    pairs = zip(FIELDS, conflict.anki, conflict.notes, strict=False)
    return [(name, _text(anki), _text(notes)) for name, anki, notes in pairs if anki != notes]


def _text(html: str) -> str:
    return " ".join(unescape(_TAG.sub(" ", html)).split())


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def report(outcome: SyncOutcome, anki: Anki, dry: bool, removed: str) -> dict[str, Any]:
    found = outcome.plan
    decks: dict[str, Any] = {}
    for deck, items in _by_deck(found.items).items():
        entry: dict[str, Any] = {kind: [] for kind in KINDS if kind != "unchanged"}
        for item in items:
            if item.kind == "conflict":
                differing = _differences(_of(found.conflicts, item))
                fields = {name: {"anki": a, "notes": n} for name, a, n in differing}
                entry[item.kind].append(_item(item) | {"fields": fields})
            elif item.kind != "unchanged":
                entry[item.kind].append(_item(item))
        entry["unchanged"] = sum(item.kind == "unchanged" for item in items)
        decks[deck] = entry
    return {
        "target": anki.target,
        "dry_run": dry,
        "removed": removed,
        "decks": decks,
        "totals": {kind: found.count(kind) for kind in KINDS},
        "removed_decks": outcome.removed_decks,
        "restyled": outcome.restyled,
        "elsewhere": [_item(i) | {"deck": i.deck} for i in found.elsewhere],
        "missing": [_item(i) for i in found.missing],
        "not_ours": found.strangers,
        "warnings": outcome.warnings,
        "ankiweb_error": outcome.ankiweb_failed,  # "" when not asked for, or it went well
    }


def _item(item: Item) -> dict[str, Any]:
    found: dict[str, Any] = {"guid": item.guid, "question": item.question, "where": item.where}
    if item.kind == "moved":
        found["from"] = item.detail
    if item.kind == "retired":
        found["how"] = item.detail
    if item.kind == "conflict":
        found["kept"] = "notes" if item.detail.startswith("the notes'") else "anki"
    if item.kind == "updated" and item.detail:
        found["merged"] = True  # beside the fields edited in Anki, which stay
    return found
