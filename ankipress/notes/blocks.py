"""Top-level blocks of a markdown-it token stream, each with its source lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it.rules_block.table import escapedSplit  # how a row is split into cells
from markdown_it.token import Token

from ankipress.notes.markdown import ensure_inline, markdown
from ankipress.notes.nesting import TOO_DEEP
from ankipress.notes.rawblocks import UNCLOSED

_NEWLINE = re.compile(r"\r\n?|\n")  # what markdown-it counts as a line break, no more
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
    def inline(self) -> list[Token]:
        """The inline tokens of a heading or paragraph (parsed now if not yet)."""
        if len(self.tokens) < 2:
            return []
        ensure_inline(self.tokens[1:2])
        return self.tokens[1].children or []

    @property
    def text(self) -> str:
        """Plain text of a heading or paragraph's inline content."""
        return inline_text(self.inline)

    @property
    def is_comment(self) -> bool:
        return self.kind == "html_block" and bool(_COMMENT_ONLY.match(self.tokens[0].content))


def line_starts(text: str) -> list[int]:
    """Where each line markdown-it numbers starts (``[0]``: line 1), as ``source_lines``
    counts them."""
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


def source_lines(text: str) -> list[str]:
    """The lines markdown-it numbers: ``str.splitlines`` would also split at form feeds,
    U+2028 and others, and every later line number would be off."""
    lines = _NEWLINE.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def top_level_blocks(tokens: Sequence[Token], lines: Sequence[str], offset: int = 0) -> list[Block]:
    """Each top-level block of ``tokens``; ``lines`` (the source, starting after ``offset``
    lines) trims trailing blank lines."""
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
            while (
                last > first
                and last - offset <= len(lines)
                and not lines[last - offset - 1].strip()
            ):
                last -= 1
            blocks.append(Block(group, first, last))
    return blocks


def unclosed_fences(tokens: Sequence[Token], lines: Sequence[str]) -> list[tuple[int, int]]:
    """First and last 1-based lines of each code fence with no closing fence: CommonMark
    runs it to the end of its container, often the end of the file, later questions and all."""
    found = []
    for token in tokens:
        if token.type != "fence" or token.map is None or token.meta.get(TOO_DEEP):
            continue
        first, end = token.map
        closing = lines[end - 1].strip() if first + 1 < end <= len(lines) else ""
        marker = token.markup[0]
        if not (closing.startswith(token.markup) and closing.strip(marker) == ""):
            found.append((first + 1, end))
    return found


def dropped_cells(tokens: Sequence[Token], lines: Sequence[str]) -> list[tuple[int, int, int]]:
    """Each table row with more cells than its header: (1-based line, its cells, the
    header's). GFM shows none past the header's: a ``|`` inside ``$math$`` or code that
    is not written ``\\|`` splits a cell, and the rest of the row is lost."""
    found = []
    for token in tokens:
        if token.type != "table_open" or token.map is None:
            continue
        first, end = token.map
        header = _cells(lines[first]) if first < len(lines) else 0
        for index in range(first + 2, min(end, len(lines))):
            cells = _cells(lines[index])
            if cells > header:
                found.append((index + 1, cells, header))
    return found


def _cells(line: str) -> int:
    """The cells of a table row as markdown-it splits it (its container's ``>`` aside)."""
    columns = escapedSplit(line.lstrip(" \t>").strip())
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return len(columns)


def inline_text(children: Sequence[Any]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline", "math_inline", "math_inline_double"):
            mark = {"math_inline": "$", "math_inline_double": "$$"}.get(child.type, "")
            parts.append(f"{mark}{child.content}{mark}")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.children:
            parts.append(inline_text(child.children))
    return "".join(parts).strip()


def reparse(lines: Sequence[str], first: int, last: int, env: dict, strip: int = 0) -> list[Block]:
    """The top-level blocks of source lines ``first..last`` (1-based) parsed on their own."""
    return parse_region(lines[first - 1 : last], first, env, strip)


def parse_region(region: Sequence[str], first: int, env: dict, strip: int = 0) -> list[Block]:
    """The top-level blocks of ``region``, lines of the file starting at line ``first``.

    ``strip`` columns of leading indentation come off each line (tabs count to the next
    multiple of four, as in CommonMark). Token lines stay those of the whole file. Links
    use the file's reference definitions (as on GitHub, where they hold for the whole
    document). A definition only this parse finds (in a term's body, say, where GitHub
    sees paragraph text) holds in these lines alone: a parse tried and given up leaves
    no definition behind for the rest of the file.
    """
    region = [strip_indent(line, strip) for line in region]
    if not any(line.strip() for line in region):
        return []
    local: dict = {"references": dict(env.get("references", {}))}
    tokens = markdown().parse("\n".join(region) + "\n", local)
    for token in tokens:
        if token.map is not None:
            token.map = [token.map[0] + first - 1, token.map[1] + first - 1]
    for start, end in local.get(TOO_DEEP, ()):
        env.setdefault(TOO_DEEP, []).append((start + first - 1, end + first - 1))
    for start in local.get(UNCLOSED, ()):
        env.setdefault(UNCLOSED, []).append(start + first - 1)
    return top_level_blocks(tokens, region, offset=first - 1)


def indent_width(line: str) -> int:
    """Columns of leading whitespace, tabs advancing to the next multiple of four."""
    column = 0
    for char in line:
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            break
    return column


def strip_indent(line: str, columns: int) -> str:
    """``line`` without up to ``columns`` columns of leading whitespace. A tab keeps the
    width it had (to its tab stop): where the cut is not on a tab stop, the indentation
    left becomes spaces, as CommonMark counts it."""
    if columns <= 0:
        return line
    text = line.lstrip(" \t")
    width = indent_width(line)
    if width <= columns:
        return text
    if columns % 4:  # the tabs left would move off their stops: spaces instead
        return " " * (width - columns) + text
    column, index = 0, 0
    while column < columns:
        column += 1 if line[index] == " " else 4 - column % 4
        index += 1
    return " " * (column - columns) + line[index:]


def common_indent(lines: Sequence[str]) -> int:
    widths = [indent_width(line) for line in lines if line.strip()]
    return min(widths, default=0)
