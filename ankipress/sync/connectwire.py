"""AnkiConnect's wire: one request, ``{"action", "version": 6, "params", "key"?}``, and its
answer, ``{"result", "error"}``; every way that fails is one ``AnkiUnreachable`` saying
what to do."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from ankipress.sync.live import AnkiUnreachable

API_VERSION = 6
ADD_ON = "AnkiConnect add-on (code 2055492159)"
UPDATE = "update it: Tools > Add-ons > Check for Updates, then restart Anki"
_KEY = "valid api key must be provided"


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
            with self._open(request, timeout=self.timeout) as response:
                raw = response.read()
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
        try:
            answer = json.loads(raw)
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
