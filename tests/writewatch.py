"""What the test run writes, and where: the README's test command must leave the clone as
it was and write nothing outside pytest's own temporary folders (``conftest.no_trace``).

An audit hook (PEP 578) sees every file this process opens to write, and every folder it
makes, renames or removes: precise however many other people edit the same working tree
meanwhile (or run older copies of these tests, which leave ``ankipress-test-*`` folders in
the system's temporary folder). It does not see inside a subprocess: ``.ci/run`` checks the
clone, and the temporary folder's ``ankipress*`` entries, after the run for those.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

# Event: the positions of its arguments that are paths written (or removed), each with the
# position of the folder descriptor it is relative to (None: the working folder).
_PATHS: dict[str, tuple[tuple[int, int | None], ...]] = {
    "os.mkdir": ((0, 2),),
    "os.rename": ((0, 2), (1, 3)),  # (os.replace too)
    "os.remove": ((0, 1),),
    "os.rmdir": ((0, 1),),
    "os.symlink": ((1, 2),),
    "os.link": ((1, 3),),
    "os.truncate": ((0, None),),
    "shutil.rmtree": ((0, 1),),
    "sqlite3.connect": ((0, None),),
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# What is written, in the order written, by this process and the workers it forks (a
# build's, which write packages): one log they all append to, a file with no name.
_log: tempfile._TemporaryFileWrapper | None = None  # type: ignore[type-arg]


def _path(value: object, folder: object) -> str | None:
    """``value`` as an absolute path, if it is one of a file written by name."""
    if isinstance(value, int) or value is None:
        return None  # a file descriptor: where it was opened was seen then
    text = os.fsdecode(os.fspath(value))  # type: ignore[arg-type]
    if text.startswith("file:"):  # an SQLite URI
        text, _, query = text[len("file:") :].partition("?")
        if "mode=ro" in query.split("&"):
            return None
    if text in ("", ":memory:"):
        return None
    if os.path.isabs(text):
        return os.path.normpath(text)
    if folder == -1:
        return None  # relative to the working folder or to a folder descriptor: unknown
    if folder is None:
        base = os.getcwd()
    elif isinstance(folder, int) and os.path.isdir("/proc/self/fd"):
        base = os.readlink(f"/proc/self/fd/{folder}")
    else:
        return None  # relative to a folder nobody can name here
    return os.path.normpath(os.path.join(base, text))


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event == "open":
        _, mode, flags = args
        if isinstance(mode, str):  # open(): relative to the working folder
            if not any(c in mode for c in "wax+"):
                return
            places: tuple[tuple[int, int | None], ...] = ((0, None),)
        elif isinstance(flags, int) and flags & _WRITE_FLAGS:
            # os.open(): the event does not say whether it was given a dir_fd, so only an
            # absolute path is known for sure (the folders it writes in are seen made)
            places = ((0, -1),)
        else:
            return
    else:
        found = _PATHS.get(event)
        if found is None:
            return
        places = found
    try:
        for position, folder in places:
            where = folder if folder is None or folder == -1 else args[folder]
            path = _path(args[position], where)
            if path is not None and _log is not None:
                os.write(_log.fileno(), path.encode("utf-8", "surrogateescape") + b"\0")
    except Exception:  # (a hook that raises would fail the write it watches)
        pass


def start() -> None:
    """Watch from now on (the hook is added once: an audit hook cannot be removed)."""
    global _log
    if _log is None:
        _log = tempfile.TemporaryFile(mode="a+b", buffering=0)  # noqa: SIM115 (for the run)
        sys.addaudithook(_hook)


def written(since: int = 0) -> set[str]:
    """Every path written, made, renamed or removed since ``start`` (or since ``mark``
    gave ``since``), absolute."""
    if _log is None:
        return set()
    size = os.fstat(_log.fileno()).st_size
    data = os.pread(_log.fileno(), size - since, since) if size > since else b""
    return {p.decode("utf-8", "surrogateescape") for p in data.split(b"\0") if p}


def mark() -> int:
    """Where ``written`` is to start from, to see what is written from now on."""
    start()
    assert _log is not None
    return os.fstat(_log.fileno()).st_size


# Written by the tools the run uses, in folders of their own the clone ignores.
TOLERATED = frozenset({"__pycache__", ".pytest_cache", ".hypothesis"})


def strays(repo: Path, temporary: Path, basetemp: Path) -> list[str]:
    """What the run wrote in the clone (but for ``TOLERATED`` folders), and what it left in
    the system's temporary folder outside pytest's own (``basetemp``'s ``pytest-of-USER``
    folder, where pytest also removes the runs before the last three)."""
    if basetemp.parent.name.startswith("pytest-of-"):
        basetemp = basetemp.parent
    repo_text, temp_text, base_text = (os.path.realpath(p) for p in (repo, temporary, basetemp))
    found: set[str] = set()
    for path in written():
        real = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
        if _inside(real, repo_text):
            if TOLERATED.isdisjoint(Path(real).relative_to(repo_text).parts):
                found.add(real)
        elif _inside(real, temp_text) and not _inside(real, base_text):
            top = Path(temp_text, Path(real).relative_to(temp_text).parts[0])
            if top.exists() or top.is_symlink():  # (one the run removed again is fine)
                found.add(str(top))
    return sorted(found)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
