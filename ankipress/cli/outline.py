"""``outline``: each markdown file as the build understands it, chapter by chapter."""

from __future__ import annotations

import json
import sys
from bisect import bisect_left
from pathlib import Path
from typing import Any

import click

from ankipress.assemble.filestage import process_file
from ankipress.cli.review import FORMAT
from ankipress.cli.shared import NamesProgram, say
from ankipress.cli.summary import count
from ankipress.diagnostics import Diagnostic, Diagnostics, Severity, display_path, one_line
from ankipress.notes.config import Settings, load_project_settings, settings_path
from ankipress.notes.discover import discover
from ankipress.notes.encoding import decode
from ankipress.records import Book, SourceFile

NESTED = "nested-question"
SUSPECT = "suspect"  # shown in place, under the question it is about


@click.command(cls=NamesProgram)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT
def outline(paths: tuple[Path, ...], output_format: str) -> None:
    """Print each markdown file as the build understands it: its decks, the sections and
    questions of each chapter with their lines and shape, and why a question has no card.
    Folders are walked for *.md and *.markdown. Nothing is written.

    \b
    Example:
      %(prog)s outline notes/vision.md
      notes/vision.md: 1 card in 1 deck
        Vision Notes::01 Attention  (chapter at L3)
          § Basics
          L7-L13  What is attention?  [topic]
            L11  (kept in the answer of line 7) Why scale it?
          L15  What is a ViT?  [topic]  (unanswered: placeholder answer 'TODO')

    A question kept inside another's answer has no card of its own: to give it one, make
    it a heading of the level of the question holding it. A 'suspect' line under a
    question says why its card may be read wrongly, and which setting would help.

    Settings that change the outline, in the file's front matter or the content folder's
    ankipress.yaml: chapter_level (which headings are chapters), question_level (which
    headings ask; deeper ones are part of their answers), details (answer: every
    <details> holds the answer of the line above it; question: its summary asks),
    shapes (h2, details, q, term, topic: the shapes recognised), skip_sections
    (sections that are not content), title (deck names).

    Exit status: 0, or 1 if some file has errors.
    """
    general = Diagnostics()  # of paths and settings, not of one file's notes
    for missing in (p for p in paths if not p.exists() and not p.is_symlink()):
        general.error(str(missing), 0, "no such file or folder", "io")
    given = [p for p in paths if p.exists() or p.is_symlink()]
    sources = discover(given, diagnostics=general)  # as the build does: keys depend on all
    for empty in (p for p in given if p.is_dir() and p.resolve() not in {s.root for s in sources}):
        general.warning(display_path(empty), 0, "no markdown files here", "io")
    settings: dict[Path, Settings | None] = {}
    for root in dict.fromkeys(source.root for source in sources):  # as the build reads them
        where = display_path(settings_path(root))
        settings[root] = load_project_settings(root, where, general)
    files = [_file(s, found) for s in sources if (found := settings[s.root]) is not None]
    errors = general.error_count
    errors += sum(d["severity"] == "error" for f in files for d in f["diagnostics"])
    if output_format == "json":
        top = [_diagnostic(d) for d in general.sorted()]
        report = {"files": files, "diagnostics": top, "errors": errors}
        say(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for diagnostic in general.sorted():
            say(str(diagnostic), err=True)
        for line in (line for file in files for line in outline_lines(file)):
            say(one_line(line))
    sys.exit(1 if errors else 0)


def _file(source: SourceFile, settings: Settings) -> dict[str, Any]:
    """One file's outline: what the build makes of it (decks, diagnostics) and the book its
    parse gives (chapters, sections, questions)."""
    report: dict[str, Any] = {"path": source.display, "title": None, "cards": 0, "decks": 0}
    report.update(chapters=[], nested=[], suspects=[], diagnostics=[])
    try:
        outcome = process_file(source, settings, ())
        book = _book(source, settings) if outcome.key else None
    except Exception as exc:  # a bug: one line naming the file, as the build says it
        message = f"internal error: {type(exc).__name__}: {exc}"
        failed = Diagnostic(source.display, 0, Severity.ERROR, message, "internal")
        report["diagnostics"] = [_diagnostic(failed)]
        return report
    report["cards"] = sum(len(deck.notes) for deck in outcome.decks)
    report["decks"] = len(outcome.decks)
    report["diagnostics"] = [
        _diagnostic(d) for d in outcome.diagnostics if d.code not in (NESTED, SUSPECT)
    ]
    report["suspects"] = [
        {"line": d.line, "message": d.message} for d in outcome.diagnostics if d.code == SUSPECT
    ]
    if book is None:
        return report
    report["title"] = book.title
    report["nested"] = [
        {"line": line, "text": text, "host": q.line}
        for c in book.chapters
        for q in c.questions
        for line, text in q.kept
    ]
    carded = [c for c in book.chapters if any(q.answered for q in c.questions)]
    names = [d.name for d in outcome.decks] if len(carded) == len(outcome.decks) else []
    deck_of = {id(chapter): name for chapter, name in zip(carded, names, strict=False)}
    for chapter in book.chapters:
        questions = [
            {
                "first": q.line,
                "last": max(q.line, q.answer_lines[1]) if q.answer_lines else q.line,
                "text": q.text,
                "section": q.section,
                "shape": q.shape,
                "answered": q.answered,
                "why": "" if q.answered else q.why or "no answer",
            }
            for q in chapter.questions
        ]
        deck = deck_of.get(id(chapter))
        about = {"title": chapter.title, "line": chapter.line, "deck": deck}
        report["chapters"].append({**about, "questions": questions})
    return report


def _book(source: SourceFile, settings: Settings) -> Book | None:
    """The file's book, parsed again as the build parses it (its diagnostics are the
    build's, already had)."""
    from ankipress.notes.parse import parse_book

    text = decode(source.path.read_bytes(), settings.encoding).text
    return parse_book(source, text, Diagnostics(), settings)


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "line": d.line,
        "severity": d.severity.value,
        "code": d.code,
        "message": d.message,
        "text": str(d),
    }


def outline_lines(file: dict[str, Any]) -> list[str]:
    """The text form of one file's outline."""
    cards, decks = count(file["cards"], "card"), count(file["decks"], "deck")
    lines = [f"{file['path']}: {cards} in {decks}"]
    chapters = file["chapters"]
    homes: dict[int, list[dict[str, Any]]] = {}
    starts = sorted((q["first"], i) for i, c in enumerate(chapters) for q in c["questions"])
    for nested in file["nested"]:
        homes.setdefault(_home(starts, nested["line"]), []).append(nested)
    for suspect in file["suspects"]:
        homes.setdefault(_home(starts, suspect["line"]), []).append(suspect)
    for index, chapter in enumerate(chapters):
        if chapter["deck"]:
            lines.append(f"  {chapter['deck']}  (chapter at L{chapter['line']})")
        else:
            title = chapter["title"] or "(before the first chapter)"
            lines.append(f"  {title}  (L{chapter['line']}; no deck: no question answered)")
        items = [(q["first"], 0, q) for q in chapter["questions"]]
        items += [(n["line"], 1 if "host" in n else 2, n) for n in homes.get(index, [])]
        section = ""
        for line, nested, item in sorted(items, key=lambda i: (i[0], i[1])):
            if nested == 2:
                lines.append(f"      L{line}  suspect: {item['message']}")
                continue
            if nested:
                where = f"line {item['host']}" if item["host"] else "another question"
                lines.append(f"      L{line}  (kept in the answer of {where}) {item['text']}")
                continue
            if item["section"] != section:
                section = item["section"]
                lines.append(f"    § {section or '(top of the chapter)'}")
            span = f"L{line}" if item["last"] == line else f"L{line}-L{item['last']}"
            why = "" if item["answered"] else f"  (unanswered: {item['why']})"
            lines.append(f"    {span}  {item['text']}  [{item['shape']}]{why}")
    lines.extend(d["text"] for d in file["diagnostics"])
    return lines


def _home(starts: list[tuple[int, int]], line: int) -> int:
    """The chapter of the last question above ``line`` (the one whose answer holds it):
    ``starts`` are the questions' first lines with their chapters, sorted."""
    index = bisect_left(starts, (line + 1, -1)) - 1
    return starts[index][1] if index >= 0 else 0
