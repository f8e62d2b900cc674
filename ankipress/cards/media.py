"""Media: images a note refers to, resolved next to its markdown file and named by content."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ankipress.diagnostics import Diagnostics
from ankipress.records import MediaFile, SourceFile

REMOTE_SCHEMES = ("http", "https")


class MediaResolver:
    """Turns an image reference into a packaged MediaFile, a remote URL, or a warning.

    Only files inside the note's content root, or inside a media root the person running
    the build named (``--media-root``), are packaged; never a file a symlink leads outside.
    """

    def __init__(self, diagnostics: Diagnostics, extra_roots: Iterable[Path] = ()) -> None:
        self.diagnostics = diagnostics
        self.extra_roots = tuple(root.resolve() for root in extra_roots)
        self._by_path: dict[Path, MediaFile] = {}

    def resolve(self, src: str, source: SourceFile, line: int) -> MediaFile | str | None:
        """A MediaFile to package, the URL itself for a remote image, or None (warned)."""
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
        if not path.is_file():
            return self._refuse(source, line, src, "not found")
        return self._media(path)

    def _media(self, path: Path) -> MediaFile:
        if path not in self._by_path:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            self._by_path[path] = MediaFile(f"{digest[:16]}{path.suffix.lower()}", path)
        return self._by_path[path]

    def _refuse(self, source: SourceFile, line: int, src: str, why: str) -> None:
        self.diagnostics.warning(source.display, line, f"image {unquote(src)!r} {why}", "image")
        return None
