"""Generated notes, shared by the tests and the benchmarks: a question in each note shape,
and pathological notes at a chosen size, the inputs the build must survive (the tests
check the build finishes and says what it did; ``bench/pathological.py`` times them at
growing sizes to show the cost is linear).
"""

from __future__ import annotations

from collections.abc import Callable

SHAPES = ("h2", "details", "q", "term")


def question_note(shape: str, number: int, asked: str, answer: str) -> str:
    """``asked``, numbered ``number``, with ``answer`` (markdown), as a note of ``shape``."""
    if shape == "h2":
        return f'<h2 id="q{number}">{number}.{asked}</h2>\n\n{answer}\n'
    if shape == "details":
        return f"<details><summary>{asked}</summary>\n\n{answer}\n\n</details>\n"
    if shape == "q":
        return f"**Q：{asked}**\n\n{answer}\n"
    body = "\n".join(("  " + line) if line.strip() else "" for line in answer.splitlines())
    return f"- **{asked}**\n{body}\n"


_Q = '<h2 id="q">1.Q?</h2>\n\n'


def _long_line(n: int) -> str:
    return _Q + "文字 word " * (n // 8) + "\n"


def _indented_lists(n: int) -> str:
    depth = int((2 * n) ** 0.5 / 2)  # the file grows with the square of the depth
    return _Q + "".join("  " * i + f"- item {i}\n" for i in range(depth)) + "\nafter\n"


def _inline_lists(n: int) -> str:
    return _Q + "- " * (n // 2) + "x\n\n<h2>2.Next?</h2>\n\nafter\n"


def _quotes(n: int) -> str:
    return _Q + ">" * n + " deep\n\nafter\n"


def _brackets(n: int) -> str:
    return _Q + "[" * n + "\n"


def _dollars(n: int) -> str:
    return _Q + "$" * n + "\n"


def _unclosed_details(n: int) -> str:
    return "<details><summary>Q?</summary>\n\n" + "line text\n\n" * (n // 11)


def _unclosed_math(n: int) -> str:
    return _Q + "$$\n" + "x + y\n" * (n // 6)


def _questions(n: int) -> str:
    count = n // 60
    return "".join(
        f'<h2 id="q{i}">{i}.Question {i}?</h2>\n\nAnswer $x_{{{i}}}$.\n\n' for i in range(count)
    )


def _chained_details(n: int) -> str:
    count = n // 45
    return "".join(f"<details><summary>Q{i}?</summary>A{i}</details>\n" for i in range(count))


def _nested_html(n: int) -> str:
    return _Q + "<div>" * (n // 11) + "x" + "</div>" * (n // 11) + "\n"


def _spaced_table_rule(n: int) -> str:
    intro = "".join(f"Line {i} of the introduction.\n\n" for i in range(10))
    return f"# Notes\n\n{intro}| --- | ---{' ' * n}x\n\n## What is it?\n\nThis.\n"


def _spaced_html_line(n: int) -> str:
    return f"## What is it?\n\n<div>{' ' * n}<img src=x.png></div>\n## Next?\n\nThat.\n"


def _asides(n: int) -> str:
    return "## Steps\n\nCheck " + "(DNS?)" * (n // 6) + "\n"


def _spaced_marker(n: int) -> str:
    return "# T\n\n## What?\n\nA" + " " * n + "x\n"


def _spaced_anchor(n: int) -> str:
    return "## What?\n\n<a name=" + " " * n + "x\n"


def _spaced_heading(n: int) -> str:
    return "## 1. What?" + " " * n + "x\n\nIt.\n"


def _spaced_bold(n: int) -> str:
    return "## What?\n\n**a**" + " " * n + "x\n"


# name -> (note of about n characters, n for the tests)
CASES: dict[str, tuple[Callable[[int], str], int]] = {
    "1 MB line": (_long_line, 1_000_000),
    "list nested 700 deep, indented": (_indented_lists, 1_000_000),
    "list nested 5,000 deep, one line": (_inline_lists, 10_000),
    "quote nested 5,000 deep": (_quotes, 5_000),
    "50k [": (_brackets, 50_000),
    "40k $": (_dollars, 40_000),
    "unclosed <details>": (_unclosed_details, 500_000),
    "unclosed $$": (_unclosed_math, 500_000),
    "20k questions": (_questions, 1_200_000),
    "5k <details> in one HTML block": (_chained_details, 225_000),
    "HTML nested 20k deep": (_nested_html, 220_000),
    "a table rule then 200k spaces": (_spaced_table_rule, 200_000),
    "a line of HTML with 200k spaces": (_spaced_html_line, 200_000),
    "a line of 20k asides": (_asides, 120_000),
    "A then 200k spaces": (_spaced_marker, 200_000),
    "<a name= then 100k spaces": (_spaced_anchor, 100_000),
    "## 1. What? then 100k spaces": (_spaced_heading, 100_000),
    "**a** then 100k spaces": (_spaced_bold, 100_000),
}
