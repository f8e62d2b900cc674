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
FREE_FORM, DETAILS_BOOK = "003_01c1f62bfc1d3243.md", "004_f9a1bf275696cc07.md"
BOOKS = [*H2_BOOKS, DETAILS_BOOK, FREE_FORM]
# 004's prose outside its <details> pairs: a sentence after the first pair, the intro of
# section 1.2, and the unlabelled list under "1.2.9 Textual Inversion（知识点）：".
DETAILS_BOOK_TOPICS = {"写在前面", "各类 Diffusion 模型原理篇", "Textual Inversion（知识点）"}


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
    return [n for n in anki_notes if n.fields["Source"] == f"content/{book}"]


def test_bare_command_builds_content_into_decks(seed_build) -> None:
    done, project = seed_build
    assert done.returncode == 0, done.stderr
    assert "Built 20 decks with 131 cards from 5 files into decks/" in done.stdout
    assert "Skipped 38 unanswered questions:" in done.stdout
    assert "Coverage: 952 of 990 lines of notes on cards, 38 in unanswered questions\n" in (
        done.stdout
    )
    written = sorted(
        p.relative_to(project / "decks").as_posix() for p in (project / "decks").rglob("*.apkg")
    )
    assert written[0] == "000_dd163bf4bc3bd76c/02-DiT核心基础知识高频考点.apkg"
    assert len(written) == 20
    assert "003_01c1f62bfc1d3243/06-开集检测（OVD）.apkg" in written


def test_every_line_of_the_seeds_is_on_a_card(seed_build) -> None:
    """Each line is on a card, or is an unanswered question listed in the summary."""
    done, _ = seed_build
    assert "on no card" not in done.stderr
    assert ", 38 in unanswered questions\n" in done.stdout


@pytest.mark.parametrize("book", H2_BOOKS)
def test_exactly_the_expected_cards(anki_notes: list[AnkiNote], book: str) -> None:
    got = Counter(match_key(n.fields["Question"]) for n in _book_notes(anki_notes, book))
    want = Counter(match_key(q) for q in EXPECTED[book]["answered"])
    assert got == want
    assert not {match_key(q) for q in EXPECTED[book]["unanswered"]} & set(got)


@pytest.mark.parametrize("book", [DETAILS_BOOK, FREE_FORM])
def test_every_listed_card_of_other_shapes(anki_notes: list[AnkiNote], book: str) -> None:
    got = Counter(match_key(n.fields["Question"]) for n in _book_notes(anki_notes, book))
    want = Counter(match_key(q) for q in EXPECTED[book]["answered"])
    assert {key: got[key] for key in want} == dict(want)
    if book == DETAILS_BOOK:  # 34 listed, and a topic card for each stretch of prose
        assert sum(want.values()) == 34
        assert set(got) - set(want) == {match_key(t) for t in DETAILS_BOOK_TOPICS}
    else:
        assert sum(want.values()) == 54 and sum(got.values()) == 63


def test_each_expected_card_appears_as_often_as_listed(anki_notes: list[AnkiNote]) -> None:
    listed = Counter(match_key(q) for book in BOOKS for q in EXPECTED[book]["answered"])
    got = Counter(match_key(n.fields["Question"]) for n in anki_notes)
    assert {key: got[key] for key in listed} == dict(listed)


@pytest.mark.parametrize("question", list(EXPECTED["_contains"]))
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
    assert card.note_type == "ankipress"
    assert list(card.fields) == ["Question", "Answer", "Context", "Source", "Extra"]
    book = "视频生成模型高频考点（T5、CLIP、Stable Diffusion、DiT）"  # content/ankipress.yaml
    assert card.deck == f"面试笔记::{book}::05 【StableDiffusion】核心基础知识高频考点"
    assert card.fields["Context"] == f"{book} › 第五章 【StableDiffusion】核心基础知识高频考点"
    assert card.fields["Source"] == "content/002_21b532080459c8e8.md"
    assert card.fields["Extra"] == ""


def test_no_card_shows_markdown_bold_markers(anki_notes: list[AnkiNote]) -> None:
    assert not [n.fields["Question"] for n in anki_notes if "**" in n.fields["Answer"]]
    answer = _card(anki_notes, FREE_FORM, "YOLO World").fields["Answer"]
    assert "<strong>视觉语言路径聚合网络(RepVL-PAN)</strong>结构遵循" in answer


def test_tab_indented_prose_is_a_paragraph(anki_notes: list[AnkiNote]) -> None:
    answer = _card(anki_notes, H2_BOOKS[0], "介绍一下LightningDiT").fields["Answer"]
    assert answer.startswith("<p>LightningDiT解决了潜在扩散模型中的一个根本性矛盾")
    assert "<pre" not in answer


def test_details_answers_are_dedented_markdown(anki_notes: list[AnkiNote]) -> None:
    card = _card(anki_notes, DETAILS_BOOK, "实现DDPM需要什么条件？")
    assert card.fields["Answer"].startswith("<ol>\n<li>马尔可夫链：")
    assert "<li>高斯噪声变化：" in card.fields["Answer"]
    assert card.fields["Context"] == (
        "Diffusion 模型原理 › 1.2 各类 Diffusion 模型原理篇 › 1.2.1 DDPM算法原理部分"
    )
    assert card.deck == "面试笔记::Diffusion 模型原理::02 各类 Diffusion 模型原理篇"


def test_term_items_and_their_trailing_figures(anki_notes: list[AnkiNote]) -> None:
    lora = [n for n in _book_notes(anki_notes, DETAILS_BOOK) if n.fields["Question"] == "Lora"]
    assert sorted(n.fields["Answer"] for n in lora) == [
        '<p>"是小模型即插即用微调。"</p>',
        "<p>核⼼解读关键词：低秩展开，即插即⽤\n通过矩阵低秩展开，使⽤“外接”低秩展开后的⽹络对原模型进⾏更新</p>",
    ]
    qkv = _card(anki_notes, FREE_FORM, "qkv怎么相互作用")
    assert qkv.fields["Answer"].startswith("<p>q叉乘k的转置")
    assert qkv.deck == "面试笔记::算法岗面试准备::10 Transformer"


def test_topic_cards_keep_bold_lines_as_subheadings(anki_notes: list[AnkiNote]) -> None:
    janus = _card(anki_notes, FREE_FORM, "Janus")
    assert "<p><strong>网络结构</strong></p>" in janus.fields["Answer"]
    assert "<p><strong>DeepSeek Janus Pro</strong></p>" in janus.fields["Answer"]
    assert janus.fields["Context"] == "算法岗面试准备 › 扩散模型"
    transformer = _card(anki_notes, FREE_FORM, "Transformer").fields["Answer"]
    assert "<p><strong>3.1 Transformer输入</strong></p>" in transformer
    # the file's sources after its last answer, set apart by blank lines: not that card's
    assert "参考：" not in transformer and "mamba详解" not in transformer


def test_seed_guids_are_pinned(anki_notes: list[AnkiNote]) -> None:
    """Every seed note keeps its GUID, deck and question: a changed parser must not cost
    the first user a single card's review history (tests/data/seed-guids.json)."""
    pinned = json.loads((REPO / "tests/data/seed-guids.json").read_text(encoding="utf-8"))
    found = {n.guid: [n.deck, n.fields["Question"]] for n in anki_notes}
    assert found == pinned
