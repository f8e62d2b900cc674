"""Reading a templates folder file by file: only regular files, only from inside.

A templates folder may be chosen by the content (``templates:`` in ``ankipress.yaml``), so
each file in it is untrusted: a symlink is followed only to a file inside the folder the
templates may come from (the content root; for ``--templates`` and the defaults, the folder
itself), judged on the resolved path; a FIFO, a device or a folder is never opened (a FIFO
would hang the build). A template file is then checked for active content
(``activecontent.py``): what is refused is said in a warning naming the file, and the
caller takes its fallback (the default file, or no such card or asset).
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

from ankipress.atomic import NotRegular, open_regular
from ankipress.cards.activecontent import active_html
from ankipress.cards.activecss import active_css
from ankipress.cards.activesvg import active_picture
from ankipress.cards.mediakind import packed_suffix
from ankipress.diagnostics import Diagnostics, display_path
from ankipress.limits import DEFAULT_LIMITS, over
from ankipress.records import MediaFile

ASSET_LIMIT = DEFAULT_LIMITS.image  # bytes of a template file or asset, as of an image
# Assets a card could only use through a script or a frame, which templates may not hold.
SCRIPT_SUFFIXES = (".js", ".mjs", ".html", ".htm", ".xhtml", ".xht", ".shtml")


class Refused(Exception):
    """A file not read: why, as a warning says it."""


def read_confined(path: Path, inside: Path) -> bytes:
    """The bytes of ``path``: a regular file whose real path is inside ``inside`` (a
    resolved folder). Refused otherwise, and never opened; FileNotFoundError if nothing
    is there (a symlink leading nowhere included), OSError if it cannot be read."""
    try:
        real = path.resolve(strict=True)
    except RuntimeError as exc:  # Python 3.11: a symlink loop
        raise Refused("a symlink loop") from exc
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) or exc.errno != errno.ELOOP:
            raise
        raise Refused("a symlink loop") from exc
    if not real.is_relative_to(inside):
        raise Refused(f"a symlink to {real}, outside the content root")
    try:
        opened = open_regular(real)
    except NotRegular as exc:
        raise Refused("not a regular file") from exc
    with opened as f:
        found = os.fstat(f.fileno())
        data = f.read(ASSET_LIMIT + 1)
    if max(found.st_size, len(data)) > ASSET_LIMIT:  # packed into every deck
        raise Refused(over(max(found.st_size, len(data)), ASSET_LIMIT))
    return data


def read_template(path: Path, inside: Path, diagnostics: Diagnostics, instead: str) -> str | None:
    """The text of template file ``path`` (HTML, or CSS for ``.css``); None, after a
    warning ending in ``instead``, if it is refused: read from outside, not a regular
    file, or holding active content. A file missing, unreadable or not UTF-8 raises, for
    the caller's error."""
    shown = display_path(path)
    try:
        text = read_confined(path, inside).decode("utf-8-sig")
    except Refused as why:
        diagnostics.warning(shown, 0, f"{why}; not read: {instead}", "templates")
        return None
    found = (active_css if path.suffix == ".css" else active_html)(text)
    if found is None:
        return text
    line, what = found
    message = (
        f"refused: {what}, which could run or load code in every card; nothing is "
        f"stripped from a template: {instead}"
    )
    diagnostics.warning(shown, line, message, "templates")
    return None


def _read_asset(path: Path, inside: Path, diagnostics: Diagnostics) -> tuple[bytes, Path] | None:
    """A ``_`` asset's bytes and real path; None, after a warning, if it is refused: read
    from outside, not a regular file, a script or page, or a style sheet that loads code."""
    shown = display_path(path)
    try:
        data = read_confined(path, inside)
        if path.suffix.lower() in SCRIPT_SUFFIXES:
            raise Refused("a script or a page, which a card could only use through a script")
        if path.suffix.lower() == ".css":
            found = active_css(data.decode("utf-8", "replace"))
            if found is not None:
                raise Refused(f"a style sheet with {found[1]} (line {found[0]})")
        svg = active_picture(path, data)
        if svg is not None:
            raise Refused(f"an SVG holding {svg}, which could run opened on its own")
        suffix = path.suffix.lower()
        if suffix not in (".css", ".svg") and packed_suffix(path, data, fonts=True) != suffix:
            raise Refused(
                "no style sheet, and by its content no picture, font, sound or video named "
                "as one (a browser could open it as a page)"
            )
    except Refused as why:
        diagnostics.warning(shown, 0, f"asset refused: {why}; not packed", "templates")
        return None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        diagnostics.warning(shown, 0, f"asset cannot be read ({reason}); not packed", "templates")
        return None
    return data, path.resolve()


def read_assets(folder: Path, inside: Path, diagnostics: Diagnostics) -> dict[str, MediaFile]:
    """``_name.ext`` -> the asset as media named ``_name-<hash>.ext`` (longest names first,
    so replacing ``_a.css`` never touches ``_a.css.map``); never a file a symlink leads
    out to, nor one that is not a regular file (each refused with a warning)."""
    found = {}
    for path in sorted(folder.iterdir(), key=lambda p: (-len(p.name), p.name)):  # longest first
        if not path.name.startswith("_"):
            continue
        read = _read_asset(path, inside, diagnostics)
        if read is not None:
            digest = hashlib.sha256(read[0]).hexdigest()[:12]
            found[path.name] = MediaFile(f"{path.stem}-{digest}{path.suffix}", read[1])
    return found
