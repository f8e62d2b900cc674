"""Question markers: ``<h2 id="...">N.question</h2>`` HTML blocks (closing tag optional)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nh3
from markdown_it.token import Token

from ankipress.identity.guids import strip_numbering
from ankipress.notes.blocks import Block

_H2_OPEN = re.compile(r"^\s*<h2(?:\s[^>]*)?>", re.IGNORECASE)
_H2_CLOSE = re.compile(r"</h2\s*>?", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionMarker:
    text: str  # plain text, numbering removed
    rest: Token | None  # what the HTML block holds after the question, as its own block


def h2_question(block: Block) -> QuestionMarker | None:
    """The question an ``<h2>`` HTML block asks, or None if the block is not one."""
    if block.kind != "html_block":
        return None
    content = block.tokens[0].content
    opening = _H2_OPEN.match(content)
    if not opening:
        return None
    closing = _H2_CLOSE.search(content, opening.end())
    if closing is None:  # no closing tag at all: the question is the rest of the line
        end_of_line = content.find("\n", opening.end())
        inner_end = rest_start = len(content) if end_of_line < 0 else end_of_line
    else:
        inner_end, rest_start = closing.start(), closing.end()
    text = plain_text(content[opening.end() : inner_end])
    if not text:
        return None
    return QuestionMarker(strip_numbering(text), _rest_token(block, content, rest_start))


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(nh3.clean(fragment, tags=set())).split())


def _rest_token(block: Block, content: str, start: int) -> Token | None:
    rest = content[start:].lstrip("\n")
    if not rest.strip():
        return None
    skipped = len(content) - len(rest)
    token = Token("html_block", "", 0, content=rest, block=True)
    token.map = [block.first - 1 + content.count("\n", 0, skipped), block.last]
    return token
