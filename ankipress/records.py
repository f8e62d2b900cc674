"""The frozen records passed between the pipeline's stages.

discover -> SourceFile; parse -> Book (Chapters of Questions); render -> Note;
package -> Deck. Every record knows where in the sources it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

BREADCRUMB = " › "  # joins the parts of a card's Context: book › chapter › section


@dataclass(frozen=True)
class SourceFile:
    """A markdown file found under a content root."""

    path: Path  # absolute, resolved
    root: Path  # absolute, resolved content root (a folder) holding it
    rel: PurePosixPath  # path relative to the root
    display: str  # how diagnostics name it (relative to the working directory if possible)
    key: str = ""  # the book's key unless its front matter has an id: the stem, or the
    # path without suffix where another file of its root has the same stem (readme.md)

    @property
    def source_name(self) -> str:
        """How cards name it: stable across checkouts (``content/x.md``)."""
        return f"{self.root.name}/{self.rel}" if self.root.name else str(self.rel)


@dataclass(frozen=True)
class Question:
    """A question and the markdown tokens of its answer, as parsed."""

    text: str  # plain text as written, numbering removed
    line: int  # 1-based line of the question
    section: str  # sub-heading or group label it sits under inside its chapter ('' if none)
    answer_lines: tuple[int, int] | None  # 1-based first and last line of the answer
    answer: tuple[Any, ...] = field(default=(), compare=False, repr=False)  # markdown-it tokens
    shape: str = "h2"  # h2 | details | q | bold | term | item | topic (a heading's content)
    why: str = ""  # why it has no card: "no answer", "placeholder answer 'TODO'", ...
    markdown: str = field(default="", compare=False)  # the question as written, if markdown
    kept: tuple[tuple[int, str], ...] = field(default=(), compare=False)  # questions its
    # answer holds (line, text), each reported as nested-question: no card of their own

    @property
    def answered(self) -> bool:
        return self.answer_lines is not None


@dataclass(frozen=True)
class Chapter:
    number: int  # from the heading (第五章 -> 5), else its place in the file; 0 before any
    title: str  # heading text without its number and without a trailing 正文
    heading: str  # the heading as written ('' for chapter 0)
    line: int
    questions: tuple[Question, ...]
    key: str = ""  # identifies the chapter in its book: its number, or its normalised title

    @property
    def deck_key(self) -> str | int:
        return self.key or self.number


@dataclass(frozen=True)
class Book:
    """One markdown file: its identity, its title and its chapters."""

    source: SourceFile
    key: str  # front-matter id, else the file stem: part of every GUID
    title: str
    chapters: tuple[Chapter, ...]
    env: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    tags: tuple[str, ...] = ()  # extra tags for every note, from the settings
    coverage: Any = field(default=None, compare=False, repr=False)  # coverage.FileCoverage
    deck: str | None = None  # the parent deck of its decks (``A::B``), from the settings


@dataclass(frozen=True)
class MediaFile:
    name: str  # content-hashed name in Anki's flat media folder
    path: Path  # where the bytes are


@dataclass(frozen=True)
class Note:
    """A rendered note: the field values Anki receives."""

    guid: str
    question: str
    answer: str
    context: str
    source: str
    media: tuple[MediaFile, ...] = ()
    tags: tuple[str, ...] = ()
    mod: int | None = None  # when its content last changed (from the lock); None: the build time
    key: str = field(default="", compare=False)  # the question's identity (normalise_question)
    since: int | None = None  # when it was first built (from the lock): its ids' time

    @property
    def fields(self) -> list[str]:
        # The order is frozen: see notetype.FIELDS.
        return [self.question, self.answer, self.context, self.where, ""]

    @property
    def where(self) -> str:
        """The Source field: the note's file, without the line its question is on (a line
        inserted above the question would change the note in Anki, and overwrite an edit
        made there, though nothing of the note changed)."""
        file, colon, line = self.source.rpartition(":")
        return file if colon and line.isdigit() else self.source


@dataclass(frozen=True)
class Deck:
    """One chapter's notes, bound for one .apkg file."""

    name: str  # Anki deck name, "Book::NN Chapter"
    deck_id: int
    output: PurePosixPath  # relative to the output folder
    notes: tuple[Note, ...]
    book: SourceFile
    book_key: str = ""  # the book's key (front-matter id or file stem)
    book_name: str = ""  # the deck of the whole book, parent decks included: "A::Book"

    @property
    def media(self) -> tuple[MediaFile, ...]:
        unique = {m.name: m for note in self.notes for m in note.media}
        return tuple(unique[name] for name in sorted(unique))
