"""One file through read, parse, check and render: a ``FileOutcome`` that stands alone, so a
build can reuse it from the cache when nothing it depends on changed."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ankipress.apkg.package import make_deck
from ankipress.assemble.outcome import FileRead, Unanswered
from ankipress.cards.media import MediaResolver
from ankipress.cards.notetype import NOTE_TYPE_NAME
from ankipress.diagnostics import Diagnostic, Diagnostics
from ankipress.identity.repeats import assign_guids
from ankipress.limits import DEFAULT_LIMITS, Limits, TooLarge, over, read_note
from ankipress.notes.config import Settings
from ankipress.notes.coverage import FileCoverage
from ankipress.notes.encoding import Undecodable, decode
from ankipress.records import Book, Deck, SourceFile


@dataclass
class FileOutcome:
    source: SourceFile
    key: str = ""  # the book's key ('' if the file gave no book)
    decks: list[Deck] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)
    coverage: FileCoverage | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    read: FileRead | None = None
    cached: bool = False  # from the cache, its decks not loaded yet (FileCache.fill)
    cache_key: str = ""  # what the cache knows it by ('' without a cache)


def process_file(
    source: SourceFile,
    settings: Settings,
    media_roots: tuple[Path, ...],
    data: bytes | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> FileOutcome:
    """The file's outcome; ``data``: its bytes, if already read (for the cache key)."""
    diagnostics = Diagnostics()
    outcome = FileOutcome(source)
    book = _read(source, settings, diagnostics, outcome, data, limits.note)
    if book is not None:
        outcome.key = book.key
        resolver = MediaResolver(diagnostics, media_roots, limits.image)
        outcome.decks = _book_decks(book, resolver, outcome)
    outcome.diagnostics = diagnostics.sorted()
    return outcome


def _read(
    source: SourceFile,
    settings: Settings,
    diagnostics: Diagnostics,
    outcome: FileOutcome,
    data: bytes | None,
    limit: int,
) -> Book | None:
    from ankipress.notes.parse import parse_book  # markdown-it: only when a file is parsed

    try:
        decoded = decode(read_note(source.path, limit) if data is None else data, settings.encoding)
    except TooLarge as exc:
        message = f"note file is {over(exc.size, limit)} (--note-limit); not built"
        diagnostics.error(source.display, 0, message, "size")
        return None
    except Undecodable as exc:
        diagnostics.error(source.display, exc.line, exc.message, "encoding")
        return None
    except OSError as exc:
        diagnostics.error(source.display, 0, f"cannot read: {exc.strerror}", "io")
        return None
    for line, message in decoded.warnings:
        diagnostics.warning(source.display, line, message, "encoding")
    book = parse_book(source, decoded.text, diagnostics, settings)
    if book is None:
        return None
    if settings.note_type not in (None, NOTE_TYPE_NAME):  # its own notes, not ankipress's
        book = replace(book, key=f"{settings.note_type}/{book.key}")
    questions = sum(len(c.questions) for c in book.chapters)
    outcome.read = FileRead(source.display, decoded.encoding, len(book.chapters), questions)
    outcome.coverage = book.coverage
    for gap in book.coverage.gaps if book.coverage is not None else ():
        span = f"line {gap.first}" if gap.first == gap.last else f"lines {gap.first}-{gap.last}"
        diagnostics.warning(source.display, gap.first, f"{span} on no card: {gap.why}", "uncovered")
    return book


def _book_decks(book: Book, resolver: MediaResolver, outcome: FileOutcome) -> list[Deck]:
    from ankipress.cards.render import render_note

    guids = assign_guids(book, resolver.diagnostics)
    width = max(2, len(str(max((c.number for c in book.chapters), default=0))))
    decks = []
    for chapter in book.chapters:
        notes = []
        for question in chapter.questions:
            if question.answered:
                notes.append(render_note(book, chapter, question, guids[question], resolver))
            else:
                outcome.unanswered.append(
                    Unanswered(
                        book.source.display,
                        question.line,
                        question.text,
                        question.why or "no answer",
                    )
                )
        if notes:
            decks.append(make_deck(book, chapter, tuple(notes), width))
    return decks
