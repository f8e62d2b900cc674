"""The walk over a file's elements: chapters, sections, questions with their answers, topic
cards for prose outside any question, and an account of every line (coverage)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ankipress.identity.guids import normalise_question
from ankipress.notes.blocks import Block
from ankipress.notes.coverage import Coverage
from ankipress.notes.elements import Element
from ankipress.notes.shapes import question_text
from ankipress.records import BREADCRUMB, Question


@dataclass(frozen=True)
class ChapterStart:
    key: str  # "title:..." for a chapter known by its title; "" for one known by its number
    number: int
    title: str
    heading: str

    @property
    def ident(self) -> str | int:
        """What identifies the chapter within its book (as ``Chapter.deck_key``)."""
        return self.key or self.number


BEFORE_CHAPTERS = ChapterStart("", 0, "", "")  # chapter 0: whatever precedes the first chapter
TOC = ChapterStart("toc", -1, "", "")  # a chapter heading that belongs to a table of contents


@dataclass
class ChapterDraft:
    start: ChapterStart
    line: int
    questions: list[Question] = field(default_factory=list)


@dataclass
class _Draft:
    """A question, or a topic (a section's prose), whose answer is still being collected."""

    text: str  # '' for a topic of the whole book: it takes the book's title
    line: int
    section: str
    shape: str
    chapter: ChapterDraft
    answer: list[Block] = field(default_factory=list)
    absorbs: str = "none"
    extent: tuple[int, int] | None = None  # lines of the question itself (not of a topic)

    def freeze(self, book_title: str) -> Question:
        tokens = tuple(token for block in self.answer for token in block.tokens)
        lines = (self.answer[0].first, self.answer[-1].last) if self.answer else None
        text = self.text or book_title
        return Question(text, self.line, self.section, lines, tokens, self.shape)


class Walker:
    """Assigns each element to a question, a topic, the structure, or nothing (said why)."""

    def __init__(
        self,
        chapter_of: Callable[[Element], ChapterStart | None],
        skip_sections: Iterable[str],
        topics: bool,
        coverage: Coverage,
    ) -> None:
        self.chapter_of = chapter_of
        self.skip = {normalise_question(question_text(s)) for s in skip_sections}
        self.topics_on = topics
        self.coverage = coverage
        self.chapter = ChapterDraft(BEFORE_CHAPTERS, 1)
        self.chapters: dict[str | int, ChapterDraft] = {BEFORE_CHAPTERS.ident: self.chapter}
        self.path: list[tuple[int, str, int]] = []  # (level, text, line); labels are level 7
        self.open: _Draft | None = None
        self.topics: dict[tuple[str | int, tuple[str, ...]], _Draft] = {}
        self.questions: list[_Draft] = []
        self.skipping: int | None = None  # level of a skipped section's heading

    def walk(self, elements: Iterable[Element]) -> None:
        for element in elements:
            start = self.chapter_of(element) if element.kind == "heading" else None
            if start is TOC:
                self.coverage.not_content(element.first, element.last, "table of contents")
            elif self._skipped(element, start):
                continue
            elif start is not None:
                self._enter_chapter(start, element)
            elif self._absorbed(element):
                self._absorb(element)
            elif element.kind == "question" and element.asked is not None:
                self._question(element)
            elif element.kind in ("heading", "label"):
                self.open = None
                self._enter_section(element)
            elif element.kind in ("toc", "skip"):
                self.coverage.not_content(element.first, element.last, element.text or "toc")
            else:
                self.open = None
                self._stray(element)

    def _skipped(self, element: Element, start: ChapterStart | None) -> bool:
        level = 0 if start is not None else element.level
        if element.kind == "heading" and self.skipping is not None and level <= self.skipping:
            self.skipping = None
        if (
            element.kind == "heading"
            and normalise_question(question_text(element.text)) in self.skip
        ):
            self.skipping, self.open = level, None
        if self.skipping is None:
            return False
        self.coverage.not_content(element.first, element.last, "skipped by settings")
        return True

    def _enter_chapter(self, start: ChapterStart, element: Element) -> None:
        self.open = None
        self.path = []
        self.chapter = self.chapters.setdefault(start.ident, ChapterDraft(start, element.first))
        self.coverage.not_content(element.first, element.last, "heading")

    def _enter_section(self, element: Element) -> None:
        level = element.level or 7
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, element.text, element.first))
        self.coverage.not_content(element.first, element.last, element.kind)

    def _question(self, element: Element) -> None:
        asked = element.asked
        assert asked is not None
        section = BREADCRUMB.join(text for _, text, _ in self.path)
        draft = _Draft(
            asked.text,
            asked.line,
            section,
            asked.shape,
            self.chapter,
            list(asked.answer),
            asked.absorbs,
            (element.first, element.last),
        )
        self.questions.append(draft)
        self.open = draft if asked.absorbs != "none" else None

    def _absorbed(self, element: Element) -> bool:
        """Whether the open question's answer takes this element."""
        if self.open is None or element.block is None:
            return False
        if element.kind == "question":  # an <h2> answer holds lists of terms and Q lines
            shape = element.asked.shape if element.asked else ""
            return self.open.absorbs == "chapter" and shape in ("term", "q")
        stops = {
            "chapter": set(),  # an <h2> answer runs to the next question or chapter
            "heading": {"heading", "label"},
            "trailing": {"heading", "label", "bold"},
        }[self.open.absorbs]
        return element.kind not in stops and element.kind != "skip"

    def _absorb(self, element: Element) -> None:
        """The element's block joins the open answer (once: a list of terms is one block)."""
        assert self.open is not None and element.block is not None
        if not self.open.answer or self.open.answer[-1] is not element.block:
            self.open.answer.append(element.block)
        self.coverage.on_card(element.block.first, element.block.last)

    def _stray(self, element: Element) -> None:
        assert element.block is not None
        if not self.topics_on:
            self.coverage.uncovered(element.first, element.last, "text outside any question")
            return
        texts = tuple(text for _, text, _ in self.path)
        key = (self.chapter.start.ident, texts)
        topic = self.topics.get(key)
        if topic is None:
            if self.path:
                text, line = question_text(self.path[-1][1]), self.path[-1][2]
            else:
                text, line = self.chapter.start.title, self.chapter.line
            section = BREADCRUMB.join(texts[:-1])
            topic = _Draft(text, line, section, "topic", self.chapter)
            self.topics[key] = topic
            self.questions.append(topic)
        topic.answer.append(element.block)
        self.coverage.on_card(element.first, element.last)

    def finish(self, book_title: str) -> list[ChapterDraft]:
        for draft in self.questions:
            question = draft.freeze(book_title)
            draft.chapter.questions.append(question)
            if draft.extent is not None:
                self.coverage.question(*draft.extent, answered=question.answered)
        chapters = sorted(self.chapters.values(), key=lambda c: c.start.number)
        for chapter in chapters:
            chapter.questions.sort(key=lambda q: q.line)
        return [c for c in chapters if c.questions]
