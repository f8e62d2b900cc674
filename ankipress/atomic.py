"""Write a file all at once: to a temporary file beside it, then renamed into place."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path, PurePosixPath


def write_bytes(path: Path, data: bytes, private: bool = False) -> None:
    """``data`` at ``path``, its folder made if need be. ``private`` keeps the temporary
    file's owner-only mode (the cache); else the mode a plain write would give. A write
    that fails (a full disk, Ctrl-C) leaves any previous file as it was, and no other."""
    make_folders(path.parent)
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            "wb", dir=path.parent, prefix=".ankipress-", delete=False
        ) as f:
            temporary = f.name
            f.write(data)
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise


def write_inside(
    folder: Path, rel: PurePosixPath | str, data: bytes, private: bool = False
) -> Path:
    """``data`` at ``folder/rel``, never through a symlink inside ``folder`` (an output
    folder, whose contents are untrusted): each folder on the way is made if missing and
    must be a real folder, not a symlink (else OSError, nothing written); a symlink at the
    file's own place is replaced, the link itself, never its target. The path written."""
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
    write_bytes(here / parts[-1], data, private)  # os.replace: a symlink there is replaced
    return here / parts[-1]


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_cache(out: Path, path: Path, data: bytes) -> None:
    """A cache file (owner-only) at ``path`` inside the output folder ``out``, never through
    a symlink there: one that cannot be written only costs the next build time."""
    with contextlib.suppress(OSError, ValueError):
        write_inside(out, path.relative_to(out).as_posix(), data, private=True)


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
