"""Active content in a template's CSS (``style.css``, a ``<style>``, a ``style=``): script,
a load from a scheme other than http(s) or ``data:``, or the end of the ``<style>`` the
CSS is put in. Read as a browser reads CSS: comments out, escapes decoded."""

from __future__ import annotations

import re

Found = tuple[int, str]  # (line, what)
_STYLE_END = re.compile(r"</style", re.I)
_ESCAPED_BREAK = re.compile(r"\\\r?\n")


def active_css(text: str) -> Found | None:
    """Where CSS ``text`` first holds script, loads from a scheme other than http(s) or
    ``data:``, or ends the ``<style>`` it is put in; and what. None if it does none."""
    end = _STYLE_END.search(text)  # the HTML parser knows no CSS comment
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
    r"(?:url\(|@import|image-set\((?:[^)]*?,)?)\s*+['\"]?\s*+([a-z][a-z0-9+.-]*):"
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
    text = _ESCAPED_BREAK.sub("", text).replace("\x00", "")

    def decoded(escape: re.Match[str]) -> str:
        if escape[2] is not None:
            return escape[2]
        code = int(escape[1], 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"

    return _CSS_ESCAPE.sub(decoded, text)


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1
