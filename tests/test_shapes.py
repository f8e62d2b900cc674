"""Each note shape, mixed shapes in one file, settings, and coverage, on small files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ankipress.notes.markdown import markdown
from ankipress.records import Book
from tests.conftest import CONTENT
from tests.test_parse import outline, parse, parse_file


def cards(book: Book | None) -> list[tuple[str, str, str]]:
    """(chapter title, question, shape) of every answered question."""
    assert book is not None
    return [(c.title, q.text, q.shape) for c in book.chapters for q in c.questions if q.answered]


@pytest.mark.parametrize("name", ["003_01c1f62bfc1d3243", "004_f9a1bf275696cc07"])
def test_seed_outlines_of_other_shapes(name: str, snapshot) -> None:
    book, diagnostics = parse_file(CONTENT / f"{name}.md", cwd=CONTENT.parent)
    assert book is not None
    assert outline(book) == snapshot
    assert book.coverage.gaps == ()
    assert diagnostics == []


def test_details_with_tab_indented_answer_on_the_next_line(tmp_path: Path) -> None:
    text = (
        "<details>\n  <summary><strong>1. 为什么？</strong></summary>\n"
        "\t1. 第一\n\t   续行\n\t2. 第二\n</details>\n"
    )
    book, diagnostics = parse(text, tmp_path)
    assert cards(book) == [("", "为什么？", "details")]
    assert book is not None
    question = book.chapters[0].questions[0]
    assert (question.line, question.answer_lines) == (2, (3, 5))
    html = markdown().renderer.render(list(question.answer), markdown().options, {})
    assert html == "<ol>\n<li>第一\n续行</li>\n<li>第二</li>\n</ol>\n"
    assert diagnostics == []


def test_text_after_a_closing_details_tag_is_parsed_again(tmp_path: Path) -> None:
    text = (
        "### 1.1 Part\n\n<details>\n<summary>Q1?</summary>\nA1\n</details>\n"
        "1.1.2 Group：\n<details>\n<summary>Q2?</summary>\nA2\n</details> tail text\n"
    )
    book, diagnostics = parse(text, tmp_path)
    assert book is not None
    assert [(q.text, q.section, q.answer_lines) for q in book.chapters[0].questions] == [
        ("Q1?", "", (5, 5)),
        ("Group", "", (11, 11)),  # the tail is prose under the label: a topic card
        ("Q2?", "1.1.2 Group", (10, 10)),
    ]
    assert diagnostics == []


def test_unclosed_details_runs_to_the_next_heading(tmp_path: Path) -> None:
    text = "# A\n\n<details><summary>Q?</summary>\n\nanswer\n\n# B\n\nprose\n"
    book, diagnostics = parse(text, tmp_path)
    assert cards(book) == [("A", "Q?", "details"), ("B", "B", "topic")]
    assert diagnostics == [
        "book.md:3: warning[details]: <details> is never closed; its answer runs to line 6"
    ]


def test_q_paragraphs_answer_up_to_the_next_question_or_heading(tmp_path: Path) -> None:
    text = (
        "# Diffusion\n\n## Questions\n\n**Q： 采样方式?**\n\n- DDPM\n\n**Q: Second?**\n"
        "answer on the next line\n\n## After\n\nnot an answer\n"
    )
    book, _ = parse(text, tmp_path)
    assert book is not None
    assert book.title == "Diffusion"  # a lone top heading titles the file
    assert [
        (c.title, q.text, q.shape, q.answer_lines) for c in book.chapters for q in c.questions
    ] == [
        ("Questions", "采样方式?", "q", (7, 7)),
        ("Questions", "Second?", "q", (10, 10)),
        ("After", "After", "topic", (14, 14)),
    ]


def test_term_lists_bold_and_plain(tmp_path: Path) -> None:
    text = (
        "# 基础\n\n- **梯度爆炸**\n\n    解决方法：\n\n    - 梯度剪切\n\n"
        "- **Q: qkv怎么相互作用**\n\n    q叉乘k\n\n"
        '<div align=center>\n <img src="x.png">\n</div>\n\n'
        "**小结**\n\nsummary prose\n\n"
        "1.2.8 微调篇：\n\n- Lora：\n\n\t低秩展开\n\n- 有没有优化？\n  Locon\n\n"
        "## Other\n\n- a plain item\n- another: with text\n"
    )
    book, _ = parse(text, tmp_path)
    assert book is not None
    assert [
        (q.text, q.shape, q.section, q.answer_lines) for c in book.chapters for q in c.questions
    ] == [
        ("基础", "topic", "", (17, 19)),  # a bold line ends what the last term takes
        ("梯度爆炸", "term", "", (5, 7)),
        ("qkv怎么相互作用", "term", "", (11, 15)),  # the figure after the item joins it
        ("Lora", "term", "1.2.8 微调篇", (25, 25)),
        ("有没有优化？", "term", "1.2.8 微调篇", (28, 28)),
        ("Other", "topic", "", (32, 33)),  # not every item is a term: an ordinary list
    ]


def test_term_lists_inside_an_h2_answer_stay_in_it(tmp_path: Path) -> None:
    text = '<h2 id="q">1.Q?</h2>\n\n- **AE 适用场景**\n  - 降维\n\n**Q： not a question**\n'
    book, _ = parse(text, tmp_path)
    assert cards(book) == [("", "Q?", "h2")]
    assert book is not None
    assert book.chapters[0].questions[0].answer_lines == (3, 6)


def test_mixed_shapes_in_one_file(tmp_path: Path) -> None:
    text = (
        "# Title\n\nIntro of the book.\n\n## 第一章 Mixed\n\n"
        '<h2 id="1">1.H2 question?</h2>\n\nH2 answer.\n\n'
        "<details><summary>Details question?</summary>\nDetails answer.\n</details>\n\n"
        "**Q： Bold question?**\n\nBold answer.\n\n"
        "### Terms\n\n- **Term**\n  Term answer.\n"
    )
    book, diagnostics = parse(text, tmp_path)
    assert [(c, q, s) for c, q, s in cards(book)] == [  # "Intro of the book." introduces it
        ("Mixed", "H2 question?", "h2"),
        ("Mixed", "Details question?", "details"),
        ("Mixed", "Bold question?", "q"),  # its answer holds "### Terms" and its list
    ]
    assert book is not None and book.coverage.uncovered == 0
    assert book.coverage.introductions == ((3, 3),)
    assert diagnostics == []


def test_chapters_are_the_top_heading_level(tmp_path: Path) -> None:
    text = (
        "### 1.1 写在前面\n\n<details><summary>Q?</summary>\nA\n</details>\n\n"
        "### 1.2 原理篇\n\nintro\n"
    )
    book, _ = parse(text, tmp_path)
    assert book is not None
    assert [(c.number, c.title, c.heading, c.key) for c in book.chapters] == [
        (1, "写在前面", "1.1 写在前面", "title:写在前面"),
        (2, "原理篇", "1.2 原理篇", "title:原理篇"),
    ]


def test_not_content_style_badge_rule_and_toc(tmp_path: Path) -> None:
    text = (
        "<style>\n.label { color: red; }\n</style>\n\n"
        "[![GitHub stars](https://img.shields.io/github/stars/a/b?style=social)]"
        "(https://github.com/a/b)\n\n---\n\n# 目录\n\n- [One](#one)\n\n# One\n\nText.\n"
    )
    book, _ = parse(text, tmp_path)
    assert cards(book) == [("", "One", "topic")]  # no heading groups questions: one deck
    assert book is not None and book.coverage.prose_lines == 2  # the question and its text


def test_front_matter_settings_override(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Interview\nid: interview\nchapter_level: 2\nshapes: [details, topic]\n"
        "skip_sections: [私人]\ntags: [ml, deep learning]\n---\n"
        "# Part\n\n## Chapter\n\n**Q： Not recognised**\n\nso part of a topic\n\n"
        "## 私人\n\nnever on a card\n"
    )
    book, diagnostics = parse(text, tmp_path)
    assert book is not None
    assert (book.key, book.title, book.tags) == ("interview", "Interview", ("ml", "deep_learning"))
    assert cards(book) == [("Chapter", "Chapter", "topic")]
    assert book.coverage.uncovered == 0
    assert diagnostics == []


def test_topics_off_leaves_prose_uncovered_with_a_reason(tmp_path: Path) -> None:
    book, _ = parse("---\nshapes: [h2]\n---\n# A\n\nloose\nprose\n\nmore\n", tmp_path)
    assert book is not None
    assert [(g.first, g.last, g.why) for g in book.coverage.gaps] == [
        (6, 9, "text outside any question")
    ]


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        (
            "title: [oops",
            "book.md:2: error[config]: invalid YAML in front matter: "
            "expected ',' or ']', but got '<stream end>'",
        ),
        (
            "title: ok\nchapter_level: 9",
            "book.md:3: error[config]: setting 'chapter_level' must be a heading level from 1 to "
            "6, not 9",
        ),
        (
            "shapes: [details, cloze]",
            "book.md:2: error[config]: setting 'shapes' names unknown "
            "shape 'cloze' (known: h2, details, q, term, topic)",
        ),
        ("- a list", "book.md:2: error[config]: front matter must be a mapping of keys to values"),
        ("tags:\n  - {a: 1}", "book.md:2: error[config]: setting 'tags' must be a list of text"),
    ],
)
def test_bad_settings_are_errors_with_their_line(
    tmp_path: Path, front_matter: str, message: str
) -> None:
    book, diagnostics = parse(f"---\n{front_matter}\n---\n# x\n", tmp_path)
    assert book is None
    assert diagnostics == [message]


def test_a_mistyped_setting_is_a_warning_and_an_editors_key_is_not(tmp_path: Path) -> None:
    text = "---\ntitle: T\ncolour: red\nchapter_lvl: 2\n---\n## What is x?\n\ntext\n"
    book, diagnostics = parse(text, tmp_path)
    assert book is not None
    assert diagnostics == [
        "book.md:4: warning[config]: unknown setting 'chapter_lvl' ignored "
        "(did you mean 'chapter_level'?)"
    ]


def test_cjk_bold_and_indented_prose_render_as_meant() -> None:
    md = markdown()
    assert (
        md.render("**聚合网络(RepVL-PAN)**结构")
        == "<p><strong>聚合网络(RepVL-PAN)</strong>结构</p>\n"
    )
    assert md.render("中文**（括号）**中文") == "<p>中文<strong>（括号）</strong>中文</p>\n"
    assert (
        md.render("a**b**c and **x** y") == "<p>a<strong>b</strong>c and <strong>x</strong> y</p>\n"
    )
    prose = md.render("\t这是一段首行缩进的中文段落，不是代码。\n\n    第二段。\n")
    assert prose == "<p>这是一段首行缩进的中文段落，不是代码。</p>\n<p>第二段。</p>\n"
    code = "    def f(x):\n        return x  # 中文注释中文注释中文注释中文注释\n"
    assert md.render(code).startswith("<pre><code>def f(x):")
    assert md.render("    x = 1\n").startswith("<pre><code>")


def test_line_numbers_follow_markdown_it_line_breaks(tmp_path: Path) -> None:
    text = (
        "# A\r\n\r\nform\x0cfeed and\u2028line separator\r\n\r\n"
        "# B\r\n\r\n**Q： Q?**\r\n\r\nanswer\r\n"
    )
    book, _ = parse(text, tmp_path)
    assert book is not None
    assert [(q.text, q.line, q.answer_lines) for c in book.chapters for q in c.questions] == [
        ("A", 1, (3, 3)),
        ("Q?", 7, (9, 9)),
    ]
    assert book.coverage.gaps == ()
