"""HTML blocks that never close. CommonMark runs a ``<script>``, ``<style>``, ``<pre>`` or
``<textarea>`` block, a ``<!--`` comment and their kin to their closing tag, however far:
one never closed takes every later line, later questions and all, off the cards. Here
such a block must close somewhere after it (a comment may hide whole sections, headings
and all, as its author meant); one that never does is not an HTML block (its line is
read as a paragraph), and its line is noted in ``env[UNCLOSED]`` for a warning. A line of
whole elements (``<br>``, ``<div align="center"><img src="a.png"/></div>``) is a block of
its own, as the editors show it."""

from __future__ import annotations

import importlib
import re
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
        line = state.src[begin : state.eMarks[start]]
        if not silent and _whole_elements(line) and any(o.search(line) for o, _, _ in _SEQUENCES):
            return _one_line(state, start)  # (an HTML block begins here: no interruption)
        if state.src[begin : begin + 2] not in _MAY_OPEN:  # none of those that need closing
            return bool(rule(state, start, end, silent))
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


# A line of whole HTML elements, each tag it opens closed on it ("<br>", "<hr/>", "<div
# align="center"> <img src="a.png"/> </div><br>", "<img src="b.png" style="zoom:50%">"):
# Typora and Obsidian end its block with it, so a heading, a list or a code fence right
# under it is one (CommonMark would run the HTML block to the next blank line: "## SET"
# shown as text, a fence opened in the wrong place).
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?(/?)>|<!--.*?-->")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip
_LONE_LINE = 2000  # characters: a longer line is not looked into


def _whole_elements(line: str) -> bool:
    """Whether a line that starts with a tag closes every element it opens."""
    line = line.rstrip()
    if len(line) > _LONE_LINE or not line.startswith("<"):
        return False
    open_tags: list[str] = []
    position = 0
    for tag in _TAG.finditer(line):
        if "<" in line[position : tag.start()]:  # a "<" that opens no tag: not HTML here
            return False
        position = tag.end()
        closing, name, self_closed = tag[1], (tag[2] or "").lower(), tag[3]
        if not name or name in _VOID or self_closed:
            continue
        if closing:
            if not open_tags or open_tags.pop() != name:
                return False
        else:
            open_tags.append(name)
    return not open_tags and "<" not in line[position:]


def _one_line(state: StateBlock, start: int) -> bool:
    token = state.push("html_block", "", 0)
    token.map = [start, start + 1]
    token.content = state.getLines(start, start + 1, state.blkIndent, True)
    state.line = start + 1
    return True


@lru_cache(maxsize=8)
def _closings(src: str) -> list[list[int]]:
    """Where each kind of block's closing text ends, in ``src``: found once for all."""
    return [[match.end() for match in closing.finditer(src)] for _, closing in _CLOSED_BY]
