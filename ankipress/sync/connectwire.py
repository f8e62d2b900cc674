"""AnkiConnect's wire: one request, ``{"action", "version": 6, "params", "key"?}``, and its
answer, ``{"result", "error"}``; every way that fails is one ``AnkiUnreachable`` saying
what to do."""

from __future__ import annotations

import functools
import http.client
import json
import math
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from ankipress.sync.live import AnkiUnreachable

P = ParamSpec("P")
R = TypeVar("R")
API_VERSION = 6
ADD_ON = "AnkiConnect add-on (code 2055492159)"
UPDATE = "update it: Tools > Add-ons > Check for Updates, then restart Anki"
_KEY = "valid api key must be provided"
# Bytes: an answer larger is no collection's (notesInfo of 100,000 notes is about 100 MB).
ANSWER_LIMIT = 256 << 20
_CHUNK = 1 << 16


def _read(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The answer, read a chunk at a time: at most one byte over ``ANSWER_LIMIT`` (the
    caller refuses it), and no longer than the deadline (an answer trickled a byte at a
    time would outlive the socket's timeout, which counts one read)."""
    chunks, size = [], 0
    while size <= ANSWER_LIMIT:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read1(min(_CHUNK, ANSWER_LIMIT + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _finite(text: str) -> float:
    """A JSON number with a fraction or exponent, if finite: ``1e400`` is no value Anki
    holds (and no ``int()`` takes its infinity)."""
    value = float(text)
    if not math.isfinite(value):
        raise _OutOfRange(text[:20])
    return value


class _OutOfRange(ValueError):
    pass


def _no_constant(text: str) -> float:
    raise ValueError(f"{text} is no JSON")


def odd_answers(method: Callable[P, R]) -> Callable[P, R]:
    """``method``, whose every odd answer (a list where a string belongs, a huge number, a
    key missing) is one ``AnkiUnreachable`` line, never a traceback."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError, IndexError) as exc:
            raise AnkiUnreachable(
                f"error: AnkiConnect answered in a shape ankipress does not know ({exc!r:.200})"
            ) from None

    return guarded


class Wire:
    def __init__(self, url: str, key: str | None, timeout: float) -> None:
        self.url = url.rstrip("/")
        self.shown = f"AnkiConnect at {self.url}"
        self.key, self.timeout = key, timeout
        self._open = urllib.request.build_opener(urllib.request.ProxyHandler({})).open

    def call(self, action: str, **params: Any) -> Any:
        body: dict[str, Any] = {"action": action, "version": API_VERSION, "params": params}
        if self.key is not None:
            body["key"] = self.key
        try:
            request = urllib.request.Request(
                self.url, json.dumps(body).encode(), {"Content-Type": "application/json"}
            )
            deadline = time.monotonic() + self.timeout
            with self._open(request, timeout=self.timeout) as response:
                raw = _read(response, deadline)
        except urllib.error.HTTPError as exc:
            raise AnkiUnreachable(self._not_ankiconnect(f"HTTP {exc.code}")) from None
        except TimeoutError:
            raise AnkiUnreachable(self._timed_out(action)) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise AnkiUnreachable(self._timed_out(action)) from None
            raise AnkiUnreachable(self._unreachable(exc.reason)) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise AnkiUnreachable(self._unreachable(exc)) from None
        return self._result(action, raw)

    def _result(self, action: str, raw: bytes) -> Any:
        if len(raw) > ANSWER_LIMIT:
            raise AnkiUnreachable(self._not_ankiconnect(f"an answer over {ANSWER_LIMIT >> 20} MB"))
        try:
            answer = json.loads(raw, parse_float=_finite, parse_constant=_no_constant)
        except RecursionError:
            raise AnkiUnreachable(self._not_ankiconnect("JSON nested too deep")) from None
        except _OutOfRange:
            raise AnkiUnreachable(self._not_ankiconnect("a number out of range")) from None
        except ValueError:
            raise AnkiUnreachable(self._not_ankiconnect("not JSON")) from None
        if not isinstance(answer, dict) or set(answer) != {"result", "error"}:
            if action == "version" and type(answer) is int:  # versions 4 and before
                return answer
            raise AnkiUnreachable(self._not_ankiconnect("not a version 6 answer"))
        error = answer["error"]
        if error is None:
            return answer["result"]
        if error == _KEY:
            how = "the key is wrong" if self.key is not None else "it needs one"
            raise AnkiUnreachable(
                f"error: {self.shown} refused the API key ({how}): give the key of the "
                "add-on's config (Tools > Add-ons > AnkiConnect > Config, apiKey) with "
                "--api-key or ANKIPRESS_API_KEY"
            )
        if error == "unsupported action":
            raise AnkiUnreachable(
                f"error: {self.shown} has no action {action!r}: the add-on is too old; {UPDATE}"
            )
        raise AnkiUnreachable(f"error: {self.shown}: {action} failed: {error}")

    def _not_ankiconnect(self, why: str) -> str:
        return (
            f"error: {self.url} answered, but not as AnkiConnect does ({why}): "
            f"is the {ADD_ON} installed, and listening there?"
        )

    def _unreachable(self, why: object) -> str:
        if isinstance(why, ConnectionRefusedError):
            why = "connection refused"
        return (
            f"error: cannot reach {self.shown} ({why}): start Anki with the {ADD_ON}, "
            "or sync into a closed collection with --collection PATH"
        )

    def _timed_out(self, action: str) -> str:
        return (
            f"error: {self.shown} did not answer {action} within {self.timeout:g} s: is a "
            "dialog open in Anki? Close it, or give more time with --timeout"
        )


def shape(value: Any, key: str, kind: type) -> Any:
    """``value[key]`` (or ``value``, key ''), if it is a ``kind``; else the error that
    AnkiConnect answered in a shape this tool does not know."""
    found = value.get(key) if key and isinstance(value, dict) else value
    if not isinstance(found, kind):
        what = key or kind.__name__
        raise AnkiUnreachable(
            f"error: AnkiConnect answered in a shape ankipress does not know ({what})"
        )
    return found
