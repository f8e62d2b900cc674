"""Answers the author marked: a paragraph that opens with an answer marker (``ans:``,
``A:``, ``Answer:``, ``答：``) answers the line right before it. That line is a question,
whatever its form: a line of prose that asks (``You are on a tight deadline, how did you
handle it ?``; not a follow-up inside an answer, ``…，那么 PP 能与 ZeRO 一起用吗？``), a
list of one item (``1. Tell us about yourself ?`(...)```), or the last of
a list of questions with no answer of their own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ankipress.notes.asking import (
    asks,
    follows_up,
    lists_options,
    question_markdown,
    question_text,
    without_answer_marker,
)
from ankipress.notes.elements import Element
from ankipress.notes.shapes import Asked, list_heads, plain_line


def marked_answers(stream: Sequence[Element], lines: Sequence[str]) -> list[Element]:
    """``stream`` with each element right before a marked answer made its question."""
    out = list(stream)
    for index in range(1, len(out)):
        element = out[index]
        block = element.block
        if element.kind != "prose" or block is None or block.kind != "paragraph_open":
            continue
        line = lines[element.first - 1]
        if without_answer_marker(line) == line or lists_options(
            lines[block.first - 1 : block.last]
        ):
            continue  # (A: 4 / B: 5: a choice's options, no marked answer)
        before = out[index - 1]
        asked = _question_before(before, lines)
        if asked is not None:
            out[index - 1] = replace(before, kind="question", asked=asked)
    return out


def _question_before(element: Element, lines: Sequence[str]) -> Asked | None:
    """The question a marked answer makes of the element right before it, if any."""
    block = element.block
    if element.kind == "question" and element.asked and element.asked.shape == "bare":
        return replace(element.asked, shape="item")  # it now has an answer to take
    if element.kind != "prose" or block is None or element.text:
        return None
    written = lines[element.first - 1].strip()
    one_line = element.first == element.last
    if block.kind == "paragraph_open" and one_line and asks(written) and not follows_up(written):
        plain = plain_line(written)
    elif one_line and len(heads := list_heads(block, lines) or []) == 1:
        written = heads[0].term  # (its marker and a task's box gone)
        plain = plain_line(written)
    else:
        return None
    text = question_text(plain)
    if not text:
        return None
    return Asked(text, element.first, "item", (), plain, markdown=question_markdown(written))
