"""HTML blocks that never close. CommonMark runs a ``<script>``, ``<style>``, ``<pre>`` or
``<textarea>`` block, a ``<!--`` comment and their kin to their closing tag, however far:
one left open takes every later line, later questions and all, off the cards. Here such a
block must close before the next heading; one that does not is not an HTML block (its
line is read as a paragraph), and its line is noted in ``env[UNCLOSED]`` for a warning."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock, html_block

UNCLOSED = "ankipress_unclosed_html"  # env key: 0-based lines of blocks left open
_SEQUENCES = importlib.import_module("markdown_it.rules_block.html_block").HTML_SEQUENCES
# the sequences that end only at their closing text (not at a blank line)
_CLOSED_BY = [(opening, closing) for opening, closing, _ in _SEQUENCES if not closing.search("")]
_MAY_OPEN = {"<s", "<S", "<p", "<P", "<t", "<T", "<!", "<?"}  # script style pre textarea <! <?
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)", re.MULTILINE)


def unclosed_html_plugin(md: MarkdownIt) -> None:
    alt = {"alt": ["paragraph", "reference", "blockquote"]}  # what it may interrupt, as before
    md.block.ruler.at("html_block", _closed_before_a_heading(html_block), alt)


def _closed_before_a_heading(rule: Callable[..., bool]) -> Callable[..., bool]:
    def closed_html_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        begin = state.bMarks[start] + state.tShift[start]
        if state.src[begin : begin + 1] != "<":  # most lines: no HTML block
            return False
        if state.src[begin : begin + 2] not in _MAY_OPEN:  # none of those that need closing
            return bool(rule(state, start, end, silent))
        line = state.src[begin : state.eMarks[start]]
        for opening, closing in _CLOSED_BY:
            if opening.search(line):
                heading = _HEADING.search(state.src, state.eMarks[start])
                stop = heading.start() if heading else len(state.src)
                if not closing.search(state.src, begin, stop):
                    if not silent:
                        state.env.setdefault(UNCLOSED, []).append(start)
                    return False
                break
        return bool(rule(state, start, end, silent))

    return closed_html_block
