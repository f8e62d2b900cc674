"""Render a file's notes the way a build does, without packaging: notes and diagnostics."""

from __future__ import annotations

from pathlib import Path

from ankipress.cards.media import MediaResolver
from ankipress.diagnostics import Diagnostics
from ankipress.identity.repeats import assign_guids
from ankipress.notes.discover import discover
from ankipress.notes.parse import parse_book
from ankipress.records import Note


def render(root: Path, name: str = "book.md") -> tuple[list[Note], list[str]]:
    from ankipress.cards.render import render_note

    diagnostics = Diagnostics()
    (source,) = [s for s in discover([root], cwd=root.parent) if s.rel.as_posix() == name]
    book = parse_book(source, source.path.read_text(encoding="utf-8"), diagnostics)
    assert book is not None
    guids = assign_guids(book, diagnostics)
    resolver = MediaResolver(diagnostics)
    rendered = [
        render_note(book, chapter, q, guids[q], resolver)
        for chapter in book.chapters
        for q in chapter.questions
        if q.answered
    ]
    return rendered, [str(d) for d in diagnostics.sorted()]


def answer_of(write_tree, body: str, **files: bytes) -> tuple[Note, list[str]]:
    root = write_tree({"book.md": f'<h2 id="q">1.Q?</h2>\n\n{body}\n', **files})
    (note,), diagnostics = render(root)
    return note, diagnostics
