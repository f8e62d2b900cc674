"""Blocks nested deeper than markdown-it's recursion guard: kept as literal text, and told.

markdown-it stops parsing at ``maxNesting`` levels and skips every line up to the end of
the enclosing range: a list nested ten levels deep silently swallows the rest of the file,
later questions included. Here those lines become one preformatted block holding them as
written, up to where the enclosing item or quote ends, and the parse records their first
line in ``env[TOO_DEEP]`` so the build can warn.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock

MAX_NESTING = 50  # levels of tokens: a list item inside a list counts two
TOO_DEEP = "ankipress_too_deep"  # env key: [first, end) 0-based lines of each literal block


class _GuardedParserBlock(ParserBlock):
    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        if state.level >= state.md.options.maxNesting:
            line = state.skipEmptyLines(startLine)
            if line < endLine and state.sCount[line] >= state.blkIndent:
                _literal(state, line, endLine)
                return
        super().tokenize(state, startLine, endLine)


def _literal(state: StateBlock, first: int, end_line: int) -> None:
    """Lines ``first..`` up to the first one outdented past the current block, as written."""
    last = first
    line = first
    while line < end_line:
        if not state.isEmpty(line):
            if state.sCount[line] < state.blkIndent:
                break
            last = line
        line += 1
    token = state.push("fence", "code", 0)
    token.content = state.getLines(first, last + 1, state.blkIndent, True)
    token.markup = "```"
    token.map = [first, last + 1]
    token.meta = {TOO_DEEP: True}
    state.env.setdefault(TOO_DEEP, []).append((first, last + 1))
    state.line = last + 1


def nesting_guard_plugin(md: MarkdownIt) -> None:
    md.options["maxNesting"] = MAX_NESTING
    md.block.__class__ = _GuardedParserBlock
