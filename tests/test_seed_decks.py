"""The README's first command on the seed notes, checked in the real Anki backend."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.ankitools import AnkiNote, import_packages, match_key, notes, open_collection
from tests.conftest import PYTHON, REPO, copy_project

EXPECTED = json.loads((REPO / "tests/data/seed-cards.json").read_text(encoding="utf-8"))
H2_BOOKS = ["000_dd163bf4bc3bd76c.md", "001_f52ab0e9e5bcac3a.md", "002_21b532080459c8e8.md"]


@pytest.fixture(scope="module")
def seed_build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess, Path]:
    project = copy_project(tmp_path_factory.mktemp("clone"))
    done = subprocess.run(
        [PYTHON, "build_deck.py"], cwd=project, capture_output=True, text=True, check=False
    )
    return done, project


@pytest.fixture(scope="module")
def anki_notes(
    seed_build: tuple[subprocess.CompletedProcess, Path], tmp_path_factory: pytest.TempPathFactory
) -> list[AnkiNote]:
    _, project = seed_build
    col = open_collection(tmp_path_factory.mktemp("anki"))
    log = import_packages(col, sorted((project / "decks").rglob("*.apkg")))
    assert not log.conflicting and not log.duplicate
    found = notes(col)
    col.close()
    return found


def _book_notes(anki_notes: list[AnkiNote], book: str) -> list[AnkiNote]:
    return [n for n in anki_notes if n.fields["Source"].startswith(f"content/{book}:")]


def test_bare_command_builds_content_into_decks(seed_build) -> None:
    done, project = seed_build
    assert done.returncode == 0, done.stderr
    assert "Built 8 decks with 31 cards from 5 files into decks/" in done.stdout
    assert "Skipped 38 unanswered questions:" in done.stdout
    written = sorted(
        p.relative_to(project / "decks").as_posix() for p in (project / "decks").rglob("*.apkg")
    )
    assert written[0] == "000_dd163bf4bc3bd76c/02-DiT核心基础知识高频考点.apkg"
    assert len(written) == 8


@pytest.mark.parametrize("book", H2_BOOKS)
def test_exactly_the_expected_cards(anki_notes: list[AnkiNote], book: str) -> None:
    got = Counter(match_key(n.fields["Question"]) for n in _book_notes(anki_notes, book))
    want = Counter(match_key(q) for q in EXPECTED[book]["answered"])
    assert got == want
    assert not {match_key(q) for q in EXPECTED[book]["unanswered"]} & set(got)


def test_each_expected_card_appears_as_often_as_listed(anki_notes: list[AnkiNote]) -> None:
    listed = Counter(match_key(q) for book in H2_BOOKS for q in EXPECTED[book]["answered"])
    got = Counter(match_key(n.fields["Question"]) for n in anki_notes)
    assert {key: got[key] for key in listed} == dict(listed)


H2_QUESTIONS = {match_key(q) for book in H2_BOOKS for q in EXPECTED[book]["answered"]}
H2_CONTAINS = [q for q in EXPECTED["_contains"] if match_key(q) in H2_QUESTIONS]


@pytest.mark.parametrize("question", H2_CONTAINS)
def test_answers_contain_their_sections(anki_notes: list[AnkiNote], question: str) -> None:
    cards = [n for n in anki_notes if match_key(n.fields["Question"]) == match_key(question)]
    assert cards
    for card in cards:
        for part in EXPECTED["_contains"][question]:
            assert part in card.fields["Answer"]


def _card(anki_notes: list[AnkiNote], book: str, question: str) -> AnkiNote:
    (card,) = [n for n in _book_notes(anki_notes, book) if n.fields["Question"] == question]
    return card


def test_sit_card_holds_its_heading_section_and_list(anki_notes: list[AnkiNote]) -> None:
    answer = _card(anki_notes, H2_BOOKS[0], "介绍一下SiT").fields["Answer"]
    assert "<h2>核心特点</h2>" in answer
    assert "<li>时间离散化策略（连续或离散时间）</li>" in answer
    assert "<strong>解耦的扩散系数</strong>" in answer


def test_lightningdit_card_holds_improvements(anki_notes: list[AnkiNote]) -> None:
    answer = _card(anki_notes, H2_BOOKS[0], "介绍一下LightningDiT").fields["Answer"]
    assert "<h2>改进方案</h2>" in answer
    assert "<li>采用现代Transformer优化：RMSNorm、SwiGLU、旋转位置嵌入(RoPE)</li>" in answer


@pytest.mark.parametrize("book", H2_BOOKS[:2])
def test_vae_card_holds_subsections_and_table(anki_notes: list[AnkiNote], book: str) -> None:
    answer = _card(anki_notes, book, "VAE和AE的区别是什么？").fields["Answer"]
    for heading in (
        "<h3>一、AE 与 VAE 基本概念</h3>",
        "<h4>1. 自编码器（AE）</h4>",
        "<h3>二、核心区别对比</h3>",
        "<h4>三、应用场景与选型建议</h4>",
    ):
        assert heading in answer
    assert "<table>" in answer and "<td>确定性映射：x → z</td>" in answer


def test_math_reaches_anki_in_mathjax_delimiters(anki_notes: list[AnkiNote]) -> None:
    answer = _card(anki_notes, H2_BOOKS[0], "DiT输入图像的Patch化过程是什么样的？").fields["Answer"]
    assert r"\(I \times I \times C\)" in answer
    assert r"\[T = \left(\frac{I}{p}\right)^2\]" in answer
    assert "$" not in answer


def test_note_type_deck_and_context(anki_notes: list[AnkiNote]) -> None:
    card = _card(anki_notes, H2_BOOKS[2], "请介绍下StableDiffusion和latent-diffusion什么关系？")
    assert card.note_type == "ankideck"
    assert list(card.fields) == ["Question", "Answer", "Context", "Source", "Extra"]
    assert card.deck == "002_21b532080459c8e8::05 【StableDiffusion】核心基础知识高频考点"
    assert (
        card.fields["Context"]
        == "002_21b532080459c8e8 › 第五章 【StableDiffusion】核心基础知识高频考点"
    )
    assert card.fields["Source"] == "content/002_21b532080459c8e8.md:332"
    assert card.fields["Extra"] == ""
