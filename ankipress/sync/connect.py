"""A running Anki, through the AnkiConnect add-on (2055492159): its HTTP API, version 6.

A request is ``{"action", "version": 6, "params", "key"?}``; the answer
``{"result", "error"}``. Only documented actions are used: ``version``,
``getActiveProfile``, ``findNotes``, ``notesInfo``, ``notesModTime`` (which add-ons of
2024 on have: asked first, so an older one is refused before anything), ``getDecks``,
``areSuspended``, ``deckNames``, ``findCards``, ``importPackage`` (the add-on imports as
File › Import does), ``changeDeck``, ``suspend``, ``unsuspend``, ``addTags``,
``deleteNotes``, ``deleteDecks`` and ``sync``. AnkiConnect does not tell a note's GUID:
``recognise`` finds which note is which.

Every way this can fail is one ``AnkiUnreachable`` saying what to do.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ankipress.sync.decks import deck_search
from ankipress.sync.live import AnkiUnreachable, LiveCard, LiveNote, Snapshot

DEFAULT_URL = "http://127.0.0.1:8765"
API_VERSION = 6
ADD_ON = "AnkiConnect add-on (code 2055492159)"
_UPDATE = "update it: Tools > Add-ons > Check for Updates, then restart Anki"
_KEY = "valid api key must be provided"


class AnkiConnect:
    sees_guids = False

    def __init__(self, url: str, key: str | None, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.target = f"AnkiConnect {self.url}"
        self.shown = f"AnkiConnect at {self.url}"
        self.key, self.timeout = key, timeout
        self._open = urllib.request.build_opener(urllib.request.ProxyHandler({})).open
        version = self.call("version")
        if type(version) is not int:
            raise AnkiUnreachable(self._not_ankiconnect("its version is not a number"))
        if version < API_VERSION:
            raise AnkiUnreachable(
                f"error: {self.shown} speaks version {version} of its API; ankipress needs "
                f"{API_VERSION}: {_UPDATE}"
            )
        profile = self.call("getActiveProfile")  # note ids are a profile's own
        self.call("notesModTime", notes=[])  # what add-ons before 2024 lack, asked up front
        self.target = f"AnkiConnect {self.url} profile {profile}"
        self.shown = f"AnkiConnect at {self.url} (profile {profile!r})"

    def call(self, action: str, **params: Any) -> Any:
        body: dict[str, Any] = {"action": action, "version": API_VERSION, "params": params}
        if self.key is not None:
            body["key"] = self.key
        request = urllib.request.Request(
            self.url, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        try:
            with self._open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise AnkiUnreachable(self._not_ankiconnect(f"HTTP {exc.code}")) from None
        except TimeoutError:
            raise AnkiUnreachable(self._timed_out(action)) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise AnkiUnreachable(self._timed_out(action)) from None
            raise AnkiUnreachable(self._unreachable(exc.reason)) from None
        except (OSError, http.client.HTTPException) as exc:
            raise AnkiUnreachable(self._unreachable(exc)) from None
        return self._result(action, raw)

    def _result(self, action: str, raw: bytes) -> Any:
        try:
            answer = json.loads(raw)
        except ValueError:
            raise AnkiUnreachable(self._not_ankiconnect("not JSON")) from None
        if not isinstance(answer, dict) or set(answer) != {"result", "error"}:
            if action == "version" and type(answer) is int:  # versions 4 and before
                return answer
            raise AnkiUnreachable(self._not_ankiconnect("not a version 6 answer"))
        error = answer["error"]
        if error is None:
            return answer["result"]
        if error == _KEY:
            how = "the key is wrong" if self.key is not None else "it needs one"
            raise AnkiUnreachable(
                f"error: {self.shown} refused the API key ({how}): give the key of the "
                "add-on's config (Tools > Add-ons > AnkiConnect > Config, apiKey) with "
                "--api-key or ANKIPRESS_API_KEY"
            )
        if error == "unsupported action":
            raise AnkiUnreachable(
                f"error: {self.shown} has no action {action!r}: the add-on is too old; {_UPDATE}"
            )
        raise AnkiUnreachable(f"error: {self.shown}: {action} failed: {error}")

    def _not_ankiconnect(self, why: str) -> str:
        return (
            f"error: {self.url} answered, but not as AnkiConnect does ({why}): "
            f"is the {ADD_ON} installed, and listening there?"
        )

    def _unreachable(self, why: object) -> str:
        if isinstance(why, ConnectionRefusedError):
            why = "connection refused"
        return (
            f"error: cannot reach {self.shown} ({why}): start Anki with the {ADD_ON}, "
            "or sync into a closed collection with --collection PATH"
        )

    def _timed_out(self, action: str) -> str:
        return (
            f"error: {self.shown} did not answer {action} within {self.timeout:g} s: is a "
            "dialog open in Anki? Close it, or give more time with --timeout"
        )

    def snapshot(self, note_types: Iterable[int]) -> Snapshot:
        ids: list[int] = []
        for kind in note_types:
            ids += self.call("findNotes", query=f"mid:{int(kind)}")
        infos = self.call("notesInfo", notes=ids) if ids else []
        card_ids = [cid for info in infos for cid in _shape(info, "cards", list)]
        decks = self.call("getDecks", cards=card_ids) if card_ids else {}
        deck_of = {cid: name for name, cids in _shape(decks, "", dict).items() for cid in cids}
        paused = self.call("areSuspended", cards=card_ids) if card_ids else []
        suspended = dict(zip(card_ids, _shape(paused, "", list), strict=True))
        notes = []
        mods = self.call("notesModTime", notes=ids) if ids else []
        mod_of = {m["noteId"]: m["mod"] for m in _shape(mods, "", list)}
        for info in infos:
            fields = sorted(_shape(info, "fields", dict).values(), key=lambda f: f["order"])
            cards = tuple(
                LiveCard(c, deck_of.get(c, ""), bool(suspended.get(c))) for c in info["cards"]
            )
            notes.append(
                LiveNote(
                    info["noteId"],
                    None,
                    mod_of[info["noteId"]],
                    tuple(f["value"] for f in fields),
                    tuple(info["tags"]),
                    cards,
                )
            )
        return Snapshot(tuple(notes), frozenset(self.call("deckNames")))

    def import_package(self, path: Path) -> None:
        if self.call("importPackage", path=str(path.resolve())) is not True:
            raise AnkiUnreachable(f"error: {self.shown} did not import {path}: is a profile open?")

    def change_deck(self, card_ids: list[int], deck: str) -> None:
        self.call("changeDeck", cards=card_ids, deck=deck)

    def suspend(self, card_ids: list[int], suspended: bool) -> None:
        self.call("suspend" if suspended else "unsuspend", cards=card_ids)

    def add_tag(self, note_ids: list[int], tag: str) -> None:
        self.call("addTags", notes=note_ids, tags=tag)

    def delete_notes(self, note_ids: list[int]) -> None:
        self.call("deleteNotes", notes=note_ids)

    def cards_in(self, deck: str) -> int:
        return len(self.call("findCards", query=deck_search(deck)))

    def delete_empty_deck(self, deck: str) -> None:
        if self.cards_in(deck) == 0:  # cardsToo: Anki deletes no deck without; it has none
            self.call("deleteDecks", decks=[deck], cardsToo=True)

    def sync_ankiweb(self) -> None:
        self.call("sync")

    def close(self) -> None:
        pass


def _shape(value: Any, key: str, kind: type) -> Any:
    found = value.get(key) if key and isinstance(value, dict) else value
    if not isinstance(found, kind):
        what = key or kind.__name__
        raise AnkiUnreachable(
            f"error: AnkiConnect answered in a shape ankipress does not know ({what})"
        )
    return found
