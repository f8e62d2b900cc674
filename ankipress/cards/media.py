"""Media: images a note refers to, resolved next to its markdown file and named by content."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ankipress.cards.activesvg import active_picture
from ankipress.cards.mediakind import packed_suffix
from ankipress.diagnostics import Diagnostics
from ankipress.folders import walk
from ankipress.limits import DEFAULT_LIMITS, over
from ankipress.records import MediaFile, SourceFile

REMOTE_SCHEMES = ("http", "https")
DATA_URL_SHOWN = 40  # characters of a data: URL a warning quotes


class MediaResolver:
    """Turns an image reference into a packaged MediaFile, a remote URL, or a warning.

    Only files inside the note's content root, or inside a media root the person running
    the build named (``--media-root``), are packaged; never a file a symlink leads outside,
    nor one larger than ``image_limit`` bytes.
    """

    def __init__(
        self,
        diagnostics: Diagnostics,
        extra_roots: Iterable[Path] = (),
        image_limit: int = DEFAULT_LIMITS.image,
    ) -> None:
        self.diagnostics = diagnostics
        self.image_limit = image_limit
        self.extra_roots = tuple(root.resolve() for root in extra_roots)
        self._by_path: dict[Path, MediaFile] = {}
        self._by_name: dict[Path, dict[str, list[Path]]] = {}  # root -> file name -> files

    def resolve(
        self, src: str, source: SourceFile, line: int, by_name: bool = False
    ) -> MediaFile | str | None:
        """A MediaFile to package, the URL itself for a remote image, or None (warned).
        ``by_name`` (an Obsidian embed): a file not next to the note is looked for by its
        name (or the end of its path) anywhere under the content root, the nearest first."""
        try:
            return self._resolve(src, source, line, by_name)
        except (OSError, ValueError, RuntimeError) as exc:  # NUL, a loop, a name too long
            reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
            return self._refuse(source, line, src, f"cannot be read ({reason}); not packaged")

    def _resolve(
        self, src: str, source: SourceFile, line: int, by_name: bool
    ) -> MediaFile | str | None:
        parts = urlsplit(src.strip())
        if parts.scheme.lower() in REMOTE_SCHEMES:
            return src.strip()
        if parts.scheme and len(parts.scheme) > 1:  # one letter: a Windows drive
            return self._refuse(source, line, src, f"uses the '{parts.scheme}:' scheme")
        target = unquote(parts.path) if not parts.scheme else src.strip()
        if not target:
            return self._refuse(source, line, src, "has no path")
        path = (source.path.parent / target).resolve()  # symlinks followed, then judged
        if not any(path.is_relative_to(root) for root in (source.root, *self.extra_roots)):
            return self._refuse(source, line, src, "is outside the content root; not packaged")
        if path in self._by_path:  # judged already, at its first reference
            return self._by_path[path]
        if not path.is_file() and by_name:
            path = self._nearest(target, source) or path
        if not path.is_file():
            return self._refuse(source, line, src, "not found")
        size = path.stat().st_size
        if size > self.image_limit:
            why = f"is {over(size, self.image_limit)} (--image-limit); not packaged"
            message = f"image {shown_source(src)!r} {why}"
            self.diagnostics.warning(source.display, line, message, "size")
            return None
        if path.suffix.lower() in (".svg", ".svgz"):
            found = active_picture(path)
            if found is not None:
                why = f"holds {found}, which could run or load opened on its own; not packaged"
                return self._refuse(source, line, src, why)
            return self._media(path, ".svg")
        suffix = packed_suffix(path)
        if suffix is None:
            why = (
                "is no picture, sound or video by its content (a browser could open it as "
                "a page); not packaged"
            )
            return self._refuse(source, line, src, why)
        return self._media(path, suffix)

    def _nearest(self, target: str, source: SourceFile) -> Path | None:
        wanted = Path(target).parts
        if not wanted or ".." in wanted:
            return None
        if source.root not in self._by_name:
            self._by_name[source.root] = _files_by_name(source.root)
        here = source.path.parent.resolve()
        found = [
            path.resolve()
            for path in self._by_name[source.root].get(wanted[-1].casefold(), [])
            if tuple(p.casefold() for p in path.parts[-len(wanted) :])
            == tuple(p.casefold() for p in wanted)
        ]
        found = [path for path in found if path.is_relative_to(source.root) and path.is_file()]
        return min(found, key=lambda path: (_distance(here, path.parent), path), default=None)

    def _media(self, path: Path, suffix: str) -> MediaFile:
        if path not in self._by_path:
            with path.open("rb") as f:  # a block at a time, never the whole file
                digest = hashlib.file_digest(f, "sha256").hexdigest()
            self._by_path[path] = MediaFile(f"{digest[:16]}{suffix}", path)
        return self._by_path[path]

    def _refuse(self, source: SourceFile, line: int, src: str, why: str) -> None:
        message = f"image {shown_source(src)!r} {why}"
        self.diagnostics.warning(source.display, line, message, "image")
        return None


def shown_source(src: str) -> str:
    """An image source as a message quotes it: decoded, a ``data:`` URL cut short."""
    src = unquote(src)
    if src.lstrip()[:5].lower() == "data:" and len(src) > DATA_URL_SHOWN:
        return src[:DATA_URL_SHOWN] + "…"
    return src


def _files_by_name(root: Path) -> dict[str, list[Path]]:
    """Every file under ``root`` by its name (casefolded); hidden folders and the folders
    that symlinks lead to are not walked."""
    found: dict[str, list[Path]] = {}
    for folder, folders, files in walk(root):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in files:
            found.setdefault(name.casefold(), []).append(Path(folder, name))
    return found


def _distance(here: Path, there: Path) -> int:
    """Folders between two folders: up from ``here`` to their common one, then down."""
    common = Path(os.path.commonpath([here, there]))
    return len(here.relative_to(common).parts) + len(there.relative_to(common).parts)
