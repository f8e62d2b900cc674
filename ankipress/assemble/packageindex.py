"""Which packages a build must write: one whose inputs are those of the file already there
is left alone (its bytes would be the same), so a rebuild writes only what changed.

The index, ``<out>/.ankipress-cache/packages.pickle`` (sealed, see ``sealed``), holds per
package file a fingerprint of everything its bytes depend on (decks, notes with their
times, media names, note type and its time) and the sha256 and size of the file written.
"""

from __future__ import annotations

import hashlib
import pickle
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ankipress.apkg.manifest import MANIFEST_FILE, notes_listing
from ankipress.apkg.package import Written
from ankipress.assemble.filecache import CACHE_DIR
from ankipress.assemble.sealed import seal, unseal
from ankipress.atomic import open_regular, write_cache
from ankipress.cards.notetype import Templates
from ankipress.records import Deck

INDEX = Path(CACHE_DIR, "packages.pickle")
MANIFEST_KEY = MANIFEST_FILE  # the manifest's own entry: what it listed


class PackageIndex:
    def __init__(self, out: Path, enabled: bool) -> None:
        self.out = out
        self.enabled = enabled
        self._entries: dict[str, dict[str, str | int | None]] = {}
        self._dirty = False
        try:  # sealed: a repository's own index could vouch for packages it committed
            with open_regular(out / INDEX) as f:
                entries = unseal(f)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            entries = {}
        # (read when disabled too: it still says which files a build of this user's wrote)
        self._entries = entries if isinstance(entries, dict) else {}

    def unchanged(self, file: PurePosixPath, inputs: str) -> str | None:
        """The sha256 of ``file`` if it was written from ``inputs`` and is still the file
        written: the same regular file (not a symlink), size and modification time, so a
        file put in its place (a checkout, a copy) is written anew."""
        entry = self._entries.get(file.as_posix())
        if not self.enabled or entry is None or entry.get("inputs") != inputs:
            return None
        found = _identity(self.out / file)
        return str(entry["sha256"]) if found is not None and found == entry.get("file") else None

    def wrote(self, file: PurePosixPath) -> bool:
        """Whether a build of this user's wrote the file there now (the same file, size and
        modification time), or was about to write it (``claim``) when it stopped."""
        entry = self._entries.get(file.as_posix())
        if entry is None:
            return False
        found = _identity(self.out / file)
        return bool(entry.get("claimed")) or (found is not None and found == entry.get("file"))

    def claim(self, files: list[PurePosixPath]) -> None:
        """Note, before they are written, the files a build is about to write, and save: a
        build killed while writing them leaves files the next one knows as its own."""
        if not (self.enabled and files):
            return
        for file in files:
            name = file.as_posix()
            self._entries[name] = {**self._entries.get(name, {}), "claimed": 1}
        self._dirty = True
        self.save()

    def unclaim(self, file: PurePosixPath) -> None:
        """``file`` was not written after all (``claim``)."""
        entry = self._entries.get(file.as_posix(), {})
        if entry.pop("claimed", None) is not None:
            if not entry:
                del self._entries[file.as_posix()]
            self._dirty = True

    def record(self, file: PurePosixPath, inputs: str, written: Written) -> str:
        """Note ``file`` as just written from ``inputs``; its sha256."""
        entry = {"inputs": inputs, "sha256": written.sha256, "file": _identity(self.out / file)}
        self._entries[file.as_posix()] = entry
        self._dirty = True
        return written.sha256

    def manifest_current(self, inputs: str) -> bool:
        """Whether the manifest there was written for exactly these packages."""
        entry = self._entries.get(MANIFEST_KEY)
        return (
            self.enabled
            and entry is not None
            and entry.get("inputs") == inputs
            and (self.out / MANIFEST_FILE).is_file()
        )

    def record_manifest(self, inputs: str) -> None:
        self._entries[MANIFEST_KEY] = {"inputs": inputs}
        self._dirty = True

    def save(self) -> None:
        if not (self.enabled and self._dirty):
            return
        write_cache(self.out, self.out / INDEX, seal(self._entries))


def _identity(path: Path) -> str | None:
    """What tells the file at ``path`` from one put in its place, if it is a regular file."""
    try:
        found = path.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return f"{found.st_dev}:{found.st_ino}:{found.st_size}:{found.st_mtime_ns}"


@dataclass
class Derived:
    """What the write stage makes of each deck's notes, by deck id (one build has no two
    decks with one id); a rebuild takes them from the last build for the decks it takes
    as they were (lockmemo)."""

    digests: dict[int, str] = field(default_factory=dict)  # notes_digest
    listings: dict[int, str] = field(default_factory=dict)  # manifest.notes_listing

    def digest(self, deck: Deck) -> str:
        if deck.deck_id not in self.digests:
            self.digests[deck.deck_id] = notes_digest(deck)
        return self.digests[deck.deck_id]

    def listing(self, deck: Deck) -> str:
        if deck.deck_id not in self.listings:
            self.listings[deck.deck_id] = notes_listing(deck)
        return self.listings[deck.deck_id]


def inputs_of(
    decks: list[Deck],
    templates: Mapping[Path, Templates],
    type_mods: Mapping[Path, int],
    timestamp: float,
    derived: Derived,
) -> str:
    """A fingerprint of everything the bytes of a package of ``decks`` depend on."""
    own = [derived.digest(deck) for deck in decks]
    timeless = any(digest.startswith("t") for digest in own)  # notes get the build's time
    digest = hashlib.sha256(f"{timestamp if timeless else ''}".encode())
    for deck, notes in zip(decks, own, strict=True):
        root = deck.book.root
        kind = templates[root]
        digest.update(
            f"\x1e{deck.name}\x1f{deck.deck_id}\x1f{deck.output}\x1f{kind.digest}".encode()
        )
        digest.update(f"\x1f{type_mods.get(root)}\x1f{notes}".encode())
        for asset in kind.assets:
            digest.update(f"\x1b{asset.name}".encode())
    return digest.hexdigest()


def notes_digest(deck: Deck) -> str:
    """A fingerprint of a deck's notes (with their times) and media; it starts with ``t``
    if a note has no time of its own."""
    digest = hashlib.sha256()
    for note in deck.notes:
        parts = (note.guid, *note.fields, " ".join(note.tags), str(note.mod), str(note.since))
        digest.update(("\x1d" + "\x1f".join(parts)).encode())
    for media in deck.media:
        digest.update(f"\x1c{media.name}".encode())
    timeless = any(note.mod is None for note in deck.notes)
    return ("t" if timeless else "") + digest.hexdigest()
