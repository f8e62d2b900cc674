"""Top-level blocks of a markdown-it token stream, each with its source lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

_COMMENT_ONLY = re.compile(r"^\s*(?:<!--.*?-->\s*)+$", re.DOTALL)


@dataclass(frozen=True)
class Block:
    tokens: tuple[Token, ...]
    first: int  # 1-based first line
    last: int  # 1-based last line

    @property
    def kind(self) -> str:
        return self.tokens[0].type

    @property
    def heading_level(self) -> int:
        return int(self.tokens[0].tag[1]) if self.kind == "heading_open" else 0

    @property
    def text(self) -> str:
        """Plain text of a heading or paragraph's inline content."""
        return inline_text(self.tokens[1].children or []) if len(self.tokens) > 1 else ""

    @property
    def is_comment(self) -> bool:
        return self.kind == "html_block" and bool(_COMMENT_ONLY.match(self.tokens[0].content))


def top_level_blocks(tokens: Sequence[Token], lines: Sequence[str]) -> list[Block]:
    """Each top-level block of ``tokens``; ``lines`` (the source) trims trailing blank lines."""
    blocks: list[Block] = []
    start = 0
    depth = 0
    for index, token in enumerate(tokens):
        depth += token.nesting
        if depth == 0:
            group = tuple(tokens[start : index + 1])
            start = index + 1
            opening = group[0]
            if opening.map is None or opening.type == "front_matter":
                continue
            first, last = opening.map[0] + 1, max(opening.map[1], opening.map[0] + 1)
            while last > first and last <= len(lines) and not lines[last - 1].strip():
                last -= 1
            blocks.append(Block(group, first, last))
    return blocks


def inline_text(children: Sequence[Any]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline", "math_inline"):
            parts.append(child.content if child.type != "math_inline" else f"${child.content}$")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.children:
            parts.append(inline_text(child.children))
    return "".join(parts).strip()
