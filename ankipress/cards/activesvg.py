"""Active content in an SVG, read as a browser reads it: an XML parser (expat), not
patterns on its text. Opened on its own (a link to it, in a card or the preview) an SVG is a
page and runs its scripts, handlers and frames; as a picture it never does.

A file no XML parser reads the same way a browser does is refused: a document type (its
entities could spell anything), an encoding expat does not know (``ISO-2022-JP``'s escapes
inside a name), a ``xml-stylesheet`` instruction (a style sheet or XSLT from elsewhere), or
text that is not well-formed. Then each element is checked by its name, each attribute by
its decoded value (``&#104;ref``, ``java&#x09;script:``), a link's URL as a browser reads
it (tabs and line breaks dropped, its scheme http, https, a picture's or a font's ``data:``
or none), an animation of a link by the values it sets (``#f2`` passes), and a style sheet
as CSS."""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

from ankipress.cards.activecss import active_css

# elements that run, load a page, or submit: any namespace (XHTML inside foreignObject too)
_RUNNING = frozenset(
    {"script", "handler", "iframe", "frame", "embed", "object", "meta", "link", "base", "form"}
)
_ANIMATIONS = frozenset({"set", "animate", "animatemotion", "animatetransform", "animatecolor"})
_LINKS = frozenset({"href", "src", "action", "formaction", "data"})
_VALUES = ("to", "from", "by", "values")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.I)
_URL_BLANKS = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(chr(c) for c in range(0x21))  # C0 controls and space, trimmed


def active_picture(path: Path, data: bytes | None = None) -> str | None:
    """What in a picture could run opened on its own, if anything: an SVG's script (a
    compressed one, ``.svgz``, is not read: 'gzip'); never any other kind of picture.
    ``data``: its bytes, when they are already read."""
    suffix = path.suffix.lower()
    if suffix == ".svgz":
        return "gzip"
    if suffix != ".svg":
        return None
    return active_svg(path.read_bytes() if data is None else data)


class _Active(Exception):
    """What makes the SVG active: a short description, quoted."""


def active_svg(data: bytes) -> str | None:
    """What in an SVG could run opened on its own, if anything (its first such mark)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    styles: list[list[str]] = []  # the text of each <style> open

    def start(name: str, attributes: dict[str, str]) -> None:
        local = _local(name)
        if local in _RUNNING:
            raise _Active(repr(f"<{local}"))
        named = {_local(key): value for key, value in attributes.items()}
        for key, value in named.items():
            if key.startswith("on"):
                raise _Active(repr(f"{key}="))
            if key in _LINKS:
                _check_url(value)
            if key == "style":
                _check_css(value)
        if local in _ANIMATIONS and _local(named.get("attributename", "")) in _LINKS:
            for key in _VALUES:
                for value in named.get(key, "").split(";"):
                    if value.strip():
                        _check_url(value)
        if local == "style":
            styles.append([])

    def end(name: str) -> None:
        if _local(name) == "style" and styles:
            _check_css("".join(styles.pop()))

    def text(data: str) -> None:
        if styles:
            styles[-1].append(data)

    def doctype(*_: object) -> None:
        raise _Active("'<!DOCTYPE'")

    def instruction(target: str, _: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _Active("'<?xml-stylesheet'")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    except _Active as found:
        return str(found)
    except expat.ExpatError as error:
        why = expat.ErrorString(error.code)
        return f"text that is not well-formed XML (line {error.lineno}: {why})"
    return None


def _local(name: str) -> str:
    """An element's or attribute's name without its namespace, in lower case."""
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1].lower()


def _check_url(value: str) -> None:
    """A link's URL as a browser reads it: no scheme, http(s), or a picture's or a font's
    ``data:``; anything else is active (``javascript:``, ``data:text/html``...)."""
    url = _URL_BLANKS.sub("", value).strip(_URL_EDGES)
    scheme = _SCHEME.match(url)
    if scheme is None:
        return
    name = scheme[1].lower()
    if name in ("http", "https"):
        return
    kind = url[scheme.end() :].lstrip().lower()
    if name == "data" and kind.startswith(("image/", "font/")):
        return
    raise _Active(repr(f"{name}:"))


def _check_css(css: str) -> None:
    found = active_css(css)
    if found is not None:
        raise _Active(found[1] if found[1].startswith("'") else repr(found[1]))
