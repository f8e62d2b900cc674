"""What follows an answer marker on its line is the answer's text: ``A: 443.`` is the
number 443, not the start of an ordered list (an empty one, which left the question
unanswered)."""

from __future__ import annotations

from pathlib import Path

from tests.ankitools import imported

NOTE = """\
# Networking

**Q:** What port does HTTPS use by default?
**A:** 443.

**Q:** When was TCP/IP adopted on the ARPANET?

**A:** 1983. It replaced NCP.

Q: Which port does DNS use?
A: 53) on UDP and TCP

**Q:** Which two steps open a TCP connection?

**A:**

1. SYN
2. SYN-ACK, then ACK
"""


def test_a_number_after_an_answer_marker_is_the_answer(run_cli, tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "net.md").write_text(NOTE, encoding="utf-8")
    done = run_cli("build", "--strict", "notes", "-o", "out", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    held = imported(tmp_path / "out", tmp_path / "anki")
    answers = {n.fields["Question"]: n.fields["Answer"] for n in held}
    assert answers == {
        "What port does HTTPS use by default?": "<p>443.</p>",
        "When was TCP/IP adopted on the ARPANET?": "<p>1983. It replaced NCP.</p>",
        "Which port does DNS use?": "<p>53) on UDP and TCP</p>",
        "Which two steps open a TCP connection?": (
            "<ol>\n<li>SYN</li>\n<li>SYN-ACK, then ACK</li>\n</ol>"
        ),
    }
