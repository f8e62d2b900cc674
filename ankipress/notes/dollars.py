"""``$``/``$$`` math as pandoc, Typora and Obsidian read it, on mdit-py-plugins' dollarmath.

- Inline ``$...$`` as in pandoc: no space just inside either ``$``; a digit may come right
  before the opening one (``±1$\\sigma$``), never right after the closing one, so
  ``costs $5 and $10`` stays text. dollarmath's ``allow_digits`` is all or nothing; its
  own rule runs with digits allowed and this one refuses a closing ``$`` before a digit.
- A ``$$`` block may hold blank lines (``allow_blank_lines``), as in those editors. It
  still ends at the first line ending in ``$$`` and never runs through a heading, and a
  ``$$`` with no closing line after it is text at once, in linear time overall.

Math comes out in the delimiters Anki's bundled MathJax reads: ``\\(...\\)`` inline and
``\\[...\\]`` display, the TeX HTML-escaped and otherwise untouched.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_block_dollar, math_inline_dollar

from ankipress.cardtext import UNSAFE_TEX

_DIGITS = frozenset("0123456789")
# Lines a $$ block never runs through: ATX headings and the HTML that opens a question.
_STOP = re.compile(r"(?:#{1,6}(?:[ \t]|$)|<(?:h[1-6]|details|summary)\b)", re.I)


def render_math(tex: str, options: dict[str, Any]) -> str:
    """MathJax's delimiters around the TeX, HTML-escaped, its unsafe commands taken out
    (their arguments stay, as plain groups: ``\\href{u}{x}`` shows ``u`` and ``x``)."""
    body = escape(UNSAFE_TEX.sub("", tex), quote=False)
    return f"\\[{body}\\]" if options.get("display_mode") else f"\\({body}\\)"


def dollar_math_plugin(md: MarkdownIt) -> None:
    # Prose defaults: "$ x $" is not math, labels are not ours; "$5 and $10" is money.
    dollarmath_plugin(
        md,
        allow_labels=False,
        allow_space=False,
        allow_digits=True,
        allow_blank_lines=True,
        double_inline=True,
        renderer=render_math,
    )
    inline_rule = math_inline_dollar(allow_space=False, allow_digits=True, allow_double=True)
    md.inline.ruler.at("math_inline", _no_digit_after(inline_rule))
    block_rule = math_block_dollar(allow_labels=False, allow_blank_lines=True)
    md.block.ruler.at("math_block", _closed_before_a_stop(block_rule))
    # "$$...$$" inside a paragraph: a <div> there is invalid HTML that sanitising would split.
    md.add_render_rule("math_inline_double", _render_inline_display_math)


def _no_digit_after(rule: Callable[[StateInline, bool], bool]) -> Callable[..., bool]:
    def math_inline(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != "$":  # most places: no math starts there
            return False
        start, tokens, pending = state.pos, len(state.tokens), state.pending
        if not rule(state, silent):
            return False
        if state.pos < len(state.src) and state.src[state.pos] in _DIGITS:  # "$5 and $10"
            del state.tokens[tokens:]  # the math token, and the text it flushed before it
            state.pos, state.pending = start, pending
            return False
        return True

    return math_inline


def _closed_before_a_stop(rule: Callable[..., bool]) -> Callable[..., bool]:
    def math_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        begin = state.bMarks[start] + state.tShift[start]
        if state.src[begin : begin + 2] != "$$":  # most lines
            return False
        first = state.src[begin : state.eMarks[start]]
        if not (len(first.strip()) > 3 and first.rstrip().endswith("$$")):  # not one line
            closing, stops = _marks(state.src)
            after = bisect_right(closing, start)
            if after == len(closing) or closing[after] >= end:
                return False
            stop = bisect_right(stops, start)
            if stop < len(stops) and stops[stop] < closing[after]:
                return False
        return bool(rule(state, start, end, silent))

    return math_block


@lru_cache(maxsize=8)
def _marks(src: str) -> tuple[list[int], list[int]]:
    """The lines of ``src`` (markdown-it's numbering) that end in ``$$``, and those a
    ``$$`` block stops at. A container's prefix (``> ``, an indent) changes neither."""
    closing, stops = [], []
    for number, line in enumerate(src.split("\n")):
        if line.rstrip().endswith("$$"):
            closing.append(number)
        if _STOP.match(line.lstrip(" \t>")):
            stops.append(number)
    return closing, stops


def _render_inline_display_math(_self: Any, tokens: Any, idx: int, _options: Any, _env: Any) -> str:
    tex = render_math(str(tokens[idx].content).strip(), {"display_mode": True})
    return f'<span class="math display">{tex}</span>'


_PROSE = re.compile(
    r"^\s*(?:[-*+]|[0-9]+[.)])\s+\S"  # a list item
    r"|[\u4e00-\u9fff][^\\$]*[。，；！？]"  # a sentence of Chinese
    r"|^(?:[A-Za-z][a-z']*[,;.]?\s+){5,}"  # five words running
)


def runaway_math(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """First and last 1-based lines of each ``$$`` block that holds a blank line and,
    after it, a line that reads as prose: a ``$$`` left unclosed above, likely, that took
    the text below up to the next ``$$``."""
    found = []
    for token in tokens:
        if token.type != "math_block" or token.map is None or "\n\n" not in token.content:
            continue
        after = token.content.split("\n\n", 1)[1]
        if any(_PROSE.search(line) and "\\" not in line for line in after.splitlines()):
            found.append((token.map[0] + 1, token.map[1]))
    return found
