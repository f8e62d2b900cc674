"""Every answer the seeds hold (of their ``<h2>``, ``<details>`` and ``**Q：**`` questions),
placed under each question shape, gives exactly one card per question written: an answer
keeps its headings, lists of terms and bold lines, whatever shape asks it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from ankipress.diagnostics import Diagnostics
from ankipress.notes.blocks import source_lines
from ankipress.notes.parse import parse_book
from ankipress.records import SourceFile
from bench.corpus import question_of, seed_answers
from tests.conftest import REPO
from tests.hostile import SHAPES

ANSWERS = seed_answers(REPO / "content")


@pytest.mark.parametrize("shape", SHAPES)
def test_one_card_per_question_written(shape: str) -> None:
    assert len(ANSWERS) >= 60
    parts = ["# 面试笔记\n", "## 第1章 专题\n"]
    parts += [question_of(shape, 1, 1, n + 1, answer) for n, answer in enumerate(ANSWERS)]
    source = SourceFile(Path("t.md"), Path("."), PurePosixPath("t.md"), "t.md")
    text = "\n".join(parts)
    book = parse_book(source, text, Diagnostics())
    assert book is not None
    questions = [q for chapter in book.chapters for q in chapter.questions]
    written = [
        f"第1册第1章问题{n + 1}：这个模型的原理是什么（1.1.{n + 1}）？" for n in range(len(ANSWERS))
    ]
    assert [q.text for q in questions] == written
    assert all(q.answered for q in questions)
    # Each question's answer is the seed's, every line of it and nothing more (a shape may
    # indent it, as a list of terms does)
    lines = source_lines(text)
    answers = []
    for question in questions:
        assert question.answer_lines is not None and question.answer
        first, last = question.answer_lines
        answers.append([line.strip() for line in lines[first - 1 : last] if line.strip()])
    assert answers == [[line.strip() for line in a.splitlines() if line.strip()] for a in ANSWERS]
