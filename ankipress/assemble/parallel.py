"""One stage's jobs on every CPU: forked worker processes that inherit the jobs (nothing is
pickled on the way in, only each result on the way back), or this process alone when
there are too few jobs to pay for the others or processes cannot be started. A worker
ends when this process does, however it ends (``kill -9`` included)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from traceback import format_exc
from typing import Any, Generic, TypeVar

from ankipress.assemble.memory import WORKER_MEMORY, ceiling
from ankipress.assemble.outcome import Progress

J = TypeVar("J")
R = TypeVar("R")


@dataclass(frozen=True)
class Failed:
    """A job that raised: the one-line error and its traceback (for --verbose)."""

    message: str
    trace: str
    memory: int = 0  # the bytes of memory it needed more than, if that was why


@dataclass(frozen=True)
class _Stage(Generic[J, R]):
    work: Callable[[J], R]
    jobs: Sequence[J]
    memory: int  # bytes each job may take at most (0: no ceiling)


_current: _Stage[Any, Any] | None = None  # what forked workers inherit


def run_jobs(
    work: Callable[[J], R],
    jobs: Sequence[J],
    progress: Progress,
    label: str,
    parallel_from: int,
    meanwhile: Callable[[], object] | None = None,
    batches_per_worker: int = 0,
    memory: int = 0,
) -> list[R | Failed]:
    """``work(job)`` for every job, in order; a job that raised is a ``Failed`` (the
    other jobs still run). Other processes start only for ``parallel_from`` jobs or more,
    or to work beside ``meanwhile``, which runs here while they work (or first, when
    there are none). Short jobs go to the workers in ``batches_per_worker`` batches
    each (0: one job at a time): a worker then never waits for this process to hand
    it the next job, which it does slowly while ``meanwhile`` holds the interpreter.
    ``memory``: the bytes the jobs running at once may take together (0: any): each of
    the workers gets its share, a job alone all of it; one that needs more is a
    ``Failed`` that says so (``memory``)."""
    global _current
    cpus = os.cpu_count() or 1
    workers = min(cpus, len(jobs))
    if memory:  # as many as can each have a worker's share
        workers = max(1, min(workers, memory // WORKER_MEMORY))
    if cpus > 1 and jobs and (len(jobs) >= parallel_from or meanwhile is not None):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        _current = _Stage(work, jobs, memory // workers)
        size = max(1, len(jobs) // (workers * batches_per_worker)) if batches_per_worker else 1
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(
                workers, mp_context=context, initializer=_end_with, initargs=(os.getpid(),)
            ) as pool:
                batches = [
                    pool.submit(_run_inherited, start, min(start + size, len(jobs)))
                    for start in range(0, len(jobs), size)
                ]
                if meanwhile is not None:
                    meanwhile()
                    meanwhile = None
                return [  # each as its batch is done, so progress is shown job by job
                    batches[index // size].result()[index % size]
                    for index in progress(list(range(len(jobs))), label)
                ]
        except (BrokenProcessPool, OSError, ValueError):
            pass  # no processes here: run them one by one
        finally:
            _current = None
    if meanwhile is not None:
        meanwhile()
    return [run_job(work, job, memory) for job in progress(jobs, label)]


def _run_inherited(start: int, stop: int) -> list[Any]:
    assert _current is not None  # set before the workers were forked
    stage = _current
    return [run_job(stage.work, stage.jobs[index], stage.memory) for index in range(start, stop)]


def run_job(work: Callable[[J], R], job: J, memory: int = 0) -> R | Failed:
    try:
        if not memory:
            return work(job)
        with ceiling(memory):
            return work(job)
    except MemoryError:
        return Failed(f"needs more than {memory >> 20} MB of memory", format_exc(), memory)
    except Exception as exc:  # the other jobs still run
        return Failed(f"internal error: {type(exc).__name__}: {exc}", format_exc())


_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends
_WATCH_EVERY = 0.5  # seconds between a worker's looks at its parent, without prctl


def _end_with(parent: int) -> None:
    """In each worker as it starts: end when ``parent`` ends, lest a killed build leave
    its workers waiting for jobs forever. Linux kills the worker at once (prctl); other
    systems have a thread notice that the worker's parent has changed."""
    if not _death_signal():
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it ended before the worker could ask
        os._exit(1)


def _death_signal() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(_WATCH_EVERY)
    os._exit(1)
