"""Paragraphs led by a question line: ``Q: ...`` (bold or not) and bold lines that may ask;
the answer that follows them, its ``A:`` marker removed."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ankipress.notes.asking import (
    WHOLE_BOLD,
    asks,
    has_q_prefix,
    lists_options,
    question_markdown,
    question_text,
    without_answer_marker,
)
from ankipress.notes.blocks import Block, parse_region
from ankipress.notes.shapes import Asked, plain_line

_MAY_LEAD = re.compile(r"(?:\*\*|__|\s*[Qq])")  # bold, or a Q prefix, may start it


def lead_paragraph(block: Block, lines: Sequence[str], env: dict) -> Asked | None:
    """A paragraph led by a question line: ``Q: ...`` (bold or not; shape ``q``) or a line
    that is one bold phrase (shape ``bold``, a question only where the section's bold lines
    ask). Its later lines begin the answer, an ``A:`` or ``答：`` before them removed."""
    if block.kind != "paragraph_open":
        return None
    first_line = lines[block.first - 1].strip()
    if not _MAY_LEAD.match(first_line):  # most paragraphs: no inline parse needed
        return None
    plain = plain_line(first_line)
    bold = WHOLE_BOLD.fullmatch(first_line)
    numbered = False
    if has_q_prefix(plain):
        shape = "q"
    elif bold and not has_q_prefix(bold[2]) and plain_line(bold[2]):
        shape = "bold"
    elif (label := _bold_label(first_line)) is not None:
        shape, numbered = "bold", label
    else:
        return None
    ends = block.first  # a Q: question wrapped onto more lines runs to its A: line
    if shape == "q":
        marked = (n for n in range(block.first + 1, block.last + 1) if _answers(lines[n - 1]))
        ends = next(marked, block.first + 1) - 1
    if ends > block.first:
        first_line = " ".join(line.strip() for line in lines[block.first - 1 : ends])
        plain = plain_line(first_line)
    text = question_text(plain)
    if not text:
        return None
    answer = answer_blocks(lines, ends + 1, block.last, env)
    if numbered:  # the bold number goes with the numbering: "**1)** The number of ads."
        first_line = _HEAD_BOLD.sub(_unbold_number, first_line, count=1)
    markdown = question_markdown(first_line)
    return Asked(text, block.first, shape, answer, plain, markdown=markdown, numbered=numbered)


def _unbold_number(head: re.Match[str]) -> str:
    number = _NUMBER_MARK.match(head["bold"])
    assert number is not None
    title = head["bold"][number.end() :].strip()
    return (f"{head[1]}{title}{head[1]}" if title else "") + head["rest"]


# A bold run at the head of a line that is not all of it: a number (``**1)** The number
# of active ads.``, ``**2) Factorial**. Calculate...``), or a question followed by a
# remark in brackets (``**Why X?**（see above）``) or a request joined to it.
_HEAD_BOLD = re.compile(r"(\*\*|__)(?P<bold>(?:(?!\1).)+?)\1(?P<rest>.*)")
_NUMBER_ANSWER = re.compile(r"^ {0,3}[0-9]{1,9}+([.)])(?=\s|$)")  # "443." after "A:"
_NUMBER_MARK = re.compile(r"^\s*[0-9]{1,3}\s*[.)）、:：]")  # not a letter: options, notation
_REMARK = re.compile(r"^\s*[(（\[【].*[)）\]】]\s*+[:：.。]?\s*+$")
# ...or by a request joined to it: "**Why scale by √d?**，并使用公式推导进行讲解"
_JOINED = re.compile(r"^\s*[，,]\s*(?:并|同时|以及|还要|and\s).{0,60}$", re.IGNORECASE)


def _bold_label(line: str) -> bool | None:
    """Whether ``line`` is led by a bold label that makes it its paragraph's question:
    True for a number (``**1)** ...``: it asks where its siblings are numbered alike),
    False for a question with a remark after it; None for neither."""
    head = _HEAD_BOLD.match(line)
    if head is None or not head["rest"].strip():
        return None
    if _NUMBER_MARK.match(head["bold"]):
        return True
    added = _REMARK.match(head["rest"]) or _JOINED.match(head["rest"])
    if added and asks(plain_line(head["bold"])):
        return False
    return None


def _answers(line: str) -> bool:
    return without_answer_marker(line) != line


def answer_blocks(lines: Sequence[str], first: int, last: int, env: dict) -> tuple[Block, ...]:
    """The blocks of lines ``first..last``, an answer marker (``A:``) on the first removed."""
    if last < first:
        return ()
    region = list(lines[first - 1 : last])
    lead = next((i for i, line in enumerate(region) if line.strip()), None)
    if lead is None:
        return ()
    rest = without_answer_marker(region[lead])
    if rest != region[lead] and (number := _NUMBER_ANSWER.match(rest)):
        # "A: 443." goes on from the marker: a number, not the start of an ordered list
        rest = f"{rest[: number.start(1)]}\\{rest[number.start(1) :]}"
    region[lead] = rest
    return tuple(parse_region(region, first, env))


def strip_answer_marker(block: Block, lines: Sequence[str], env: dict) -> tuple[Block, ...]:
    """``block`` again without the ``A:`` that starts it (the block itself if none does)."""
    if block.kind != "paragraph_open":
        return (block,)
    line = lines[block.first - 1]
    if without_answer_marker(line) == line or lists_options(lines[block.first - 1 : block.last]):
        return (block,)
    return answer_blocks(lines, block.first, block.last, env)
