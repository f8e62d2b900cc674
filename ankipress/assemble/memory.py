"""How much memory a build may take: ``BUILD_MEMORY`` in all its processes, whatever the
notes hold. A note file of short paragraphs costs markdown-it about 700 bytes a byte (a
9 MB note, 6.6 GB), so a limit on a file's size alone bounds nothing: each file is read
under a ceiling (Linux's ``RLIMIT_DATA``), and one that needs more is an error naming it.

The workers that read files at once share what the main process leaves; a file too large
for a worker's share is read again alone, in the main process, with all of it.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator

BUILD_MEMORY = 1 << 30  # bytes, every process of a build
MAIN_RESERVE = 512 << 20  # what the main process holds besides a file it reads
FILES_MEMORY = BUILD_MEMORY - MAIN_RESERVE  # what the files read at once may take
# What a worker takes at least: the workers are as many as there are CPUs, but no more than
# have this each (4), lest every file of a note's usual size need more than its share.
WORKER_MEMORY = 128 << 20
_VMDATA = re.compile(r"^VmData:\s+(\d+) kB", re.MULTILINE)


def in_use() -> int | None:
    """The bytes of this process's data (heap, private mappings), where the system tells
    them (Linux); None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as f:
            found = _VMDATA.search(f.read())
    except OSError:
        return None
    return int(found.group(1)) << 10 if found else None


@contextlib.contextmanager
def ceiling(extra: int) -> Iterator[None]:
    """At most ``extra`` more bytes of data for this process while the block runs: more
    is a ``MemoryError`` (where the system enforces it: Linux)."""
    if not sys.platform.startswith("linux"):
        yield
        return
    import resource

    now = in_use()
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if now is None:
        yield
        return
    limit = now + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft != resource.RLIM_INFINITY:
        limit = min(limit, soft)
    try:
        resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
