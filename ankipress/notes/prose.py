"""Rendering as the author meant where CommonMark does not:

- bold whose closing ``**`` follows punctuation and precedes a CJK character
  (``**路径聚合网络(RepVL-PAN)**结构``) is bold: CJK text has no spaces around emphasis,
  so a CJK character next to a delimiter counts as the space CommonMark expects there;
- a paragraph indented by a tab or four spaces that is CJK prose (a first-line indent)
  is a paragraph, not code. Indented code stays code.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline.state_inline import Scanned, StateInline
from markdown_it.token import Token

_CJK = re.compile(r"[\u2e80-\u9fff\u3040-\u30ff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_CODE_LINE = re.compile(
    r"^\s*(?:#|//|/\*|\*/|>>>|\$ |def |class |import |from \S+ import|return\b|[{}\[\]])"
    r"|[;{}:(,]\s*$|==|->|=>|\w\(\)"
)
PROSE_SHARE = 0.3  # at least this share of CJK characters makes an indented block prose
_BLANK_LINE = re.compile(r"\n\s*\n")


def is_cjk(char: str) -> bool:
    return bool(_CJK.match(char))


class _CjkStateInline(StateInline):
    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:
        marker = self.src[start]
        last = self.src[start - 1] if start > 0 else " "
        pos = start
        while pos < self.posMax and self.src[pos] == marker:
            pos += 1
        following = self.src[pos] if pos < self.posMax else " "
        last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
        next_punct = isMdAsciiPunct(ord(following)) or isPunctChar(following)
        last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(following))
        left = not (next_space or (next_punct and not (last_space or last_punct or is_cjk(last))))
        right = not (
            last_space or (last_punct and not (next_space or next_punct or is_cjk(following)))
        )
        can_open = left and (canSplitWord or not right or last_punct)
        can_close = right and (canSplitWord or not left or next_punct)
        return Scanned(can_open, can_close, pos - start)


class _CjkParserInline(ParserInline):
    def parse(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> list[Token]:
        state = _CjkStateInline(src, md, env, tokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens


def cjk_prose_plugin(md: MarkdownIt) -> None:
    md.inline.__class__ = _CjkParserInline  # same rules, CJK-aware emphasis delimiters
    md.core.ruler.before("inline", "indented_prose", _indented_prose)


def looks_like_prose(text: str) -> bool:
    chars = [c for c in text if not c.isspace()]
    if not chars or sum(map(is_cjk, chars)) < PROSE_SHARE * len(chars):
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    return not any(_CODE_LINE.search(unicodedata.normalize("NFKC", line)) for line in lines)


def _indented_prose(state: StateCore) -> None:
    tokens: list[Token] = []
    for token in state.tokens:
        if token.type != "code_block" or not looks_like_prose(token.content):
            tokens.append(token)
            continue
        for paragraph in _BLANK_LINE.split(token.content.strip()):
            tokens.extend(_paragraph(paragraph, token))
    state.tokens = tokens


def _paragraph(text: str, code: Token) -> tuple[Token, Token, Token]:
    opening = Token("paragraph_open", "p", 1, map=code.map, level=code.level, block=True)
    inline = Token("inline", "", 0, map=code.map, level=code.level + 1, block=True)
    inline.content = "\n".join(line.strip() for line in text.splitlines())
    inline.children = []
    closing = Token("paragraph_close", "p", -1, level=code.level, block=True)
    return opening, inline, closing
