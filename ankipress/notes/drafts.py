"""The records a walk over a file builds up: chapters and the questions of each, still
collecting their answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from ankipress.identity.guids import normalise_question
from ankipress.notes.asking import question_markdown, question_text
from ankipress.notes.blocks import Block
from ankipress.notes.coverage import Coverage
from ankipress.notes.elements import Element
from ankipress.notes.placeholders import why_unanswered
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
class Draft:
    """A question, or a topic (a section's prose), whose answer is still being collected."""

    text: str  # '' for a topic of the whole book: it takes the book's title
    line: int
    section: str
    shape: str
    chapter: ChapterDraft
    rank: int  # the answer runs to the next element of this rank or a higher one (lower)
    answer: list[Block] = field(default_factory=list)
    extent: tuple[int, int] | None = None  # lines of the question itself (not of a topic)
    nested: list[tuple[int, str]] = field(default_factory=list)  # questions kept: line, text
    markdown: str = ""  # the question as written in markdown, if it was
    within: int = 0  # the level of the section heading it was asked under (0: none)
    number: tuple[int, ...] = ()  # its numbering as written (1.1 -> (1, 1)), if any
    intro: bool = False  # prose under the file's title, before any chapter or section
    # a topic's text only leads into what follows (a remark quoted, a bold label, a line
    # ending in a colon), and a question of its section comes after it
    introduces: bool = True
    followed: bool = False
    unanswered: str | None = None  # why its answer is none ('' if it is one), once judged

    def freeze(self, book_title: str) -> Question:
        why = self.unanswered
        if why is None:
            why = why_unanswered(self.answer) or ""
        answer = () if why else tuple(t for block in self.answer for t in block.tokens)
        lines = (self.answer[0].first, self.answer[-1].last) if self.answer else None
        text = self.text or book_title
        lines = None if why else lines
        markdown = self.markdown if self.text else ""
        kept = tuple(self.nested)
        return Question(
            text, self.line, self.section, lines, answer, self.shape, why, markdown, kept
        )


def account(draft: Draft, question: Question, coverage: Coverage) -> None:
    """The lines of a frozen draft: on its card, or in an unanswered question."""
    for block in draft.answer:
        coverage.question(block.first, block.last, answered=question.answered)
    if draft.extent is not None:
        coverage.question(*draft.extent, answered=question.answered)
    for line, _ in draft.nested:
        coverage.nested(line, line)


def question_draft(element: Element, section: str, chapter: ChapterDraft, rank: int) -> Draft:
    """The draft of a question element: a heading that asks, or a question of any shape."""
    if element.kind == "heading":
        text, line, shape, answer = question_text(element.text), element.first, "topic", []
        source = element.block.tokens[1].content if element.block else ""
        markdown = question_markdown(source) if element.first == element.last else ""
    else:
        asked = element.asked
        assert asked is not None
        text, line, shape, answer = asked.text, asked.line, asked.shape, list(asked.answer)
        markdown = asked.markdown
    draft = Draft(text, line, section, shape, chapter, rank, answer, markdown=markdown)
    last = element.first if element.kind == "bold" else element.last
    draft.extent = (element.first, last)
    return draft


def topic_draft(path: list[tuple[int, str, int]], chapter: ChapterDraft, intro: bool) -> Draft:
    """The draft of a topic: the prose of the section at the end of ``path`` (of the
    chapter if none) that is in no question."""
    if path:
        text, line = question_text(path[-1][1]), path[-1][2]
    else:
        text, line = question_text(chapter.start.title), chapter.line
    section = BREADCRUMB.join(text for _, text, _ in path[:-1])
    return Draft(text, line, section, "topic", chapter, 100, intro=intro)


def same(one: Draft, other: Draft) -> bool:
    """Whether two drafts ask the same question."""
    return normalise_question(one.text) == normalise_question(other.text)
