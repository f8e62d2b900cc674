"""The summary printed at the end of a build."""

from __future__ import annotations

from pathlib import Path

from ankideck.build import BuildResult


def summary_lines(result: BuildResult, out: Path) -> list[str]:
    out = _shown(out)
    lines = [
        f"Built {len(result.decks)} decks with {result.cards} cards from "
        f"{result.files} files into {out}/"
    ]
    for deck in result.decks:
        cards = f"{len(deck.notes)} card" + ("s" if len(deck.notes) != 1 else "")
        lines.append(f"  {cards:>9}  {deck.name}  ->  {out / deck.output}")
    if result.unanswered:
        lines.append(f"Skipped {len(result.unanswered)} unanswered questions:")
        lines.extend(f"  {q.path}:{q.line}: {q.question}" for q in result.unanswered)
    diagnostics = result.diagnostics
    lines.append(f"{diagnostics.warning_count} warnings, {diagnostics.error_count} errors")
    return lines


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it is inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
