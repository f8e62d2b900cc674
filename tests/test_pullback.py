"""An edit made in Anki, carried back into the markdown it was rendered from
(``notes.pullback``): the field as built, and as Anki holds it after the edit, both
rendered by the real renderer from the source before and after the edit a user would
make by hand; the edits found must turn the one source into the other, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from ankipress.notes.pullback import apply_edits, source_edits
from tests.rendering import render


def _answers(text: str, folder: Path) -> dict[str, str]:
    """Each question's Answer field, as the build renders it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "book.md").write_bytes(text.encode("utf-8"))
    notes, _ = render(folder)
    return {note.question: note.answer for note in notes}


def _pulled(before: str, edited: str, tmp_path: Path) -> tuple[str, list]:
    """``before`` with what changed in each answer from ``before`` to ``edited`` (as Anki
    would hold it) carried back; and what could not be."""
    old, new = _answers(before, tmp_path / "before"), _answers(edited, tmp_path / "edited")
    text, rejected = before, []
    for question, answer in old.items():
        if new[question] != answer:
            edits, refused = source_edits(text, (0, len(text)), answer, new[question])
            text = apply_edits(text, edits)
            rejected += refused
    return text, rejected


CASES = {
    "a comma deleted before a space": (
        "## Q?\n\nIt is foo, bar.\n",
        "## Q?\n\nIt is foo bar.\n",
    ),
    "a word deleted after a bracket": (
        "## Q?\n\nIt is (foo bar).\n",
        "## Q?\n\nIt is (bar).\n",
    ),
    "a word of the first of two like phrases": (
        "## Q?\n\nred fox\nred fox\n",
        "## Q?\n\nred cat\nred fox\n",
    ),
    "a word met twice, the one starting a line": (
        "## Q?\n\nThe unit of a\ncell wall and a cell.\n",
        "## Q?\n\nThe unit of a\nbody wall and a cell.\n",
    ),
    "a word deleted before a line break": (
        "## Q?\n\nIt is really\n  fast indeed.\n",
        "## Q?\n\nIt is\n  fast indeed.\n",
    ),
    "a word inserted at a line break": (
        "## Q?\n\nIt is\n  fast indeed.\n",
        "## Q?\n\nIt is very\n  fast indeed.\n",
    ),
    "a typo in a paragraph": (
        "## What is a cell?\n\nTeh unit of life, in every\nliving thing.\n",
        "## What is a cell?\n\nThe unit of life, in every\nliving thing.\n",
    ),
    "a word in a nested list item": (
        "## What are the layers?\n\n- Network\n  - IP routes pakcets\n  - ICMP reports\n",
        "## What are the layers?\n\n- Network\n  - IP routes packets\n  - ICMP reports\n",
    ),
    "a number inside $...$": (
        "## What is the area?\n\nIt is $\\pi r^2$ for a circle.\n",
        "## What is the area?\n\nIt is $\\pi r^3$ for a circle.\n",
    ),
    "a number inside $$...$$": (
        "## What is the sum?\n\n$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{3}\n$$\n",
        "## What is the sum?\n\n$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}\n$$\n",
    ),
    "text in bold and in a link": (
        "## Why?\n\nIt is **vrey** fast, see [the paper](https://x.org/a).\n",
        "## Why?\n\nIt is **very** fast, see [the first paper](https://x.org/a).\n",
    ),
    "a table cell": (
        "## Which ports?\n\n| service | port |\n|---|---|\n| https | 433 |\n| dns | 53 |\n",
        "## Which ports?\n\n| service | port |\n|---|---|\n| https | 443 |\n| dns | 53 |\n",
    ),
    "a Chinese answer": (
        "## 什么是过拟合？\n\n模型在训练集上表现好，在测试集上表现查。\n",
        "## 什么是过拟合？\n\n模型在训练集上表现好，在测试集上表现差。\n",
    ),
    "a CRLF file": (
        "## What is DNS?\r\n\r\nIt maps names to adresses.\r\n",
        "## What is DNS?\r\n\r\nIt maps names to addresses.\r\n",
    ),
    "a word added and one taken out": (
        "## What is TCP?\n\nA reliable stream protocol over over IP.\n",
        "## What is TCP?\n\nA reliable, ordered stream protocol over IP.\n",
    ),
    "two notes edited in one file": (
        "## What is A?\n\nAlpha is frist.\n\n## What is B?\n\nBeta is secnod.\n",
        "## What is A?\n\nAlpha is first.\n\n## What is B?\n\nBeta is second.\n",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_an_edit_in_anki_comes_back_byte_for_byte(case: str, tmp_path: Path) -> None:
    before, edited = CASES[case]
    pulled, rejected = _pulled(before, edited, tmp_path)
    assert rejected == []
    assert pulled == edited


def test_a_change_whose_words_are_in_the_note_twice_alike_is_rejected(tmp_path: Path) -> None:
    before = "## What?\n\nIt is 5.\n\n<!-- It is 5. -->\n"  # (a comment: on no card)
    edited = "## What?\n\nIt is 6.\n\n<!-- It is 5. -->\n"
    pulled, rejected = _pulled(before, edited, tmp_path)
    assert pulled == before
    assert [(r.before, r.after) for r in rejected] == [("5", "6")]
    assert rejected[0].why == "its words are in the note more than once"


def test_a_change_across_markup_is_rejected(tmp_path: Path) -> None:
    """Words joined in the card that markup splits in the source are not guessed at."""
    before = "## What?\n\nIt is **very** fast.\n"
    old = _answers(before, tmp_path)["What?"]
    edits, rejected = source_edits(before, (0, len(before)), old, "<p>It is quite fast.</p>")
    assert [(e.start, e.end, e.text) for e in edits] == [
        (before.index("very"), before.index("very") + 4, "quite")
    ]
    assert rejected == []  # (the caller renders it again: "**quite**" is not what Anki holds)
    edits, rejected = source_edits(before, (0, len(before)), old, "<p>It is veryfast.</p>")
    assert edits == [] and rejected[0].why.startswith("its words are not in the note")


def test_only_the_notes_own_lines_are_looked_at() -> None:
    text = "## A?\n\nSame words here.\n\n## B?\n\nSame words here.\n"
    second = text.rindex("Same")
    edits, rejected = source_edits(
        text, (second, len(text)), "<p>Same words here.</p>", "<p>Same word here.</p>"
    )
    assert rejected == []
    assert apply_edits(text, edits) == "## A?\n\nSame words here.\n\n## B?\n\nSame word here.\n"


def test_the_same_words_twice_in_an_answer_are_told_apart_by_the_words_around() -> None:
    text = "## What?\n\nIt is 5. It is 5.\n"
    edits, rejected = source_edits(
        text, (0, len(text)), "<p>It is 5. It is 5.</p>", "<p>It is 5. It is 6.</p>"
    )
    assert rejected == []
    assert apply_edits(text, edits) == "## What?\n\nIt is 5. It is 6.\n"
