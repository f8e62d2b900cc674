"""``manifest.json`` next to the decks: what a build wrote, for machines (CI, publishing).

Per deck its package file, the file it was made from (relative to the output folder),
name, id, card count and the package's sha256; per note its
GUID, question, source ``path:line`` and tags. Sorted by file, then by the deck's order.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Sequence
from html import unescape
from pathlib import Path, PurePosixPath
from typing import Any

from ankipress.atomic import open_regular, write_text
from ankipress.records import Deck

MANIFEST_FILE = "manifest.json"


def write_manifest(
    out_dir: Path,
    written: list[tuple[Deck, PurePosixPath]],
    digests: dict[PurePosixPath, str],
    listing: Callable[[Deck], str],
    kept: Sequence[dict[str, Any]] = (),
) -> Path:
    """``written``: each deck with the package (relative to ``out_dir``) holding it;
    ``digests``: each package's sha256; ``listing``: a deck's ``notes_listing`` (or the
    one already made); ``kept``: the last manifest's entries of decks this build did not
    answer for (other books' packages, still there), as they were."""
    # One deck a line: json's fast encoder, and a diff that names the decks that changed.
    base = out_dir.resolve()
    made = [
        (
            file.as_posix(),
            deck.name,
            _deck(deck, file, digests[file], listing(deck), book_path(deck, base)),
        )
        for deck, file in written
    ]
    made += [
        (str(d["file"]), str(d.get("name", "")), json.dumps(d, ensure_ascii=True)) for d in kept
    ]
    lines = ",\n".join(line for _, _, line in sorted(made, key=lambda m: (m[0], m[1])))
    text = '{"decks": [\n' + lines + "\n]}\n"
    path = out_dir / MANIFEST_FILE
    out_dir.mkdir(parents=True, exist_ok=True)
    write_text(path, text)
    return path


def manifest_decks(out_dir: Path) -> Any:
    """The ``decks`` value of the manifest in ``out_dir`` as it was read, not checked
    (None if it is missing, not a regular file, or no manifest)."""
    path = out_dir / MANIFEST_FILE
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        return json.loads(path.read_text(encoding="utf-8"))["decks"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None


def foreign_manifest(out_dir: Path) -> bool:
    """Whether what stands where the manifest goes in ``out_dir`` is no manifest ankipress
    wrote: not a regular file (a symlink, a folder), or not of a manifest's form, of this
    version or an earlier one (an object whose one key, ``decks``, lists decks that each
    name their package and its sha256). Nothing there is no foreign manifest. (Its form is
    all that tells: the packages it lists need not be there any more.)"""
    path = out_dir / MANIFEST_FILE
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return True
        with open_regular(path) as f:
            data = json.loads(f.read().decode("utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return False
    except (OSError, ValueError, RecursionError):
        return True
    decks = data.get("decks") if isinstance(data, dict) and data.keys() == {"decks"} else None
    return not isinstance(decks, list) or not all(
        isinstance(d, dict) and isinstance(d.get("file"), str) and isinstance(d.get("sha256"), str)
        for d in decks
    )


def earlier_decks(out_dir: Path) -> list[dict[str, Any]]:
    """The deck entries of the manifest in ``out_dir`` (none if it is missing or not one:
    the output folder is not trusted, so only entries naming a file and a book count)."""
    decks = manifest_decks(out_dir)
    if not isinstance(decks, list):
        return []
    return [
        d
        for d in decks
        if isinstance(d, dict) and isinstance(d.get("file"), str) and isinstance(d.get("book"), str)
    ]


def book_path(deck: Deck, out_dir: Path) -> str:
    """The file a deck was made from, relative to the (resolved) output folder."""
    return Path(os.path.relpath(deck.book.path, out_dir)).as_posix()


def _deck(deck: Deck, file: PurePosixPath, digest: str, notes: str, book: str) -> str:
    head = {
        "file": file.as_posix(),
        "book": book,
        "name": deck.name,
        "deck_id": deck.deck_id,
        "cards": len(deck.notes),
        "sha256": digest,
    }
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "notes": ' + notes + "}"


def notes_listing(deck: Deck) -> str:
    """The manifest's list of a deck's notes, as JSON."""
    notes = [
        {
            "guid": note.guid,
            "question": unescape(note.question),
            "source": unescape(note.source),
            "tags": list(note.tags),
        }
        for note in deck.notes
    ]
    return json.dumps(notes, ensure_ascii=False)
