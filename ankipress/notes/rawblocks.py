"""HTML blocks that never close. CommonMark runs a ``<script>``, ``<style>``, ``<pre>`` or
``<textarea>`` block, a ``<!--`` comment and their kin to their closing tag, however far:
one never closed takes every later line, later questions and all, off the cards. Here
such a block must close somewhere after it (a comment may hide whole sections, headings
and all, as its author meant); one that never does is not an HTML block (its line is
read as a paragraph), and its line is noted in ``env[UNCLOSED]`` for a warning."""

from __future__ import annotations

import importlib
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, html_block

UNCLOSED = "ankipress_unclosed_html"  # env key: 0-based lines of blocks left open
_SEQUENCES = importlib.import_module("markdown_it.rules_block.html_block").HTML_SEQUENCES
# the sequences that end only at their closing text (not at a blank line)
_CLOSED_BY = [(opening, closing) for opening, closing, _ in _SEQUENCES if not closing.search("")]
_MAY_OPEN = {"<s", "<S", "<p", "<P", "<t", "<T", "<!", "<?"}  # script style pre textarea <! <?


def unclosed_html_plugin(md: MarkdownIt) -> None:
    alt = {"alt": ["paragraph", "reference", "blockquote"]}  # what it may interrupt, as before
    md.block.ruler.at("html_block", _closed_later(html_block), alt)


def _closed_later(rule: Callable[..., bool]) -> Callable[..., bool]:
    def closed_html_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        begin = state.bMarks[start] + state.tShift[start]
        if state.src[begin : begin + 1] != "<":  # most lines: no HTML block
            return False
        if state.src[begin : begin + 2] not in _MAY_OPEN:  # none of those that need closing
            return bool(rule(state, start, end, silent))
        line = state.src[begin : state.eMarks[start]]
        for index, (opening, _) in enumerate(_CLOSED_BY):
            if opening.search(line):
                closings = _closings(state.src)[index]
                if bisect_left(closings, begin) == len(closings):  # none at or after it
                    if not silent:
                        state.env.setdefault(UNCLOSED, []).append(start)
                    return False
                break
        return bool(rule(state, start, end, silent))

    return closed_html_block


@lru_cache(maxsize=8)
def _closings(src: str) -> list[list[int]]:
    """Where each kind of block's closing text ends, in ``src``: found once for all."""
    return [[match.end() for match in closing.finditer(src)] for _, closing in _CLOSED_BY]
