"""The summary printed at the end of a build."""

from __future__ import annotations

from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

from ankipress.assemble.outcome import COMBINED_FILE, live_notes
from ankipress.assemble.pipeline import BuildResult
from ankipress.identity.reconcile import EARLIER_DECK, Change
from ankipress.notes.questions import plain_text

SUGGEST_COMBINED = 5  # packages written from which --combined is worth a mention
LISTED = 10  # notes named in a summary's list; more are counted


def summary_lines(result: BuildResult, out: Path) -> list[str]:
    out = _shown(out)
    lines = [
        f"Built {count(len(result.decks), 'deck')} with {count(result.cards, 'card')} from "
        f"{count(result.files, 'file')} into {out}/"
    ]
    if result.decks:
        lines.append(f"  {'cards':>5}  {'new':>5}  {'changed':>7}  {'removed':>7}  deck -> package")
    kind_of = {c.guid: c.kind for c in result.changes}  # by note: decks may share a name
    for deck in result.decks:
        kinds = Counter(kind_of.get(note.guid) for note in deck.notes)
        new, changed, removed = (
            (str(kinds["new"]), str(kinds["changed"] + kinds["matched"]), str(kinds["removed"]))
            if result.changes
            else ("-", "-", "-")
        )
        package = out / result.packages.get(deck.output, deck.output)
        counts = f"{live_notes(deck):>5}  {new:>5}  {changed:>7}  {removed:>7}"
        lines.append(f"  {counts}  {deck.name} -> {package}")
    written = set(result.packages.values())
    if len(written) >= SUGGEST_COMBINED:
        lines.append(
            f"  (importing by hand? --combined writes all {count(len(result.decks), 'deck')} "
            f"into one file, {out / COMBINED_FILE}, that imports them all at once)"
        )
    lines.extend(skipped_lines(result))
    lines.extend(lock_lines(result))
    lines.extend(moved_lines(result, out))
    lines.append(coverage_line(result))
    lines.extend(suspect_lines(result))
    diagnostics = result.diagnostics
    warnings, errors = diagnostics.warning_count, diagnostics.error_count
    lines.append(f"{count(warnings, 'warning')}, {count(errors, 'error')}")
    return lines


def changes_by_deck(changes: list[Change]) -> dict[str, list[Change]]:
    """The lock's changes grouped by deck name, in their order."""
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.deck, []).append(change)
    return grouped


def count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _shown(path: Path) -> Path:
    """``path`` relative to the working directory when it is inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def lock_lines(result: BuildResult) -> list[str]:
    """The notes new and changed since the lock, the notes it kept through a reworded
    question or a moved file, those it retired, and the note types restyled."""
    lines = []
    first_build = all(c.kind == "new" for c in result.changes)  # the table says it all
    for kind, heading in (("new", "New"), ("changed", "Changed")):
        found = [c for c in result.changes if c.kind == kind]
        if found and not first_build:
            lines.append(f"{heading}: {count(len(found), 'note')}")
            lines.extend(f"  {unescape(c.where)}: {plain_text(c.question)}" for c in found[:LISTED])
            if len(found) > LISTED:
                lines.append(f"  ... and {len(found) - LISTED} more")
    matched = [c for c in result.changes if c.kind == "matched"]
    removed = [c for c in result.changes if c.kind == "removed"]
    if matched:
        lines.append(f"Kept {count(len(matched), 'GUID')} through the lock:")
        lines.extend(_matched(c) for c in matched)
    if removed:
        lines.append(
            f"Removed {count(len(removed), 'note')} (shipped once more, tagged ankipress::removed):"
        )
        lines.extend(f"  {unescape(c.where)}: {plain_text(c.question)}" for c in removed)
    for root in sorted(result.restyled):
        kind = result.note_types[root].note_type if root in result.note_types else "ankipress"
        notes = sum(live_notes(d) for d in result.decks if d.book.root == root)
        lines.append(
            f"Card templates of note type {kind!r} changed ({_shown(root)}/): importing "
            f"updates the look of {count(notes, 'note')}; no field changed"
        )
    return lines


def _matched(change: Change) -> str:
    """A note the lock knew by another question or at another place: old -> new."""
    where, before, question = (
        unescape(change.where),
        *map(plain_text, (change.before, change.question)),
    )
    was = unescape(change.was_at)
    if before == question and was:
        return f"  {was} -> {where}: {question}"
    moved = f" (was {was})" if was and was.rpartition(":")[0] != where.rpartition(":")[0] else ""
    return f"  {where}: {before!r} -> {question!r}{moved}"


def moved_lines(result: BuildResult, out: Path) -> list[str]:
    """Packages deleted as stale, and notes whose deck was renamed: Anki leaves the cards
    it already holds in their old deck, so say how to move them."""
    lines = []
    if result.pruned:
        lines.append(
            f"Deleted {count(len(result.pruned), 'package')} an earlier build wrote "
            "and this one no longer makes:"
        )
        lines.extend(f"  {out / file}" for file in result.pruned)
    moves = Counter((c.moved_from, c.deck) for c in result.changes if c.moved_from)
    if moves:
        lines.append(
            f"{count(sum(moves.values()), 'note')} now in another deck; Anki keeps the "
            "cards it already has in the old one:"
        )
        lines.extend(
            f"  {_deck(old)} -> {new!r} ({count(n, 'note')})" for (old, new), n in moves.items()
        )
        lines.append(
            '  To move them: Browse, search deck:"OLD NAME" (or, where that is not known, '
            "the notes' own text), select all, Cards > Change Deck; notes an earlier ankipress "
            "sync put in Anki, the next sync moves."
        )
    return lines


def _deck(name: str) -> str:
    """A deck's name as the summary shows it; one the cache no longer knows, as said."""
    return "(a deck whose name this build does not know)" if name == EARLIER_DECK else repr(name)


def skipped_lines(result: BuildResult) -> list[str]:
    """The questions with no card, and the introductions on no card, each with where."""
    lines = []
    if result.unanswered:
        lines.append(f"Skipped {count(len(result.unanswered), 'unanswered question')}:")
        lines.extend(
            f"  {q.path}:{q.line}: {q.question}"
            + ("" if q.reason == "no answer" else f" ({q.reason})")
            for q in result.unanswered
        )
    intros = [(path, span) for path, c in result.coverage.items() for span in c.introductions]
    if intros:
        lines.append(
            f"Not on a card, {count(len(intros), 'introduction')} "
            "(text before a file's first question):"
        )
        lines.extend(f"  {path}:{first}-{last}" for path, (first, last) in sorted(intros))
    return lines


def suspect_lines(result: BuildResult) -> list[str]:
    """How many cards may be read wrongly, and where to look."""
    suspects = [d for d in result.diagnostics.sorted() if d.code == "suspect"]
    if not suspects:
        return []
    files = len({d.path for d in suspects})
    return [
        f"Suspect: {count(len(suspects), 'card')} in {count(files, 'file')} may be read "
        "wrongly (the warnings above that name a setting; 'ankipress outline FILE' shows "
        "each in place)"
    ]


def coverage_line(result: BuildResult) -> str:
    files = result.coverage.values()
    prose = sum(c.prose_lines for c in files)
    on_cards = sum(c.on_cards for c in files)
    unanswered = sum(c.unanswered for c in files)
    nested = sum(c.nested for c in files)
    text = f"Coverage: {on_cards} of {prose} lines of notes on cards"
    if unanswered:
        text += f", {unanswered} in unanswered questions"
    if nested:
        text += f", {nested} in questions kept inside other answers (see the warnings)"
    intros = sum(last - first + 1 for c in files for first, last in c.introductions)
    if intros:
        text += f"; {intros} in introductions, on no card"
    missing = result.uncovered_lines
    return text + (f", {missing} on no card (see the warnings)" if missing else "")


def check_report(result: BuildResult) -> dict[str, Any]:
    """What `check --format json` prints: the decks a build would write, and why not more."""
    return {
        "files": result.files,
        "errors": result.diagnostics.error_count,
        "warnings": result.diagnostics.warning_count,
        "diagnostics": [
            {
                "path": d.path,
                "line": d.line,
                "severity": d.severity.value,
                "code": d.code,
                "message": d.message,
            }
            for d in result.diagnostics.sorted()
        ],
        "decks": [
            {"name": deck.name, "file": deck.output.as_posix(), "cards": len(deck.notes)}
            for deck in sorted(result.decks, key=lambda d: d.output.as_posix())
        ],
        "unanswered": [
            {"path": q.path, "line": q.line, "question": q.question, "reason": q.reason}
            for q in sorted(result.unanswered, key=lambda q: (q.path, q.line))
        ],
        "introductions": [
            {"path": path, "first": first, "last": last}
            for path, c in sorted(result.coverage.items())
            for first, last in c.introductions
        ],
        "nested_questions": [
            {"path": d.path, "line": d.line, "message": d.message}
            for d in result.diagnostics.sorted()
            if d.code == "nested-question"
        ],
    }
