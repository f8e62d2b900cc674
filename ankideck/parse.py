"""Parse: one markdown file -> a Book of Chapters of Questions, from markdown-it's tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

from ankideck.blocks import Block, top_level_blocks
from ankideck.chapters import (
    is_toc_heading,
    is_toc_list,
    parse_chapter_heading,
    without_body_suffix,
)
from ankideck.diagnostics import Diagnostics
from ankideck.frontmatter import FrontMatter, load_front_matter
from ankideck.markdown import markdown
from ankideck.questions import h2_question
from ankideck.records import Book, Chapter, Question, SourceFile


@dataclass
class _ChapterDraft:
    number: int
    title: str
    heading: str
    line: int
    questions: list[Question] = field(default_factory=list)


@dataclass
class _QuestionDraft:
    text: str
    line: int
    section: str
    answer: list[Block] = field(default_factory=list)

    def freeze(self) -> Question:
        tokens = tuple(token for block in self.answer for token in block.tokens)
        lines = (self.answer[0].first, self.answer[-1].last) if self.answer else None
        return Question(self.text, self.line, self.section, lines, tokens)


def parse_book(source: SourceFile, text: str, diagnostics: Diagnostics) -> Book | None:
    """The book a file holds; None if it cannot be read (the reason is in diagnostics)."""
    env: dict = {}
    tokens = markdown().parse(text, env)
    meta = FrontMatter()
    if tokens and tokens[0].type == "front_matter":
        loaded = load_front_matter(tokens[0].content, source.display, diagnostics)
        if loaded is None:
            return None
        meta = loaded
    blocks = top_level_blocks(tokens, text.splitlines())
    walker = _Walker(source, diagnostics)
    for segment in _chapter_segments(blocks):
        walker.segment(segment)
    chapters = walker.finish()
    stem = source.rel.stem
    return Book(
        source, meta.id or stem, meta.title or _title_heading(blocks) or stem, chapters, env
    )


class _Walker:
    """Walks the blocks in order, assigning each to a question, a chapter or nothing."""

    def __init__(self, source: SourceFile, diagnostics: Diagnostics) -> None:
        self.source = source
        self.diagnostics = diagnostics
        self.chapters: dict[int, _ChapterDraft] = {}
        self.chapter = _ChapterDraft(0, "", "", 1)
        self.question: _QuestionDraft | None = None
        self.section = ""
        self.stray: list[Block] = []

    def segment(self, blocks: list[Block]) -> None:
        heading = parse_chapter_heading(blocks[0].text) if blocks[0].heading_level else None
        if heading is not None:
            if _is_toc_segment(blocks[1:]):
                return
            self._close_question()
            self.chapter = self.chapters.get(heading.number) or _ChapterDraft(
                heading.number, heading.title, without_body_suffix(blocks[0].text), blocks[0].first
            )
            self.section = ""
            blocks = blocks[1:]
        for block in blocks:
            self._block(block)

    def _block(self, block: Block) -> None:
        marker = h2_question(block)
        if marker is not None:
            self._close_question()
            self.question = _QuestionDraft(marker.text, block.first, self.section)
            if marker.rest is not None:
                self.question.answer.append(
                    Block((marker.rest,), marker.rest.map[0] + 1, block.last)
                )
        elif block.kind == "hr" or block.is_comment:
            return
        elif self.question is not None:
            self.question.answer.append(block)
        elif block.heading_level:
            self._flush_stray()
            if not is_toc_heading(block.text):
                self.section = block.text
        elif not is_toc_list(block.tokens):
            self.stray.append(block)

    def _close_question(self) -> None:
        self._flush_stray()
        if self.question is not None:
            self.chapter.questions.append(self.question.freeze())
            self.chapters.setdefault(self.chapter.number, self.chapter)
        self.question = None

    def _flush_stray(self) -> None:
        if self.stray:
            first, last = self.stray[0].first, self.stray[-1].last
            self.diagnostics.warning(
                self.source.display,
                first,
                f"text outside any question is on no card (lines {first}-{last})",
                "uncovered",
            )
        self.stray = []

    def finish(self) -> tuple[Chapter, ...]:
        self._close_question()
        return tuple(
            Chapter(d.number, d.title or d.heading, d.heading, d.line, tuple(d.questions))
            for d in sorted(self.chapters.values(), key=lambda d: d.number)
        )


def _chapter_segments(blocks: list[Block]) -> list[list[Block]]:
    """The blocks split before every chapter heading."""
    segments: list[list[Block]] = [[]]
    for block in blocks:
        if block.heading_level and parse_chapter_heading(block.text) is not None:
            segments.append([])
        segments[-1].append(block)
    return [s for s in segments if s]


def _is_toc_segment(blocks: list[Block]) -> bool:
    """A chapter heading followed only by lists of in-page links belongs to a table of contents."""
    lists = [b for b in blocks if b.kind in ("bullet_list_open", "ordered_list_open")]
    others = [b for b in blocks if b not in lists and b.kind != "hr" and not b.is_comment]
    return bool(lists) and not others and all(is_toc_list(b.tokens) for b in lists)


def _title_heading(blocks: list[Block]) -> str | None:
    """A heading that titles the whole file: the first, alone at its level or above."""
    headings = [b for b in blocks if b.heading_level]
    if not headings:
        return None
    first = headings[0]
    if any(h.heading_level <= first.heading_level for h in headings[1:]):
        return None
    if is_toc_heading(first.text) or parse_chapter_heading(first.text):
        return None
    return first.text or None
