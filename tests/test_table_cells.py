"""A table row with more cells than its header loses the rest, as on GitHub: said at its
line, since a ``|`` inside ``$math$`` splits a cell without a word otherwise."""

from __future__ import annotations

from pathlib import Path

from tests.ankitools import imported

NOTE = """\
## How do L1 and L2 regularisation differ?

| term | L1 | L2 |
|---|---|---|
| penalty | $\\lambda \\sum {bar}w_i{bar}$ | $\\lambda \\sum w_i^2$ |
"""


def _built(run_cli, tmp_path: Path, bar: str) -> tuple[str, str]:
    folder = tmp_path / bar.replace("\\", "escaped")
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "reg.md").write_text(NOTE.replace("{bar}", bar), encoding="utf-8")
    done = run_cli("build", "notes", "-o", "out", cwd=folder)
    (note,) = imported(folder / "out", folder / "anki")
    return done.output, note.fields["Answer"]


def test_a_bar_inside_math_in_a_table_is_warned_at_its_row(run_cli, tmp_path: Path) -> None:
    output, answer = _built(run_cli, tmp_path, "|")
    assert (
        "notes/reg.md:5: warning[table]: table row of 5 cells under a header of 3: the last 2 "
        "are not shown (a | inside $math$ or code splits a cell: write it \\|)"
    ) in output
    assert "w_i^2" not in answer  # what GitHub shows too: the warning is the news

    output, answer = _built(run_cli, tmp_path, "\\|")
    assert "warning" not in output.replace("0 warnings", "")
    assert "w_i^2" in answer and answer.count("<td>") == 3
