"""Sanitise: rendered HTML through nh3 (ammonia), keeping only what cards need.

No script, style sheet, event handler, form or ``javascript:`` URL reaches a card.
Image sources are rewritten on the way: only packaged media names and remote URLs survive,
and an ``<img>`` left with no source shows what a missing markdown image shows: its alt
text in ``<span class="missing-image">``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from html import escape, unescape
from typing import Any

import nh3

# <wbr> is left out: MathJax joins the text around it, so `\h<wbr>ref` would be \href to it.
ALLOWED_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"wbr"}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_ATTRIBUTES: dict[str, set[str]] = copy.deepcopy(nh3.ALLOWED_ATTRIBUTES)
_ATTRIBUTES.setdefault("*", set()).update({"class", "title", "lang", "dir", "align"})
for _tag, _extra in {
    "img": {"title"},
    "th": {"style"},
    "td": {"style"},
    "details": {"open"},
    "ol": {"start", "type"},
    "a": {"title"},
}.items():
    _ATTRIBUTES.setdefault(_tag, set()).update(_extra)


MAX_DEPTH = 200  # elements nested deeper than this make the HTML parser quadratic
# (a tag ends at the next ``<`` too: ``[^>]*`` scanned to the end from every ``<`` of
# ``<a<a<a...``, quadratic)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*+)[^<>]*?(/?)>")
# Elements that never hold others, or that the next one of their kind closes implicitly.
_FLAT = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    | {"track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"}
)
_SRC_ATTRIBUTE = re.compile(r"\ssrc=")


def nesting_depth(html: str) -> int:
    """How deep elements nest in ``html`` at most (an estimate that never undercounts
    the elements that make the HTML parser slow)."""
    depth = deepest = 0
    for tag in _TAG.finditer(html):
        if tag[2].lower() in _FLAT or tag[3]:
            continue
        depth = max(0, depth - 1) if tag[1] else depth + 1
        deepest = max(deepest, depth)
    return deepest


def sanitize(html: str, image_sources: Mapping[str, str | None]) -> str:
    """``html`` made safe; each ``<img src>`` replaced by ``image_sources[src]``, or dropped
    (so the image shows its alt text) when the map has no usable value for it."""

    if not _SRC.search(html):  # no image source to rewrite: the cleaner made once
        return _missing_images(_cleaner().clean(html)).strip()
    reset = _SOURCES.set(image_sources)  # what the image cleaner's filter reads
    try:
        cleaned = _image_cleaner().clean(html)
    finally:
        _SOURCES.reset(reset)
    return _missing_images(cleaned).strip()


def too_deep(html: str) -> bool:
    """Whether elements nest in ``html`` deeper than ``MAX_DEPTH``: never with fewer tags."""
    return html.count("<") > MAX_DEPTH and nesting_depth(html) > MAX_DEPTH


# An <img> as nh3 writes it: attribute values always in double quotes.
_IMG = re.compile(r'<img((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*/?>')
_ALT = re.compile(r'\salt="([^"]*)"')


def _missing_images(html: str) -> str:
    """Each ``<img>`` with no ``src`` left as a missing markdown image is shown."""
    if "<img" not in html:
        return html

    def shown(img: re.Match[str]) -> str:
        if _SRC_ATTRIBUTE.search(img[1]):
            return img[0]
        alt = _ALT.search(img[1])
        text = escape(unescape(alt[1]), quote=False) if alt else ""
        return f'<span class="missing-image">{text}</span>'

    return _IMG.sub(shown, html)


_RULES: dict[str, Any] = {
    "tags": set(ALLOWED_TAGS),
    "clean_content_tags": {"script", "style"},
    "attributes": _ATTRIBUTES,
    "filter_style_properties": {"text-align"},
    "url_schemes": set(URL_SCHEMES),
    "strip_comments": True,
}
# An attribute's name is never written with entities, so HTML without these letters has
# no ``src`` (of ``<img>``, or of ``<image>``, which the parser reads as ``<img>``).
_SRC = re.compile("src", re.IGNORECASE)


@cache
def _cleaner() -> nh3.Cleaner:
    """The rules, parsed once: a third of the time of ``nh3.clean`` given them each time."""
    return nh3.Cleaner(**_RULES)


# The image sources of the answer being cleaned (set around each call of the cleaner).
_SOURCES: ContextVar[Mapping[str, str | None]] = ContextVar("image_sources")


def _image_source(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return _SOURCES.get({}).get(value)
    return value


@cache
def _image_cleaner() -> nh3.Cleaner:
    """The rules, parsed once, with a filter that rewrites each ``<img src>``."""
    return nh3.Cleaner(**_RULES, attribute_filter=_image_source)


# Elements whose content an HTML parser reads as raw text up to their closing tag: one
# left open turns the rest of the answer into that text (or drops it, for a script).
_RAW_TEXT = re.compile(
    r"<(script|style|textarea|title|iframe|xmp|noembed|noframes|noscript|plaintext)\b[^>]*>",
    re.IGNORECASE,
)


def escape_unclosed(html: str) -> tuple[str, list[str]]:
    """``html`` with each raw-text element that is never closed shown as its source (its
    opening tag escaped), and those tags: the rest of the answer stays the answer."""
    openings = list(_RAW_TEXT.finditer(html))
    if not openings:
        return html, []
    closings: dict[str, int] = {}  # by tag name: where its last closing tag ends
    for name in {match[1].lower() for match in openings}:
        ends = [m.end() for m in re.finditer(rf"</{name}\s*>", html, re.IGNORECASE)]
        closings[name] = ends[-1] if ends else -1
    parts, found, at = [], [], 0
    for match in openings:
        if closings[match[1].lower()] < match.end():  # no closing tag after it
            found.append(match[0])
            parts += [html[at : match.start()], escape(match[0])]
            at = match.end()
    return "".join([*parts, html[at:]]), found
