"""Whether two copies of a field read the same on a card: the build's and Anki's, where
Anki's editor leaves its own marks (a no-break space, a line break at the end) and a word
changed in code is coloured otherwise. What a pull takes for no change of text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence


def alike(ours: Sequence[str], anki: Sequence[str]) -> bool:
    """Whether fields are the same, as Anki's editor leaves them (``_shown``): where
    they differ otherwise, a sync then writes the build's own."""
    return [_shown(f) for f in ours] == [_shown(f) for f in anki]


_BR = re.compile(r"<br\s*/?>")
_CLOSING = re.compile(r"</\w+>")
_PRE = re.compile(r"<pre\b.*?</pre>", re.S)
_SPAN = re.compile(r"</?span\b[^>]*>")
_SPACES = re.compile(r"[ \t\r\n]+")  # (not U+3000 and the other spaces: text of their own)


def _shown(field: str) -> str:
    """``field`` with what tells no card's text apart: a no-break space, a run of spaces
    or a line break inside a paragraph (one space, shown), line breaks left at its end,
    and the highlighting of code (a word changed in code may be coloured otherwise: the
    sync after the pull gives Anki the build's colours). Code blocks keep their spaces."""
    value = unicodedata.normalize("NFC", field).replace("&nbsp;", " ").replace("\xa0", " ")
    parts, at = [], 0
    for block in _PRE.finditer(value):
        parts += [_SPACES.sub(" ", value[at : block.start()]), _SPAN.sub("", block[0])]
        at = block.end()
    parts.append(_SPACES.sub(" ", value[at:]))
    return _without_last_breaks("".join(parts))


def _without_last_breaks(value: str) -> str:
    """``value`` without the line breaks (and spaces) at its end, inside its closing tags
    too; walked back from the end (a pattern anchored there would scan from every start)."""
    closing: list[str] = []
    end = _back_over_space(value, len(value))
    while end and value[end - 1] == ">":
        start = value.rfind("<", 0, end)
        tag = value[start:end] if start >= 0 else ""
        if _CLOSING.fullmatch(tag):
            closing.append(tag)
        elif not _BR.fullmatch(tag):
            break
        end = _back_over_space(value, start)
    return value[:end] + "".join(reversed(closing))


def _back_over_space(value: str, end: int) -> int:
    while end and value[end - 1].isspace():
        end -= 1
    return end
