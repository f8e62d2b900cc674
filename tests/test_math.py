"""``$`` math read as pandoc reads it, and ``$$`` blocks holding blank lines, checked on the
cards real Anki imports."""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

from ankipress.diagnostics import Diagnostics
from ankipress.notes.parse import parse_book
from ankipress.records import SourceFile
from tests.test_editors import build_in_anki


def test_a_digit_may_precede_the_opening_dollar(run_cli, write_tree, tmp_path: Path) -> None:
    built = build_in_anki(
        run_cli,
        write_tree,
        tmp_path,
        {
            "book.md": "<h2>1.How much of a normal lies within?</h2>\n\n"
            "About 68% within ±1$\\sigma$、95% within ±2$\\sigma$.\n\n"
            "It costs $5 and $10 today.\n\n"
            "Not math: a $n$2 ratio.\n"
        },
    )
    answer = built.answers["How much of a normal lies within?"]
    assert (
        '<p>About 68% within ±1<span class="math inline">\\(\\sigma\\)</span>、95% within '
        '±2<span class="math inline">\\(\\sigma\\)</span>.</p>' in answer
    )
    assert "<p>It costs $5 and $10 today.</p>" in answer
    assert "<p>Not math: a $n$2 ratio.</p>" in answer  # a closing $ before a digit: text
    assert answer.count("math inline") == 2
    assert built.warnings == []


def test_a_display_block_may_hold_blank_lines(run_cli, write_tree, tmp_path: Path) -> None:
    built = build_in_anki(
        run_cli,
        write_tree,
        tmp_path,
        {
            "book.md": "<h2>1.What is the loss?</h2>\n\n$$\n\\begin{aligned}\n"
            "L\\_{total} &= L\\_{cls} + \\lambda L\\_{box} \\\\\n\n"
            "&= L\\_{cls} + \\lambda \\lVert b - \\hat{b} \\rVert_1\n\\end{aligned}\n$$\n\n"
            "after the block\n\n"
            "<h2>2.Does a stray $$ swallow what follows?</h2>\n\n$$ x + y\n\nplain text\n\n"
            "## A heading\n\n$$\n\n<h2>3.Is the next question still one?</h2>\n\nYes.\n"
        },
    )
    answer = built.answers["What is the loss?"]
    assert answer.count('<div class="math block">') == 1
    assert (
        "\\[\\begin{aligned}\nL\\_{total} &amp;= L\\_{cls} + \\lambda L\\_{box} \\\\\n\n"
        "&amp;= L\\_{cls}" in answer
    )
    assert "<p>after the block</p>" in answer
    stray = built.answers["Does a stray $$ swallow what follows?"]
    assert "<p>$$ x + y</p>" in stray and "<p>plain text</p>" in stray
    assert "math" not in stray
    assert built.answers["Is the next question still one?"] == "<p>Yes.</p>"


def _calls_to_read(openings: int) -> int:
    """The function calls (Python's and C's) reading a book of ``openings``
    blank-line-separated ``$$`` openings with no closing line takes: a count of the work,
    the same on every run and machine."""
    text = "<h2>1.Many?</h2>\n\n" + "$$ a\n\n" * openings + "end\n"
    source = SourceFile(Path("t.md"), Path("."), PurePosixPath("t.md"), "t.md")
    calls = 0

    def count(_frame: object, event: str, _arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        book = parse_book(source, text, Diagnostics())
    finally:
        sys.setprofile(None)
    assert book is not None
    return calls


def test_unclosed_display_math_stays_linear(run_cli, write_tree, tmp_path: Path) -> None:
    """Blank-line-separated ``$$`` openings with no closing line: each one is text at once.
    A scan to the end of the file from each (20,000 took minutes) makes the work grow as the
    square of their number: four times as many openings, sixteen times the calls."""
    _calls_to_read(10)  # (what is made once per process, made)
    small, large = _calls_to_read(1_000), _calls_to_read(4_000)
    assert large < 4.5 * small, (small, large)
    built = build_in_anki(
        run_cli, write_tree, tmp_path, {"book.md": "<h2>1.Many?</h2>\n\n" + "$$ a\n\n" * 2_000}
    )
    answer = built.answers["Many?"]
    assert answer.count("<p>$$ a</p>") == 2_000 and "math" not in answer


def test_a_runaway_display_block_is_reported(run_cli, write_tree, tmp_path: Path) -> None:
    """A `$$` left unclosed pairs with the next block's opening one and takes the text
    between: not silently."""
    root = write_tree(
        {
            "book.md": "## What is the loss?\n\n$$\nL = a + b\n\n"
            "This explains how the loss is built from its parts.\n\n$$\nx = y\n$$\n\n"
            "## What is the aligned sum?\n\n$$\n\\begin{aligned}\na &= b \\\\\n\n&= c\n"
            "\\end{aligned}\n$$\n"
        }
    )
    result = run_cli("check", str(root), cwd=tmp_path)
    assert result.stderr.splitlines() == [
        "content/book.md:3: warning[math]: display math runs to line 8 across blank lines and "
        "text; "
        "close its $$"
    ]


def test_mathjax_commands_that_link_load_or_style_are_taken_out(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Issue 17, case 6: \\href ran on a click and \\style fetched a URL in Anki's MathJax."""
    built = build_in_anki(
        run_cli,
        write_tree,
        tmp_path,
        {
            "book.md": "<h2>1.What is f?</h2>\n\n"
            "$\\href{javascript:alert(1)}{x} + \\style{background:url(https://e.org/t.png)}{y}$\n"
        },
    )
    answer = built.answers["What is f?"]
    assert "\\href" not in answer and "\\style" not in answer
    assert "{javascript:alert(1)}{x}" in answer  # the arguments stay, as plain groups
    assert built.warnings == [
        "content/book.md:3: warning[math]: MathJax command \\href, \\style taken out of the card "
        "(in "
        "code, made inert): math links, loads or styles nothing"
    ]


def test_mathjax_commands_are_taken_out_of_math_written_as_text(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Anki's MathJax typesets \\( \\) in any text, not only what came from $...$."""
    built = build_in_anki(
        run_cli,
        write_tree,
        tmp_path,
        {
            "book.md": "## What is \\\\(\\href{javascript:alert(2)}{y}\\\\)?\n\n"
            "X \\\\(\\href{javascript:alert(1)}{two}\\\\) and \\\\[\\style{color:red}{z}\\\\]\n"
        },
    )
    ((question, answer),) = built.answers.items()
    assert "\\href" not in question and "\\href" not in answer and "\\style" not in answer
