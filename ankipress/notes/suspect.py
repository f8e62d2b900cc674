"""Signs that a file was read wrongly: cards a reader may call wrong, each reported as a
``suspect`` warning at its line, with the setting that would help.

The parse never knows for sure which lines ask; where its reading of a file looks unlike
how notes are written, it says so instead of building quietly:
- a front that only names a box (``展开``, ``Answer``, ``Example``): the question is
  elsewhere, usually the line before it;
- an answer far longer than the file's usual one, or one holding several lines that read as
  questions: questions of another shape were taken for answer text;
- a run of headings that ask and have no answer: their answers are written in a shape that
  was not recognised as one;
- a heading that holds nothing but questions with no answer: they may be the points of
  its card;
- a heading written as a question that takes sub-headings of its own into its answer:
  readers differ on whether each is a card;
- a question with no answer whose line goes on after its question mark: the answer may be
  on the question's line;
- an answer that is mostly links: a reading list, not notes;
- a section's text, made a card, that ends leading into the questions right after it: it
  may only set them up; an answer that ends with a label line right before the next
  question: the label may head the questions after it;
- a ``Question:`` line right under a heading that asks nothing: the heading may be the
  card's front;
- an introduction (text before the first question, on no card) holding lines that read
  as questions: questions, and answers, may be lost in it; or ten lines or more holding
  what notes hold (a list, a figure, a table, code), not only prose: notes may be lost;
- an answer holding an empty code block: a slot the author left to fill, the answer
  unfinished;
- a file of many lines that ask which gives one or two cards;
- a whole file with no question, made one card.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from ankipress.notes.asking import asks, is_generic_label, names_an_aspect, names_questions
from ankipress.records import BREADCRUMB, Book, Question

LONG_ANSWER = 150  # lines: an answer shorter than this is never called long
LONG_FACTOR = 8  # times the file's median answer
HEADING_RUN = 3  # unanswered heading questions in a row
MANY_ASKING = 6  # lines that ask, in a file that gives one or two cards


@dataclass(frozen=True)
class Suspect:
    line: int
    message: str


def suspects(
    book: Book,
    lines: Sequence[str],
    shallower: Collection[int] = (),
    promoted: Mapping[int, tuple[int, int]] | None = None,
    carried: Collection[int] = (),
) -> list[Suspect]:
    """Every sign that ``book`` (parsed from ``lines``) holds a card read wrongly;
    ``shallower`` are the lines of headings shallower than the question before them,
    ``carried`` those of them read as more of its answer, ``promoted`` the heading
    questions that take their plain sub-headings as answer."""
    questions = sorted((q for c in book.chapters for q in c.questions), key=lambda q: q.line)
    answered = [q for q in questions if q.answered]
    # the whole file's sign: the others add nothing
    whole = list(_too_few(answered, lines, len(questions) - len(answered)))
    found = [*_generic_fronts(answered), *whole]
    if not whole:
        found.extend([*_long_answers(answered), *_heading_runs(questions)])
        found.extend(_out_of_level(questions, answered, shallower))
        found.extend(_carried(answered, carried, lines))
        found.extend(_sub_headings(answered, promoted or {}))
        found.extend(_asked_over_sub_headings(answered, lines))
        found.extend(_question_lists(book, lines))
        found.extend(_answers_on_the_line(questions))
        found.extend(_reading_lists(answered, lines))
        found.extend(_set_ups(questions, lines))
        found.extend(_labelled_under_headings(answered, lines))
        found.extend(_asking_introductions(book, lines))
        found.extend(_unfinished(answered, lines))
    return sorted(found, key=lambda s: s.line)


QUESTION_LIST = 2  # list items with no answer that are all a heading holds


def _question_lists(book: Book, lines: Sequence[str]) -> Iterator[Suspect]:
    """A heading whose text is nothing but a list of questions with no answer, in a part
    of the file not named for questions (``Common Interview Questions``): they may be the
    points its card makes (``### Performance`` over ``- How do you ensure no jank?``)."""
    for chapter in book.chapters:
        if names_questions(chapter.title):
            continue
        run: list[Question] = []
        for q in [*chapter.questions, None]:
            listed = q is not None and q.shape in ("bare", "item") and not q.answered
            if listed and q is not None and (not run or run[-1].section == q.section):
                run.append(q)
                continue
            if len(run) >= QUESTION_LIST:
                yield from _list_under_heading(run, lines)
            run = [q] if listed and q is not None else []


def _list_under_heading(run: Sequence[Question], lines: Sequence[str]) -> Iterator[Suspect]:
    if any(names_questions(part) for part in run[0].section.split(BREADCRUMB)):
        return
    line = _heading_above(lines, run[0].line)
    after = next(
        (lines[i] for i in range(run[-1].line, len(lines)) if lines[i].strip()), ""
    )  # (no copy of the rest of the file per run)
    if line is None or (after and not _ATX.match(after)):
        return  # (the heading holds more than the list)
    heading = _heading_text(lines, line)
    yield Suspect(
        line,
        f"heading {heading!r} holds only questions with no answer (lines "
        f"{run[0].line}-{run[-1].line}): if they are the points of its card, set "
        "'shapes: [h2, details, q, topic]' (lists then ask nothing)",
    )


_ATX = re.compile(r"\s{0,3}(#{1,6})\s")  # a line that is a heading (its marks)


def _heading_text(lines: Sequence[str], line: int) -> str:
    """The text of the heading on ``line`` (1-based), without its marks."""
    return lines[line - 1].strip().lstrip("#").strip()


def _heading_above(lines: Sequence[str], line: int) -> int | None:
    """The line of the heading right above a line (blank lines between), if any."""
    for index in range(line - 2, -1, -1):
        text = lines[index].strip()
        if text:
            return index + 1 if _ATX.match(text) else None
    return None


_ANSWERED_AFTER = re.compile(r"[?？]\s*([^?？]{8,})$")  # "...怎么办？客户端会发送 reset"


def _answers_on_the_line(questions: Sequence[Question]) -> Iterator[Suspect]:
    """A question with no answer whose line goes on after its question mark with words
    that do not ask: its answer may be written on the question's line."""
    for q in questions:
        after = _ANSWERED_AFTER.search(q.text) if len(q.text) <= _LINE else None
        if q.answered or after is None or asks(after[1]):
            continue
        yield Suspect(
            q.line,
            f"{q.text!r} has no answer, but its line goes on after the question mark: if "
            f"{after[1].strip()!r} is its answer, put it on a line of its own under it",
        )


def _set_ups(questions: Sequence[Question], lines: Sequence[str]) -> Iterator[Suspect]:
    """A card of a section's own text whose last line leads into the questions right
    after it (``Write SQL queries to extract the following:``): it may only set them up.
    An answer whose last line is a label right before the next question (```CONFLICT```,
    ``Situational Questions:``, not an item of a list): it may head the questions after
    it."""
    for q, after in pairwise(questions):
        if not q.answered:
            continue
        assert q.answer_lines is not None
        last = lines[q.answer_lines[1] - 1].strip()
        between = lines[q.answer_lines[1] : after.line - 1]
        if any(line.strip() for line in between):
            continue
        topic = q.shape == "topic" and not asks(q.text)
        if topic and last.endswith((":", "：")):
            yield Suspect(
                q.line,
                f"the text of {q.text!r} ends leading into the questions after it "
                f"({last!r}): if it only sets them up, quote it ('> ') to keep it off the "
                "cards",
            )
        raw = lines[q.answer_lines[1] - 1]
        listed = raw[:1].isspace() or _LIST_ITEM.match(raw) is not None  # (nested content)
        label = _LABEL_LINE.fullmatch(last) and q.answer_lines[1] > q.answer_lines[0]
        if not topic and label and not listed:
            yield Suspect(
                q.line,
                f"the answer of {q.text!r} ends with the label {last!r}, right before the "
                "next question: if it heads the questions after it, make it a heading",
            )


# a line that only labels what follows: "`CONFLICT`", "Situational Questions:", "**Redis**"
# (words only: "`.info()`" is code, an answer)
_LABEL_LINE = re.compile(
    r"`[^\W\d_][\w &/-]{0,38}`|(?:\*\*|__)[^\W\d_][\w &/-]{0,38}(?:\*\*|__)|[^。.!！?？]{1,40}[:：]"
)


_QUESTION_LABEL = re.compile(r"^\s*(?:(?:\*\*|__)\s*)?(?:Q|Question|问题|题目)\b", re.IGNORECASE)


def _labelled_under_headings(
    answered: Sequence[Question], lines: Sequence[str]
) -> Iterator[Suspect]:
    """A ``**Question**: ...`` line right under a heading that asks nothing (``### 2.
    Performance Debugging``), the only one under it: its text is the front, the heading its
    section; a reader may take the heading for the question."""
    for q in answered:
        if q.shape != "q" or not _QUESTION_LABEL.match(lines[q.line - 1]):
            continue
        above = _heading_above(lines, q.line)
        heading = _heading_text(lines, above) if above else ""
        if not heading or asks(heading) or names_questions(heading):
            continue
        labels, index = 0, q.line - 1  # in its section (to the next heading): one, or a group
        while index < len(lines) and labels < 2:
            if index >= q.line and _ATX.match(lines[index]):
                break
            labels += bool(_QUESTION_LABEL.match(lines[index]))
            index += 1
        if labels > 1:
            continue
        yield Suspect(
            q.line,
            f"the front {q.text!r} is the 'Question' line under the heading {heading!r}: if "
            "the heading is the question, set 'shapes: [h2, details, term, topic]'",
        )


def _unfinished(answered: Sequence[Question], lines: Sequence[str]) -> Iterator[Suspect]:
    """An answer holding an empty code block: the author left a slot for the code and has
    not filled it; what else the answer holds may only restate the question."""
    for q in answered:
        assert q.answer_lines is not None
        first, last = q.answer_lines
        opened: str | None = None  # the fence of the code block open, if any
        empty = True
        for number in range(first, last + 1):
            line = lines[number - 1]
            fence = _FENCE.match(line)
            if opened is None and fence:
                opened, empty, start = fence[1], True, number
            elif (
                opened is not None
                and fence
                and fence[1][0] == opened[0]
                and len(fence[1]) >= len(opened)
                and not line.strip()[len(fence[1]) :].strip()
            ):
                if empty:
                    yield Suspect(
                        q.line,
                        f"the answer of {q.text!r} holds an empty code block (line "
                        f"{start}): the answer may be unfinished, and the card with it",
                    )
                    break
                opened = None
            elif opened is not None and line.strip():
                empty = False


INTRODUCTION_ASKING = 3  # lines that read as questions in a file's introduction


def _asking_introductions(book: Book, lines: Sequence[str]) -> Iterator[Suspect]:
    """Text taken for an introduction (on no card) that holds lines written as questions:
    a list of questions in a shape not recognised, with their answers perhaps."""
    for first, last in getattr(book.coverage, "introductions", ()):
        asking = _asking_lines(lines[first - 1 : last])
        held = _notes_held(lines[first - 1 : last])
        if asking >= INTRODUCTION_ASKING:
            yield Suspect(
                first,
                f"lines {first}-{last}, taken for the file's introduction (on no card), hold "
                f"{asking} lines that read as questions: if they are questions, write them "
                "as headings, or as a list with a question mark on each",
            )
        elif held and last - first + 1 >= INTRODUCTION_NOTES:
            yield Suspect(
                first,
                f"lines {first}-{last}, taken for the file's introduction (on no card), hold "
                f"{' and '.join(held)}, as notes do: if they are notes to study, put a "
                "heading over them to make them a card",
            )


INTRODUCTION_NOTES = 10  # lines of an introduction that holds what notes hold
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|[0-9]{1,3}[.)])\s+(?P<text>\S.*)")
# (one run of spaces between any two marks: no two quantifiers share one, so it is linear)
_TABLE_RULE = re.compile(r"\|?[ \t]*:?-{3,}:?(?:[ \t]*\|[ \t]*:?-{3,}:?)+[ \t]*\|?")


def _notes_held(lines: Sequence[str]) -> list[str]:
    """What in an introduction's lines is written as notes are, not as a remark about the
    file: list items that are not only links, figures, tables, code."""
    held: list[str] = []
    items = [m["text"] for line in lines if (m := _LIST_ITEM.match(line))]
    if any(_LINK.sub("", text).strip(" ,，、.;；:：-") for text in items if len(text) <= _LINE):
        held.append("a list")
    if any(
        len(line) <= _LINE and (_IMAGE.search(line) or "<img" in line.lower()) for line in lines
    ):
        held.append("figures")
    if any(len(line) <= _LINE and _TABLE_RULE.fullmatch(line.strip()) for line in lines):
        held.append("a table")
    if any(_FENCE.match(line) for line in lines):
        held.append("code")
    return held


READING_LIST = 3  # links in an answer that is mostly links
_LINK = re.compile(
    r"\[([^\]\n]{0,300})\]\(([^)\s]{0,2000})(?:\s[^)\n]{0,300})?\)|<?https?://[^\s>)]+>?"
)
_LINE = 2000  # characters: a longer line is read as text, not searched for links
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|!\[\[[^\]]*\]\]")  # a figure: neither link nor text
_MARKUP = re.compile(r"^\s*(?:[-*+]|[0-9]+[.)]|>|#+)\s+|[*_`|]")


def _reading_lists(answered: Sequence[Question], lines: Sequence[str]) -> Iterator[Suspect]:
    """A heading's section more than half of whose text is links (three or more): a
    list of things to read, not notes to study."""
    for q in answered:
        assert q.answer_lines is not None
        if q.shape != "topic" or asks(q.text):
            continue
        last = q.answer_lines[1]  # the heading's whole section: its lists of links too
        text = "\n".join(
            _MARKUP.sub("", _IMAGE.sub("", line)) if len(line) <= _LINE else "x" * len(line)
            for line in lines[q.line : last]
        )
        links = list(_LINK.finditer(text))
        linked = sum(len(m[1] or m[0]) for m in links)
        shown = len(_LINK.sub(lambda m: m[1] or m[0], text).replace("\n", " ").strip())
        if len(links) >= READING_LIST and 2 * linked > shown:
            yield Suspect(
                q.line,
                f"the answer of {q.text!r} is mostly links ({len(links)}): if it is a list "
                f"of things to read, not notes, add {q.text!r} to 'skip_sections'",
            )


SUB_HEADINGS = 2  # plain sub-headings taken into one answer: enough to be questions


def _sub_headings(
    answered: Sequence[Question], promoted: Mapping[int, tuple[int, int]]
) -> Iterator[Suspect]:
    """A heading question that takes two or more sub-headings of its own as its answer:
    they may each be a question."""
    for q in answered:
        count, level = promoted.get(q.line, (0, 0))
        if count >= SUB_HEADINGS and not asks(q.text):
            yield Suspect(
                q.line,
                f"{q.text!r} takes its {count} sub-headings as its answer: if each is a "
                f"question of its own, set 'question_level: {level}'",
            )


def _asked_over_sub_headings(
    answered: Sequence[Question], lines: Sequence[str]
) -> Iterator[Suspect]:
    """A heading written as a question whose answer runs on under sub-headings of its own
    that ask nothing and name no aspect (``### 什么是 MVCC？`` over ``#### 版本链``
    and ``#### ReadView``): they are its answer here, but readers differ, and each may be
    meant as a card."""
    for q in answered:
        assert q.answer_lines is not None
        written = lines[q.line - 1].lstrip()
        level = len(written) - len(written.lstrip("#"))
        if q.shape != "topic" or not level or not asks(q.text):
            continue
        subs, fenced = [], False
        for line in lines[q.answer_lines[0] - 1 : q.answer_lines[1]]:
            if _FENCE.match(line):
                fenced = not fenced
            elif not fenced and (heading := _ATX.match(line)):
                text = line.strip().strip("#").strip().strip("*_`").strip()
                if (
                    len(heading[1]) > level
                    and text
                    and not asks(text)
                    and not names_an_aspect(text)
                ):
                    subs.append(text)
        if len(subs) == 1:
            yield Suspect(
                q.line,
                f"{q.text!r} takes its sub-heading {subs[0]!r} as its answer: if it is a "
                "question of its own, write it as one (a question mark), or make it a "
                "heading of the question's level",
            )
        elif subs:
            yield Suspect(
                q.line,
                f"{q.text!r} takes its {len(subs)} sub-headings ({subs[0]!r}...) as its "
                "answer: if each is a question of its own, write it as one (a question "
                "mark), or make it a heading of the question's level",
            )


def _out_of_level(
    questions: Sequence[Question], answered: Sequence[Question], shallower: Collection[int]
) -> Iterator[Suspect]:
    """A card of a heading shallower than the question before it, at a level where no
    heading asks: it may go on answering that question."""
    for q in answered:
        if q.line in shallower and q.shape == "topic":
            before = [p for p in questions if p.line < q.line and asks(p.text)]
            asked = f" ({before[-1].text!r}, line {before[-1].line})" if before else ""
            yield Suspect(
                q.line,
                f"heading {q.text!r} is shallower than the question before it{asked}, at a "
                "level where no heading asks: if it goes on answering that question, make "
                "it a deeper heading",
            )


def _carried(
    answered: Sequence[Question], carried: Collection[int], lines: Sequence[str]
) -> Iterator[Suspect]:
    """An answer that goes on under headings shallower than its question's: they may open
    sections of their own instead."""
    lines_carried = sorted(carried)
    for q in answered:
        assert q.answer_lines is not None
        first, last = q.answer_lines
        within = lines_carried[
            bisect_left(lines_carried, first) : bisect_right(lines_carried, last)
        ]
        if within:
            written = lines[q.line - 1].lstrip()
            level = len(written) - len(written.lstrip("#"))
            setting = f"question_level: {level}" if level else "question_level"
            heading = _heading_text(lines, within[0])
            more = f" and {len(within) - 1} more" if len(within) > 1 else ""
            yield Suspect(
                within[0],
                f"the answer of {q.text!r} goes on under the shallower heading {heading!r}"
                f"{more}: if they open sections of their own, set '{setting}'",
            )


def _generic_fronts(answered: Sequence[Question]) -> Iterator[Suspect]:
    for q in answered:
        if is_generic_label(q.text):
            hint = (
                "set 'details: answer' if each <details> holds the answer of the line above it"
                if q.shape == "details"
                else "make the question the heading or bold line of its card"
            )
            yield Suspect(q.line, f"the front {q.text!r} names no question: {hint}")


def _span(q: Question) -> int:
    assert q.answer_lines is not None
    return q.answer_lines[1] - q.answer_lines[0] + 1


def _long_answers(answered: Sequence[Question]) -> Iterator[Suspect]:
    usual = median(_span(q) for q in answered) if len(answered) >= 3 else 0
    for q in answered:
        span = _span(q)
        asking = [line for line, _ in q.kept]
        if len(asking) >= 2:
            where = ", ".join(str(line) for line in asking[:5]) + (", ..." * (len(asking) > 5))
            yield Suspect(
                q.line,
                f"the answer of {q.text!r} holds {len(asking)} lines that read as questions "
                f"(lines {where}): if they are questions, write them as its siblings are "
                "written, or set 'question_level' to their heading level",
            )
        elif usual and span >= LONG_ANSWER and span >= LONG_FACTOR * usual:
            yield Suspect(
                q.line,
                f"the answer of {q.text!r} runs {span} lines, {span // max(int(usual), 1)} "
                "times this file's usual answer: questions inside it may have no card "
                "(see 'ankipress outline'; 'question_level' or 'shapes' sets what asks)",
            )


def _heading_runs(questions: Sequence[Question]) -> Iterator[Suspect]:
    run: list[Question] = []
    for q in [*questions, None]:
        if q is not None and not q.answered and q.why == "no answer" and q.shape == "topic":
            run.append(q)
            continue
        if len(run) >= HEADING_RUN:
            yield Suspect(
                run[0].line,
                f"{len(run)} questions in a row (lines {run[0].line}-{run[-1].line}) have no "
                "answer: if their answers are written in another shape (a <details>, a "
                "list), set 'details: answer' or 'shapes'",
            )
        run = []


_MARKERS = re.compile(r"^\s{0,3}(?:#{1,6}\s+|[-*+]\s+|[0-9]{1,3}[.)]\s+|>\s*)*")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")  # a line that opens or closes code (its marks)


def _asking_lines(lines: Sequence[str]) -> int:
    """Lines outside code that read as questions, whatever their shape (a link by its
    text)."""
    count, fenced = 0, False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
            continue
        text = _MARKERS.sub("", line).strip().strip("*_").strip()
        if len(text) <= _LINE:  # a link asks by its text: "1. [Types of OS?](url)"
            text = _LINK.sub(lambda m: m[1] if m[1] is not None else "", text).strip()
        if not fenced and 2 <= len(text) <= 300 and asks(text):
            count += 1
    return count


def _too_few(
    answered: Sequence[Question], lines: Sequence[str], unanswered: int = 0
) -> Iterator[Suspect]:
    """A file of many lines that ask, read as one or two cards; or a file whose one card
    is a topic: long, or in a file where nothing asks (``unanswered``: questions with no
    answer)."""
    if len(answered) > 2:
        return
    asking = _asking_lines(lines)
    if asking >= MANY_ASKING and asking > 3 * len(answered):
        cards = f"{len(answered)} card{'s' * (len(answered) != 1)}"
        yield Suspect(
            answered[0].line if answered else 1,
            f"{asking} lines read as questions, but the file gives {cards}: its questions "
            "may be written in a shape not recognised ('question_level' or 'shapes' sets "
            "what asks)",
        )
    elif len(answered) == 1 and answered[0].shape == "topic" and not asks(answered[0].text):
        q = answered[0]
        if q.answer_lines and (_span(q) >= 20 or (not asking and unanswered == 0)):
            yield Suspect(
                q.line,
                f"the whole file is one card, {q.text!r}: no question was found in it (one "
                "written on its answer's line is not read as one: give it a line of its own); "
                "if the file is not notes to study, set 'exclude: true' for it",
            )
