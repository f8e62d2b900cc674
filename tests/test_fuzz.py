"""Fuzzing: random notes composed of the seed shapes' fragments go through the whole build.

Each chapter holds questions of one shape (as the seeds do); answers mix math, lists,
tables, images, code, raw HTML and CJK text. Whatever the mix: no exception, every
question found exactly once, every GUID unique.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ankipress.assemble.pipeline import BuildOptions, build
from ankipress.diagnostics import Diagnostics
from ankipress.identity.lockfile import read_lock
from tests.hostile import SHAPES, question_note

PNG = b"\x89PNG\r\n\x1a\n" + b"fuzz" * 8
WORDS = st.text(
    alphabet="扩散模型的噪声图像编码器注意力机制潜在空间abcxyz0123 ，。、：；（）*_`$[]!\\",
    min_size=1,
    max_size=30,
)
FRAGMENTS = st.one_of(
    WORDS.map(lambda w: f"说明：{w}"),
    WORDS.map(lambda w: f"公式 $x_{{t}} = \\sqrt{{\\alpha}} x_0$ 与 {w}"),
    st.just("$$\n\\mathcal{L} = \\mathbb{E}\\|\\epsilon - \\epsilon_\\theta\\|^2\n$$"),
    st.just("1. 第一步\n2. 第二步\n   - 子项：细节\n     - 更深一层"),
    st.just("- 要点一\n  - 缩进两格的子项\n- 要点二"),
    st.just("| 模型 | 参数 |\n|---|--:|\n| DiT | 675M |\n| U-Net | 860M |"),
    st.just("![架构图](fig.png)"),
    st.just("![缺失的图](imgs/missing.png)"),
    st.just("```python\nx = torch.randn(4, 3)  # 噪声\n```"),
    st.just('<img src="fig.png" width="300"> <script>alert(1)</script>'),
    st.just("这是**加粗(Bold)**的中文，还有*斜体*和`代码`。"),
    WORDS.map(lambda w: f"> 引用：{w}"),
)
ANSWERS = st.lists(FRAGMENTS, min_size=1, max_size=4).map("\n\n".join)


@st.composite
def notes(draw: st.DrawFn) -> tuple[str, list[int]]:
    """A markdown file of chapters, and the idents of the questions it asks."""
    parts = ["# 模糊测试笔记\n"]
    asked: list[int] = []
    for chapter in range(1, draw(st.integers(1, 4)) + 1):
        shape = draw(st.sampled_from(SHAPES))
        parts.append(f"## 第{chapter}章 {shape}\n")
        for number in range(1, draw(st.integers(1, 4)) + 1):
            ident = len(asked)
            asked.append(ident)
            question = f"什么是第{ident}个问题？"
            parts.append(question_note(shape, number, question, draw(ANSWERS)))
    return "\n".join(parts), asked


# 40 examples keep CI fast; ANKIPRESS_FUZZ_EXAMPLES=2000 searches harder.
EXAMPLES = int(os.environ.get("ANKIPRESS_FUZZ_EXAMPLES", "40"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(notes())
def test_random_notes_build_with_every_question_once(note: tuple[str, list[int]]) -> None:
    text, asked = note
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "content")
        root.mkdir()
        (root / "fuzz.md").write_text(text, encoding="utf-8")
        (root / "fig.png").write_bytes(PNG)
        result = build(BuildOptions(paths=(root,), out=Path(tmp, "decks"), timestamp=0))
        packages = list(Path(tmp, "decks").rglob("*.apkg"))
        read = Diagnostics()  # the lock this build wrote reads back: a fresh checkout builds
        lock = read_lock(root / "ankipress.lock", "ankipress.lock", read)
        assert lock is not None, [str(d) for d in read.sorted()]
    assert result.diagnostics.error_count == 0, [str(d) for d in result.diagnostics.sorted()]
    notes_built = [note for deck in result.decks for note in deck.notes]
    found = Counter(
        int(m[1]) for n in notes_built if (m := re.search(r"第(\d+)个问题", n.question))
    )
    assert found == Counter(asked), text
    assert len({n.guid for n in notes_built}) == len(notes_built)
    assert len(packages) == len(result.decks)
    assert all("<script" not in n.answer for n in notes_built)
