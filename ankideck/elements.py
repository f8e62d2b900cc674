"""The blocks of a file as a stream of elements: questions of every shape, headings,
group labels, bold lines, prose, and what is not content."""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from ankideck.blocks import Block, parse_region, reparse
from ankideck.chapters import is_toc_heading, is_toc_list
from ankideck.details import find_details, starts_details
from ankideck.diagnostics import Diagnostics
from ankideck.questions import h2_question
from ankideck.shapes import Asked, group_label, is_bold_line, not_content, q_paragraph, term_list


@dataclass(frozen=True)
class Element:
    kind: str  # question | heading | label | bold | prose | toc | skip
    first: int
    last: int
    block: Block | None = None  # the block itself, for prose-like kinds
    asked: Asked | None = None
    text: str = ""  # a heading's or label's text; why a block is skipped
    level: int = 0  # a heading's level


def elements(
    blocks: Sequence[Block],
    lines: Sequence[str],
    env: dict,
    shapes: Collection[str],
    diagnostics: Diagnostics,
    path: str,
) -> Iterator[Element]:
    """Each element in file order. A ``<details>`` element may end inside a later block:
    the blocks it covers are consumed, and the rest of the block it ends in is parsed again."""
    headings = [b.first for b in blocks if b.heading_level]
    # (block, is the text after a closing tag on the tag's own line)
    queue: deque[tuple[Block, bool]] = deque((block, False) for block in blocks)
    consumed = 0  # the last line that a <details> element took
    while queue:
        block, after_tag = queue.popleft()
        if not after_tag and block.last <= consumed:
            continue
        if not after_tag and block.first <= consumed:  # the rest of a block after </details>
            rest = reparse(lines, consumed + 1, block.last, env)
            queue.extendleft((b, True) for b in reversed(rest))
            continue
        if "details" in shapes and starts_details(block):
            following = bisect.bisect_right(headings, block.first)
            limit = headings[following] - 1 if following < len(headings) else len(lines)
            found = find_details(block, lines, limit, env)
            if found is not None:
                if not found.closed:
                    diagnostics.warning(
                        path,
                        block.first,
                        f"<details> is never closed; its answer runs to line {found.end}",
                        "details",
                    )
                yield Element("question", block.first, found.end, asked=found.asked)
                consumed = max(consumed, found.end)
                if block.last > found.end:
                    queue.appendleft((block, False))  # its rest is parsed again
                if found.tail is not None:
                    tail = parse_region([found.tail], found.end, env)
                    queue.extendleft((b, True) for b in reversed(tail))
                continue
        yield from _classify(block, lines, env, shapes)


def _classify(
    block: Block, lines: Sequence[str], env: dict, shapes: Collection[str]
) -> Iterator[Element]:
    if block.heading_level:
        kind = "toc" if is_toc_heading(block.text) else "heading"
        yield Element(
            kind, block.first, block.last, block, text=block.text, level=block.heading_level
        )
        return
    why = not_content(block)
    if why is not None:
        yield Element("skip", block.first, block.last, block, text=why)
        return
    asked = _asked(block, lines, env, shapes)
    if asked is not None:
        for index, one in enumerate(asked):
            last = asked[index + 1].line - 1 if index + 1 < len(asked) else block.last
            yield Element("question", one.line, last, block, asked=one)
        return
    label = group_label(block)
    if label is not None:
        yield Element("label", block.first, block.last, block, text=label)
    elif is_bold_line(block):
        yield Element("bold", block.first, block.last, block)
    elif block.kind in ("bullet_list_open", "ordered_list_open") and is_toc_list(block.tokens):
        yield Element("toc", block.first, block.last, block)
    else:
        yield Element("prose", block.first, block.last, block)


def _asked(
    block: Block, lines: Sequence[str], env: dict, shapes: Collection[str]
) -> list[Asked] | None:
    if "h2" in shapes:
        marker = h2_question(block)
        if marker is not None:
            rest = (
                (Block((marker.rest,), marker.rest.map[0] + 1, block.last),)
                if marker.rest is not None and marker.rest.map is not None
                else ()
            )
            return [Asked(marker.text, block.first, "h2", rest, "chapter")]
    if "q" in shapes:
        asked = q_paragraph(block, lines, env)
        if asked is not None:
            return [asked]
    if "term" in shapes:
        return term_list(block, lines, env)
    return None
