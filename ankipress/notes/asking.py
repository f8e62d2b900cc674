"""What makes a line of notes a question: it ends in a question mark, or it carries a
``Q:`` / ``Q1.`` / ``Question:`` prefix; and what is left of it as a card's question."""

from __future__ import annotations

import re

from ankipress.identity.guids import strip_numbering

# Q: / Q： / Q1. / Q5.1) / QX) / Q3 / Question: / Question 2: at the start of a line
_Q_PREFIX = re.compile(
    r"^\s*(?:Q(?:uestion)?\s*(?:[0-9０-９]+(?:[.．][0-9０-９]+)*|X)?\s*[:：.．)）]"
    r"|Q[0-9０-９]+(?:[.．][0-9０-９]+)*\s|Question\s+[0-9０-９]+\s)\s*",
)
# (A) / (1) / [Q] before a question
_BRACKETED = re.compile(r"^\s*[(（\[【](?:[A-Za-z]|[0-9]{1,2}|Q)[)）\]】]\s*")
# A: / A： / 答： / Answer: / A1. at the start of an answer
ANSWER_MARKER = re.compile(
    r"^(\s*(?:\*\*|__)?)\s*(?:A(?:nswer)?\s*(?:[0-9０-９]+(?:[.．][0-9０-９]+)*)?\s*[:：.．)）]|答\s*[:：])"
    r"(\s*(?:\*\*|__)?)\s*"
)
# a question mark at the end, before closing marks and a citation ([src], [1], (2019))
_QUESTION_MARK = re.compile(
    r"[?？]\s*[)）\]】\"'”’*_`#]*\s*(?:[\[(（【][^\])）】]{0,40}[\])）】]\s*)?$"
)
# a question bank's tag before a question: [E] easy, [M] medium, [H] hard ([x] is a task)
_DIFFICULTY = re.compile(r"^\s*[\[【](?:[A-WYZ]|[A-Z][a-z]{1,8})[\]】]\s+\S")
# an imperative that asks: 简述 X, 介绍一下 X, Explain X, Describe X
_ASKING_VERB = re.compile(
    r"^(?:请|简述|简要(?:说明|介绍|分析)|简单介绍|介绍一下|介绍下|说说|谈谈|讲讲|讲一讲|解释一下|阐述|"
    r"描述一下|列举|"
    r"(?:explain|describe|compare|define|discuss|contrast|derive)\b)",
    re.IGNORECASE,
)
_PADDED = re.compile(r"^0[0-9]+\s+(?=\S)")  # "001 什么是回环检测？": a zero-padded number
_CLOSING_HASHES = re.compile(r"(?<=\S)#+\s*$")  # "Q15: ...?###": a heading closed without a space
_NUMBER_ONLY = re.compile(r"^\s*[0-9０-９]+(?:[.．][0-9０-９]+)*[.．、)）]?\s*$")


def has_q_prefix(text: str) -> bool:
    return bool(_Q_PREFIX.match(text))


def asks(text: str) -> bool:
    """Whether a line of plain text is written as a question."""
    if _QUESTION_MARK.search(text) or has_q_prefix(text) or _DIFFICULTY.match(text):
        return True
    return bool(_ASKING_VERB.match(strip_numbering(text)))


def question_text(text: str) -> str:
    """``Q5.1) 3. 为什么?`` -> ``为什么?``: prefixes and numbering go, and a trailing colon
    (``Lora：`` -> ``Lora``)."""
    text = _Q_PREFIX.sub("", text, count=1)
    text = _BRACKETED.sub("", text, count=1)
    text = _CLOSING_HASHES.sub("", _PADDED.sub("", strip_numbering(text), count=1))
    return text.rstrip(" \t:：") or text


def is_number_only(text: str) -> bool:
    """A heading that is only a number (``1.13.6``): its title is on the next line."""
    return bool(_NUMBER_ONLY.match(text))


def without_answer_marker(line: str) -> str:
    """``A: because`` -> ``because`` (``**A:** because`` too); other lines unchanged."""
    match = ANSWER_MARKER.match(line)
    if match is None:
        return line
    opening, closing = match[1].strip(), match[2].strip()
    rest = line[match.end() :]
    if opening and closing:  # **A:** rest: the bold held only the marker
        return rest
    return opening + rest


_WHOLE_BOLD = re.compile(r"(\*\*|__)((?:(?!\1).)+)\1\s*[:：]?\s*")
_BOLD_PREFIX = re.compile(
    r"^(\*\*|__)\s*(Q(?:uestion)?\s*[0-9０-９.．]*\s*[:：.．)）])\s*\1\s*", re.I
)


def question_markdown(source: str) -> str:
    """A question line's markdown without what ``question_text`` drops from its text:
    ``**Q：** 3. What is $R^2$?`` -> ``What is $R^2$?`` (a bold line loses its bold)."""
    text = source.strip()
    whole = _WHOLE_BOLD.fullmatch(text)
    if whole:
        text = whole[2]
    lead = _BOLD_PREFIX.match(text)
    if lead:
        text = text[lead.end() :]
    return question_text(text)
