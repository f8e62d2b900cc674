"""The packages a sync imports: copies of the bytes the build wrote or kept, checked.

The output folder is not the build's alone (a checkout, another process may put files
there), and what a sync imports reaches the user's collection. So each package is copied
into a folder of the sync's own (made afresh in the output folder, owner-only), hashed as
it is copied against the sha256 the build knows, and Anki imports the copy: nothing put
in the package's place after the check reaches Anki. The folder goes when the sync ends.
Where a conflict is to be decided otherwise than Anki's times would, the copy's notes get
the times that decide it (``retime``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path

from ankipress.atomic import open_regular

_BLOCK = 1 << 20


class NotBuilt(Exception):
    """A package in the output folder is not the one the build made or kept."""


@contextmanager
def checked_copies(packages: Iterable[tuple[Path, str]], out: Path) -> Iterator[list[Path]]:
    """Each package (with its sha256) copied and checked; ``NotBuilt`` before any copy is
    handed out if one is not the build's."""
    folder = Path(tempfile.mkdtemp(prefix=".ankipress-sync-", dir=out))
    try:
        yield [_copy(path, sha256, folder / str(n)) for n, (path, sha256) in enumerate(packages)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy(path: Path, sha256: str, place: Path) -> Path:
    """``path`` copied into the new folder ``place``, under its own name."""
    digest = hashlib.sha256()
    place.mkdir(mode=0o700)
    copy = place / path.name
    try:
        with open_regular(path) as source, copy.open("xb") as target:
            while block := source.read(_BLOCK):
                digest.update(block)
                target.write(block)
    except OSError as exc:
        raise NotBuilt(f"{path}: error: cannot read the package: {exc.strerror}") from None
    if digest.hexdigest() != sha256:
        raise NotBuilt(
            f"{path}: error: not the package this build made (it changed since); nothing "
            "was imported: delete it, then sync again"
        )
    return copy


_COLLECTION = "collection.anki2"


def retime(
    copy: Path,
    times: Mapping[str, int],
    fields: Mapping[str, tuple[str, ...]],
    tags: Mapping[str, tuple[str, ...]],
) -> None:
    """Give the notes of ``copy`` (a package the sync made its own) with these GUIDs these
    times (Anki updates a note only from a newer copy), and these ``fields`` and ``tags``
    where given (the notes' changes beside Anki's edits). A package holding none of them
    is left as it is."""
    if not times:
        return
    with tempfile.TemporaryDirectory(dir=copy.parent) as work:
        database = Path(work) / _COLLECTION
        rewritten = Path(work) / copy.name
        with zipfile.ZipFile(copy) as archive:
            if _COLLECTION not in archive.namelist():
                return
            database.write_bytes(archive.read(_COLLECTION))
            with closing(sqlite3.connect(database)) as db, db:
                held = {guid for (guid,) in db.execute("select guid from notes")}
                mine = held & set(times)
                if not mine:
                    return
                for guid in mine:
                    db.execute("update notes set mod = ? where guid = ?", (times[guid], guid))
                    if guid in fields:
                        values = fields[guid]
                        db.execute(
                            "update notes set flds = ?, sfld = ? where guid = ?",
                            ("\x1f".join(values), values[0] if values else "", guid),
                        )
                    if guid in tags:
                        db.execute(
                            "update notes set tags = ? where guid = ?",
                            (f" {' '.join(tags[guid])} ", guid),
                        )
            with zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
                for info in archive.infolist():
                    if info.filename == _COLLECTION:
                        target.write(database, _COLLECTION)
                    else:
                        with archive.open(info) as source, target.open(info, "w") as entry:
                            shutil.copyfileobj(source, entry, _BLOCK)
        os.replace(rewritten, copy)  # (the copy closed first: Windows replaces no open file)
