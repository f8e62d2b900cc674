"""What a card may show as HTML, whatever a note, a title or a lock says: no MathJax
command that links, loads, runs or styles, anywhere.

MathJax finds its math by its own rules (a ``\\)`` inside braces does not close a span; a
title in the Context field is typeset as much as an answer), so no search for math spans
can stand in for it: the commands are taken out of the whole text. Only inside ``<pre>``
and ``<code>``, which MathJax never typesets, does such a command stay as the reader wrote
it, made inert by a word joiner (U+2060, not seen) after its backslash.
"""

from __future__ import annotations

import re

UNSAFE_TEX = re.compile(
    r"\\(?:href|url|style|class|cssId|unicode|require|data|toggle|mmlToken|bbox|"
    r"htmlData|htmlClass|htmlStyle|htmlId|texttip|statusline|mathtip)(?![A-Za-z])"
)
_NEVER_TYPESET = re.compile(r"<(pre|code)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_NO_TAGS = str.maketrans({"<": "‹", ">": "›"})
JOINER = "\u2060"


def inert_tex(html: str) -> str:
    """``html`` (sanitised) with every MathJax command that links, loads or styles taken
    out, but in ``<pre>`` and ``<code>``, where it stays, inert."""
    if "\\" not in html:
        return html
    parts, at = [], 0
    for block in _NEVER_TYPESET.finditer(html):
        parts += [_without(html[at : block.start()]), UNSAFE_TEX.sub(_inert, block[0])]
        at = block.end()
    return "".join([*parts, _without(html[at:])])


def card_text(text: str) -> str:
    """Text a card shows as HTML (a deck's, a note type's or a card's name, through
    ``{{Deck}}``, ``{{Type}}``, ``{{Card}}``): ``<`` and ``>`` as ‹ ›, and no MathJax
    command that links, loads or styles."""
    return _without(text.translate(_NO_TAGS))


def _without(text: str) -> str:
    while "\\" in text and UNSAFE_TEX.search(text):  # until none: a removal joins text
        text = UNSAFE_TEX.sub("", text)
    return text


def _inert(command: re.Match[str]) -> str:
    return "\\" + JOINER + command[0][1:]
