"""Pickles the cache can trust: each is sealed with an HMAC under a key of this user's.

The cache lives in the output folder, and whatever is already there is untrusted: a notes
repository may commit its ``decks/.ankipress-cache/``. Unpickling runs code, and a cached
outcome holds cards already sanitised; so a pickle is loaded only if it carries the MAC of
a key no repository holds: 32 random bytes in the user's own cache folder
(``$XDG_CACHE_HOME/ankipress/key``, else ``~/.cache/ankipress/key``), made on first use,
owner-only. Where that key cannot be read or made, each build draws a key of its own: the
cache then only misses (the build is slower, never wrong).
"""

from __future__ import annotations

import contextlib
import hmac
import os
import pickle
from functools import cache
from pathlib import Path
from typing import IO, Any

from ankipress.atomic import open_regular

_MAC = 32  # bytes of a sha256 HMAC
_LENGTH = 8  # bytes of a sealed pickle's length
KEY_BYTES = 32


class Unsealed(ValueError):
    """A cache pickle without a valid seal: not this user's, or damaged."""


def key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ankipress" / "key"


@cache
def _key() -> bytes:
    path = key_path()
    with contextlib.suppress(OSError, ValueError):
        return _read_key(path)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fresh = os.urandom(KEY_BYTES)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(path, flags, 0o600)
        with os.fdopen(descriptor, "wb") as f:
            f.write(fresh)
        return fresh
    with contextlib.suppress(OSError, ValueError):  # another build made it meanwhile
        return _read_key(path)
    return os.urandom(KEY_BYTES)  # this build's own: nothing cached before is trusted


def _read_key(path: Path) -> bytes:
    with open_regular(path) as f:
        if hasattr(os, "getuid") and os.fstat(f.fileno()).st_uid != os.getuid():
            raise ValueError("not this user's own file")
        key = f.read(KEY_BYTES + 1)
    if len(key) != KEY_BYTES:
        raise ValueError("not a key")
    return key


def seal(value: Any) -> bytes:
    """``value`` pickled, with its length and MAC before it."""
    return seal_pickled(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def seal_pickled(data: bytes) -> bytes:
    """A pickle already made, with its length and MAC before it."""
    mac = hmac.digest(_key(), data, "sha256")
    return mac + len(data).to_bytes(_LENGTH, "big") + data


def unseal(f: IO[bytes], verify: bool = True) -> Any:
    """The next sealed pickle of ``f``; ``Unsealed`` if its MAC is not this user's. Not
    ``verify``: only for a file a sealed record vouches for (its inode and change time)."""
    head, length = _head(f)
    data = f.read(length)
    if len(data) != length:
        raise Unsealed("short")
    if verify and not hmac.compare_digest(head[:_MAC], hmac.digest(_key(), data, "sha256")):
        raise Unsealed("not sealed by this user")
    try:
        return pickle.loads(data)
    except Exception as exc:  # (Unsealed is a ValueError, which every reader catches)
        # A cache of another version: a class moved or renamed since (ankipress.build became
        # ankipress.assemble), a field gone. A miss, as a damaged file is; never an error.
        raise Unsealed(f"not readable by this version: {type(exc).__name__}") from None


def skip(f: IO[bytes]) -> None:
    """Past the next sealed pickle of ``f``, unread (its MAC is checked when it is read)."""
    f.seek(_head(f)[1], os.SEEK_CUR)


def _head(f: IO[bytes]) -> tuple[bytes, int]:
    """The MAC and length before a sealed pickle; a length past the file's end is refused
    before anything is read (a file not sealed here says anything there)."""
    head = f.read(_MAC + _LENGTH)
    length = int.from_bytes(head[_MAC:], "big")
    here = f.tell()
    left = f.seek(0, os.SEEK_END) - here
    f.seek(here)
    if len(head) != _MAC + _LENGTH or length > left:
        raise Unsealed("not a sealed pickle")
    return head, length
