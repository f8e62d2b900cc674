"""What a sync did, or a dry run would do: a table per deck, or JSON for machines."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ankipress.cli.summary import count
from ankipress.sync.live import Anki
from ankipress.sync.plan import KINDS, Item
from ankipress.sync.run import SyncOutcome


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
                lines.append(f"    {item.kind:<8} {item.where}: {item.question}{detail}")
    if outcome.removed_decks:
        verb = "Would remove" if dry else "Removed"
        lines.append(
            f"{verb} {count(len(outcome.removed_decks), 'empty deck')}: "
            + ", ".join(repr(d) for d in outcome.removed_decks)
        )
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


def report(outcome: SyncOutcome, anki: Anki, dry: bool, removed: str) -> dict[str, Any]:
    found = outcome.plan
    decks: dict[str, Any] = {}
    for deck, items in _by_deck(found.items).items():
        entry: dict[str, Any] = {kind: [] for kind in KINDS if kind != "unchanged"}
        for item in items:
            if item.kind != "unchanged":
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
        "elsewhere": [_item(i) | {"deck": i.deck} for i in found.elsewhere],
        "missing": [_item(i) for i in found.missing],
        "not_ours": found.strangers,
        "warnings": outcome.warnings,
        "ankiweb_error": outcome.ankiweb_failed,  # "" when not asked for, or it went well
    }


def _item(item: Item) -> dict[str, str]:
    found = {"guid": item.guid, "question": item.question, "where": item.where}
    if item.kind == "moved":
        found["from"] = item.detail
    if item.kind == "retired":
        found["how"] = item.detail
    return found
