"""The walk over a file's elements: chapters, sections, questions with their answers, topic
cards for prose outside any question, and an account of every line (coverage).

Every question has a rank (``roles.rank``), and its answer takes what follows it up to the
next element of the same or a higher rank, or a heading ``roles.ends_answer`` names: an
``<h2>`` or ``Q:`` question its sub-headings, a heading question its sub-headings, bold
lines and lists, a term what follows its list. Whatever is taken that is written as a
question is reported (``nested-question``): it has no card of its own."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from ankipress.identity.guids import normalise_question
from ankipress.notes.asking import (
    asks,
    names_introduction,
    names_questions,
    question_key,
    sets_a_scene,
)
from ankipress.notes.blocks import Block
from ankipress.notes.coverage import Coverage
from ankipress.notes.drafts import (
    BEFORE_CHAPTERS,
    TOC,
    ChapterDraft,
    ChapterStart,
    Draft,
    account,
    question_draft,
    same,
    topic_draft,
)
from ankipress.notes.elements import WRAPPER, Element
from ankipress.notes.noncontent import (
    BACK_MATTER_WHY,
    names_back_matter,
    section_name,
    skipped_sections,
)
from ankipress.notes.placeholders import why_unanswered
from ankipress.notes.roles import Roles, ends_answer, is_details, is_question, rank
from ankipress.records import BREADCRUMB

Report = Callable[[int, str], None]  # a warning at a line of the file
_OPENING = ("heading", "question", "label")
_APART = 2  # lines from one element to the next: one blank line between them, no more
_MARKS = 3  # lone <br> lines that make it the file's end of an answer
_AFTER_MARK = "text after an answer's end (<br>), under no question"
_CLOSING = "the file's closing remark (after its last rule)"
_REMARK_LINES = 2  # lines of a closing remark, at most
_END_MARK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


def _ends_answers(elements: Sequence[Element]) -> bool:
    """Whether the file ends its answers with a lone ``<br>``: three or more right before a
    question, a heading, a rule or the end, and more of them so than right after a question
    (where a ``<br>`` only spaces the answer out)."""
    ends = opens = 0
    for index, element in enumerate(elements):
        if not _is_end_mark(element):
            continue
        before = elements[index - 1] if index else None
        after = elements[index + 1] if index + 1 < len(elements) else None
        opens += before is not None and before.kind in ("heading", "question")
        ends += after is None or after.kind in ("heading", "question", "skip")
    return ends >= _MARKS and ends > opens


def _sections_asking(elements: Sequence[Element]) -> set[int]:
    """The lines of the headings whose sections hold a line that asks (read from the end)."""
    found: set[int] = set()
    pending = [False] * 8  # by level: a question since the last heading of that level or above
    for element in reversed(elements):
        if element.kind == "heading":
            level = min(element.level or 7, 7)
            if pending[level]:
                found.add(element.first)
            pending = pending[:level] + [False] * (8 - level)
            if element.asks:  # in the sections of the shallower headings above it
                pending = [True] * level + pending[level:]
        elif element.kind == "question" and element.asks:
            pending = [True] * 8
    return found


def _is_end_mark(element: Element) -> bool:
    block = element.block
    return (
        block is not None
        and block.kind == "html_block"
        and _END_MARK.fullmatch(block.tokens[0].content) is not None
    )


# elements that open something after them
_LABELLED = 7  # the level of back matter a paragraph opens: any heading ends it


class Walker:
    """Assigns each element to a question, a topic, the structure, or nothing (said why)."""

    def __init__(
        self,
        chapter_of: Callable[[Element], ChapterStart | None],
        roles: Roles,
        skip_sections: Iterable[str],
        topics: bool,
        coverage: Coverage,
        report: Report,
        restate: Callable[[Block], tuple[Block, ...]],
    ) -> None:
        self.chapter_of, self.roles = chapter_of, roles
        self.skip, self.skip_why = skipped_sections(skip_sections), ""
        self.topics_on, self.coverage, self.report = topics, coverage, report
        self.restate = restate  # a block without the "A:" that begins an answer
        self.chapter = ChapterDraft(BEFORE_CHAPTERS, 1)
        self.chapters: dict[str | int, ChapterDraft] = {BEFORE_CHAPTERS.ident: self.chapter}
        self.path: list[tuple[int, str, int]] = []  # (level, text, line); labels are level 7
        self.open: Draft | None = None
        self.topics: dict[tuple[str | int, tuple[int, ...], bool], Draft] = {}
        self.questions: list[Draft] = []
        self.skipping: int | None = None  # level of a skipped section's heading
        self.following: Element | None = None  # the element after the one being walked
        self.preceding: Element | None = None  # and the one before it
        self.asked = False  # whether a question came yet: prose before it may introduce
        self.ends: dict[int, int] = {}  # the last line of a group label, by its first
        self.boxed: Draft | None = None  # the question just asked (a wrapper follows it)
        self.prose: Draft | None = None  # the topic the last prose joined, while no other
        # element came since: a <details> after it is a fold in that text
        self.tail = 0  # the last line of a heading or a question: after it, the file's end
        self.last_content = 0  # the index of the file's last element that is content
        self.marks = False  # whether the file ends its answers with a lone <br>
        self.asking: set[int] = set()  # headings whose sections hold a question
        self.unmarked = False  # after a question whose answer was only its end mark

    def walk(self, elements: Sequence[Element]) -> None:
        self.tail = max((e.first for e in elements if e.kind in _OPENING), default=0)
        content = [i for i, e in enumerate(elements) if e.kind not in ("skip", "toc")]
        self.last_content = content[-1] if content else 0  # the index of the file's last
        self.marks = _ends_answers(elements)
        self.asking = _sections_asking(elements)
        for index, element in enumerate(elements):
            self.following = elements[index + 1] if index + 1 < len(elements) else None
            self.preceding = elements[index - 1] if index else None
            if element.text != WRAPPER:  # (after one, more of the same answer may follow)
                self.boxed = None
            if element.kind not in ("toc", "skip", "prose") and not self._folds(element):
                self.prose = None
            start = self.chapter_of(element) if element.kind == "heading" else None
            if start is TOC:
                self.coverage.not_content(element.first, element.last, "table of contents")
            elif self._skipped(element, start):
                continue
            elif start is not None:
                self._enter_chapter(start, element)
            elif self._after_end_mark(element):
                continue
            elif self._closing_remark(element, index >= self.last_content):
                self.coverage.not_content(element.first, element.last, _CLOSING)
            elif self._absorbed(element):
                self._absorb(element)
            elif element.text == WRAPPER and self.boxed is not None:
                self.boxed.answer.extend(element.held)  # the answer of the question it follows
            elif self.prose is not None and self._folds(element):
                self._stray(element)  # a fold in the section's own text
            elif is_question(element, self.roles):
                self._question(element)
            elif element.kind in ("heading", "label"):
                self.open = None
                self._enter_section(element)
            elif element.kind not in ("toc", "skip"):
                self.open = None
                self._stray(element)
            elif element.text != "list of links" or not self._stray(element, new=False):
                self.coverage.not_content(element.first, element.last, element.text or "toc")

    def _skipped(self, element: Element, start: ChapterStart | None) -> bool:
        """Whether the element is in a section that is not content: one whose heading is
        back matter or skipped by the settings, or the back matter a paragraph opens
        outside any answer or section text (``参考链接：``), which a heading or a question
        ends."""
        level, heading = 0 if start is not None else element.level, element.kind == "heading"
        if heading and self.skipping is not None and level <= self.skipping:
            self.skipping = None
        if self.skipping == _LABELLED and is_question(element, self.roles):
            self.skipping = None
        why = self.skip.get(section_name(element.text)) if heading else ""
        if why == BACK_MATTER_WHY and element.first in self.asking:
            why = ""  # a "Resources" section that asks questions is notes
        if self.skipping is None and self._opens_back_matter(element):
            why, level = BACK_MATTER_WHY, _LABELLED
        if why:
            self.skipping, self.open, self.skip_why = level, None, why
        if self.skipping is None:
            return False
        self.coverage.not_content(element.first, element.last, self.skip_why)
        return True

    def _after_end_mark(self, element: Element) -> bool:
        """In a file that ends its answers with a lone ``<br>``, a question whose answer
        begins with that mark has none: the text after the mark, up to the next question or
        heading, answers nothing (on no card, said why)."""
        if self.unmarked and element.kind not in ("skip", "toc"):
            if element.kind in ("heading", "label") or is_question(element, self.roles):
                self.unmarked = False
                return False
            self.coverage.uncovered(element.first, element.last, _AFTER_MARK)
            return True
        draft = self.open
        if not (self.marks and _is_end_mark(element) and draft and draft.extent):
            return False
        if draft.answer:
            return False
        self.open, self.unmarked = None, True
        self.coverage.not_content(element.first, element.last, "end of an answer")
        return True

    def _closing_remark(self, element: Element, last: bool) -> bool:
        """A short paragraph that ends the file after a rule, below its last heading and
        question, once that question has an answer (``*Add more questions as you meet
        them.*``): the file's closing remark, not part of the last answer."""
        before, block = self.preceding, element.block
        answered = self.open is None or bool(self.open.answer)  # (else it is the answer)
        return (
            last
            and answered
            and element.kind == "prose"
            and element.first > self.tail
            and before is not None
            and before.text == "horizontal rule"
            and block is not None
            and block.kind == "paragraph_open"
            and element.last - element.first < _REMARK_LINES
        )

    def _opens_back_matter(self, element: Element) -> bool:
        """A label naming back matter (``参考链接：``) after questions: not in an answer
        nor in a section's text, which keep their sources, but after the file's last answer,
        set apart from it, when no heading or question follows: the file's sources."""
        if element.kind != "prose" or element.block is None:
            return False
        held = self.open is not None or self.prose is not None  # by an answer or a text
        if held and (element.first < self.tail or not self._set_apart(element)):
            return False
        return names_back_matter(element.block)

    def _set_apart(self, element: Element) -> bool:
        """Whether a rule or blank lines (two or more) set an element apart from the text
        before it, as the file's back matter is set apart from its last answer."""
        before = self.preceding
        if before is None:
            return True
        return before.text == "horizontal rule" or element.first - before.last > _APART

    def _enter_chapter(self, start: ChapterStart, element: Element) -> None:
        self.open, self.path = None, []
        self.chapter = self.chapters.setdefault(start.ident, ChapterDraft(start, element.first))
        self.coverage.not_content(element.first, element.last, "heading")

    def _enter_section(self, element: Element, push: bool = True) -> None:
        level = element.level or 7
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        if push:
            self.path.append((level, element.text, element.first))
            if element.kind == "label" and element.last > element.first:
                self.ends[element.first] = element.last  # names only the questions under it
            self.coverage.not_content(element.first, element.last, element.kind)

    def _in_scope(self, line: int) -> None:
        while self.path and self.ends.get(self.path[-1][2], line) < line:
            self.path.pop()

    def _question(self, element: Element) -> None:
        self._in_scope(element.first)
        if element.kind == "heading":
            self._enter_section(element, push=False)
        section = BREADCRUMB.join(text for _, text, _ in self.path)
        draft = question_draft(element, section, self.chapter, rank(element, self.roles))
        draft.within = next((level for level, _, _ in reversed(self.path) if level < 7), 0)
        draft.number = numbering(element.written)
        lines = tuple(line for _, _, line in self.path)
        for depth in range(len(lines) + 1):  # the sections' text that led here
            for intro in (False, True):
                topic = self.topics.get((self.chapter.start.ident, lines[:depth], intro))
                if topic is not None:
                    topic.followed = True
        prior = self.open  # "### What is X?" then "Q: What is X?": one question
        if prior and prior.extent and draft.extent and not prior.answer and same(prior, draft):
            self.questions.remove(prior)
            draft.extent = (prior.extent[0], draft.extent[1])
        self.questions.append(draft)
        self.asked = True
        self.boxed = draft  # a <details> wrapping an answer right after it is that answer
        if element.asked is not None and element.asked.contained:
            return  # it holds its whole answer: the answer it stands in goes on after it
        self.open = draft if draft.shape not in ("details", "bare") else None

    def _folds(self, element: Element) -> bool:
        return element.first in self.roles.folds and is_details(element)

    def _absorbed(self, element: Element) -> bool:
        """Whether the open question's answer takes this element."""
        if self.open is None or element.kind == "skip" or element.block is None:
            return False
        if self.open.answer and self.open.shape == "topic" and self._folds(element):
            return True  # a <details> after a heading's answer text is a fold in it
        number = numbering(_asking_text(element)) if self.open.number else ()
        if follows(self.open.number, number) and is_question(element, self.roles):
            return False  # a question numbered next after the open one: its sibling
        ends = ends_answer(element, self.following, self.open, self.roles)
        return not ends and rank(element, self.roles) > self.open.rank

    def _absorb(self, element: Element) -> None:
        """The element's block joins the open answer (once: a list of terms is one block)."""
        draft = self.open
        assert draft is not None
        self._nested(element, draft)
        block = element.block
        assert block is not None
        if draft.answer and draft.answer[-1] is block:
            return
        if not draft.answer and element.text == WRAPPER:
            draft.answer.extend(element.held)  # a box right after the question: its answer
        elif not draft.answer:  # its "A:" / "Ans:" / "答：" marker is not on the card
            restated = self.restate(block)
            if not restated or restated[0].first > block.first:  # the marker alone on its line
                self.coverage.not_content(block.first, block.first, "answer marker")
            draft.answer.extend(restated)
        else:
            draft.answer.append(block)  # (a box after answer text: a fold in it)

    def _stray(self, element: Element, new: bool = True) -> bool:
        """The element joins its section's topic (a list of links only one already begun)."""
        assert element.block is not None
        if not self.topics_on and new:
            self.coverage.uncovered(element.first, element.last, "text outside any question")
        self._in_scope(element.first)
        intro = not self.asked and (not self.path or names_introduction(self.path[-1][1]))
        key = (self.chapter.start.ident, tuple(line for _, _, line in self.path), intro)
        topic = self.topics.get(key)
        if not self.topics_on or (topic is None and not new):
            return new and not self.topics_on
        if topic is None:
            topic = self.topics[key] = topic_draft(self.path, self.chapter, intro)
            self.questions.append(topic)
        if not topic.answer and element.text == WRAPPER:
            topic.answer.extend(element.held)  # a box the section's text begins with
        else:
            topic.answer.append(element.block)
        topic.introduces &= only_introduces(element)
        self.prose = topic
        self._nested(element, topic)
        return True

    def _nested(self, element: Element, draft: Draft) -> None:
        if not element.asks or (is_details(element) and not asks(element.written)):
            return  # a fold named by a word (its summary does not ask) hides no question
        if question_key(element.written) != normalise_question(draft.text):
            message = f"question {element.written!r} is kept in the answer of {draft.text!r}"
            self.report(element.first, f"{message} (line {draft.line}), with no card of its own")
            draft.nested.append((element.first, element.written))

    def finish(self, book_title: str) -> list[ChapterDraft]:
        """The chapters with their questions. The prose before a file's first question,
        before any chapter, under its only chapter's heading, or under a heading that
        names an introduction (``前言``, ``Motivation``), introduces it: on no card."""
        asks = any(draft.extent is not None for draft in self.questions)
        _tags_among_unanswered([d for d in self.questions if d.extent is not None])
        for draft in self.questions:
            first = draft.chapter.start is BEFORE_CHAPTERS  # else the only chapter's:
            named = names_introduction(draft.text)
            if draft.intro and asks and (first or named or len(self.chapters) == 2):
                self.coverage.introduction(draft.answer[0].first, draft.answer[-1].last)
                continue
            leads = draft.introduces or names_questions(draft.text) or sets_a_scene(draft.text)
            if draft.extent is None and leads and draft.followed:
                for block in draft.answer:  # a section's text that leads into its questions
                    self.coverage.introduction(block.first, block.last, "a section")
                continue
            question = draft.freeze(book_title)
            draft.chapter.questions.append(question)
            account(draft, question, self.coverage)
        chapters = sorted(self.chapters.values(), key=lambda c: c.start.number)
        for chapter in chapters:
            chapter.questions.sort(key=lambda q: q.line)
        return [c for c in chapters if c.questions]


def _tags_among_unanswered(questions: Sequence[Draft]) -> None:
    """A question whose answer is only a tag (``Fill missing data``: a few words, no
    sentence) between questions that have none, or such tags, is unanswered too: the tag
    is the author's label of it. (Among answered questions a short answer, ``UDP``, stays.)"""
    for q in questions:  # each judged once (freezing takes it)
        q.unanswered = (why_unanswered(q.answer) or "") if q.answer else "no answer"
    none = [bool(q.unanswered) for q in questions]
    tags = [not n and _only_a_tag(q.answer) for q, n in zip(questions, none, strict=True)]
    weak = [n or t for n, t in zip(none, tags, strict=True)]
    for index, question in enumerate(questions):
        if not tags[index] or index == 0 or index + 1 == len(questions):
            continue
        if weak[index - 1] and weak[index + 1] and (none[index - 1] or none[index + 1]):
            text = question.answer[0].text.strip()
            question.unanswered = f"only a tag {text!r} among questions with no answer"


def _only_a_tag(answer: Sequence[Block]) -> bool:
    if len(answer) != 1 or answer[0].kind != "paragraph_open" or answer[0].first != answer[0].last:
        return False
    text = answer[0].text.strip()
    words = text.split()
    return len(text) <= _TAG and len(words) <= 4 and not _NOT_A_TAG.search(text)


_TAG = 30  # characters of a tag at most
_NOT_A_TAG = re.compile(r"[.。?？!！:：,，;；`$\[\]()（）0-9]")  # a sentence, code, a number


def only_introduces(element: Element) -> bool:
    """Whether an element only leads into what follows: a remark quoted (``> Tips: ...``),
    a bold label (``**编程相关**``), one short clause ending in a colon (``Below are the
    topics to cover:``; not ``两者都是内存数据库，主要有以下不同：``, which says something
    first), or nothing visible. (``asking.leads_in`` judges a bold line by its words.)"""
    block = element.block
    if element.kind == "bold" or block is None or block.kind == "blockquote_open":
        return True
    text = block.text.strip()
    return block.kind == "paragraph_open" and (
        not text.strip(_INVISIBLE)
        or (
            block.first == block.last
            and len(text) <= _LEAD_IN
            and text.endswith((":", "："))
            and not _CLAUSES.search(text)
        )
    )


_INVISIBLE = "*_ \t\u200b\u200c\u200d\u2060\ufeff"  # emphasis marks and zero-width spaces
_LEAD_IN = 80  # characters: a line that leads in is short ("Below are the topics:")
_CLAUSES = re.compile(r"[,，;；。、]")  # a line of more than one clause says something


_NUMBERING = re.compile(r"^\s*([0-9]{1,3}(?:\.[0-9]{1,3})+)[.、)）]?\s*\S")  # 1.2, 3.1.4


def numbering(written: str) -> tuple[int, ...]:
    """The section-style numbering a question is written with (``1.2 Why...?``)."""
    found = _NUMBERING.match(written)
    return tuple(int(n) for n in found[1].split(".")) if found else ()


def follows(before: tuple[int, ...], after: tuple[int, ...]) -> bool:
    """Whether ``after`` is the number right after ``before`` (1.1 then 1.2)."""
    return bool(before) and len(before) == len(after) and after == (*before[:-1], before[-1] + 1)


def _asking_text(element: Element) -> str:
    """What a heading or a question of any shape says (prose never asks as a sibling: its
    text is not worth parsing for that)."""
    if element.asked is not None:
        return element.asked.written
    return element.text if element.kind == "heading" else ""
