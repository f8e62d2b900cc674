"""The blocks of a file as a stream of elements: questions of every shape, headings,
group labels, bold lines, prose, and what is not content."""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace

from markdown_it.token import Token

from ankipress.diagnostics import Diagnostics
from ankipress.notes.asking import asks, asks_as_task, is_generic_label, names_questions
from ankipress.notes.blocks import Block, parse_region, reparse
from ankipress.notes.chapters import is_toc_heading, is_toc_list
from ankipress.notes.details import OPENS_HTML_BLOCK, closing_line, find_details, starts_details
from ankipress.notes.fileblocks import FileBlocks
from ankipress.notes.leads import lead_paragraph
from ankipress.notes.noncontent import INTERVIEW_STEP, is_link_list, not_content
from ankipress.notes.questions import h2_question
from ankipress.notes.shapes import (
    Asked,
    ListHead,
    group_label,
    is_bold_line,
    item_starts,
    list_heads,
    term_list,
    trailing_questions,
)


@dataclass(frozen=True)
class Element:
    kind: str  # question | heading | label | bold | prose | toc | skip
    first: int
    last: int
    block: Block | None = None  # the block itself, for prose-like kinds
    asked: Asked | None = None  # a question's; a bold line's, should it be one
    text: str = ""  # a heading's or label's text; why a block is skipped
    level: int = 0  # a heading's level
    held: tuple[Block, ...] = ()  # a wrapping <details>'s body: the answer it holds

    @property
    def asks(self) -> bool:
        """Whether it is written as a question (``?`` or a ``Q:``), wherever it stands: a
        heading, a question of any shape, or a line of prose on its own."""
        if self.kind == "heading":
            return asks(self.text)
        if self.kind == "prose" and self.block and self.first == self.last:
            raw = self.block.tokens[1].content if len(self.block.tokens) > 1 else ""
            return ("?" in raw or "？" in raw) and asks(self.block.text)
        if self.asked is None:
            return False
        return self.asked.shape in ("h2", "details", "q") or asks(self.asked.written)

    @property
    def written(self) -> str:  # its text as a reader sees it
        if self.asked is not None:
            return self.asked.written
        return self.text or (self.block.text if self.block else "")


def elements(
    blocks: Sequence[Block],
    lines: Sequence[str],
    env: dict,
    shapes: Collection[str],
    diagnostics: Diagnostics,
    path: str,
    details: str | None = None,
) -> Iterator[Element]:
    """Each element in file order. A ``<details>`` element may end inside a later block:
    the blocks it covers are consumed, and the rest of the block it ends in is parsed again.
    A ``<details>`` whose summary only names its box (``展开``, ``Answer``) wraps the answer
    of the question before it: its body is prose, not a question. The setting ``details``
    makes every one a wrapper (``answer``) or a question (``question``)."""
    headings = [b.first for b in blocks if b.heading_level]
    openers = [b.first for b in blocks if starts_details(b)]
    parsed = FileBlocks(blocks, lines)
    blank = _next_blank(lines)
    queue: deque[tuple[Block, str]] = deque((block, _BLOCK) for block in blocks)
    consumed = 0  # the last line that a <details> element took
    sections = _Sections()
    previous = ""  # the kind of the element classified last
    while queue:
        block, mode = queue.popleft()
        sections.enter(block)
        if mode != _AFTER_TAG:
            if block.last <= consumed:
                continue
            if mode == _REGION or block.first <= consumed:  # e.g. the rest after </details>
                rest = _region(max(block.first, consumed + 1), block.last, lines, env, blank)
                queue.extendleft(reversed(rest))
                continue
        sections_listed = _listed_sections(block, lines, env)
        if sections_listed is not None:  # "1. ### Title" items: headings, each its section
            queue.extendleft((b, _AFTER_TAG) for b in reversed(sections_listed))
            continue
        if "details" in shapes and starts_details(block):
            # closed before the next <details>, it holds its sub-headings; else it runs to
            # the next heading at most
            found = find_details(block, lines, _before(openers, block.first, lines), env, parsed)
            if found is None or not found.closed:
                limit = _before(headings, block.first, lines)
                found = find_details(block, lines, limit, env, parsed)
            if found is not None:
                if not found.closed:
                    diagnostics.warning(
                        path,
                        block.first,
                        f"<details> is never closed; its answer runs to line {found.end}",
                        "details",
                    )
                generic = is_generic_label(found.asked.written) and details != "question"
                if details == "answer" or generic:  # a summary that says something stays
                    folded = found.folded(block.first)
                    held = found.asked.answer if generic else (folded,)
                    yield _wrapper(block.first, found.end, held, folded)
                else:
                    folded = found.folded(block.first)
                    yield Element("question", block.first, found.end, folded, found.asked)
                consumed = max(consumed, found.end)
                if block.last > found.end:
                    queue.appendleft((block, _BLOCK))  # its rest is parsed again
                if found.tail is not None:
                    tail = parse_region([found.tail], found.end, env)
                    queue.extendleft((b, _AFTER_TAG) for b in reversed(tail))
                continue
        for element in _classify(block, lines, env, shapes, sections.of_questions()):
            if previous == "prose" and _lone_label(element):  # "涉及到的设計模式：" after text
                element = Element("prose", element.first, element.last, element.block)
            previous = element.kind
            yield element


def _listed_sections(block: Block, lines: Sequence[str], env: dict) -> list[Block] | None:
    """A list each item of which opens with a heading (``1. ### 物理层的基本概念``, as Typora
    writes numbered sections): each item's lines parsed on their own, so its heading is a
    heading and its body the text under it. None for any other block."""
    if block.kind not in ("bullet_list_open", "ordered_list_open"):
        return None
    tokens = block.tokens
    items = item_starts(block)
    if not items or any(
        i + 1 >= len(tokens) or tokens[i + 1].type != "heading_open" for i in items
    ):
        return None
    heads = list_heads(block, lines)  # each item's lines and content column
    if heads is None:
        return None
    found: list[Block] = []
    for head in heads:
        first, width = head.first, head.width
        region = [" " * width + lines[first - 1][width:], *lines[first : head.last]]
        found += parse_region(region, first, env, strip=width)
    return found


def _lone_label(element: Element) -> bool:
    """A list of one plain term (``- 涉及到的設計模式：`` over its lines): after text, a label
    in that text, not a question (a bold term, ``- **Focal Loss**``, stays one)."""
    block, asked = element.block, element.asked
    if block is None or asked is None or asked.shape != "term" or element.kind != "question":
        return False
    items = item_starts(block)
    head = (
        block.tokens[items[0] + 2] if len(items) == 1 and len(block.tokens) > items[0] + 2 else None
    )
    return head is not None and head.type == "inline" and not head.content.startswith(("**", "__"))


class _Sections:
    """The headings a block is under, as far as lists of questions need them: a section
    named for its questions (``Common Interview Questions``) whose nearest heading asks
    nothing itself holds interview tasks (``- Design a global CDN``), each a question."""

    def __init__(self) -> None:
        self.path: list[tuple[int, bool, bool]] = []  # (level, names questions, asks)

    def enter(self, block: Block) -> None:
        level = block.heading_level
        if level:
            while self.path and self.path[-1][0] >= level:
                self.path.pop()
            self.path.append((level, names_questions(block.text), asks(block.text)))

    def of_questions(self) -> bool:
        return bool(self.path) and not self.path[-1][2] and any(n for _, n, _ in self.path)


def _wrapper(first: int, last: int, answer: tuple[Block, ...], folded: Block) -> Element:
    """A ``<details>`` that only wraps an answer: prose, the box itself (a fold, where it
    stands in an answer's text), holding its body as one block spanning the element's lines
    (the answer of the question right before it, its tags on the card with it)."""
    tokens = tuple(token for block in answer for token in block.tokens)
    if not tokens:
        return Element("skip", first, last, text="an empty <details>")
    body = (Block(tokens, first, last),)
    return Element("prose", first, last, folded, text=WRAPPER, held=body)


WRAPPER = "<details> wrapping an answer"  # a wrapper's text: prose, held by what it follows


def _before(starts: list[int], line: int, lines: Sequence[str]) -> int:
    """The line before the first of ``starts`` after ``line`` (the file's last if none)."""
    following = bisect.bisect_right(starts, line)
    return starts[following] - 1 if following < len(starts) else len(lines)


# How a queued block is taken: as parsed; as parsed after a closing tag on its own line
# (never cut by what a <details> consumed); as lines still to be parsed.
_BLOCK, _AFTER_TAG, _REGION = "block", "after tag", "region"


def _region(
    first: int, last: int, lines: Sequence[str], env: dict, blank: list[int]
) -> list[tuple[Block, str]]:
    """The blocks of lines ``first..last``. Lines that open a ``<details>`` and hold no blank
    line are one HTML block to markdown-it: that block is built directly, up to the line
    closing the element, and the lines after it stay a region parsed when reached. So a
    long chain of ``<details>`` in one HTML block costs linear time, not quadratic."""
    if blank[first] > last and OPENS_HTML_BLOCK.match(lines[first - 1]):
        end = closing_line(lines, first, last)
        token = Token("html_block", "", 0, block=True, map=[first - 1, end])
        token.content = "\n".join(lines[first - 1 : end]) + "\n"
        parts = [(Block((token,), first, end), _AFTER_TAG)]
        if end < last:
            parts.append((Block((token,), end + 1, last), _REGION))
        return parts
    return [(b, _AFTER_TAG) for b in reparse(lines, first, last, env)]


def _next_blank(lines: Sequence[str]) -> list[int]:
    """For each 1-based line, the first blank line at or after it (``len(lines) + 1`` if none)."""
    found = [len(lines) + 1] * (len(lines) + 2)
    for number in range(len(lines), 0, -1):
        found[number] = number if not lines[number - 1].strip() else found[number + 1]
    return found


def _classify(
    block: Block,
    lines: Sequence[str],
    env: dict,
    shapes: Collection[str],
    of_questions: bool = False,
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
    if block.kind in ("bullet_list_open", "ordered_list_open"):
        if is_toc_list(block.tokens):
            yield Element("toc", block.first, block.last, block)
            return
        if is_link_list(block.tokens):
            yield Element("toc", block.first, block.last, block, text="list of links")
            return
    lead = lead_paragraph(block, lines, env) if "q" in shapes else None
    heads = list_heads(block, lines)  # a list's items' first lines, read once
    if of_questions and heads:  # interview tasks: "Design a global CDN"
        heads = [replace(h, asking=True) if asks_as_task(h.term) else h for h in heads]
    asked = _asked(block, lines, env, shapes, lead, heads)
    if asked is not None:
        for index, one in enumerate(asked):
            last = asked[index + 1].line - 1 if index + 1 < len(asked) else block.last
            if one.shape == "label":  # an item naming the questions under it
                yield Element("label", one.line, one.until, block, text=one.text)
            elif one.shape == "step":  # "反问", "自我介绍": what the interview did
                yield Element("skip", one.line, last, block, text=INTERVIEW_STEP)
            else:
                yield Element("question", one.line, last, block, asked=one)
        return
    split = trailing_questions(block, lines, env, heads) if "term" in shapes and heads else None
    if split is not None:
        lead_items, questions = split
        if lead_items is not None:
            yield Element("prose", lead_items.first, lead_items.last, lead_items)
        for item, one in questions:
            yield Element("question", item.first, item.last, item, asked=one)
        return
    label = group_label(block)
    if label is not None:
        yield Element("label", block.first, block.last, block, text=label)
    elif lead is not None and lead.shape == "bold":
        yield Element("bold", block.first, block.last, block, asked=lead)
    elif is_bold_line(block):
        yield Element("bold", block.first, block.last, block)
    else:
        yield Element("prose", block.first, block.last, block)


def _asked(
    block: Block,
    lines: Sequence[str],
    env: dict,
    shapes: Collection[str],
    lead: Asked | None,
    heads: list[ListHead] | None,
) -> list[Asked] | None:
    if "h2" in shapes:
        marker = h2_question(block)
        if marker is not None:
            rest = (
                (Block((marker.rest,), marker.rest.map[0] + 1, block.last),)
                if marker.rest is not None and marker.rest.map is not None
                else ()
            )
            return [Asked(marker.text, block.first, "h2", rest, marker.text)]
    if lead is not None and lead.shape == "q":
        return [lead]
    if "term" in shapes and heads:
        return term_list(block, lines, env, heads=heads)
    return None
