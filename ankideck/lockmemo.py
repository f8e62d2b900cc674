"""The lock stage of the last build, remembered: when every file's outcome came from the
cache and each lock and the templates are what the last build left, reconciling again
would find nothing new, so its result is reused instead of read and computed."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from ankideck.atomic import write_cache
from ankideck.filecache import CACHE_DIR
from ankideck.lock import LOCK_FILE
from ankideck.locking import Locked
from ankideck.notetype import Templates


class LockMemo:
    def __init__(self, out: Path) -> None:
        self.path = out / CACHE_DIR / "locked.pickle"

    @staticmethod
    def key(
        file_keys: Iterable[str], roots: Iterable[Path], templates: Mapping[Path, Templates]
    ) -> str:
        digest = hashlib.sha256()
        for key in sorted(file_keys):
            digest.update(key.encode())
        for root in sorted(roots):
            try:
                lock = (root / LOCK_FILE).read_bytes()
            except OSError:
                lock = b"(none)"
            template = templates[root].digest if root in templates else "(none)"
            digest.update(f"\x1e{root}\x1f{template}\x1f".encode() + hashlib.sha256(lock).digest())
        return digest.hexdigest()

    def load(self, key: str) -> Locked | None:
        """The remembered result if it was made for ``key`` (read only then: the key is
        a pickle of its own, first in the file)."""
        try:
            with self.path.open("rb") as f:
                if pickle.load(f) != key:
                    return None
                locked = pickle.load(f)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError):
            return None
        return locked if isinstance(locked, Locked) else None

    def save(self, key: str, settled: bytes) -> None:
        """Remember ``settled`` (from ``settle``) under ``key``."""
        write_cache(self.path, pickle.dumps(key, pickle.HIGHEST_PROTOCOL) + settled)

    @staticmethod
    def settle(locked: Locked) -> bytes:
        """``locked`` as the next build would find it (nothing new, retired notes gone),
        pickled: made while the packages are written, saved once they all are."""
        removed = {c.guid for c in locked.changes if c.kind == "removed"}
        decks = [
            replace(d, notes=tuple(n for n in d.notes if n.guid not in removed))
            for d in locked.decks
        ]
        settled = Locked(
            decks=[d for d in decks if d.notes],
            changes=[
                replace(c, kind="unchanged", before="")
                for c in locked.changes
                if c.guid not in removed
            ],
            note_type_mod=dict(locked.note_type_mod),
        )
        return pickle.dumps(settled, pickle.HIGHEST_PROTOCOL)
