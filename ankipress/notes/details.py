"""``<details><summary>question</summary> answer </details>``: a question with its answer.

The answer may start right after the summary and be indented by tabs or spaces; it is
dedented and parsed as markdown on its own, so ``\\t1. ...`` lines become a list. An HTML
block ends only at a blank line, so a ``</details>`` can share a block with whatever follows
it: that rest (the *tail*) is parsed again as markdown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from ankipress.notes.asking import question_text
from ankipress.notes.blocks import Block, common_indent, parse_region
from ankipress.notes.fileblocks import FileBlocks
from ankipress.notes.questions import plain_text
from ankipress.notes.shapes import Asked

_OPEN = re.compile(r"<details(?=[\s>])[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<details(?=[\s>])[^>]*>|</details\s*>", re.IGNORECASE)
OPENS_HTML_BLOCK = re.compile(r" {0,3}<details(?=[\s/>]|$)", re.IGNORECASE)  # starts one
_SUMMARY = re.compile(r"<summary(?:\s[^>]*)?>(.*?)</summary\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class DetailsFound:
    asked: Asked
    end: int  # line of the closing tag (or the last line of an unclosed element)
    tail: str | None  # what follows the closing tag on its line
    closed: bool
    summary: str = ""  # the summary's HTML as written
    opening: str = "<details>"  # the opening tag as written (``<details open>``)

    def folded(self, first: int) -> Block:
        """The element as a fold in an answer: summary and body, on lines ``first..end``."""
        opening = Token("html_block", "", 0, block=True, map=[first - 1, first])
        opening.content = f"{self.opening}<summary>{self.summary}</summary>\n"
        closing = Token("html_block", "", 0, block=True, map=[self.end - 1, self.end])
        closing.content = "</details>\n"
        body = tuple(token for block in self.asked.answer for token in block.tokens)
        return Block((opening, *body, closing), first, self.end)


def starts_details(block: Block) -> bool:
    return block.kind == "html_block" and bool(_OPEN.match(block.tokens[0].content.lstrip()))


def find_details(
    block: Block, lines: Sequence[str], limit: int, env: dict, parsed: FileBlocks
) -> DetailsFound | None:
    """The question a ``<details>`` element starting ``block`` asks; None if it has no
    summary. An unclosed element ends at line ``limit``."""
    end, close_at, after = _closing(lines, block.first, limit)
    text = "\n".join(lines[block.first - 1 : end])
    opening = _OPEN.search(text)
    summary = _SUMMARY.search(text, opening.end()) if opening else None
    if opening is None or summary is None:
        return None
    nested = _OPEN.search(text, opening.end(), summary.start())
    question = question_text(plain_text(summary[1]))
    if nested is not None or not question:
        return None
    body_end = len(text) - len(lines[end - 1]) + close_at if close_at is not None else len(text)
    body_start_line = block.first + text.count("\n", 0, summary.end())
    body = text[summary.end() : body_end].split("\n")
    answer = _answer(body, body_start_line, env, parsed)
    tail = lines[end - 1][after:] if close_at is not None else None
    found = Asked(
        question,
        block.first + text.count("\n", 0, summary.start()),
        "details",
        tuple(answer),
        question,
    )
    tail = tail if tail and tail.strip() else None
    return DetailsFound(found, end, tail, close_at is not None, summary[1], opening[0])


def closing_line(lines: Sequence[str], first: int, limit: int) -> int:
    """The line closing the element opened on line ``first``; ``limit`` if none does."""
    return _closing(lines, first, limit)[0]


def _closing(lines: Sequence[str], first: int, limit: int) -> tuple[int, int | None, int]:
    """The line holding the ``</details>`` that closes the element opened on line ``first``,
    and the columns where that tag starts and ends; (limit, None, 0) if it is never closed."""
    depth = 0
    for number in range(first, limit + 1):
        for tag in _TAG.finditer(lines[number - 1]):
            depth += -1 if tag[0].startswith("</") else 1
            if depth == 0:
                return number, tag.start(), tag.end()
    return limit, None, 0


def _answer(body: list[str], first_line: int, env: dict, parsed: FileBlocks) -> list[Block]:
    """The answer's blocks: the lines between summary and closing tag, dedented."""
    if body and not body[0].strip():  # nothing after </summary> on its line
        body, first_line = body[1:], first_line + 1
    if not body:
        return []
    if body[0].strip():  # the answer starts on the summary's line
        body[0] = body[0].lstrip()
        width = common_indent(body[1:])
    else:
        width = common_indent(body)
        if width == 0 and not body[-1].strip():  # whole lines (the last holds the end tag)
            found = parsed.filling(first_line, first_line + len(body) - 2)
            if found is not None:
                return found
    return parse_region(body, first_line, env, strip=width)
