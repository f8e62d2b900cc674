"""Parsing: chapters, questions and answers from markdown-it's token stream."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ankipress.diagnostics import Diagnostics
from ankipress.notes.discover import discover
from ankipress.notes.parse import parse_book
from ankipress.records import Book
from tests.conftest import CONTENT


def outline(book: Book) -> dict[str, Any]:
    """A parsed book as plain data, for snapshots and comparisons."""
    return {
        "key": book.key,
        "title": book.title,
        "chapters": [
            {
                "number": c.number,
                "title": c.title,
                "heading": c.heading,
                "line": c.line,
                "questions": [
                    (q.line, q.shape, q.text, q.section, q.answer_lines) for q in c.questions
                ],
            }
            for c in book.chapters
        ],
    }


def parse(text: str, tmp_path: Path, name: str = "book.md") -> tuple[Book | None, list[str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, cwd=tmp_path)


def parse_file(path: Path, cwd: Path) -> tuple[Book | None, list[str]]:
    (source,) = discover([path], cwd=cwd)
    diagnostics = Diagnostics()
    book = parse_book(source, source.path.read_text(encoding="utf-8"), diagnostics)
    return book, [str(d) for d in diagnostics.sorted()]


@pytest.mark.parametrize(
    "name", ["000_dd163bf4bc3bd76c", "001_f52ab0e9e5bcac3a", "002_21b532080459c8e8"]
)
def test_seed_outlines(name: str, snapshot) -> None:
    book, diagnostics = parse_file(CONTENT / f"{name}.md", cwd=CONTENT.parent)
    assert book is not None
    assert outline(book) == snapshot
    assert diagnostics == []


def test_heading_in_fenced_code_is_not_a_chapter(tmp_path: Path) -> None:
    book, _ = parse(
        '## 第一章 One\n\n<h2 id="q">1.Q?</h2>\n\n```md\n## 第二章 Not a chapter\n'
        '<h2 id="x">2.Not a question</h2>\n```\n',
        tmp_path,
    )
    assert book is not None
    assert [(c.number, [q.text for q in c.questions]) for c in book.chapters] == [(1, ["Q?"])]
    assert book.chapters[0].questions[0].answer_lines == (5, 8)


def test_malformed_closing_tag_and_wrong_numbers(tmp_path: Path) -> None:
    book, _ = parse(
        '## 第一章 A\n\n<h2 id="1">1.First?</h2\n\nOne.\n\n<h2 id="2">1.Second?</h2>\n\nTwo.\n\n'
        '<h2 id="9">7.Third?</h2>\n\nThree.\n',
        tmp_path,
    )
    assert book is not None
    assert [(q.line, q.text) for q in book.chapters[0].questions] == [
        (3, "First?"),
        (7, "Second?"),
        (11, "Third?"),
    ]


def test_text_right_after_the_question_tag_is_its_answer(tmp_path: Path) -> None:
    book, _ = parse('<h2 id="1">1.Q?</h2>\nanswer on the next line\n', tmp_path)
    assert book is not None
    (question,) = book.chapters[0].questions
    assert question.answer_lines == (2, 2)


def test_headings_inside_an_answer_stay_in_it(tmp_path: Path) -> None:
    book, _ = parse(
        '## 第一章 A\n\n<h2 id="1">1.Q?</h2>\n\nIntro.\n\n## 核心特点\n\n- point\n\n'
        "## 第二章 B\n\nnot an answer\n",
        tmp_path,
    )
    assert book is not None
    assert book.chapters[0].questions[0].answer_lines == (5, 9)


def test_toc_is_not_content_and_body_heading_repeats_the_chapter(tmp_path: Path) -> None:
    text = (
        "# 目录\n\n## 第一章 基础\n\n- [1.Q一](#1.Q一)\n- [2.Q二](2.Q二)\n\n---\n\n"
        '## 第一章 基础正文\n\n<h2 id="1.Q一">1.Q一</h2>\n\nA.\n\n---\n\n'
        "## 第二章 Chapter two\n\nprose before any question\n"
    )
    book, diagnostics = parse(text, tmp_path)
    assert book is not None
    assert outline(book)["chapters"] == [
        {
            "number": 1,
            "title": "基础",
            "heading": "第一章 基础",
            "line": 10,
            "questions": [(12, "h2", "Q一", "", (14, 14))],
        },
        {
            "number": 2,
            "title": "Chapter two",
            "heading": "第二章 Chapter two",
            "line": 18,
            "questions": [(18, "topic", "Chapter two", "", (20, 20))],  # its prose: a topic card
        },
    ]
    assert diagnostics == []


def test_empty_answers_and_rules_are_not_content(tmp_path: Path) -> None:
    book, _ = parse(
        '<h2 id="1">1.Empty?</h2>\n\n---\n\n<!-- todo -->\n\n<h2>2.Full?</h2>\n\nYes\n', tmp_path
    )
    assert book is not None
    assert [q.answered for q in book.chapters[0].questions] == [False, True]


def test_english_chapters_and_number_order(tmp_path: Path) -> None:
    book, _ = parse(
        "## Chapter 10: Late\n\n<h2>Q10?</h2>\n\nA\n\n## Chapter 2 - Early\n\n<h2>Q2?</h2>\n\nB\n",
        tmp_path,
    )
    assert book is not None
    assert [(c.number, c.title) for c in book.chapters] == [(2, "Early"), (10, "Late")]


@pytest.mark.parametrize(
    ("text", "key", "title"),
    [
        ("---\ntitle: My Title\nid: vision\n---\n# Heading\n", "vision", "My Title"),
        ("# Lone Title\n\n## 第一章 A\n", "book", "Lone Title"),
        ("# 目录\n\n## 第一章 A\n", "book", "book"),
        ("# One\n\n# Two\n", "book", "book"),
    ],
)
def test_book_key_and_title(tmp_path: Path, text: str, key: str, title: str) -> None:
    book, _ = parse(text, tmp_path)
    assert book is not None
    assert (book.key, book.title) == (key, title)


def test_bad_front_matter_is_an_error_with_its_line(tmp_path: Path) -> None:
    book, diagnostics = parse("---\ntitle: ok\nid: [unclosed\n---\n# x\n", tmp_path)
    assert book is None
    assert diagnostics == [
        "book.md:3: error[config]: invalid YAML in front matter: "
        "expected ',' or ']', but got '<stream end>'"
    ]
