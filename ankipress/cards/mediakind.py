"""What a file to be packed is, by its content, not its name: a card's media folder is
served to the card's page, and a file a browser would open as a page (HTML, XML, a script)
could run there. Only pictures, sound and video are packed from notes (and fonts from
templates); an SVG is checked on its own (``activesvg``), a style sheet by ``activecss``.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import filetype

HEAD = 8192  # bytes: what every kind ``filetype`` knows is told by
MEDIA = ("image", "audio", "video")
FONTS = frozenset({"woff", "woff2", "ttf", "otf", "eot"})


def packed_suffix(path: Path, data: bytes | None = None, fonts: bool = False) -> str | None:
    """The suffix ``path`` is packed with, if its content is a picture, sound or video (or,
    ``fonts``, a font): its own if that names such a kind (``.jpeg``), else the one its
    content has (a PNG named ``x.html`` is packed as ``.png``). None: it is no such file.
    ``data``: its bytes, if read already. (An SVG is none: it is judged by ``activesvg``.)"""
    if data is None:
        with path.open("rb") as f:
            data = f.read(HEAD)
    found = filetype.guess(data[:HEAD])
    if found is None:
        return None
    kind = found.mime.split("/")[0]
    if kind not in MEDIA and not (fonts and found.extension in FONTS):
        return None
    own = path.suffix.lower()
    named = (mimetypes.guess_type(f"x{own}")[0] or "").split("/")[0]
    return (
        own
        if own and own != ".svg" and (named in MEDIA or (fonts and own[1:] in FONTS))
        else f".{found.extension}"
    )
