"""The preview's files, in an output folder that is no more trusted than the notes.

Nothing is written through a symlink (``atomic.write_inside``): a symlink where a page
or an image goes is replaced, the link itself; one where a folder should be is refused
with a warning. A page is replaced or deleted only if the preview wrote it: it carries
``GENERATOR`` (a page of an earlier version, the MathJax script it loads), so a
``deck-*.html`` or ``index.html`` of anyone else stays, with a warning when it is in the
way. An image or script is named by the tool (by content, or ``_mathjax/``): one there
that does not hold its bytes is replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from ankipress.atomic import inside, open_regular, write_inside
from ankipress.diagnostics import Diagnostics, display_path

GENERATOR = '<meta name="generator" content="ankipress preview">'
_EARLIER = b'<script src="_mathjax/tex-svg.js" defer></script>'  # in every earlier page
_HEAD = 1 << 18  # bytes of a page read to tell whether it is the preview's


class SiteFiles:
    """Writes the files of one preview into ``out``, warning of what it leaves alone."""

    def __init__(self, out: Path, diagnostics: Diagnostics) -> None:
        self.out = out
        self.diagnostics = diagnostics

    def page(self, name: str, html: str) -> None:
        """A page, unless a file the preview did not write is there."""
        path = self.out / name
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            mode = 0
        if mode and not stat.S_ISLNK(mode) and not ours(path):
            message = "not replaced: the preview did not write this file; move it away"
            self.diagnostics.warning(display_path(path), 0, message, "io")
            return
        self._write(name, html.encode("utf-8"))

    def copy(self, name: str, data: bytes) -> bool:
        """A file named by the tool, unless a regular file with these bytes is there;
        False if it cannot be written (the warning says why)."""
        try:
            path = inside(self.out, name)  # a symlink where a folder should be: the write says
            found = path.lstat()  # a symlink is never read: it is replaced
            same = stat.S_ISREG(found.st_mode) and found.st_size == len(data)
            if same and path.read_bytes() == data:
                return True
        except OSError:
            pass
        return self._write(name, data)

    def prune(self, pattern: str, keep: set[str]) -> None:
        """Delete the preview's own files matching ``pattern`` that are not in ``keep``."""
        for path in sorted(self.out.glob(pattern)):
            if path.name not in keep and ours(path):
                try:
                    path.unlink()
                except OSError as exc:
                    message = f"cannot delete: {exc.strerror or exc}"
                    self.diagnostics.warning(display_path(path), 0, message, "io")

    def clear(self, folder: str, keep: set[str]) -> None:
        """Delete every file in ``folder`` (the tool's own: ``_mathjax``) that is not in
        ``keep`` (paths in the site): a script planted there is never loaded. Links are
        deleted as links; nothing is followed, ``folder`` itself included."""
        if not stat.S_ISDIR((self.out / folder).lstat().st_mode):
            return
        for here, _dirs, names in os.walk(self.out / folder):
            for name in names:
                path = Path(here, name)
                if path.relative_to(self.out).as_posix() not in keep:
                    with contextlib.suppress(OSError):
                        path.unlink()

    def _write(self, name: str, data: bytes) -> bool:
        try:
            write_inside(self.out, name, data)
        except OSError as exc:
            where = display_path(self.out / name)
            self.diagnostics.warning(where, 0, f"not written: {exc.strerror or exc}", "io")
            return False
        return True


def ours(path: Path) -> bool:
    """Whether ``path`` is a regular file (not a symlink) the preview wrote."""
    try:
        with open_regular(path) as f:
            head = f.read(_HEAD)
    except OSError:
        return False
    return GENERATOR.encode() in head or _EARLIER in head
