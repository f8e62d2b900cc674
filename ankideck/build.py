"""The pipeline: discover -> parse -> check -> render -> package -> write."""

from __future__ import annotations

from pathlib import Path

from ankideck.check import reject_shared_keys, reject_shared_outputs
from ankideck.config import PROJECT_FILE, Settings, load_project_settings
from ankideck.discover import discover, display_path
from ankideck.filecache import FileCache
from ankideck.filestage import process_file
from ankideck.locking import Locked, apply_locks
from ankideck.lockmemo import LockMemo
from ankideck.notetype import DEFAULT_TEMPLATES, NOTE_TYPE_NAME, Templates
from ankideck.outcome import (
    BuildOptions,
    BuildResult,
    Progress,
    plain,
)
from ankideck.reading import read_all
from ankideck.records import SourceFile
from ankideck.templates import load_templates
from ankideck.writing import write_all


def build(options: BuildOptions, progress: Progress = plain) -> BuildResult:
    """Read and check every file first; write decks only once all of them are rendered."""
    result = BuildResult()
    sources = discover(options.paths, diagnostics=result.diagnostics)
    result.files = len(sources)
    settings = _project_settings(sources, result)
    use_cache = options.cache and options.write  # check, plan and preview write nothing
    cache = FileCache(options.out, options.media_roots) if use_cache else None
    outcomes = read_all(sources, settings, options, cache, result, progress)
    for outcome in outcomes:
        result.diagnostics.extend(outcome.diagnostics)
        result.unanswered += outcome.unanswered
        if outcome.read is not None:
            result.read.append(outcome.read)
        if outcome.coverage is not None:
            result.coverage[outcome.source.display] = outcome.coverage
    kept = reject_shared_keys([o for o in outcomes if o.key], result.diagnostics)
    templates = result.note_types = _templates(settings, options, result)
    memo = LockMemo(options.out) if cache is not None and options.lock else None
    known = memo.load(memo.key(cache.keys, settings, templates)) if memo and cache else None
    if known is not None:  # nothing new for the lock: its last result, cards and all
        locked = known
    else:
        built: dict[Path, set[str]] = {}  # files rendered (relative paths), by content root
        for outcome in kept:
            if cache is not None and not cache.fill(outcome):
                outcome.decks = process_file(
                    outcome.source, settings[outcome.source.root], options.media_roots
                ).decks
            built.setdefault(outcome.source.root, set()).add(outcome.source.rel.as_posix())
            result.decks.extend(outcome.decks)
        result.decks = reject_shared_outputs(result.decks, result.diagnostics)
        locked = Locked(decks=result.decks)
        if options.lock:
            now = int(options.timestamp)
            locked = apply_locks(result.decks, built, templates, now, result.diagnostics)
    result.decks, result.changes = locked.decks, locked.changes
    if options.write:
        unstyled = {deck.book.root for deck in result.decks} - set(templates)
        result.decks = [d for d in result.decks if d.book.root not in unstyled]  # errors said
        count = len(result.decks)
        settled: list[bytes] = []  # the memo to save, made while the packages are written

        def settle() -> None:
            if memo is not None and known is None:  # a memo used stays as it is
                settled.append(LockMemo.settle(locked))

        write_all(result, options, templates, locked, progress, settle)
        complete = len(result.decks) == count and not result.diagnostics.error_count
        if memo and cache and settled and complete:
            memo.save(memo.key(cache.keys, settings, templates), settled[0])
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
