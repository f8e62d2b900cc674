"""A running Anki, through the AnkiConnect add-on (2055492159): its HTTP API, version 6.

A request is ``{"action", "version": 6, "params", "key"?}``; the answer
``{"result", "error"}``. Only documented actions are used: ``version``,
``getActiveProfile``, ``findNotes``, ``notesInfo``, ``notesModTime`` (which add-ons of
2024 on have: asked first, so an older one is refused before anything), ``getDecks``,
``areSuspended``, ``deckNames``, ``deckNamesAndIds``, ``modelNamesAndIds``, ``findCards``,
``importPackage`` (the add-on imports as File › Import does), ``changeDeck``, ``suspend``,
``unsuspend``, ``addTags``, ``deleteNotes``, ``deleteDecks``, ``modelStyling``,
``modelTemplates``, ``modelFieldNames``, ``updateModelStyling``, ``updateModelTemplates``
and ``sync``. AnkiConnect
does not tell a note's GUID: ``recognise`` finds which note is which.

Every way this can fail is one ``AnkiUnreachable`` saying what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ankipress.sync.connectwire import API_VERSION, UPDATE, Wire, odd_answers, shape
from ankipress.sync.decks import deck_key
from ankipress.sync.live import AnkiUnreachable, LiveCard, LiveNote, Looks, Snapshot

DEFAULT_URL = "http://127.0.0.1:8765"


class AnkiConnect(Wire):
    sees_guids = False

    def __init__(self, url: str, key: str | None, timeout: float) -> None:
        super().__init__(url, key, timeout)
        self.target = f"AnkiConnect {self.url}"
        version = self.call("version")
        if type(version) is not int:
            raise AnkiUnreachable(self._not_ankiconnect("its version is not a number"))
        if version < API_VERSION:
            raise AnkiUnreachable(
                f"error: {self.shown} speaks version {version} of its API; ankipress needs "
                f"{API_VERSION}: {UPDATE}"
            )
        profile = self.call("getActiveProfile")  # note ids are a profile's own
        self.call("notesModTime", notes=[])  # what add-ons before 2024 lack, asked up front
        self.target = f"AnkiConnect {self.url} profile {profile}"
        self.shown = f"AnkiConnect at {self.url} (profile {profile!r})"

    @odd_answers
    def snapshot(self, note_types: Iterable[int]) -> Snapshot:
        ids: list[int] = []
        for kind in note_types:
            ids += shape(self.call("findNotes", query=f"mid:{int(kind)}"), "", list)
        infos = shape(self.call("notesInfo", notes=ids) if ids else [], "", list)
        infos = [info for info in infos if shape(info, "", dict)]  # {}: deleted meanwhile
        card_ids = [int(cid) for info in infos for cid in shape(info, "cards", list)]
        decks = self.call("getDecks", cards=card_ids) if card_ids else {}
        deck_of = {cid: name for name, cids in shape(decks, "", dict).items() for cid in cids}
        paused = shape(self.call("areSuspended", cards=card_ids) if card_ids else [], "", list)
        suspended = dict(zip(card_ids, paused, strict=True))
        mods = shape(self.call("notesModTime", notes=ids) if ids else [], "", list)
        mod_of = {m["noteId"]: int(m["mod"]) for m in mods if m}  # {}: deleted meanwhile
        notes = []
        for info in infos:
            if info["noteId"] not in mod_of:
                continue
            fields = sorted(shape(info, "fields", dict).values(), key=lambda f: f["order"])
            cards = tuple(
                LiveCard(c, deck_of.get(c, ""), bool(suspended.get(c))) for c in info["cards"]
            )
            values = tuple(str(f["value"]) for f in fields)
            tags = tuple(str(t) for t in shape(info, "tags", list))
            notes.append(
                LiveNote(int(info["noteId"]), None, mod_of[info["noteId"]], values, tags, cards)
            )
        names = shape(self.call("deckNames"), "", list)
        return Snapshot(tuple(notes), frozenset(str(n) for n in names))

    @odd_answers
    def foreign(
        self, guids: Iterable[str], note_ids: Iterable[int], note_types: Iterable[int]
    ) -> int:
        """How many of ``note_ids`` (the record's: AnkiConnect tells no GUIDs) are notes
        of a note type not ours: notes of ours whose note type was changed in Anki."""
        asked = sorted(set(note_ids))
        infos = shape(self.call("notesInfo", notes=asked) if asked else [], "", list)
        ours = {str(int(n)) for n in note_types}
        found = [info for info in infos if isinstance(info, dict) and info.get("noteId")]
        if not found:
            return 0
        models = shape(self.call("modelNamesAndIds"), "", dict)
        names = {name for name, mid in models.items() if str(mid) in ours}
        return sum(info.get("modelName") not in names for info in found)

    @odd_answers
    def import_package(self, path: Path, named: Path, merge: bool = False) -> None:
        del merge  # (the add-on merges note types always)
        try:
            done = self.call("importPackage", path=str(path.resolve()))
        except AnkiUnreachable as exc:
            raise AnkiUnreachable(str(exc).replace(str(path.resolve()), str(named))) from None
        if done is not True:
            raise AnkiUnreachable(f"error: {self.shown} did not import {named}: is a profile open?")

    @odd_answers
    def looks(self, model_id: int) -> Looks | None:
        models = shape(self.call("modelNamesAndIds"), "", dict)
        name = next((n for n, mid in models.items() if str(mid) == str(model_id)), None)
        if name is None:
            return None
        css = shape(self.call("modelStyling", modelName=name), "", dict)
        found = shape(self.call("modelTemplates", modelName=name), "", dict)
        fields = tuple(
            str(f) for f in shape(self.call("modelFieldNames", modelName=name), "", list)
        )
        cards = tuple(
            (str(card), str(sides["Front"]), str(sides["Back"])) for card, sides in found.items()
        )
        return Looks(model_id, name, str(css["css"]), cards, fields)

    def restyle(self, looks: Looks) -> None:
        self.call("updateModelStyling", model={"name": looks.name, "css": looks.css})
        templates = {name: {"Front": front, "Back": back} for name, front, back in looks.cards}
        self.call("updateModelTemplates", model={"name": looks.name, "templates": templates})

    def change_deck(self, card_ids: list[int], deck: str) -> None:
        self.call("changeDeck", cards=card_ids, deck=deck)

    def suspend(self, card_ids: list[int], suspended: bool) -> None:
        self.call("suspend" if suspended else "unsuspend", cards=card_ids)

    def add_tag(self, note_ids: list[int], tag: str) -> None:
        self.call("addTags", notes=note_ids, tags=tag)

    def delete_notes(self, note_ids: list[int]) -> None:
        self.call("deleteNotes", notes=note_ids)

    @odd_answers
    def cards_in(self, deck: str) -> int:
        """Counted by deck ids (``did:``, which takes in cards a filtered deck borrowed):
        a search by name would read ``filtered`` or ``current`` as Anki's keywords."""
        decks = shape(self.call("deckNamesAndIds"), "", dict)
        key = deck_key(deck)
        ids = [
            int(did)
            for name, did in decks.items()
            if deck_key(name) == key or deck_key(name).startswith(key + "::")
        ]
        if not ids:
            return 0
        query = "did:" + ",".join(str(i) for i in ids)
        return len(shape(self.call("findCards", query=query), "", list))

    def delete_empty_deck(self, deck: str) -> None:
        if self.cards_in(deck) == 0:  # cardsToo: Anki deletes no deck without; it has none
            self.call("deleteDecks", decks=[deck], cardsToo=True)

    def sync_ankiweb(self) -> None:
        self.call("sync")

    def close(self) -> None:
        pass
