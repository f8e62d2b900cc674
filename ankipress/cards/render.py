"""Render: a question's answer tokens -> the HTML of a Note, its images resolved to media."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

from markdown_it.token import Token

from ankipress.cards.media import MediaResolver
from ankipress.cards.rawhtml import read_raw_html
from ankipress.cards.sanitize import (
    MAX_DEPTH,
    escape_unclosed,
    sanitize,
    too_deep,
)
from ankipress.cardtext import inert_tex
from ankipress.identity.repeats import NoteIdentity
from ankipress.notes.asking import MARKUP
from ankipress.notes.editors import EMBED
from ankipress.notes.markdown import ensure_inline, markdown
from ankipress.records import BREADCRUMB, Book, Chapter, MediaFile, Note, Question

_TAG_NAME = re.compile(r"<(\w+)")
_PICTURED = re.compile(r"!\[|<img\b", re.I)


def render_note(
    book: Book,
    chapter: Chapter,
    question: Question,
    identity: NoteIdentity,
    resolver: MediaResolver,
) -> Note:
    ensure_inline(question.answer)
    images = _ImageSources(book, resolver)
    images.collect(question.answer)
    md = markdown()
    answer, unclosed = escape_unclosed(
        md.renderer.render(list(question.answer), md.options, dict(book.env))
    )
    open_tags = {_TAG_NAME.match(tag)[1].lower() for tag in unclosed}  # type: ignore[index]
    for tag in unclosed:
        message = f"{tag[:40]!r} is never closed; shown as text, not as HTML"
        resolver.diagnostics.warning(book.source.display, question.line, message, "html")
    for line, removed in sorted(images.removed.items()):
        listed = ", ".join(t for t in dict.fromkeys(removed) if t.strip("<>") not in open_tags)
        message = f"removed from the card (not allowed there): {listed}"
        if listed:
            resolver.diagnostics.warning(book.source.display, line, message, "html")
    if too_deep(answer):
        resolver.diagnostics.warning(
            book.source.display,
            question.line,
            f"answer nests HTML elements more than {MAX_DEPTH} deep; shown as HTML source",
            "nesting",
        )
        images.media.clear()
        safe = f'<pre class="too-deep">{escape(answer, quote=False)}</pre>'
    else:
        safe = inert_tex(sanitize(answer, images.sources))
    if _PICTURED.search(question.markdown):
        message = "an image in a question is not shown on the card; put it in the answer"
        resolver.diagnostics.warning(book.source.display, question.line, message, "image")
    return Note(
        guid=identity.guid,
        question=_as_anki_keeps(inert_tex(question_html(question))),
        answer=_as_anki_keeps(safe),
        context=_as_anki_keeps(inert_tex(escape(context(book, chapter, question), quote=False))),
        source=_as_anki_keeps(
            inert_tex(escape(f"{book.source.source_name}:{question.line}", quote=False))
        ),
        media=tuple(sorted(set(images.media), key=lambda m: m.name)),
        tags=book.tags,
        key=identity.key,
    )


def _as_anki_keeps(field: str) -> str:
    """``field`` as Anki stores it: without form feeds, which it drops from every field
    (measured; the other control characters never reach a field). A note that shipped one
    would differ from Anki's copy of it, which a sync or a pull would take for an edit."""
    return field.replace("\x0c", "") if "\x0c" in field else field


def question_html(question: Question) -> str:
    """The Question field: the question's markdown rendered inline (math, code, emphasis)
    where it was written in markdown, else its plain text. Its identity stays the text."""
    if not MARKUP.search(question.markdown):  # plain text, most questions: no render
        return escape(question.text, quote=False)
    return sanitize(markdown().renderInline(question.markdown), {}).strip()


def context(book: Book, chapter: Chapter, question: Question) -> str:
    crumbs = [book.title, chapter.heading or chapter.title, question.section]
    return BREADCRUMB.join(c for c in crumbs if c)


class _ImageSources:
    """Resolves every image of an answer, markdown or raw HTML, before it is rendered, and
    notes the active raw HTML that sanitising will take out (to report it)."""

    def __init__(self, book: Book, resolver: MediaResolver) -> None:
        self.book = book
        self.resolver = resolver
        self.sources: dict[str, str | None] = {}  # src as written -> src on the card
        self.media: list[MediaFile] = []
        self.removed: dict[int, list[str]] = {}  # line -> active HTML that will not reach it

    def collect(self, tokens: tuple[Token, ...]) -> None:
        for token, line in _with_lines(tokens):
            if token.type == "image":
                # The image render rule reads the resolved target from meta.
                src = str(token.attrGet("src") or "")
                token.meta["media"] = self._resolve(src, line, bool(token.meta.get(EMBED)))
            elif token.type in ("html_block", "html_inline"):
                raw = read_raw_html(token.content)
                for src, offset in raw.images:
                    self._resolve(src, line + offset)
                for what, offset in raw.removed:
                    self.removed.setdefault(line + offset, []).append(what)

    def _resolve(self, src: str, line: int, by_name: bool = False) -> str | None:
        target = self.resolver.resolve(src, self.book.source, line, by_name)
        if isinstance(target, MediaFile):
            self.media.append(target)
            target = target.name
        self.sources[src] = target
        if target is not None:
            self.sources[target] = target
        return target


_MAY_HOLD = re.compile(r"[<!]")  # an image's "![", an embed's "![[", an HTML tag's "<"


def _with_lines(tokens: tuple[Token, ...]) -> Iterator[tuple[Token, int]]:
    """Every token and inline child with the 1-based source line it starts on."""
    line = 1
    for token in tokens:
        if token.map is not None:
            line = token.map[0] + 1
        yield token, line
        if not _MAY_HOLD.search(token.content):
            continue  # no image nor HTML among its children: no need to look
        child_line = line
        for child in token.children or []:
            yield child, child_line
            child_line += 1 if child.type in ("softbreak", "hardbreak") else 0
            child_line += child.content.count("\n") if child.type == "html_inline" else 0
