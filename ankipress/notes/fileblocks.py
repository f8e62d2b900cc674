"""The blocks the parse of a whole file made, handed to an answer whose lines they fill."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from ankipress.notes.blocks import Block


class FileBlocks:
    """A file's top-level blocks, as the parse of the whole file made them: an answer whose
    lines they fill exactly needs no parse of its own (it would give the same blocks)."""

    def __init__(self, blocks: Sequence[Block], lines: Sequence[str]) -> None:
        self.blocks = blocks
        self.lines = lines
        self.starts = [block.first for block in blocks]

    def filling(self, first: int, last: int) -> list[Block] | None:
        """The blocks of lines ``first..last`` if the file's blocks fill them: none reaches
        in from before or out past ``last``, and each line not blank is in one. Then
        CommonMark starts afresh at ``first`` and is done at ``last``, as when the lines
        are parsed alone. None otherwise (a link reference definition makes no block)."""
        start = bisect.bisect_left(self.starts, first)
        end = bisect.bisect_right(self.starts, last)
        if start > 0 and self.blocks[start - 1].last >= first:
            return None
        inside = list(self.blocks[start:end])
        return inside if fills(inside, self.lines, first, last) else None


def fills(blocks: Sequence[Block], lines: Sequence[str], first: int, last: int) -> bool:
    """Whether ``blocks`` (in order) lie within lines ``first..last`` and hold each of those
    lines that is not blank."""
    covered = first
    for block in blocks:
        if block.first < covered or block.last > last or _any_text(lines, covered, block.first):
            return False
        covered = block.last + 1
    return not _any_text(lines, covered, last + 1)


def _any_text(lines: Sequence[str], first: int, end: int) -> bool:
    """Whether a line in ``first..end - 1`` is not blank."""
    return any(lines[number - 1].strip() for number in range(first, end))
