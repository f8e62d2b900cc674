"""The read stage of a build: each file's outcome from the cache, or else read, parsed and
rendered, on every CPU when there are enough files to pay for the extra processes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ankipress.assemble.filecache import FileCache
from ankipress.assemble.filestage import FileOutcome, process_file
from ankipress.assemble.memory import BUILD_MEMORY, FILES_MEMORY
from ankipress.assemble.outcome import BuildOptions, BuildResult, Progress
from ankipress.assemble.parallel import Failed, run_job, run_jobs
from ankipress.limits import Limits, TooLarge, read_note
from ankipress.notes.config import Settings
from ankipress.records import SourceFile

PARALLEL_FROM = 4  # files to read before other processes are worth starting


def read_all(
    sources: list[SourceFile],
    settings: dict[Path, Settings],
    options: BuildOptions,
    cache: FileCache | None,
    result: BuildResult,
    progress: Progress,
    meanwhile: Callable[[dict[SourceFile, str]], object] | None = None,
) -> list[FileOutcome]:
    """The outcome of every file whose root has settings, in order; a file whose stage
    failed is an error naming it (its traceback kept for --verbose). ``meanwhile`` runs
    once, while the files are read, with each file's cache key."""
    wanted = [s for s in sources if s.root in settings]
    found: dict[SourceFile, FileOutcome | Failed] = {}
    keys: dict[SourceFile, str] = {}
    read: dict[SourceFile, bytes] = {}  # the bytes of a cache key, processed as they were read
    for source in wanted:
        if cache is None:
            continue
        try:
            data = read_note(source.path, options.limits.note)
        except (OSError, TooLarge):
            continue  # the stage itself says why it cannot read the file
        keys[source] = cache.key(source, settings[source.root], data)
        cached = cache.get(source, keys[source])
        if cached is not None:
            found[source] = cached
        else:
            read[source] = data
    jobs = [
        _Job(
            s,
            settings[s.root],
            options.media_roots,
            options.limits,
            read.get(s),
            cache,
            keys.get(s),
        )
        for s in wanted
        if s not in found
    ]
    then = (lambda: meanwhile(keys)) if meanwhile is not None else None
    processed = run_jobs(
        _process, jobs, progress, "Reading notes", PARALLEL_FROM, then, memory=FILES_MEMORY
    )
    for job, outcome in zip(jobs, processed, strict=True):
        found[job.source] = outcome
    again = [
        job for job in jobs if isinstance(found[job.source], Failed) and found[job.source].memory
    ]
    if again:  # too large for a worker's share: alone, with all of it
        for job in again:
            found[job.source] = run_job(_process, job, FILES_MEMORY)
    outcomes = []
    for source in wanted:
        outcome = found[source]
        if isinstance(outcome, FileOutcome):
            outcome.cache_key = keys.get(source, "")
            outcomes.append(outcome)
        elif outcome.memory:
            message = (
                f"not built: reading it {outcome.message} (a build takes at most "
                f"{BUILD_MEMORY >> 20} MB); split the file"
            )
            result.diagnostics.error(source.display, 0, message, "size")
        else:
            result.diagnostics.error(source.display, 0, outcome.message, "internal")
            result.tracebacks.append(f"while processing {source.display}:\n{outcome.trace}")
    return outcomes


class _Job(NamedTuple):
    source: SourceFile
    settings: Settings
    media_roots: tuple[Path, ...]
    limits: Limits
    data: bytes | None  # the bytes the cache key was made of, if it was
    cache: FileCache | None
    key: str | None


def _process(job: _Job) -> FileOutcome:
    """One file's outcome, stored in the cache by the process that made it."""
    outcome = process_file(job.source, job.settings, job.media_roots, job.data, job.limits)
    if job.cache is not None and job.key is not None:
        job.cache.put(job.source, job.key, outcome)
    return outcome
