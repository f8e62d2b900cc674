"""Whatever answers on AnkiConnect's port is untrusted: an answer nested too deep, a
number no collection holds, a value of the wrong kind, one larger than any collection's,
or one trickled a byte at a time is one line saying so (exit 3), never a traceback, a
hang past ``--timeout`` or memory without end."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import ankipress.sync.connectwire
from tests.test_sync import BOOK

FIRST = {
    "version": 6,
    "getActiveProfile": "User 1",
    "notesModTime": [],
    "modelNamesAndIds": {},
    "findNotes": [7],
}


class OddAnki:
    """Answers what a sync asks before it reads the notes (``FIRST``) as AnkiConnect
    does, and the next question, ``notesInfo``, with ``body`` (raw bytes), ``pace``
    seconds a byte if set."""

    def __init__(self) -> None:
        self.body = b""
        self.pace = 0.0
        odd = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                action = asked["action"]
                if action in FIRST:
                    data = json.dumps({"result": FIRST[action], "error": None}).encode()
                else:
                    data = odd.body
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if odd.pace and action not in FIRST:
                    for byte in data:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(odd.pace)
                else:
                    self.wfile.write(data)

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def odd() -> Iterator[OddAnki]:
    found = OddAnki()
    yield found
    found.server.shutdown()
    found.server.server_close()


def _answer(result: str) -> bytes:
    return ('{"result": ' + result + ', "error": null}').encode()


def _sync(run_cli, write_tree, odd: OddAnki, *args: str):
    content = write_tree({"vision.md": BOOK})
    out = str(content.parent / "decks")
    return run_cli("sync", str(content), "-o", out, "--anki-connect", odd.url, *args)


def _one_line(result, line: str) -> None:
    assert result.exit_code == 3, result.output
    assert result.stderr.splitlines() == [line]


NOT = "answered, but not as AnkiConnect does"
HINT = "is the AnkiConnect add-on (code 2055492159) installed, and listening there?"


@pytest.mark.parametrize(
    ("result", "why"),
    [
        ("[" * 100_000 + "]" * 100_000, "JSON nested too deep"),
        ('[{"noteId": 1e400}]', "a number out of range"),
        ('[{"noteId": Infinity}]', "not JSON"),
    ],
)
def test_an_answer_no_json_parser_should_take(run_cli, write_tree, odd, result, why) -> None:
    odd.body = _answer(result)
    _one_line(_sync(run_cli, write_tree, odd), f"error: {odd.url} {NOT} ({why}): {HINT}")


@pytest.mark.parametrize(
    "result",
    [
        '[{"noteId": 1, "cards": ["x"], "fields": {}, "tags": []}]',
        '[{"noteId": [1], "cards": [], "fields": {}, "tags": []}]',
        '[{"noteId": 1, "cards": [1], "fields": {"Q": {"value": 1, "order": []}}, "tags": 3}]',
        '[{"noteId": 1}]',
    ],
)
def test_a_value_of_another_kind_is_one_line(run_cli, write_tree, odd, result) -> None:
    odd.body = _answer(result)
    done = _sync(run_cli, write_tree, odd)
    assert done.exit_code == 3, done.output
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: AnkiConnect answered in a shape ankipress does not know (")


def test_an_answer_larger_than_any_collection_is_not_read_whole(
    run_cli, write_tree, odd, monkeypatch
) -> None:
    monkeypatch.setattr(ankipress.sync.connectwire, "ANSWER_LIMIT", 1 << 20)
    odd.body = _answer('"' + "x" * (3 << 20) + '"')
    _one_line(
        _sync(run_cli, write_tree, odd), f"error: {odd.url} {NOT} (an answer over 1 MB): {HINT}"
    )


def test_an_answer_trickled_a_byte_at_a_time_ends_at_the_timeout(run_cli, write_tree, odd) -> None:
    odd.body, odd.pace = _answer("[" + "1," * 200 + "1]"), 0.05  # 20 s, a byte in 0.05 s
    start = time.monotonic()
    done = _sync(run_cli, write_tree, odd, "--timeout", "1")
    took = time.monotonic() - start
    _one_line(
        done,
        f"error: AnkiConnect at {odd.url} (profile 'User 1') did not answer notesInfo within "
        "1 s: is a dialog open in Anki? Close it, or give more time with --timeout",
    )
    assert took < 10, took
