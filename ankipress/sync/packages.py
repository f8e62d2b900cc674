"""The packages a sync imports: copies of the bytes the build wrote or kept, checked.

The output folder is not the build's alone (a checkout, another process may put files
there), and what a sync imports reaches the user's collection. So each package is copied
into a folder of the sync's own (made afresh in the output folder, owner-only), hashed as
it is copied against the sha256 the build knows, and Anki imports the copy: nothing put
in the package's place after the check reaches Anki. The folder goes when the sync ends.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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
