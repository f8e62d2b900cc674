"""Pathological notes build, with no RecursionError and no silent loss.

How long they take, at growing sizes, is measured by ``bench/pathological.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ankipress.assemble.pipeline import BuildOptions, build
from tests.hostile import CASES

TOO_DEEP = "nested too deep to format"
EXPECTED: dict[str, tuple[int, str | None, str | None]] = {
    # case: (cards, a warning containing, a text in the first answer)
    "1 MB line": (1, None, "文字 word 文字"),
    "list nested 700 deep, indented": (1, TOO_DEEP, "after"),
    "list nested 5,000 deep, one line": (2, TOO_DEEP, "- - - x"),
    "quote nested 5,000 deep": (1, TOO_DEEP, "after"),
    "50k [": (1, None, "[" * 50_000),
    "40k $": (1, None, "$" * 1000),
    "unclosed <details>": (1, "<details> is never closed", "line text"),
    "unclosed $$": (1, None, "x + y"),
    "20k questions": (20_000, None, r"\(x_{0}\)"),
    "5k <details> in one HTML block": (5_000, None, "A0"),
    "HTML nested 20k deep": (1, "nests HTML elements more than 200 deep", "&lt;div&gt;"),
    "a table rule then 200k spaces": (1, None, "This."),
    "a line of HTML with 200k spaces": (1, "not found", "## Next?"),  # too long to read
    "a line of 20k asides": (1, "is kept in the answer", "(DNS?)(DNS?)"),
    "A then 200k spaces": (1, None, "x"),
    "<a name= then 100k spaces": (1, None, "x"),
    "## 1. What? then 100k spaces": (1, "the whole file is one card", "It."),
    "**a** then 100k spaces": (1, None, "x"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_pathological_notes_build(tmp_path: Path, case: str) -> None:
    make, size = CASES[case]
    root = tmp_path / "content"
    root.mkdir()
    (root / "note.md").write_text(make(size), encoding="utf-8")
    result = build(BuildOptions(paths=(root,), out=tmp_path / "decks", timestamp=0))
    cards, warning, text = EXPECTED[case]
    messages = [d.message for d in result.diagnostics.sorted()]
    assert result.diagnostics.error_count == 0, messages
    assert result.cards == cards
    assert (warning is None and messages == []) or any(warning in m for m in messages), messages
    assert text is None or text in result.decks[0].notes[0].answer
    assert len(list((tmp_path / "decks").rglob("*.apkg"))) == len(result.decks)


def test_an_unclosed_code_fence_says_it_swallowed_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    (root / "n.md").write_text("<h2>Q1?</h2>\n\n```\nx\n\n<h2>Q2?</h2>\n\nA2\n", encoding="utf-8")
    result = build(BuildOptions(paths=(root,), out=tmp_path / "decks", write=False))
    assert [str(d).removeprefix(f"{root}/") for d in result.diagnostics.sorted()] == [
        "n.md:3: warning[fence]: code fence is never closed; it runs to line 8, all of it code"
    ]
    assert result.cards == 1


def test_exact_warnings_for_nesting(tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    lists = "".join("  " * i + f"- {i}\n" for i in range(26))
    text = f"<h2>Q1?</h2>\n\n{lists}\n<h2>Q2?</h2>\n\n{'<div>' * 201}x{'</div>' * 201}\n"
    (root / "n.md").write_text(text, encoding="utf-8")
    result = build(BuildOptions(paths=(root,), out=tmp_path / "decks", write=False))
    assert [str(d).removeprefix(f"{root}/") for d in result.diagnostics.sorted()] == [
        "n.md:27: warning[nesting]: nested too deep to format; lines 27-28 shown as written",
        "n.md:30: warning[nesting]: answer nests HTML elements more than 200 deep; shown as HTML "
        "source",
    ]
    first, second = result.decks[0].notes
    assert "<code>24\n- 25\n</code>" in first.answer  # as written, minus its indent
    assert second.answer.startswith('<pre class="too-deep">&lt;div&gt;')


def test_an_svg_with_long_runs_of_spaces_is_checked_in_linear_time(tmp_path: Path) -> None:
    # the scheme check once took cubic time on "href=" or "url(" followed by spaces, and
    # the tag scan quadratic on a run of "<a"
    root = tmp_path / "content"
    root.mkdir()
    (root / "note.md").write_text("## What?\n\n![a figure](a.svg)\n", encoding="utf-8")
    spaces = " " * 200_000
    (root / "a.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><a href={spaces}x></a>'
        f"<style>p {{ background: url({spaces}y) }}</style>{'<a' * 100_000}</svg>",
        encoding="utf-8",
    )
    result = build(BuildOptions(paths=(root,), out=tmp_path / "decks", timestamp=0))
    assert result.diagnostics.error_count == 0
    assert result.cards == 1
