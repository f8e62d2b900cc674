"""A large corpus made of the seeds' own answers: books x chapters x questions, the chapters
cycling through the note shapes: the four of ``tests/hostile.py`` (``<h2>``, ``<details>``,
``**Q：**``, ``- **term**``), or every shape a reader writes (also heading questions, bold
questions and numbered items), with the seeds' figures as image files."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from ankipress.diagnostics import Diagnostics
from ankipress.notes.blocks import source_lines
from ankipress.notes.discover import discover
from ankipress.notes.parse import parse_book
from ankipress.records import SourceFile
from tests.hostile import SHAPES, question_note


def seed_answers(content: Path) -> list[str]:
    """The markdown of every answer in the seeds, as written, in file order."""
    answers = []
    for source in discover([content]):
        text = source.path.read_text(encoding="utf-8")
        lines = source_lines(text)
        book = parse_book(source, text, Diagnostics())
        for chapter in book.chapters if book else ():
            for question in chapter.questions:
                if question.answer_lines and question.shape in ("h2", "q", "details"):
                    first, last = question.answer_lines
                    body = "\n".join(lines[first - 1 : last]).strip()
                    if body and "<details" not in body and "</details" not in body:
                        answers.append(body)
    return answers


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img[^>]*>")


EVERY_SHAPE = (*SHAPES, "heading", "bold", "item")


def clean_answers(
    content: Path, shapes: tuple[str, ...] = SHAPES, figures: bool = False
) -> list[str]:
    """The seeds' answers that stay one answer in every shape, without warnings (images,
    which the seeds reference but lack, taken out unless ``figures``: then the corpus
    writes them)."""
    kept = []
    for answer in seed_answers(content):
        answer = (answer if figures else _IMAGE.sub("", answer)).strip()
        if answer and all(_stays_one(shape, answer) for shape in shapes):
            kept.append(answer)
    return kept


def _stays_one(shape: str, answer: str) -> bool:
    text = "# T\n\n## 第1章 x\n\n" + question_of(shape, 1, 1, 1, answer)
    diagnostics = Diagnostics()
    source = SourceFile(Path("t.md"), Path("."), PurePosixPath("t.md"), "t.md")
    book = parse_book(source, text, diagnostics)
    questions = [q for c in book.chapters for q in c.questions] if book else []
    wrong = [d for d in diagnostics.sorted() if "not found" not in d.message]  # figures
    return len(questions) == 1 and questions[0].answered and not wrong


def question_of(shape: str, book: int, chapter: int, number: int, answer: str) -> str:
    asked = (
        f"第{book}册第{chapter}章问题{number}：这个模型的原理是什么（{book}.{chapter}.{number}）？"
    )
    if shape == "heading":
        return f"### {number}. {asked}\n\n{answer}\n"
    if shape == "bold":
        return f"**{asked}**\n\n{answer}\n"
    if shape == "item":  # indented to the item's content column, as CommonMark wants
        pad = " " * len(f"{number}. ")
        body = "\n".join((pad + line) if line.strip() else "" for line in answer.splitlines())
        return f"{number}. {asked}\n\n{body}\n"
    return question_note(shape, number, asked, answer)


_FIGURE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)|<img[^>]*\bsrc=[\"']([^\"']+)")
# a 1x1 PNG: what a figure costs the build is reading, hashing and packing a file
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105e9a52d8d0000000049454e44ae426082"
)


def write_corpus(
    out: Path,
    answers: list[str],
    books: int = 40,
    chapters: int = 10,
    questions: int = 50,
    shapes: tuple[str, ...] = SHAPES,
) -> int:
    """Write the books under ``out``, and a file for every figure their answers show;
    the number of questions written."""
    out.mkdir(parents=True, exist_ok=True)
    made = 0
    for b in range(1, books + 1):
        parts = [f"# 面试笔记 第{b}册\n"]
        for c in range(1, chapters + 1):
            shape = shapes[(b + c) % len(shapes)]
            parts.append(f"## 第{c}章 {shape} 专题\n")
            for q in range(1, questions + 1):
                answer = answers[made % len(answers)]
                parts.append(question_of(shape, b, c, q, answer))
                made += 1
        (out / f"book{b:02}.md").write_text("\n".join(parts), encoding="utf-8")
    for answer in answers:
        for found in _FIGURE.finditer(answer):
            target = out / (found[1] or found[2])
            if not target.exists() and target.resolve().is_relative_to(out.resolve()):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(_PNG)
    return made
