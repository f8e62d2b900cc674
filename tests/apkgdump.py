"""A semantic dump of a built .apkg: what is inside, not its bytes."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any


def dump_package(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as tmp:
        archive.extract("collection.anki2", tmp)
        media_map = json.loads(archive.read("media"))
        media = {name: archive.read(index) for index, name in media_map.items()}
        db = sqlite3.connect(Path(tmp, "collection.anki2"))
        try:
            models_json, decks_json = db.execute("select models, decks from col").fetchone()
            rows = db.execute("select guid, mid, mod, flds, tags from notes order by id").fetchall()
            cards = db.execute("select nid, did, ord from cards").fetchall()
        finally:
            db.close()
    models = json.loads(models_json)
    decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
    (model,) = models.values()
    return {
        "note_type": {
            "id": int(model["id"]),
            "name": model["name"],
            "fields": [f["name"] for f in model["flds"]],
            "templates": [t["name"] for t in model["tmpls"]],
        },
        "decks": {k: v for k, v in decks.items() if v != "Default"},
        "notes": [
            {"guid": g, "mod": mod, "fields": flds.split("\x1f"), "tags": tags.split()}
            for g, _mid, mod, flds, tags in rows
        ],
        "cards": len(cards),
        "card_decks": sorted({decks[did] for _nid, did, _ord in cards}),
        "media": {name: len(data) for name, data in media.items()},
    }
