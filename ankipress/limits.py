"""How large a file a build reads: a note file over its limit is an error (the file is not
built), an image over its limit a warning (it is not packaged). The limits are the
command line's (``--note-limit``, ``--image-limit``), never the notes' own: a repository
cannot raise them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

KB, MB, GB = 1000, 1000**2, 1000**3
_UNITS = {"": 1, "b": 1, "k": KB, "kb": KB, "m": MB, "mb": MB, "g": GB, "gb": GB}
_UNITS |= {"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    note: int = 10 * MB  # a note file's bytes (the largest of the seeds: under 100 KB)
    image: int = 20 * MB  # an image's bytes


DEFAULT_LIMITS = Limits()


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


def over(size: int, limit: int) -> str:
    """``2.5 GB, over the 20 MB limit`` (in bytes where rounding would hide the excess)."""
    if shown_size(size) == shown_size(limit):
        return f"{size:,} bytes, over the {limit:,}-byte limit"
    return f"{shown_size(size)}, over the {shown_size(limit)} limit"


def read_note(path: Path, limit: int) -> bytes:
    """The bytes of ``path``; ``TooLarge`` (with its size) if there are more than ``limit``,
    found without reading more than that."""
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > limit:
            raise TooLarge(size)
        data = f.read(limit + 1)
    if len(data) > limit:  # it grew since, or its size was not told
        raise TooLarge(max(size, len(data)))
    return data


def parse_size(text: str) -> int:
    """Bytes from ``20MB``, ``1.5 GB``, ``500k``, ``2MiB`` or ``1000`` (a plain number:
    bytes); ``ValueError`` for anything else."""
    found = _SIZE.fullmatch(text)
    unit = found.group(2).lower() if found else ""
    try:
        if found is not None and unit in _UNITS:
            return int(float(found.group(1)) * _UNITS[unit])
    except OverflowError:  # more digits than a float holds
        pass
    raise ValueError(f"{text!r} is not a size (like 20MB, 500KB or 1GB)")


def shown_size(size: int) -> str:
    """``2.5 GB``, ``20 MB``, ``512 KB``, ``900 bytes``."""
    for unit, name in ((GB, "GB"), (MB, "MB"), (KB, "KB")):
        if size >= unit:
            value = size / unit
            return f"{value:.3g} {name}" if value < 100 else f"{value:.0f} {name}"
    return f"{size} byte{'' if size == 1 else 's'}"
