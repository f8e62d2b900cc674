"""Compiler-style diagnostics: ``path:line: severity: message``, collected, then sorted."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

# Every code a diagnostic has: what `check --allow` accepts and `--format json` prints.
CODES = (
    "config",
    "encoding",
    "io",
    "outside",
    "image",
    "html",
    "nesting",
    "fence",
    "table",
    "math",
    "details",
    "uncovered",
    "nested-question",
    "suspect",
    "duplicate-question",
    "duplicate-book",
    "duplicate-output",
    "duplicate-deck",
    "lock",
    "foreign",
    "templates",
    "size",
    "internal",
)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int
    severity: Severity
    message: str
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        """``path:line: warning[code]: message``: the code is what ``--allow`` takes."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = f"{self.severity.value}[{self.code}]" if self.code else self.severity.value
        return one_line(f"{where}: {kind}: {self.message}")


# Control characters and line breaks, as escapes: a file name or a lock's text holding a
# newline must not print a line of its own (one that reads like another diagnostic).
_CONTROLS = {
    c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"
    for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
    if c != 0x09
}


def one_line(text: str) -> str:
    """``text`` on one line: its control characters and line breaks shown as escapes."""
    return text.translate(_CONTROLS)


class Diagnostics:
    """Collects diagnostics for one build; stages add to it, the CLI prints it."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []

    def error(self, path: str, line: int, message: str, code: str) -> None:
        self._items.append(Diagnostic(path, line, Severity.ERROR, message, code))

    def warning(self, path: str, line: int, message: str, code: str) -> None:
        self._items.append(Diagnostic(path, line, Severity.WARNING, message, code))

    def extend(self, items: list[Diagnostic]) -> None:
        self._items.extend(items)

    def sorted(self) -> list[Diagnostic]:
        """Each distinct diagnostic once, in file and line order."""
        return sorted(set(self._items), key=_sort_key)

    @property
    def error_count(self) -> int:
        return self._count(Severity.ERROR)

    @property
    def warning_count(self) -> int:
        return self._count(Severity.WARNING)

    def _count(self, severity: Severity) -> int:
        return sum(d.severity is severity for d in set(self._items))


def _sort_key(d: Diagnostic) -> tuple[str, int, str, str]:
    return (d.path, d.line, d.severity.value, d.message)


def display_path(path: Path, cwd: Path | None = None) -> str:
    """How diagnostics name a file: relative to the working directory when inside it."""
    try:
        return path.relative_to((cwd or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return str(path)
