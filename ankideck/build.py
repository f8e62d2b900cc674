"""The pipeline: discover -> parse -> check -> render -> package -> write."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from traceback import format_exc
from typing import TYPE_CHECKING, TypeVar

from ankideck.check import assign_guids, reject_shared_keys, reject_shared_outputs
from ankideck.config import PROJECT_FILE, Settings, load_project_settings
from ankideck.coverage import FileCoverage
from ankideck.diagnostics import Diagnostics
from ankideck.discover import discover, display_path
from ankideck.encoding import Undecodable, decode
from ankideck.locking import Locked, apply_locks, save_locks
from ankideck.media import MediaResolver
from ankideck.notetype import DEFAULT_TEMPLATES, load_templates, note_type
from ankideck.package import make_deck, write_deck
from ankideck.parse import parse_book
from ankideck.reconcile import Change
from ankideck.records import Book, Deck, SourceFile
from ankideck.render import render_note

if TYPE_CHECKING:
    from genanki import Model


@dataclass(frozen=True)
class Unanswered:
    path: str
    line: int
    question: str


@dataclass(frozen=True)
class FileRead:
    path: str  # as displayed
    encoding: str
    chapters: int
    questions: int


@dataclass(frozen=True)
class BuildOptions:
    paths: tuple[Path, ...]
    out: Path
    timestamp: float = field(default_factory=time.time)
    templates: Path = DEFAULT_TEMPLATES
    write: bool = True
    lock: bool = True  # reconcile with, and update, each content root's ankideck.lock
    media_roots: tuple[Path, ...] = ()  # folders images may come from besides the content root


@dataclass
class BuildResult:
    files: int = 0
    decks: list[Deck] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)
    coverage: dict[str, FileCoverage] = field(default_factory=dict)  # by file, as displayed
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    tracebacks: list[str] = field(default_factory=list)  # of internal errors, for --verbose
    read: list[FileRead] = field(default_factory=list)  # each file parsed, in order
    changes: list[Change] = field(default_factory=list)  # against the lock, note by note

    @property
    def uncovered_lines(self) -> int:
        return sum(c.uncovered for c in self.coverage.values())

    @property
    def cards(self) -> int:
        return sum(len(deck.notes) for deck in self.decks)


Progress = Callable[[Iterable[SourceFile]], Iterable[SourceFile]]
T = TypeVar("T")


def build(options: BuildOptions, progress: Progress = iter) -> BuildResult:
    """Read and check every file first; write decks only once all of them are rendered."""
    result = BuildResult()
    sources = discover(options.paths, diagnostics=result.diagnostics)
    result.files = len(sources)
    settings = _project_settings(sources, result)
    books = [
        book
        for source in progress(sources)
        if source.root in settings
        and (book := _guarded(source, result, lambda s=source: _read(s, settings[s.root], result)))
    ]
    resolver = MediaResolver(result.diagnostics, options.media_roots)
    built: dict[Path, set[str]] = {}  # book keys rendered, by content root
    for book in reject_shared_keys(books, result.diagnostics):
        decks = _guarded(book.source, result, lambda b=book: _book_decks(b, resolver, result))
        if decks is not None:
            built.setdefault(book.source.root, set()).add(book.key)
            result.decks.extend(decks)
    result.decks = reject_shared_outputs(result.decks, result.diagnostics)
    templates = load_templates(options.templates)
    locked = Locked(decks=result.decks)
    if options.lock:
        now = int(options.timestamp)
        locked = apply_locks(result.decks, built, templates, now, result.diagnostics)
        result.decks, result.changes = locked.decks, locked.changes
    if options.write:
        _write_all(result, options, note_type(templates), locked)
    return result


def _write_all(result: BuildResult, options: BuildOptions, model: Model, locked: Locked) -> None:
    """Every deck, then the locks (only if every deck was written: a lock never records
    a change no package carries)."""
    count = len(result.decks)
    result.decks = [  # a deck that could not be written is reported, not summarised
        deck
        for deck in result.decks
        if _guarded(
            deck.book,
            result,
            lambda d=deck: _write(d, options, model, result, locked.note_type_mod.get(d.book.root)),
        )
    ]
    if options.lock and len(result.decks) == count:
        save_locks(locked.locks, result.diagnostics)


def _guarded(source: SourceFile, result: BuildResult, stage: Callable[[], T]) -> T | None:
    """Run one file's stage; a bug in it becomes an error naming the file, not a traceback."""
    try:
        return stage()
    except Exception as exc:  # the other files still build
        result.diagnostics.error(
            source.display, 0, f"internal error: {type(exc).__name__}: {exc}", "internal"
        )
        result.tracebacks.append(f"while processing {source.display}:\n{format_exc()}")
        return None


def _write(
    deck: Deck, options: BuildOptions, model: Model, result: BuildResult, model_mod: int | None
) -> Path | None:
    try:
        return write_deck(deck, options.out, model, options.timestamp, model_mod=model_mod)
    except OSError as exc:  # a full disk, a read-only folder: the previous file stays
        where = display_path(options.out / deck.output)
        result.diagnostics.error(where, 0, f"cannot write: {exc.strerror or exc}", "io")
        return None


def _project_settings(sources: list[SourceFile], result: BuildResult) -> dict[Path, Settings]:
    """Each content root's settings file; a root whose file is bad builds nothing."""
    found: dict[Path, Settings] = {}
    for root in dict.fromkeys(source.root for source in sources):
        display = display_path(root / PROJECT_FILE)
        loaded = load_project_settings(root, display, result.diagnostics)
        if loaded is not None:
            found[root] = loaded
    return found


def _read(source: SourceFile, settings: Settings, result: BuildResult) -> Book | None:
    diagnostics = result.diagnostics
    try:
        decoded = decode(source.path.read_bytes(), settings.encoding)
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
    questions = sum(len(c.questions) for c in book.chapters)
    result.read.append(FileRead(source.display, decoded.encoding, len(book.chapters), questions))
    if book.coverage is not None:
        result.coverage[source.display] = book.coverage
        for gap in book.coverage.gaps:
            span = f"line {gap.first}" if gap.first == gap.last else f"lines {gap.first}-{gap.last}"
            diagnostics.warning(
                source.display, gap.first, f"{span} on no card: {gap.why}", "uncovered"
            )
    return book


def _book_decks(book: Book, resolver: MediaResolver, result: BuildResult) -> list[Deck]:
    guids = assign_guids(book, result.diagnostics)
    width = max(2, len(str(max((c.number for c in book.chapters), default=0))))
    decks = []
    for chapter in book.chapters:
        notes = []
        for question in chapter.questions:
            if question.answered:
                notes.append(render_note(book, chapter, question, guids[question], resolver))
            else:
                result.unanswered.append(
                    Unanswered(book.source.display, question.line, question.text)
                )
        if notes:
            decks.append(make_deck(book, chapter, tuple(notes), width))
    return decks
