"""Shapes of real study notes (issue 16's twelve patterns, written here in our own words),
built by the CLI and checked in the real Anki backend: the right cards, and never a
silent wrong one."""

from __future__ import annotations

import pytest

from tests.ankitools import AnkiNote, build_and_import

FILES = {
    "unanswered.md": (
        "# Churn notes\n\n## Modelling\n\n### How would you predict churn?\n\n"
        "### What features matter for churn?\n\nTenure and recent activity.\n"
    ),
    "placeholders.md": (
        "## 什么是梯度裁剪？\n\n- [ ] TODO\n\n## 什么是权重衰减？\n\n待补充\n\n"
        "## What is label smoothing?\n\n<br>\n\n## What is mixup?\n\n"
        "See [this post](https://example.org/mixup).\n\n## What is dropout?\n\n"
        "Randomly zeroes activations.\n"
    ),
    "lists.md": (
        "# 归一化\n\n**简述 BatchNorm 的优缺点。**\n\n- 优点：\n  - 缓解内部协变量偏移\n"
        "- 缺点：\n  - batch 小时效果差\n\n**LayerNorm 和 BatchNorm 有什么区别？**\n\n"
        "LayerNorm 在特征维度上归一化。\n\n"
        "**为什么 Transformer 用 LayerNorm？**\n\n序列长度可变。\n\n"
        "## Training\n\n**Q: What are the two stages of training?**\n\n"
        "1. **Pretraining**:\n   learn from unlabeled text.\n"
        "2. **Fine-tuning**:\n   adapt to the task.\n"
    ),
    "numbered.md": (
        "# Detection\n\n### 8.4 Cascade CNN\n\n1. What is the framework?\n\n"
        "The framework has three stages.\n\n2. How does the calibration module work?\n\n"
        "It re-scores candidate boxes.\n\n### 8.5 Anchors\n\n"
        "1. Why use anchors?\n   They give priors for box shapes.\n"
        "2. How are anchors matched?\n   By overlap with the ground truth.\n"
    ),
    "bold.md": (
        "# Attention\n\n## Basics\n\nAttention mixes values by weights.\n\n#### Some details\n\n"
        "**Why do Q and K use different weight matrices?**\n\nSo that attention is not "
        "symmetric.\n\n**Why divide by the square root of d?**\n\nTo keep the softmax out of "
        "saturation.\n\n**Multi-head attention**\n\nSeveral heads attend to different parts.\n"
    ),
    "onedeck.md": (
        "# 微调\n\n### 1.全参数微调需要多少显存？\n\n约为参数量的十六倍字节。\n\n"
        "### 2.什么是 LoRA？\n\n低秩适配。\n\n### 3. 为什么要冻结底层？\n\n保留通用特征。\n"
    ),
    "repeated.md": (
        "# Optimisers\n\n## First order\n\n### Adam\n\nUses moments.\n\n### SGD\n\n"
        "Plain steps.\n\n### Adam\n\nAlso corrects the bias of its moments.\n"
    ),
    "question-text.md": (
        "# Basics\n\n### 1.13.6\n\nWhat is a saddle point?\n\nA point where the gradient "
        "vanishes but is no extremum.\n\n### Q5.1) What is bias?\n\nSystematic error.\n\n"
        "### (A) What is variance?\n\nSensitivity to the sample.\n"
    ),
    "math.md": (
        "# Statistics\n\n## What share lies within ±1$\\sigma$ and ±2$\\sigma$?\n\n"
        "About 68% within ±1$\\sigma$、95% within ±2$\\sigma$; it costs $5 or $10.\n\n"
        "## What is $R^2$?\n\n$$\nR^2 = 1 - \\frac{SS_{res}}{SS_{tot}}\n\n"
        "\\text{a\\_b}\n$$\n\n## What does `torch.no_grad` do?\n\nIt turns off autograd.\n"
    ),
    "toc.md": (
        '[TOC]\n\n<a name="top"></a>\n\n# Deep learning notes\n\n## What is an epoch?\n\n'
        "One pass over the data.\n"
    ),
    "links.md": "# Index\n\n- [Part one](part1.md)\n- [Part two](part2.md)\n",
    "bank.md": (
        "#### 3.2 Optimisation\n\nSome symbols may not render here.\n\n"
        "1. [E] Why does momentum help?\n2. [M] Write the update rule of Adam.\n"
        "3. Learning rates.\n    1. [E] What happens when it is too high?\n"
        "    2. [H] Derive a bound on the step size.\n4. [E] What is weight decay?\n"
    ),
    "levels.md": (
        "# Regularisation\n\n## 4.1 What is L2 regularisation?\n\nA squared penalty.\n\n"
        "## 4.2 Dropout compared with L2\n\nTwo views.\n\n### 4.2.1 Dropout:\n\n"
        "Random masks.\n\n### 4.2.2 L2:\n\nShrinks weights.\n\n"
        "## 4.3 Why does early stopping regularise?\n\nIt limits the steps.\n\n"
        "## 4.4 Data augmentation\n\nMore varied inputs.\n"
    ),
    "parts.md": (
        "Two failure modes of fitting.\n\n### Overfitting\n\n#### Causes:\n\n"
        "- too many parameters\n\n#### Remedies:\n\n- more data\n\n### Underfitting\n\n"
        "#### Causes:\n\n- too few features\n\n#### Remedies:\n\n- a bigger model\n"
    ),
    "restated.md": (
        "# Distributions\n\n## 1.1 Gaussian\n\nBell shaped.\n\n## 1.2 When is it normal?\n\n"
        "Q: When is it normal?\nAnswer: When many small effects add up.\n\n"
        "## 1.3 Laplace\n\nSharp peak.\n\n## 1.4 Dirac\n\nAll mass at one point.\n"
    ),
    "groups.md": (
        "# Probability\n\n1. A test is right 99 times in 100; one person in 1000 is ill.\n"
        "    1. [M] What is the chance a positive test is right?\n"
        "       About nine percent.\n2. [E] What is a prior?\n   Belief before the data.\n\n"
        "## 012 什么是回环检测？\n\n识别回到走过的地方。\n\n## 013 什么是重定位？\n\n\u200b\n\n"
        "## What is a posterior?\n\n[TBD]\n"
    ),
    "review.md": (
        "# Stats\n\n## Chapter 1\n\n### Section A\n\nQ: What is A?\nA: a.\n\n### Section B\n\n"
        "Prose of B.\n\n### Section C\n\nQ: What is the difference between batch norm\n"
        "and layer norm?\nA: Different axes.\n\n## What is the IQR?\n\nA spread.\n\n"
        "Q1 is the 25th percentile and\nQ3 is the 75th percentile.\n\n## Why learn C#\n\n"
        "Fast.\n\n## Which is a regularizer?\n\nA. Dropout\nB. ReLU\n\n## 2017\n\n"
        "The Transformer was published.\n\n## 请求\n\n### 请求行\n\nMethod and path.\n"
    ),
    "prose-question.md": (
        "# Optics\n\n## Colour spaces\n\nRGB and HSV.\n\nWhy does OpenCV store BGR?\n\n"
        "- [ ] TODO\n\n## What is a lens?\n\nWhat is a lens?\n\nGlass that bends light.\n"
    ),
    "question-markup.md": (
        "# Markup\n\n**Q: What does $\\sigma$ measure?**\n\nSpread.\n\n## Terms\n\n"
        "- **`torch.no_grad`**:\n  turns off autograd.\n\n## Bank\n\n"
        "1. [E] Why is $$x^2$$ convex?\n2. [M] Prove it.\n"
    ),
    "question-image.md": "## What does ![curve](fig.png) show?\n\nA loss curve.\n",
    "backmatter.md": (
        "# Vision\n\n## What is a receptive field?\n\nThe input region a unit sees.\n\n"
        "## What is guided filtering?\n\n**参考资料**\n\n- [A post](https://example.org/g)\n\n"
        "## What is dilation?\n\nSee more in [this note](https://example.org/d).\n\n"
        "## 参考资料\n\n- [Reading](https://example.org/r) by Someone\n"
        "- Some book, second edition\n"
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict, list[AnkiNote]]:
    project = tmp_path_factory.mktemp("real")
    return build_and_import(project, FILES)


def cards(found: list[AnkiNote], name: str) -> dict[str, AnkiNote]:
    return {n.fields["Question"]: n for n in found if n.fields["Source"] == f"content/{name}"}


def test_unanswered_heading_question_is_listed_not_carded(built) -> None:
    output, report, found = built
    assert list(cards(found, "unanswered.md")) == ["What features matter for churn?"]
    assert "content/unanswered.md:5: How would you predict churn?" in output
    assert {
        "path": "content/unanswered.md",
        "line": 5,
        "question": "How would you predict churn?",
        "reason": "no answer",
    } in report["unanswered"]


def test_placeholder_answers_are_listed_with_their_reason(built) -> None:
    output, report, found = built
    assert list(cards(found, "placeholders.md")) == ["What is dropout?"]
    reasons = {u["line"]: u["reason"] for u in report["unanswered"] if "placeholders" in u["path"]}
    assert reasons == {
        1: "placeholder answer '[ ] TODO'",
        5: "placeholder answer '待补充'",
        9: "no answer",
        13: "the answer is only a link",
    }
    assert "content/placeholders.md:13: What is mixup? (the answer is only a link)" in output


def test_lists_inside_an_answer_stay_in_it(built) -> None:
    _, _, found = built
    got = cards(found, "lists.md")
    assert set(got) == {
        "简述 BatchNorm 的优缺点。",  # among bold lines that ask: a question too
        "LayerNorm 和 BatchNorm 有什么区别？",
        "为什么 Transformer 用 LayerNorm？",
        "What are the two stages of training?",
    }
    assert "缓解内部协变量偏移" in got["简述 BatchNorm 的优缺点。"].fields["Answer"]
    assert "batch 小时效果差" in got["简述 BatchNorm 的优缺点。"].fields["Answer"]
    stages = got["What are the two stages of training?"].fields["Answer"]
    assert "unlabeled text" in stages and "adapt to the task" in stages


def test_numbered_questions_under_one_heading_are_cards_each(built) -> None:
    _, _, found = built
    got = cards(found, "numbered.md")
    answers = {q: n.fields["Answer"] for q, n in got.items()}
    assert answers == {
        "What is the framework?": "<p>The framework has three stages.</p>",
        "How does the calibration module work?": "<p>It re-scores candidate boxes.</p>",
        "Why use anchors?": "<p>They give priors for box shapes.</p>",
        "How are anchors matched?": "<p>By overlap with the ground truth.</p>",
    }


def test_bold_question_lines_in_a_section_are_split(built) -> None:
    output, report, found = built
    assert "  content/bold.md:5-5" in output
    assert {"path": "content/bold.md", "first": 5, "last": 5} in report["introductions"]
    got = cards(found, "bold.md")
    assert set(got) == {  # "Attention mixes ..." introduces the file's only chapter
        "Why do Q and K use different weight matrices?",
        "Why divide by the square root of d?",
        "Multi-head attention",  # a bold line among questions that ask: one of them
    }
    assert "saturation" in got["Why divide by the square root of d?"].fields["Answer"]
    assert "Several heads" not in got["Why divide by the square root of d?"].fields["Answer"]


def test_a_file_of_questions_is_one_deck(built) -> None:
    _, _, found = built
    got = cards(found, "onedeck.md")
    assert {n.deck for n in got.values()} == {"微调"}
    assert set(got) == {"全参数微调需要多少显存？", "什么是 LoRA？", "为什么要冻结底层？"}


def test_a_repeated_heading_is_two_cards_with_a_warning(built) -> None:
    output, _, found = built
    adam = [n for n in found if n.fields["Question"] == "Adam"]
    assert sorted(n.fields["Answer"] for n in adam) == [
        "<p>Also corrects the bias of its moments.</p>",
        "<p>Uses moments.</p>",
    ]
    assert len({n.guid for n in adam}) == 2
    assert (
        "content/repeated.md:13: warning[duplicate-question]: question 'Adam' is also asked at "
        "line 5" in output
    )


def test_question_text_loses_numbering_and_prefixes(built) -> None:
    _, _, found = built
    got = cards(found, "question-text.md")
    assert set(got) == {"What is a saddle point?", "What is bias?", "What is variance?"}
    assert got["What is a saddle point?"].fields["Answer"].startswith("<p>A point")


def test_math_like_the_author_saw_it(built) -> None:
    _, _, found = built
    got = cards(found, "math.md")
    sigma = '<span class="math inline">\\(\\sigma\\)</span>'
    share = got[f"What share lies within ±1{sigma} and ±2{sigma}?"].fields["Answer"]
    assert share == f"<p>About 68% within ±1{sigma}、95% within ±2{sigma}; it costs $5 or $10.</p>"
    r2 = got['What is <span class="math inline">\\(R^2\\)</span>?'].fields["Answer"]
    assert r2.startswith('<div class="math block">') and "\\[" in r2
    assert "\\text{a\\_b}" in r2 and "SS_{tot}" in r2
    assert "What does <code>torch.no_grad</code> do?" in got


def test_toc_markers_anchors_and_link_lists_are_not_cards(built) -> None:
    _, _, found = built
    toc = cards(found, "toc.md")
    assert {q: n.deck for q, n in toc.items()} == {"What is an epoch?": "Deep learning notes"}
    assert cards(found, "links.md") == {}


def test_a_question_bank_list_is_questions_listed_unanswered(built) -> None:
    _, report, found = built
    assert cards(found, "bank.md") == {}
    listed = {u["line"]: u["question"] for u in report["unanswered"] if "bank" in u["path"]}
    assert listed == {
        5: "Why does momentum help?",
        6: "Write the update rule of Adam.",
        8: "What happens when it is too high?",
        9: "Derive a bound on the step size.",
        10: "What is weight decay?",
    }  # "Learning rates." names a group of them: a label, not a question
    assert {"path": "content/bank.md", "first": 3, "last": 3} in report["introductions"]


def test_the_question_level_takes_plain_sub_headings_into_an_answer(built) -> None:
    _, _, found = built
    got = cards(found, "levels.md")
    assert set(got) == {
        "What is L2 regularisation?",
        "Dropout compared with L2",
        "Why does early stopping regularise?",
        "Data augmentation",
    }
    both = got["Dropout compared with L2"].fields["Answer"]
    assert "Random masks." in both and "Shrinks weights." in both
    assert {n.deck for n in got.values()} == {"Regularisation"}


def test_sub_headings_repeated_under_each_heading_are_parts_of_it(built) -> None:
    _, report, found = built
    got = cards(found, "parts.md")
    # the prose before the first question introduces the file, title heading or not
    assert set(got) == {"Overfitting", "Underfitting"}
    assert {"path": "content/parts.md", "first": 1, "last": 1} in report["introductions"]
    over = got["Overfitting"].fields["Answer"]
    assert "too many parameters" in over and "more data" in over
    assert "too few features" not in over


def test_back_matter_and_pointers_elsewhere_are_not_cards(built) -> None:
    _, report, found = built
    assert set(cards(found, "backmatter.md")) == {"What is a receptive field?"}
    reasons = {u["line"]: u["reason"] for u in report["unanswered"] if "backmatter" in u["path"]}
    assert reasons == {7: "the answer is only a link", 13: "the answer is only a link"}


def test_a_q_line_restating_its_heading_is_one_question_and_ends_at_the_next(built) -> None:
    _, report, found = built
    got = cards(found, "restated.md")
    assert {q: n.fields["Answer"] for q, n in got.items()} == {
        "Gaussian": "<p>Bell shaped.</p>",
        "When is it normal?": "<p>When many small effects add up.</p>",
        "Laplace": "<p>Sharp peak.</p>",
        "Dirac": "<p>All mass at one point.</p>",
    }
    assert not [u for u in report["unanswered"] if "restated" in u["path"]]


def test_a_group_names_only_its_own_questions_and_numbers_go(built) -> None:
    _, report, found = built
    got = cards(found, "groups.md")
    assert set(got) == {
        "What is the chance a positive test is right?",
        "What is a prior?",
        "什么是回环检测？",
    }
    group = "A test is right 99 times in 100; one person in 1000 is ill."
    assert got["What is the chance a positive test is right?"].fields["Context"].endswith(group)
    assert group not in got["What is a prior?"].fields["Context"]
    reasons = {u["question"]: u["reason"] for u in report["unanswered"] if "groups" in u["path"]}
    assert reasons == {
        "什么是重定位？": "no answer",
        "What is a posterior?": "placeholder answer '[TBD]'",
    }


def test_review_cases_keep_their_own_answers(built) -> None:
    _, report, found = built
    got = {q: n.fields["Answer"] for q, n in cards(found, "review.md").items()}
    assert got == {
        "What is A?": "<p>a.</p>",  # not Section B: a sibling section ends it
        "Section B": "<p>Prose of B.</p>",
        "What is the difference between batch norm and layer norm?": "<p>Different axes.</p>",
        "What is the IQR?": "<p>A spread.</p>\n<p>Q1 is the 25th percentile and\n"
        "Q3 is the 75th percentile.</p>",
        "Why learn C#": "<p>Fast.</p>",
        "Which is a regularizer?": "<p>A. Dropout\nB. ReLU</p>",
        "2017": "<p>The Transformer was published.</p>",
        # a heading with no text of its own groups its one sub-heading (a topic, no aspect)
        "请求行": "<p>Method and path.</p>",
    }
    assert not [u for u in report["unanswered"] if "review" in u["path"]]


def test_a_prose_line_that_asks_inside_an_answer_is_reported(built) -> None:
    output, report, found = built
    got = cards(found, "prose-question.md")
    assert "Why does OpenCV store BGR?" in got["Colour spaces"].fields["Answer"]
    assert (
        "content/prose-question.md:7: warning[nested-question]: question 'Why does OpenCV store "
        "BGR?' is kept "
        "in the answer of 'Colour spaces' (line 3), with no card of its own"
    ) in output
    nested = [n["line"] for n in report["nested_questions"] if "prose-question" in n["path"]]
    assert nested == [7]  # "What is a lens?" under its own heading restates it: not nested


def test_an_image_in_a_question_is_reported(built) -> None:
    output, _, found = built
    assert (
        "content/question-image.md:1: warning[image]: an image in a question is not shown on "
        "the card; put it in the answer" in output
    )
    assert list(cards(found, "question-image.md")) == [
        'What does <span class="missing-image">curve</span> show?'
    ]


def test_math_and_code_render_in_questions_of_every_shape(built) -> None:
    _, report, found = built
    got = cards(found, "question-markup.md")
    assert set(got) == {
        'What does <span class="math inline">\\(\\sigma\\)</span> measure?',
        "<code>torch.no_grad</code>",
    }
    bank = [u["question"] for u in report["unanswered"] if "question-markup" in u["path"]]
    assert bank == ["Why is $$x^2$$ convex?", "Prove it."]  # listed as written
