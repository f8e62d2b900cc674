"""Write a file all at once: to a temporary file beside it, then renamed into place; and
delete the temporary files a killed build left behind.

Every temporary file is ``.ankipress-<pid>-<random>.tmp``: the process writing it is in
its name, so a later build can tell a file a dead process left (stale: deleted) from one a
build still running is writing (kept)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

TEMPORARY_PREFIX = ".ankipress-"
_TEMPORARY = re.compile(r"\.ankipress-([0-9]{1,10})-[0-9a-f]{8}\.tmp")
_OLD_TEMPORARY = re.compile(r"\.ankipress-[a-z0-9_]{8}")  # before the pid was in the name
STALE_AFTER = 600.0  # seconds unchanged after which no build is still writing a file


def write_bytes(path: Path, data: bytes, private: bool = False) -> None:
    """``data`` at ``path``, its folder made if need be. ``private`` keeps the temporary
    file's owner-only mode (the cache); else the mode a plain write would give. A write
    that fails (a full disk, Ctrl-C) leaves any previous file as it was, and no other."""
    with replacing(path, private) as f:
        f.write(data)


@contextlib.contextmanager
def replacing(path: Path, private: bool = False) -> Iterator[BinaryIO]:
    """A new file (open for reading too) that replaces ``path`` once the block ends
    without an exception; else it is deleted and any previous file stays as it was."""
    make_folders(path.parent)
    temporary, f = _create(path.parent)
    try:
        with f:
            yield f
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _create(folder: Path) -> tuple[str, BinaryIO]:
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        name = os.path.join(folder, f"{TEMPORARY_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.tmp")
        try:
            descriptor = os.open(name, flags, 0o600)
        except FileExistsError:  # a name taken (even by a symlink): draw another
            continue
        return name, os.fdopen(descriptor, "w+b")


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_inside(
    folder: Path, rel: PurePosixPath | str, data: bytes, private: bool = False
) -> Path:
    """``data`` at ``folder/rel``, never through a symlink inside ``folder`` (``inside``).
    The path written."""
    path = inside(folder, rel)
    write_bytes(path, data, private)  # os.replace: a symlink there is replaced
    return path


def inside(folder: Path, rel: PurePosixPath | str) -> Path:
    """Where to write ``rel`` in ``folder`` (an output folder, whose contents are
    untrusted): each folder on the way is made if missing and must be a real folder, not a
    symlink (else OSError, nothing written). A file written there by ``replacing`` replaces
    a symlink at its place, the link itself, never its target."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        raise OSError(errno.EINVAL, f"not a path inside the output folder: {rel}")
    make_folders(folder)
    here = folder
    for part in parts[:-1]:
        here = here / part
        with contextlib.suppress(FileExistsError, FileNotFoundError):
            here.mkdir()
        if not stat.S_ISDIR(here.lstat().st_mode):
            why = "a symlink or a file stands where a folder should be; not written through it"
            raise OSError(errno.ENOTDIR, why, str(here))
    return here / parts[-1]


def write_cache(out: Path, path: Path, data: bytes) -> None:
    """A cache file (owner-only) at ``path`` inside the output folder ``out``, never through
    a symlink there: one that cannot be written only costs the next build time."""
    with contextlib.suppress(OSError, ValueError):
        write_inside(out, path.relative_to(out).as_posix(), data, private=True)


def remove_stale(folder: str, names: list[str], now: float | None = None) -> list[str]:
    """Delete, of the files ``names`` in ``folder``, the temporary files this tool made
    that no build is still writing: regular files only (never a symlink or what it leads
    to), whose process is gone or that went unchanged for ``STALE_AFTER`` seconds. Their
    paths."""
    now = time.time() if now is None else now
    removed = []
    for name in names:
        if not name.startswith(TEMPORARY_PREFIX):
            continue
        path = os.path.join(folder, name)
        try:
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and _stale(name, now - info.st_mtime, info.st_size):
                os.unlink(path)
                removed.append(path)
        except OSError:
            continue
    return removed


def _stale(name: str, age: float, size: int) -> bool:
    ours = _TEMPORARY.fullmatch(name)
    if ours is None:  # an earlier version's name, which a file of one's own may have: empty
        return _OLD_TEMPORARY.fullmatch(name) is not None and age > STALE_AFTER and size == 0
    return age > STALE_AFTER or not _running(int(ours.group(1)))


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists here; True when that cannot be told (Windows, where
    signalling a process ends it; a pid no process can have)."""
    if os.name == "nt" or not 0 < pid < 2**31 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: it exists
        return True
    return True


class NotRegular(OSError):
    """A path that is not a regular file of its own: never opened."""


def open_regular(path: Path) -> BinaryIO:
    """``path`` open for reading, only if it is a regular file itself: never through a
    symlink at its place, and never a FIFO (which would wait for a writer), a device or a
    folder; one swapped in between the look and the open is caught after. ``NotRegular``
    otherwise (an ``OSError``)."""
    if not stat.S_ISREG(os.lstat(path).st_mode):
        raise NotRegular(errno.EINVAL, "not a regular file", str(path))
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise NotRegular(errno.EINVAL, "not a regular file", str(path))
    return os.fdopen(descriptor, "rb")


def make_folders(folder: Path) -> None:
    """``folder.mkdir(parents=True, exist_ok=True)`` one level at a time: pathlib's recurses
    once a level, and a note a thousand folders deep would exhaust Python's stack."""
    missing = []
    while not folder.is_dir() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for one in reversed(missing):
        with contextlib.suppress(FileExistsError):
            one.mkdir()
