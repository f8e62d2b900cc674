"""A collection file, Anki closed: the same steps through the ``anki`` package (the
backend Anki desktop runs), an optional dependency: ``pip install 'anki>=25.2'``.

It is opened only if it is a collection and nothing else has it open (Anki holds its
collection locked while it runs), and only by an ``anki`` that knows its schema: else a
clear error, and nothing is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ankipress.sync.live import AnkiUnreachable, LiveCard, LiveNote, Looks, Snapshot

# As File › Import does. Note types are merged only where Anki's has card templates ours
# lacks (``import_package``): ours never changes its fields, and a newer copy of it
# replaces the templates and CSS all the same (measured); a merge would date the note type
# anew at every import, no-ops included, and every AnkiWeb sync would send it again.
IMPORT_OPTIONS = {"with_scheduling": True, "with_deck_configs": True}
_OPEN_ELSEWHERE = "close Anki (or sync through AnkiConnect, without --collection) and try again"


class CollectionFile:
    sees_guids = True

    def __init__(self, path: Path) -> None:
        self.target = f"collection {path.resolve()}"
        self.shown = str(path)
        try:
            from anki.collection import Collection
        except ImportError:
            raise AnkiUnreachable(
                "error: --collection needs the anki package: pip install 'anki>=25.2'"
            ) from None
        _looks_like_a_collection(path)
        try:
            self.col = Collection(str(path))
        except Exception as exc:
            raise AnkiUnreachable(_why_not_opened(path, str(exc))) from None

    def snapshot(self, note_types: Iterable[int]) -> Snapshot:
        kinds = ",".join(str(int(n)) for n in note_types) or "0"
        db = self.col.db
        names = {d.id: d.name for d in self.col.decks.all_names_and_ids()}
        cards: dict[int, list[LiveCard]] = {}
        query = "select id, nid, did, queue from cards where nid in "
        for cid, nid, did, queue in db.all(
            f"{query}(select id from notes where mid in ({kinds})) order by nid, ord"
        ):
            cards.setdefault(nid, []).append(LiveCard(cid, names.get(did, ""), queue == -1))
        notes = tuple(
            LiveNote(
                nid,
                guid,
                mod,
                tuple(flds.split("\x1f")),
                tuple(tags.split()),
                tuple(cards.get(nid, ())),
            )
            for nid, guid, mod, flds, tags in db.all(
                f"select id, guid, mod, flds, tags from notes where mid in ({kinds}) order by id"
            )
        )
        plain = {d.id for d in self.col.decks.all_names_and_ids(include_filtered=False)}
        filtered = frozenset(name for did, name in names.items() if did not in plain)
        return Snapshot(notes, frozenset(names.values()), filtered)

    def foreign(
        self, guids: Iterable[str], note_ids: Iterable[int], note_types: Iterable[int]
    ) -> int:
        """How many notes hold one of ``guids`` with a note type not ours: notes of ours
        whose note type was changed in Anki."""
        kinds = ",".join(str(int(n)) for n in note_types) or "0"
        wanted, found = sorted(set(guids)), 0
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"select count() from notes where guid in ({marks}) and mid not in ({kinds})"
            found += int(self.col.db.scalar(query, *chunk))
        return found

    def import_package(self, path: Path, named: Path, merge: bool = False) -> None:
        from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

        options = ImportAnkiPackageOptions(merge_notetypes=merge, **IMPORT_OPTIONS)
        request = ImportAnkiPackageRequest(package_path=str(path), options=options)
        try:
            self.col.import_anki_package(request)
        except Exception as exc:
            why = str(exc).replace(str(path), named.name)
            raise AnkiUnreachable(f"{named}: error: Anki could not import it: {why}") from None

    def looks(self, model_id: int) -> Looks | None:
        kind = self.col.models.get(model_id)  # type: ignore[arg-type]
        if kind is None:
            return None
        cards = tuple((t["name"], t["qfmt"], t["afmt"]) for t in kind["tmpls"])
        fields = tuple(f["name"] for f in kind["flds"])
        return Looks(model_id, kind["name"], kind["css"], cards, fields)

    def restyle(self, looks: Looks) -> None:
        kind = self.col.models.get(looks.model_id)  # type: ignore[arg-type]
        if kind is None:
            return
        kind["css"] = looks.css
        by_name = {name: (front, back) for name, front, back in looks.cards}
        for template in kind["tmpls"]:
            if template["name"] in by_name:
                template["qfmt"], template["afmt"] = by_name[template["name"]]
        self.col.models.update_dict(kind)

    def change_deck(self, card_ids: list[int], deck: str) -> None:
        from anki.errors import BackendError

        try:
            self.col.set_deck(card_ids, self.col.decks.id(deck))
        except BackendError as exc:
            raise AnkiUnreachable(
                f"error: Anki could not move cards into {deck!r}: {exc}"
            ) from None

    def suspend(self, card_ids: list[int], suspended: bool) -> None:
        if suspended:
            self.col.sched.suspend_cards(card_ids)
        else:
            self.col.sched.unsuspend_cards(card_ids)

    def add_tag(self, note_ids: list[int], tag: str) -> None:
        self.col.tags.bulk_add(note_ids, tag)

    def delete_notes(self, note_ids: list[int]) -> None:
        self.col.remove_notes(note_ids)

    def cards_in(self, deck: str) -> int:
        did = self.col.decks.id_for_name(deck)
        if did is None:
            return 0
        ids = ",".join(str(i) for i in self.col.decks.deck_and_child_ids(did))
        return int(
            self.col.db.scalar(f"select count() from cards where did in ({ids}) or odid in ({ids})")
        )

    def delete_empty_deck(self, deck: str) -> None:
        did = self.col.decks.id_for_name(deck)
        if did is not None and self.cards_in(deck) == 0:
            self.col.decks.remove([did])

    def sync_ankiweb(self) -> None:
        raise AnkiUnreachable("error: --ankiweb needs a running Anki (AnkiConnect)")

    def close(self) -> None:
        self.col.close()


def _looks_like_a_collection(path: Path) -> None:
    """Refuse, before the backend opens it (it would make a new collection of a file that
    is none), what is not a collection; and say so of one Anki has open."""
    if not path.is_file():
        raise AnkiUnreachable(
            f"{path}: error: no Anki collection there (Anki keeps one per profile, "
            "as collection.anki2 in its profile folder)"
        )
    try:
        with path.open("rb") as f:
            head = f.read(16)
        if head != b"SQLite format 3\x00":
            raise AnkiUnreachable(f"{path}: error: not an Anki collection (not an SQLite file)")
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5)
        try:
            connection.execute("select ver from col").fetchone()
        finally:
            connection.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise AnkiUnreachable(
                f"{path}: error: the collection is open in Anki: {_OPEN_ELSEWHERE}"
            ) from None
        raise AnkiUnreachable(f"{path}: error: not an Anki collection ({exc})") from None
    except (OSError, sqlite3.Error) as exc:
        raise AnkiUnreachable(f"{path}: error: cannot read it ({exc})") from None


def _why_not_opened(path: Path, why: str) -> str:
    if "already open" in why or "locked" in why:
        return f"{path}: error: the collection is open in Anki: {_OPEN_ELSEWHERE}"
    if "FileTooNew" in why:
        return (
            f"{path}: error: a newer Anki wrote this collection than the anki package here "
            "knows: pip install --upgrade anki (nothing was written)"
        )
    return f"{path}: error: Anki could not open the collection: {why}"
