"""An answer whose lines the whole file's parse already made into blocks reuses them instead
of being parsed alone: the cards must be exactly those the parse of its own would give."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankipress.notes.fileblocks import FileBlocks
from tests.hostile import question_note
from tests.rendering import render

# Lines that end, open or bend blocks where the answer starts or stops.
LINES = st.sampled_from(
    [
        "",
        "",
        "正文一行",
        "  缩进两格",
        "    缩进四格",
        "\t制表符缩进",
        " 1. 缩进一格的列表",
        "- 列表项",
        "  - 子项",
        "2. 从二开始",
        "> 引用",
        "```",
        "~~~python",
        "---",
        "===",
        "# 标题",
        "<div>",
        "</div>",
        "<custom-tag>",
        "<!-- 注释 -->",
        "</details>",
        "<details><summary>里面的问题？</summary>",
        "[ref]: /target",
        "见 [ref] 与 $x^2$",
        "$$",
        "| a | b |",
        "|---|---|",
        "**加粗**：",
    ]
)
ANSWERS = st.lists(LINES, min_size=1, max_size=8).map("\n".join)


@st.composite
def files(draw: st.DrawFn) -> str:
    parts = ["# 复用测试\n", "## 第1章 details\n"]
    for number in range(1, draw(st.integers(1, 3)) + 1):
        shape = draw(st.sampled_from(["details", "term", "h2"]))
        parts.append(question_note(shape, number, f"问题{number}是什么？", draw(ANSWERS)))
    return "\n".join(parts)


def _fields(text: str) -> tuple[list[list[str]], list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "content")
        root.mkdir()
        (root / "book.md").write_text(text, encoding="utf-8")
        notes, diagnostics = render(root)
    return [n.fields for n in notes], diagnostics


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files())
def test_reused_blocks_give_the_cards_a_parse_of_their_own_gives(text: str) -> None:
    reused = _fields(text)
    with mock.patch.object(FileBlocks, "filling", lambda *_: None):
        parsed_alone = _fields(text)
    assert reused == parsed_alone, text


def test_a_tab_keeps_its_width_in_a_term_body(tmp_path: Path) -> None:
    """A term's body is dedented by two columns. ``2.`` after two spaces and a tab is at
    column 4: outside item 1 (content at column 5), so a second item, as CommonMark has
    it, not text of the first (the tab must not widen to four columns once dedented)."""
    root = tmp_path / "content"
    root.mkdir()
    body = "  1. 第一项\n  \t   续行\n  \t2. 第二项\n"
    (root / "book.md").write_text(f"- **术语是什么？**\n{body}", encoding="utf-8")
    (note,), _ = render(root)
    assert note.answer == "<ol>\n<li>第一项\n续行</li>\n<li>第二项</li>\n</ol>"
