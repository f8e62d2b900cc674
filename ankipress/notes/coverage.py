"""Coverage: which lines of a file are on a card, which are not content, and which are on
no card (and why), so that nothing the user wrote is lost silently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Statuses, weakest first: a line keeps the strongest status any element gave it. A
# question kept in another's answer is on a card, but not as a question: counted apart.
_UNCOVERED, _NOT_CONTENT, _UNANSWERED, _ON_CARD, _NESTED = range(5)


@dataclass(frozen=True)
class Gap:
    """Lines of prose on no card."""

    first: int
    last: int
    why: str


@dataclass(frozen=True)
class FileCoverage:
    prose_lines: int  # non-blank lines that are content
    on_cards: int
    unanswered: int  # lines of questions skipped for want of an answer
    gaps: tuple[Gap, ...]
    nested: int = 0  # lines of questions kept inside another question's answer
    introductions: tuple[tuple[int, int], ...] = ()  # prose under the title, on no card

    @property
    def uncovered(self) -> int:
        return self.prose_lines - self.on_cards - self.unanswered - self.nested


class Coverage:
    """Collects what the walk did with each range of lines."""

    def __init__(self) -> None:
        self._spans: list[tuple[int, int, int, str]] = []
        self._introductions: list[tuple[int, int]] = []

    def not_content(self, first: int, last: int, why: str) -> None:
        self._spans.append((first, last, _NOT_CONTENT, why))

    def uncovered(self, first: int, last: int, why: str) -> None:
        self._spans.append((first, last, _UNCOVERED, why))

    def question(self, first: int, last: int, answered: bool) -> None:
        status = _ON_CARD if answered else _UNANSWERED
        self._spans.append((first, last, status, "question without an answer"))

    def introduction(self, first: int, last: int, of: str = "the file") -> None:
        self._introductions.append((first, last))
        self._spans.append((first, last, _NOT_CONTENT, f"introduction of {of}"))

    def nested(self, first: int, last: int) -> None:
        self._spans.append((first, last, _NESTED, "question kept in another answer"))

    def report(self, lines: Sequence[str]) -> FileCoverage:
        status: list[tuple[int, str] | None] = [None] * (len(lines) + 1)
        for first, last, level, why in self._spans:
            for number in range(max(first, 1), min(last, len(lines)) + 1):
                current = status[number]
                if current is None or current[0] < level:
                    status[number] = (level, why)
        prose = on_cards = unanswered = nested = 0
        gaps: list[Gap] = []
        in_gap = False  # whether the last non-blank line ended the last gap
        for number in range(1, len(lines) + 1):
            if not lines[number - 1].strip():
                continue
            level, why = status[number] or (_UNCOVERED, "not recognised as any note shape")
            if level == _UNCOVERED:
                if in_gap and gaps[-1].why == why:
                    gaps[-1] = Gap(gaps[-1].first, number, why)
                else:
                    gaps.append(Gap(number, number, why))
            in_gap = level == _UNCOVERED
            if level != _NOT_CONTENT:
                prose += 1
                on_cards += level == _ON_CARD
                unanswered += level == _UNANSWERED
                nested += level == _NESTED
        intros = tuple(self._introductions)
        return FileCoverage(prose, on_cards, unanswered, tuple(gaps), nested, intros)
