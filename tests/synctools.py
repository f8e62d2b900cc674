"""Both ways a sync reaches Anki, for tests that must hold through each: a collection file
(Anki closed) and the AnkiConnect stand-in (Anki running with the add-on)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anki.collection import Collection
from click.testing import Result

from tests.ankiconnect_standin import StandIn


@dataclass(frozen=True)
class CardState:
    card_id: int
    deck: str
    interval: int
    suspended: bool
    reviews: int


class Target:
    """Where a sync goes; ``anki()`` opens it for a look between syncs."""

    name: str
    args: list[str]

    @contextmanager
    def anki(self) -> Iterator[Collection]:
        raise NotImplementedError
        yield


class CollectionTarget(Target):
    name = "collection"

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self.path = folder / "collection.anki2"
        Collection(str(self.path)).close()  # a new profile's empty collection
        self.args = ["--collection", str(self.path)]

    @contextmanager
    def anki(self) -> Iterator[Collection]:
        col = Collection(str(self.path))  # closed again before the next sync opens it
        try:
            yield col
        finally:
            col.close()


class ConnectTarget(Target):
    name = "anki-connect"

    def __init__(self, folder: Path) -> None:
        self.standin = StandIn(folder)
        self.args = ["--anki-connect", self.standin.url]

    @contextmanager
    def anki(self) -> Iterator[Collection]:
        with self.standin.collection() as col:
            yield col


def synced(run_cli: Callable[..., Result], content: Path, target: Target, *extra: str,
           epoch: int, out: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """``ankipress sync --format json``: its report (exit 0 asserted)."""
    where = ["-o", str(out)] if out is not None else ["-o", str(content.parent / "decks")]
    result = run_cli(
        "sync", str(content), *target.args, *where, "--format", "json", *extra, epoch=epoch
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def totals(report: dict[str, Any]) -> dict[str, int]:
    return {kind: n for kind, n in report["totals"].items() if n}


def same_plan(dry: dict[str, Any], done: dict[str, Any]) -> bool:
    """A dry run's report and the sync's after it, but for which one each is."""
    keys = ("decks", "totals", "removed_decks", "restyled", "elsewhere", "missing", "not_ours")
    return all(dry[k] == done[k] for k in keys)


def cards(col: Collection, question: str) -> list[CardState]:
    found = []
    for cid in col.find_cards(f'"Question:{question}"'):
        card = col.get_card(cid)
        reviews = col.db.scalar("select count() from revlog where cid = ?", cid)
        found.append(CardState(cid, col.decks.name(card.did), card.ivl, card.queue == -1, reviews))
    return found


def review(col: Collection, question: str, ease: int = 4) -> None:
    """Study the card of ``question`` once, as the reviewer would (Easy: it graduates)."""
    for cid in col.find_cards(f'"Question:{question}"'):
        card = col.get_card(cid)
        card.start_timer()
        col.sched.answerCard(card, ease)


def note_mods(col: Collection) -> dict[str, int]:
    return {col.get_note(nid).guid: col.get_note(nid).mod for nid in col.find_notes("")}
