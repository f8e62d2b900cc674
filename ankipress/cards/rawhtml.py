"""Raw HTML in notes, read before sanitising: the images it shows and what nh3 will remove.

Sanitising (``sanitize.py``) decides; this only tells the build what to resolve as media and
what to report, so that a removed ``<script>`` or ``onerror`` is never lost silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from ankipress.cards.sanitize import ALLOWED_TAGS, URL_SCHEMES

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}


@dataclass
class RawHtml:
    images: list[tuple[str, int]] = field(default_factory=list)  # (src, line offset)
    removed: list[tuple[str, int]] = field(default_factory=list)  # (what, line offset)


def read_raw_html(fragment: str) -> RawHtml:
    """The ``<img>`` sources of ``fragment`` and the active parts sanitising removes."""
    parser = _Reader()
    parser.feed(fragment)
    parser.close()
    return parser.found


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = RawHtml()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Any]]) -> None:
        offset = self.getpos()[0] - 1
        if tag not in ALLOWED_TAGS:
            self.found.removed.append((f"<{tag}>", offset))
        for name, value in attrs:
            if name.startswith("on"):
                self.found.removed.append((name, offset))
            elif tag == "img" and name == "src":
                if value:
                    self.found.images.append((value, offset))
            elif name in _URL_ATTRIBUTES and value:
                scheme = _scheme(value)
                if scheme and scheme not in URL_SCHEMES:
                    self.found.removed.append((f"{scheme}: link", offset))


def _scheme(url: str) -> str:
    """A URL's scheme; a URL that cannot be read (``http://[::1``) gives its text before
    the first colon, so a bad link is judged by what it names."""
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return url.strip().partition(":")[0].lower() if ":" in url else ""
