"""The pipeline: discover -> parse -> check -> render -> package -> write."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ankideck.check import assign_guids, reject_shared_keys, reject_shared_outputs
from ankideck.config import PROJECT_FILE, Settings, load_project_settings
from ankideck.discover import discover, display_path
from ankideck.encoding import Undecodable, decode
from ankideck.locking import Locked, apply_locks
from ankideck.media import MediaResolver
from ankideck.notetype import DEFAULT_TEMPLATES, NOTE_TYPE_NAME, Templates
from ankideck.outcome import (
    BuildOptions,
    BuildResult,
    FileRead,
    Progress,
    Unanswered,
    guarded,
    plain,
)
from ankideck.package import make_deck
from ankideck.parse import parse_book
from ankideck.records import Book, Deck, SourceFile
from ankideck.render import render_note
from ankideck.templates import load_templates
from ankideck.writing import write_all


def build(options: BuildOptions, progress: Progress = plain) -> BuildResult:
    """Read and check every file first; write decks only once all of them are rendered."""
    result = BuildResult()
    sources = discover(options.paths, diagnostics=result.diagnostics)
    result.files = len(sources)
    settings = _project_settings(sources, result)
    books = [
        book
        for source in progress(sources, "Reading notes")
        if source.root in settings
        and (book := guarded(source, result, lambda s=source: _read(s, settings[s.root], result)))
    ]
    resolver = MediaResolver(result.diagnostics, options.media_roots)
    built: dict[Path, set[str]] = {}  # files rendered (relative paths), by content root
    for book in reject_shared_keys(books, result.diagnostics):
        decks = guarded(book.source, result, lambda b=book: _book_decks(b, resolver, result))
        if decks is not None:
            built.setdefault(book.source.root, set()).add(book.source.rel.as_posix())
            result.decks.extend(decks)
    result.decks = reject_shared_outputs(result.decks, result.diagnostics)
    templates = result.note_types = _templates(settings, options, result)
    locked = Locked(decks=result.decks)
    if options.lock:
        now = int(options.timestamp)
        locked = apply_locks(result.decks, built, templates, now, result.diagnostics)
        result.decks, result.changes = locked.decks, locked.changes
    if options.write:
        unstyled = {deck.book.root for deck in result.decks} - set(templates)
        result.decks = [d for d in result.decks if d.book.root not in unstyled]  # errors said
        write_all(result, options, templates, locked, progress)
    return result


def _templates(
    settings: dict[Path, Settings], options: BuildOptions, result: BuildResult
) -> dict[Path, Templates]:
    """Each content root's card templates: --templates, else its 'templates' setting (a
    folder inside the root), else the defaults. A root whose templates are wrong is not
    written (the errors name file and line)."""
    found: dict[Path, Templates] = {}
    for root, setting in settings.items():
        folder = options.templates or DEFAULT_TEMPLATES
        if options.templates is None and setting.templates:
            folder = (root / setting.templates).resolve()
            if not folder.is_relative_to(root) or not folder.is_dir():
                where = display_path(root / PROJECT_FILE)
                why = "is not a folder inside the content root"
                result.diagnostics.error(
                    where, 0, f"templates {setting.templates!r} {why}", "config"
                )
                continue
        loaded = load_templates(folder, result.diagnostics, setting.note_type or NOTE_TYPE_NAME)
        if loaded is not None:
            found[root] = loaded
    return found


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
    if settings.note_type not in (None, NOTE_TYPE_NAME):  # its own notes, not ankideck's
        book = replace(book, key=f"{settings.note_type}/{book.key}")
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
