"""Write a file all at once: to a temporary file beside it, then renamed into place."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_bytes(path: Path, data: bytes, private: bool = False) -> None:
    """``data`` at ``path``, its folder made if need be. ``private`` keeps the temporary
    file's owner-only mode (the cache); else the mode a plain write would give."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as f:
        f.write(data)
    if not private:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(f.name, 0o666 & ~umask)
    os.replace(f.name, path)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_cache(path: Path, data: bytes) -> None:
    """A cache file (owner-only): one that cannot be written only costs the next build time."""
    with contextlib.suppress(OSError):
        write_bytes(path, data, private=True)
