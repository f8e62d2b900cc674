"""Active content in a template's CSS (``style.css``, a ``<style>``, a ``style=``): script,
a load from a scheme other than http(s) or ``data:``, or the end of the ``<style>`` the
CSS is put in. Read as a browser reads CSS: comments out, escapes decoded."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

Found = tuple[int, str]  # (line, what)


def active_css(text: str) -> Found | None:
    """Where CSS ``text`` first holds script, loads from a scheme other than http(s) or
    ``data:``, or ends the ``<style>`` it is put in; and what. None if it does none."""
    end = re.search(r"</style", text, re.I)  # the HTML parser knows no CSS comment
    if end:
        return _line(text, end.start()), "'</style', which ends the <style> the CSS is in"
    plain = _css_plain(text)
    for found in _CSS_ACTIVE.finditer(plain):
        scheme = (found[1] or "").lower()
        if scheme in ("http", "https", "data"):
            continue
        what = f"a {scheme}: URL" if scheme else f"{found[0]!r} (script in CSS)"
        return _line(plain, found.start()), what
    return None


_CSS_ACTIVE = re.compile(
    r"(?:url\(|@import|image-set\((?:[^)]*?,)?)\s*['\"]?\s*([a-z][a-z0-9+.-]*):"
    r"|(?:java|vb|live)script:"
    r"|expression\s*\(|-moz-binding|behavior\s*:",
    re.I,
)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\r\f\n]?|\\(.)")


def _css_plain(text: str) -> str:
    """CSS as a browser reads it: comments blanked (their lines kept), escapes decoded, a
    backslash before a line break (a string's continuation) and NULs dropped."""
    text = _CSS_COMMENT.sub(lambda c: "\n" * c[0].count("\n"), text)
    text = re.sub(r"\\\r?\n", "", text).replace("\x00", "")

    def decoded(escape: re.Match[str]) -> str:
        if escape[2] is not None:
            return escape[2]
        code = int(escape[1], 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"

    return _CSS_ESCAPE.sub(decoded, text)


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


# What makes an SVG more than a picture: opened on its own (a link to it, in a card or the
# preview) it is a page, and runs its scripts, handlers and frames. Remote loads (fonts,
# pictures, a link) are not code, as a note's remote images are not: they pass.
_SVG_ELEMENT = re.compile(
    r"<\s*(?:[\w.-]+:)?(?:script|iframe|frame|embed|object|handler|meta|link|base|form)\b"
    r"|<!entity",
    re.I,
)
# quotes may hold '>' (and lines); a tag holds no '<' outside them, so a failed try ends
# at the next '<' (linear on "<a<a<a...")
_SVG_TAG = re.compile(r"<[^<>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^<>\"']*)*>")
_SVG_HANDLER = re.compile(r"[\s\"'/]on[a-z-]+\s*=", re.I)
# an animation that sets a link (<set attributeName="href" to="javascript:...">): its
# value is a URL no attribute holds
_SVG_ANIMATED_LINK = re.compile(
    r"<\s*(?:[\w.-]+:)?(?:set|animate|animateMotion|animateTransform)\b[^>]*?"
    r"attributeName\s*=\s*(?:['\"]\s*)?(?:[\w.-]+:)?href\b",
    re.I,
)
_URL_BLANKS = re.compile(r"[\t\n\r]")
_SVG_SCHEME = re.compile(  # (each run of spaces after a mark of its own: linear)
    r"(?:\b(?:href|src)\s*=|url\(|@import)\s*(?:url\(\s*)?(?:['\"]\s*)?([a-z][a-z0-9+.-]*):([a-z]*)",
    re.I,
)


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


def active_svg(data: bytes) -> str | None:
    """What in an SVG could run, if anything (its first such mark)."""
    bom = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    text = data.decode("utf-16" if bom else "utf-8", "replace")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    found = _SVG_ELEMENT.search(text)
    if found:
        return repr(found[0].strip())
    for tag in _SVG_TAG.finditer(text):
        handler = _SVG_HANDLER.search(tag[0])
        if handler:
            return repr(handler[0].strip(" \"'/"))
        if _SVG_ANIMATED_LINK.match(tag[0]):
            return repr(tag[0].split()[0])
    # '&#106;avascript:' too, and 'java&#x09;script:': a browser drops tabs and line
    # breaks from a URL before it reads the scheme
    for ref in _SVG_SCHEME.finditer(_URL_BLANKS.sub("", unescape(text))):
        scheme, kind = ref[1].lower(), ref[2].lower()
        if scheme not in ("http", "https") and not (scheme == "data" and kind in ("image", "font")):
            return repr(f"{scheme}:")
    return None
