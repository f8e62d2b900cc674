"""The read stage of a build: each file's outcome from the cache, or else read, parsed and
rendered, on every CPU when there are enough files to pay for the extra processes."""

from __future__ import annotations

import os
from pathlib import Path
from traceback import format_exc

from ankideck.config import Settings
from ankideck.filecache import FileCache
from ankideck.filestage import FileOutcome, process_file
from ankideck.outcome import BuildOptions, BuildResult, Progress
from ankideck.records import SourceFile

PARALLEL_FROM = 4  # files to read before other processes are worth starting

Failure = tuple[str, str]  # the one-line error and its traceback


def read_all(
    sources: list[SourceFile],
    settings: dict[Path, Settings],
    options: BuildOptions,
    cache: FileCache | None,
    result: BuildResult,
    progress: Progress,
) -> list[FileOutcome]:
    """The outcome of every file whose root has settings, in order; a file whose stage
    failed is an error naming it (its traceback kept for --verbose)."""
    wanted = [s for s in sources if s.root in settings]
    found: dict[SourceFile, FileOutcome | Failure] = {}
    keys: dict[SourceFile, str] = {}
    read: dict[SourceFile, bytes] = {}  # the bytes of a cache key, processed as they were read
    for source in wanted:
        if cache is None:
            continue
        try:
            data = source.path.read_bytes()
        except OSError:
            continue  # the stage itself says why it cannot read the file
        keys[source] = cache.key(source, settings[source.root], data)
        cached = cache.get(source, keys[source])
        if cached is not None:
            found[source] = cached
        else:
            read[source] = data
    missing = [(s, read.get(s)) for s in wanted if s not in found]
    for source, outcome in _process(missing, settings, options.media_roots, progress):
        found[source] = outcome
        if cache is not None and source in keys and isinstance(outcome, FileOutcome):
            cache.put(source, keys[source], outcome)
    outcomes = []
    for source in wanted:
        outcome = found[source]
        if isinstance(outcome, FileOutcome):
            outcomes.append(outcome)
        else:
            message, trace = outcome
            result.diagnostics.error(source.display, 0, message, "internal")
            result.tracebacks.append(f"while processing {source.display}:\n{trace}")
    return outcomes


def _process(
    sources: list[tuple[SourceFile, bytes | None]],
    settings: dict[Path, Settings],
    media_roots: tuple[Path, ...],
    progress: Progress,
) -> list[tuple[SourceFile, FileOutcome | Failure]]:
    jobs = [(s, settings[s.root], media_roots, data) for s, data in sources]
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers > 1 and len(jobs) >= PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                futures = [pool.submit(safe_process, *job) for job in jobs]
                return [
                    (job[0], f.result())
                    for job, f in zip(jobs, progress(futures, "Reading notes"), strict=True)
                ]
        except (BrokenProcessPool, OSError, ValueError):
            pass  # no processes here: read them one by one
    return [(job[0], safe_process(*job)) for job in progress(jobs, "Reading notes")]


def safe_process(
    source: SourceFile, settings: Settings, media_roots: tuple[Path, ...], data: bytes | None
) -> FileOutcome | Failure:
    try:
        return process_file(source, settings, media_roots, data)
    except Exception as exc:  # the other files still build
        return (f"internal error: {type(exc).__name__}: {exc}", format_exc())
