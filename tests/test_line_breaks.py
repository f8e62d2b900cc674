"""One notion of a line break: a newline (or CR LF) ends a line of notes and of the lock;
U+2028, U+2029, U+0085 and form feeds inside a note are text. Every command works on such
notes with and without the cache (issue 17, case 9)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ankitools import import_packages, notes, open_collection

NOTES = (
    "## What is a line?\r\n\r\nOne\u2028two\u2029three.\r\n\r\n"
    "## Next\u0085one?\n\nA form\x0cfeed.\n"
)


def test_unusual_line_breaks_in_notes_survive_every_command(
    run_cli, write_tree, tmp_path: Path
) -> None:
    root = write_tree({"a.md": NOTES})
    out = str(tmp_path / "decks")
    for args in (
        ("build", str(root), "-o", out),
        ("build", str(root), "-o", out, "--no-cache"),
        ("check", str(root)),
        ("plan", str(root)),
    ):
        result = run_cli(*args, cwd=tmp_path)
        assert result.exit_code == 0, (args, result.output)
        assert "internal error" not in result.output
    lock = (root / "ankipress.lock").read_text(encoding="utf-8")
    assert len(lock.split("\n")) == 4  # the header, two notes, the last newline
    assert "\u2028" not in lock and "\u2029" not in lock and "\u0085" not in lock
    assert all(json.loads(line) for line in lock.split("\n") if line)
    col = open_collection(tmp_path / "anki")
    import_packages(col, sorted(Path(out).rglob("*.apkg")))
    found = {n.fields["Question"]: n.fields["Answer"] for n in notes(col)}
    col.close()
    assert found == {
        "What is a line?": "<p>One\u2028two\u2029three.</p>",
        "Next\u0085one?": "<p>A formfeed.</p>",  # a control character: not shown
    }
