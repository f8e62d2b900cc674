"""A stand-in for Anki desktop with the AnkiConnect add-on: an HTTP server speaking the
add-on's protocol (version 6: ``{"action", "version", "params", "key"}`` in,
``{"result", "error"}`` out), with the real ``anki`` backend behind it.

Each action does what the add-on's own code does (read in its source: plugin/__init__.py
and plugin/web.py of FooSoft/anki-connect), written here in our own words: the key is
checked first ('valid api key must be provided'), an unknown action is 'unsupported
action', any failure is its message in ``error``; ``importPackage`` runs
``anki.importing.AnkiPackageImporter`` as the add-on does; ``changeDeck`` takes the cards
out of filtered decks, then sets their deck in the database; ``deleteDecks`` refuses
without ``cardsToo``; ``suspend`` skips cards already suspended and answers False when none
is left. Switches make it an old add-on, a slow one, or something else on the port.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from anki.collection import Collection
from anki.errors import NotFoundError


class StandIn:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.col = Collection(str(folder / "collection.anki2"))
        self.lock = threading.Lock()
        self.api_key: str | None = None
        self.api_version = 6
        self.profile = "User 1"
        self.old = False  # as add-ons before 2024: no notesModTime, no 'mod' in notesInfo
        self.delay = 0.0  # seconds before each answer
        self.not_anki = False  # answer as some other server on the port would
        self.failing_import = 0  # the import (1, 2, ...) that fails, as a broken file's does
        self.ankiweb_error = ""  # what Anki answers to "sync" (no AnkiWeb login, offline)
        self.calls: list[str] = []
        self.server = HTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @contextmanager
    def collection(self) -> Iterator[Collection]:
        with self.lock:
            yield self.col

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.col.close()

    def answer(self, request: Any) -> dict[str, Any]:
        """The add-on's handler: the key, then the action, any failure as its message."""
        try:
            if not isinstance(request, dict) or not isinstance(request.get("action"), str):
                raise ValueError("'action' is a required property")
            name, params = request["action"], request.get("params", {})
            self.calls.append(name)
            if request.get("key") != self.api_key:
                raise PermissionError("valid api key must be provided")
            action = _ACTIONS.get(name)
            if action is None:
                raise LookupError("unsupported action")
            with self.lock:
                return {"result": action(self, **params), "error": None}
        except Exception as exc:
            return {"result": None, "error": str(exc)}


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            time.sleep(standin.delay)
            if standin.not_anki:
                self._send(404, b"<html>Not Found</html>", "text/html")
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not body:
                self._send(200, f"AnkiConnect v.{standin.api_version}".encode(), "text/plain")
                return
            try:
                request = json.loads(body)
            except ValueError as exc:
                reply: Any = {"result": None, "error": str(exc)}
            else:
                reply = standin.answer(request)
            self._send(200, json.dumps(reply).encode(), "application/json")

        def _send(self, status: int, data: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


def _version(s: StandIn) -> int:
    return s.api_version


def _active_profile(s: StandIn) -> str:
    return s.profile


def _find_notes(s: StandIn, query: str | None = None) -> list[int]:
    return [] if query is None else list(map(int, s.col.find_notes(query)))


def _find_cards(s: StandIn, query: str | None = None) -> list[int]:
    return [] if query is None else list(map(int, s.col.find_cards(query)))


def _notes_info(s: StandIn, notes: list[int]) -> list[dict[str, Any]]:
    found = []
    for nid in notes:
        try:
            note = s.col.get_note(nid)
        except NotFoundError:  # the add-on answers {} for a note that is not there
            found.append({})
            continue
        model = note.note_type()
        assert model is not None
        fields = {
            f["name"]: {"value": note.fields[f["ord"]], "order": f["ord"]} for f in model["flds"]
        }
        info = {"noteId": note.id, "tags": note.tags, "fields": fields, "modelName": model["name"]}
        if not s.old:
            info["mod"] = note.mod
        info["cards"] = s.col.db.list("select id from cards where nid = ? order by ord", nid)
        found.append(info)
    return found


def _notes_mod_time(s: StandIn, notes: list[int]) -> list[dict[str, int]]:
    if s.old:
        raise LookupError("unsupported action")
    found: list[dict[str, int]] = []
    for nid in notes:
        try:
            found.append({"noteId": nid, "mod": s.col.get_note(nid).mod})
        except NotFoundError:
            found.append({})
    return found


def _get_decks(s: StandIn, cards: list[int]) -> dict[str, list[int]]:
    decks: dict[str, list[int]] = {}
    for cid in cards:
        did = s.col.db.scalar("select did from cards where id=?", cid)
        decks.setdefault(s.col.decks.get(did)["name"], []).append(cid)
    return decks


def _are_suspended(s: StandIn, cards: list[int]) -> list[bool]:
    return [s.col.get_card(cid).queue == -1 for cid in cards]


def _deck_names(s: StandIn) -> list[str]:
    return [d.name for d in s.col.decks.all_names_and_ids()]


def _deck_names_and_ids(s: StandIn) -> dict[str, int]:
    return {d.name: d.id for d in s.col.decks.all_names_and_ids()}


def _model_names_and_ids(s: StandIn) -> dict[str, int]:
    return {m.name: m.id for m in s.col.models.all_names_and_ids()}


def _model_styling(s: StandIn, modelName: str) -> dict[str, str]:
    return {"css": s.col.models.by_name(modelName)["css"]}


def _model_templates(s: StandIn, modelName: str) -> dict[str, dict[str, str]]:
    kind = s.col.models.by_name(modelName)
    return {t["name"]: {"Front": t["qfmt"], "Back": t["afmt"]} for t in kind["tmpls"]}


def _model_field_names(s: StandIn, modelName: str) -> list[str]:
    return [f["name"] for f in s.col.models.by_name(modelName)["flds"]]


def _update_model_styling(s: StandIn, model: dict) -> None:
    kind = s.col.models.by_name(model["name"])
    kind["css"] = model["css"]
    s.col.models.save(kind)


def _update_model_templates(s: StandIn, model: dict) -> None:
    kind = s.col.models.by_name(model["name"])
    for template in kind["tmpls"]:  # as the add-on does: by name, Front and Back if given
        sides = model["templates"].get(template["name"], {})
        template["qfmt"] = sides.get("Front", template["qfmt"])
        template["afmt"] = sides.get("Back", template["afmt"])
    s.col.models.save(kind)


def _import_package(s: StandIn, path: str) -> bool:
    if s.calls.count("importPackage") == s.failing_import:
        raise OSError(f"Import failed: {Path(path).name} could not be read")
    # The add-on's ``from anki.importing import AnkiPackageImporter`` is this class (its
    # deprecated name prints a warning, into the CLI's captured output here).
    from anki.importing import _LegacyAnkiPackageImporter as AnkiPackageImporter

    AnkiPackageImporter(s.col, path).run()
    return True


def _change_deck(s: StandIn, cards: list[int], deck: str) -> None:
    did = s.col.decks.id(deck)
    ids = "(" + ",".join(str(int(c)) for c in cards) + ")"
    s.col.sched.remFromDyn(cards)
    s.col.db.execute(
        "update cards set usn=?, mod=?, did=? where id in " + ids,
        s.col.usn(),
        int(time.time()),
        did,
    )


def _delete_decks(s: StandIn, decks: list[str], cardsToo: bool = False) -> None:
    if not cardsToo:
        raise ValueError(
            "Since Anki 2.1.28 it's not possible to delete decks without deleting cards as well"
        )
    names = _deck_names(s)
    s.col.decks.remove([s.col.decks.id(d) for d in decks if d in names])


def _suspend(s: StandIn, cards: list[int], suspend: bool = True) -> bool:
    cards = [c for c in cards if (s.col.get_card(c).queue == -1) != suspend]
    if not cards:
        return False
    if suspend:
        s.col.sched.suspend_cards(cards)
    else:
        s.col.sched.unsuspend_cards(cards)
    return True


def _unsuspend(s: StandIn, cards: list[int]) -> None:
    _suspend(s, cards, False)


def _add_tags(s: StandIn, notes: list[int], tags: str, add: bool = True) -> None:
    if add:
        s.col.tags.bulk_add(notes, tags)
    else:
        s.col.tags.bulk_remove(notes, tags)


def _delete_notes(s: StandIn, notes: list[int]) -> None:
    s.col.remove_notes(notes)


def _sync(s: StandIn) -> None:
    if s.ankiweb_error:  # as Anki answers without an AnkiWeb login
        raise RuntimeError(s.ankiweb_error)
    # else the add-on starts Anki's own sync with AnkiWeb, which a test cannot reach


_ACTIONS: dict[str, Callable[..., Any]] = {
    "version": _version,
    "getActiveProfile": _active_profile,
    "findNotes": _find_notes,
    "findCards": _find_cards,
    "notesInfo": _notes_info,
    "notesModTime": _notes_mod_time,
    "getDecks": _get_decks,
    "areSuspended": _are_suspended,
    "deckNames": _deck_names,
    "deckNamesAndIds": _deck_names_and_ids,
    "modelNamesAndIds": _model_names_and_ids,
    "importPackage": _import_package,
    "modelStyling": _model_styling,
    "modelTemplates": _model_templates,
    "modelFieldNames": _model_field_names,
    "updateModelStyling": _update_model_styling,
    "updateModelTemplates": _update_model_templates,
    "changeDeck": _change_deck,
    "deleteDecks": _delete_decks,
    "suspend": _suspend,
    "unsuspend": _unsuspend,
    "addTags": _add_tags,
    "deleteNotes": _delete_notes,
    "sync": _sync,
}
