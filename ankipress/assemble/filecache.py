"""The build cache: each file's outcome (cards rendered, diagnostics), reused while nothing
it depends on changed, in ``<out>/.ankipress-cache/``.

A file's entry is keyed by its bytes, its settings, how it is named, the media files that
could be under its root or a media root (their names, sizes and times), and the code of
this tool: a change to any of them, an image added, a new version, misses the cache. The
cache is the build's own output folder; delete it any time, or build with ``--no-cache``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import asdict, replace
from pathlib import Path

from ankipress.assemble.filestage import FileOutcome
from ankipress.assemble.sealed import seal, skip, unseal
from ankipress.atomic import open_regular, write_cache
from ankipress.folders import walk
from ankipress.limits import DEFAULT_LIMITS, Limits
from ankipress.notes.config import Settings
from ankipress.records import SourceFile

CACHE_DIR = ".ankipress-cache"
_NOT_MEDIA = (".md", ".markdown", ".lock", ".yaml")
_CODE = Path(__file__).resolve().parent.parent  # the whole package: any change to it


class FileCache:
    def __init__(
        self, out: Path, media_roots: tuple[Path, ...], limits: Limits = DEFAULT_LIMITS
    ) -> None:
        self.out = out
        self.folder = out / CACHE_DIR / "files"
        self.media_roots = media_roots
        self.limits = limits
        self._fingerprints: dict[Path, str] = {}
        self._code = _fingerprint([_CODE], suffixes=(".py",))
        self.keys: list[str] = []  # of every file looked up in this build

    def key(self, source: SourceFile, settings: Settings, data: bytes) -> str:
        digest = hashlib.sha256()
        for part in (
            self._code,
            _settings_text(settings.for_file(source.rel.as_posix())),  # (its own: stable)
            source.display,
            str(source.root),
            source.rel.as_posix(),
            source.key,
            repr(self.limits),
            self._media(source.root),
            *(self._media(root) for root in self.media_roots),
        ):
            digest.update(part.encode() + b"\x1f")
        digest.update(data)
        self.keys.append(digest.hexdigest())
        return self.keys[-1]

    def get(self, source: SourceFile, key: str) -> FileOutcome | None:
        """The file's outcome without its decks (``fill`` loads them): a build that needs
        nothing new from the lock never unpickles the cards."""
        try:
            with open_regular(self._path(source)) as f:
                stored_key, outcome = unseal(f)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError):
            return None
        return outcome if stored_key == key else None

    def fill(self, outcome: FileOutcome) -> bool:
        """Load the decks of a cached outcome; False if they are gone (read the file again)."""
        if not outcome.cached:
            return True
        try:
            with open_regular(self._path(outcome.source)) as f:
                skip(f)
                outcome.decks = unseal(f)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, AttributeError):
            return False
        outcome.cached = False
        return True

    def put(self, source: SourceFile, key: str, outcome: FileOutcome) -> None:
        path = self._path(source)
        meta = replace(outcome, decks=[], cached=True)
        data = seal((key, meta)) + seal(outcome.decks)  # two pickles: get() reads the first
        write_cache(self.out, path, data)

    def _path(self, source: SourceFile) -> Path:
        name = hashlib.sha256(str(source.path).encode()).hexdigest()[:32]
        return self.folder / f"{name}.pickle"

    def _media(self, root: Path) -> str:
        if root not in self._fingerprints:
            self._fingerprints[root] = _fingerprint([root], skip=_NOT_MEDIA)
        return self._fingerprints[root]


def _fingerprint(
    roots: list[Path], suffixes: tuple[str, ...] = (), skip: tuple[str, ...] = ()
) -> str:
    """Names, sizes, modification and change times and inodes of the files under ``roots``
    (new bytes of the same size under an old modification time still change the last two:
    ``touch -d`` sets the first, never the change time)."""
    digest = hashlib.sha256()
    for root in roots:
        for folder, dirs, names in walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(names):
                if (suffixes and not name.endswith(suffixes)) or name.endswith(skip):
                    continue
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                times = f"{stat.st_mtime_ns}\x1f{stat.st_ctime_ns}\x1f{stat.st_ino}"
                digest.update(f"{folder}/{name}\x1f{stat.st_size}\x1f{times}\n".encode())
    return digest.hexdigest()


def _settings_text(settings: Settings) -> str:
    return repr(
        sorted(
            (k, sorted(v) if isinstance(v, frozenset) else v) for k, v in asdict(settings).items()
        )
    )
