"""Which notes folder each note belongs to, on this machine: a record in the user's own
state folder (``owners.json``), never in a notes repository, so no repository can say it.

A note's GUID is in the lock of the folder it came from, and a lock is the repository's to
write: a stranger's lock (or front matter) may give a GUID of a note of the user's other
notes, computed from them, and so claim it: retire it, delete it, or ship a note of that
GUID that an import would put in its place. So the first folder built on this machine that
ships a note of a GUID alive owns it (not one whose lock only names it, nor a copy of
another folder's namespace); a build or a sync of another folder leaves that note out (it never
ships, moves, retires or deletes it), with a warning naming both folders, as long as the
owner is there and its lock still holds the GUID. A folder moved or deleted, or a note
whose line left its lock, gives the GUID up to the next folder that claims it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from html import unescape
from pathlib import Path
from typing import Any

from ankipress.atomic import open_regular, write_bytes
from ankipress.diagnostics import Diagnostics, display_path
from ankipress.identity.lockentry import content_hash, deck_hash
from ankipress.identity.lockfile import Held, held, lock_path, namespace_in
from ankipress.identity.retire import REMOVED_TAG
from ankipress.records import Deck
from ankipress.userstate import state_folder

FORMAT = 1
_GUIDS = re.compile(r"[!-~]{1,64}(?:\n[!-~]{1,64})*")  # GUIDs, one a line (lockcheck.guid)
_LIMIT = 200 * 1000**2  # bytes: larger is no record this tool wrote


def owners_path() -> Path:
    return state_folder() / "owners.json"


@dataclass
class Owners:
    """GUID -> the notes folder (its resolved path) that owns it."""

    folders: dict[str, str] = field(default_factory=dict)
    namespaces: dict[str, str] = field(default_factory=dict)  # namespace -> folder
    # note type's name -> the folder that built it first and the digest of its looks
    # (templates, CSS, assets; "default": the tool's own, of any version) there: another
    # folder's other looks would restyle its cards
    note_types: dict[str, tuple[str, str]] = field(default_factory=dict)
    warning: str = ""  # why the record could not be read, if it could not (it starts anew)
    _holding: dict[str, Held] = field(default_factory=dict, repr=False)  # by folder, its lock

    def _lock(self, folder: str) -> Held:
        if folder not in self._holding:
            self._holding[folder] = held(Path(folder))
        return self._holding[folder]

    def owner(self, guid: str, root: Path) -> str | None:
        """The other folder that owns ``guid``, if one does and still holds it; None if the
        GUID is ``root``'s, or free to claim."""
        folder = self.folders.get(guid)
        if folder is None or folder == str(root):
            return None
        return folder if guid in self._lock(folder).guids else None

    def same_note(self, folder: str, guid: str, digest: str, deck: str) -> bool:
        """Whether ``folder``'s lock holds the note ``guid`` alive with these fields and
        tags (``digest``) in this deck (``deck``, its hash): a copy of it (a second clone
        of one's notes) changes nothing there."""
        return self._lock(folder).alive.get(guid) == (digest, deck)

    def taken(self, namespace: str, root: Path) -> bool:
        """Whether another folder's lock has ``namespace``: a folder whose notes are all
        that folder's (a copy of it, or of notes alike) makes one of its own."""
        folder = self.namespaces.get(namespace)
        if folder is None or folder == str(root):
            return False
        with contextlib.suppress(OSError), open_regular(lock_path(Path(folder))) as f:
            return namespace_in(f.read(4096)) == namespace
        return False

    def styled_by(self, name: str, root: Path, digest: str) -> str | None:
        """The other folder (still there) whose cards the note type ``name`` has other
        looks for than ``digest``; None if there is none."""
        folder, theirs = self.note_types.get(name, (str(root), digest))
        if folder == str(root) or theirs == digest or not _there(folder):
            return None
        return folder

    def styles(self, root: Path, name: str, digest: str) -> bool:
        """Whether the record says ``root`` owns the note type ``name`` with these looks,
        and no other (``style`` would change nothing)."""
        mine = str(root)
        other = any(n != name for n, (folder, _) in self.note_types.items() if folder == mine)
        return self.note_types.get(name) == (mine, digest) and not other

    def style(self, root: Path, name: str, digest: str) -> bool:
        """``root`` owns the note type ``name`` with these looks, unless another folder
        (still there) does; whether that is new."""
        mine = str(root)
        stale = [n for n, (folder, _) in self.note_types.items() if folder == mine and n != name]
        for other in stale:  # a folder builds one note type: one it left is its no more
            del self.note_types[other]
        current = self.note_types.get(name)
        if current == (mine, digest):
            return bool(stale)
        if current is not None and current[0] != mine and _there(current[0]):
            return bool(stale)  # theirs it stays
        self.note_types[name] = (mine, digest)
        return True

    def namespace_of(self, root: Path) -> str:
        """The namespace this machine knows ``root``'s lock by ('' if none)."""
        return next((n for n, folder in self.namespaces.items() if folder == str(root)), "")

    def owns(self, root: Path, guids: Iterable[str], namespace: str = "") -> bool:
        """Whether the record says ``root`` owns all of ``guids`` and ``namespace``
        already (a build that claims nothing new reads and writes it no more)."""
        mine = str(root)
        if namespace and self.namespaces.get(namespace) != mine:
            return False
        return all(self.folders.get(guid) == mine for guid in guids)

    def claim(self, root: Path, guids: Iterable[str], namespace: str = "") -> bool:
        """``root`` owns each of ``guids`` that no other folder does, and its ``namespace``
        if none does; whether any is new."""
        mine, changed = str(root), False
        if namespace and self.namespaces.get(namespace) != mine and not self.taken(namespace, root):
            for stale in [n for n, folder in self.namespaces.items() if folder == mine]:
                del self.namespaces[stale]  # (a folder has one namespace: the last)
            self.namespaces[namespace] = mine
            changed = True
        for guid in guids:
            if self.folders.get(guid) != mine and self.owner(guid, root) is None:
                self.folders[guid] = mine
                changed = True
        return changed


def prints_elsewhere(roots: Iterable[Path]) -> frozenset[str]:
    """What the notes of the other folders built on this machine hold in Anki (their
    locks' hashes of fields and tags): through AnkiConnect, which tells no GUID, no note
    holding one of these is taken for a note of ``roots`` (a stranger's lock can copy
    them, under GUIDs of its own)."""
    owners = read_owners()
    mine = {str(root) for root in roots}
    folders = {*owners.folders.values(), *owners.namespaces.values()}
    found: set[str] = set()
    for folder in sorted(folders - mine):
        if _there(folder):
            found |= held(Path(folder)).hashes
    return frozenset(found)


def read_owners() -> Owners:
    """The record; an empty one if there is none, or it cannot be read (then its warning
    says why: every folder may claim its notes again)."""
    path = owners_path()
    try:
        with open_regular(path) as f:
            data = f.read(_LIMIT + 1)
        if len(data) > _LIMIT:
            raise ValueError("larger than any record")
        return Owners(*_parsed(json.loads(data)))
    except FileNotFoundError:
        return Owners()
    except (OSError, ValueError, RecursionError) as exc:
        return Owners(warning=f"record of which folder each note is from not read ({exc})")


def _parsed(
    data: object,
) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, str]]]:
    if not isinstance(data, dict) or data.get("ankipress_owners") != FORMAT:
        raise ValueError(f"not a record of format {FORMAT}")
    folders = data.get("folders")
    if not isinstance(folders, dict):
        raise ValueError("its folders are not an object")
    found: dict[str, str] = {}
    spaces: dict[str, str] = {}
    kinds: dict[str, tuple[str, str]] = {}
    for folder, holds in folders.items():
        if not isinstance(holds, dict) or not os.path.isabs(folder):
            raise ValueError("a folder is not an absolute path with what it holds")
        guids, namespace = holds.get("guids"), holds.get("namespace", "")
        if not isinstance(guids, list) or not isinstance(namespace, str):
            raise ValueError("a folder's GUIDs are not a list, or its namespace no string")
        if guids and (
            not all(type(g) is str for g in guids) or not _GUIDS.fullmatch("\n".join(guids))
        ):  # (checked at once: a record holds every note of every folder)
            raise ValueError("a GUID is not 1 to 64 printable ASCII characters")
        found.update(dict.fromkeys(guids, folder))
        if namespace:
            spaces[namespace] = folder
        styled = holds.get("note_types", {})
        if not isinstance(styled, dict) or not all(isinstance(v, str) for v in styled.values()):
            raise ValueError("a folder's note types are not an object of digests")
        kinds.update((name, (folder, digest)) for name, digest in styled.items())
    return found, spaces, kinds


def save_owners(owners: Owners) -> str:
    """Save the record (owner-only); a warning if it cannot be ('' if saved)."""
    path = owners_path()
    by_folder: dict[str, dict[str, Any]] = {}
    named = {*owners.folders.values(), *owners.namespaces.values()}
    gone = {f for f in named | {f for f, _ in owners.note_types.values()} if not _there(f)}
    owners.folders = {g: f for g, f in owners.folders.items() if f not in gone}
    owners.namespaces = {n: f for n, f in owners.namespaces.items() if f not in gone}
    owners.note_types = {n: v for n, v in owners.note_types.items() if v[0] not in gone}
    for namespace, folder in sorted(owners.namespaces.items()):
        by_folder.setdefault(folder, {"namespace": namespace, "guids": []})
    for name, (folder, digest) in sorted(owners.note_types.items()):
        by_folder.setdefault(folder, {"guids": []}).setdefault("note_types", {})[name] = digest
    for guid, folder in sorted(owners.folders.items()):
        by_folder.setdefault(folder, {"guids": []})["guids"].append(guid)
    data = {"ankipress_owners": FORMAT, "folders": dict(sorted(by_folder.items()))}
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = json.dumps(data, separators=(",", ":"))  # (ASCII: a path of any bytes)
        write_bytes(path, text.encode(), private=True)
    except (OSError, ValueError) as exc:
        return f"record of which folder each note is from not saved ({exc})"
    return ""


def _there(folder: str) -> bool:
    """Whether a folder the record names is still there (one gone owns nothing: its
    lines are dropped, so the record does not grow with every folder ever built)."""
    try:
        return Path(folder).is_dir()
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def owners_held() -> Iterator[None]:
    """One build or sync at a time reads, changes and saves the record (where the system
    can lock a file; elsewhere the last to save wins, and a claim is made again)."""
    try:
        import fcntl
    except ImportError:  # (Windows)
        yield
        return
    path = state_folder() / "owners.json.lock"
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def refuse_claims(
    decks: list[Deck],
    locked: Mapping[Path, Iterable[str]],
    owners: Owners,
    diagnostics: Diagnostics,
) -> tuple[list[Deck], frozenset[str]]:
    """``decks`` without the notes whose GUID another folder owns (each said, with both
    folders), and every GUID of this build's that another folder owns: of its notes, and
    of what each root's lock holds (``locked``: by root, its GUIDs), that a sync is to
    leave alone."""
    foreign: set[str] = set()
    kept = []
    for deck in decks:
        notes = []
        where = deck_hash(deck.deck_id, deck.name)
        for note in deck.notes:
            other = owners.owner(note.guid, deck.book.root)
            if other is None or (
                REMOVED_TAG not in note.tags
                and owners.same_note(
                    other, note.guid, content_hash(*note.fields, *note.tags), where
                )
            ):  # (the same note in the same deck: shipping it changes nothing of theirs)
                notes.append(note)
                continue
            foreign.add(note.guid)
            if REMOVED_TAG in note.tags:  # retired by the lock alone: said with the lock
                continue
            line = note.source.rpartition(":")[2]
            lock = display_path(lock_path(deck.book.root))
            message = (
                f"{unescape(note.question)!r} has the GUID {note.guid!r} that {lock} gives it, "
                f"the GUID of a note of another notes folder, {other} (built on this "
                "machine first): left out, and that folder's note left as it is. If that "
                "folder is a copy of this one, build that one (or delete it); if these notes "
                f"are others now, delete {lock}, and they get GUIDs of their own"
            )
            diagnostics.warning(
                deck.book.display, int(line) if line.isdigit() else 0, message, "foreign"
            )
        if notes:
            kept.append(replace(deck, notes=tuple(notes)))
    said = {n.guid for d in decks for n in d.notes if REMOVED_TAG not in n.tags} & foreign
    shipped = {n.guid for d in kept for n in d.notes if REMOVED_TAG not in n.tags}
    for root, guids in locked.items():
        others = {
            g: other
            for g in guids
            if g not in said and g not in shipped and (other := owners.owner(g, root))
        }
        if others:
            foreign.update(others)
            folders = ", ".join(sorted(set(others.values())))
            message = (
                f"it holds {len(others)} GUIDs of notes of another notes folder, {folders} "
                "(built on this machine first): a sync leaves those notes alone"
            )
            diagnostics.warning(display_path(lock_path(root)), 0, message, "foreign")
    return kept, frozenset(foreign)
