"""Parse: one markdown file -> a Book of Chapters of Questions, from markdown-it's tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ankipress.cardtext import UNSAFE_TEX
from ankipress.diagnostics import Diagnostics
from ankipress.identity.guids import normalise_question, strip_numbering
from ankipress.notes.asking import asks, names_an_aspect
from ankipress.notes.blocks import (
    Block,
    dropped_cells,
    source_lines,
    top_level_blocks,
    unclosed_fences,
)
from ankipress.notes.chapters import (
    is_toc_heading,
    is_toc_list,
    parse_chapter_heading,
    without_body_suffix,
)
from ankipress.notes.config import Settings, parse_settings
from ankipress.notes.coverage import Coverage
from ankipress.notes.dollars import runaway_math
from ankipress.notes.drafts import BEFORE_CHAPTERS, TOC, ChapterDraft, ChapterStart
from ankipress.notes.elements import Element, elements
from ankipress.notes.leads import strip_answer_marker
from ankipress.notes.markdown import parse_blocks
from ankipress.notes.marked import marked_answers
from ankipress.notes.nesting import TOO_DEEP
from ankipress.notes.outline import Walker
from ankipress.notes.rawblocks import UNCLOSED
from ankipress.notes.roles import Roles, assign_roles
from ankipress.notes.suspect import suspects
from ankipress.notes.titles import titled
from ankipress.records import Book, Chapter, SourceFile

ChapterRule = Callable[[Element], "ChapterStart | None"]


def parse_book(
    source: SourceFile, text: str, diagnostics: Diagnostics, base: Settings | None = None
) -> Book | None:
    """The book a file holds; None if it cannot be read (the reason is in diagnostics)."""
    settings = (base or Settings()).for_file(source.rel.as_posix())
    env: dict = {}
    tokens = parse_blocks(text, env)
    lines = source_lines(text)
    coverage = Coverage()
    if tokens and tokens[0].type == "front_matter":
        loaded = parse_settings(tokens[0].content, source.display, 2, diagnostics, settings)
        if loaded is None:
            return None
        settings = loaded
        coverage.not_content(1, (tokens[0].map or [0, 1])[1], "front matter")
    if settings.exclude:  # not notes to study (a journal, a reading list): said so by hand
        coverage.not_content(1, len(lines), "excluded by its settings")
        key = settings.id or source.key or source.rel.stem
        return Book(source, key, source.rel.stem, (), env, settings.tags, coverage.report(lines))
    blocks = top_level_blocks(tokens, lines)
    title_block = _title_heading(blocks, source.rel.stem)
    stream = elements(
        blocks, lines, env, settings.shapes, diagnostics, source.display, settings.details
    )
    stream = marked_answers(titled(list(stream), lines, env), lines)
    title_line = title_block.first if title_block else 0
    roles = assign_roles(stream, title_line, settings.question_level, settings.details)

    def report(line: int, message: str) -> None:
        diagnostics.warning(source.display, line, message, "nested-question")

    walker = Walker(
        _chapter_rule(blocks, settings, title_block, roles),
        roles,
        settings.skip_sections,
        "topic" in settings.shapes,
        coverage,
        report,
        lambda block: strip_answer_marker(block, lines, env),
    )
    walker.walk(stream)
    for line, cells, header in dropped_cells(tokens, lines):
        lost = "the last cell is" if cells - header == 1 else f"the last {cells - header} are"
        message = (
            f"table row of {cells} cells under a header of {header}: {lost} not shown (a | "
            "inside $math$ or code splits a cell: write it \\|)"
        )
        diagnostics.warning(source.display, line, message, "table")
    for first, last in unclosed_fences(tokens, lines):
        message = f"code fence is never closed; it runs to line {last}, all of it code"
        diagnostics.warning(source.display, first, message, "fence")
    for start in sorted(set(env.pop(UNCLOSED, ()))):  # raw-text tags: said when rendered
        opening = lines[start].strip()[:40] if start < len(lines) else ""
        if opening.startswith(("<!", "<?")) or opening[:4].lower() == "<pre":
            message = f"{opening!r} is never closed; read as text"
            diagnostics.warning(source.display, start + 1, message, "html")
    for number, line in enumerate(lines if UNSAFE_TEX.search(text) else (), start=1):
        if "\\" in line and (commands := list(dict.fromkeys(UNSAFE_TEX.findall(line)))):
            message = (
                f"MathJax command {', '.join(commands)} taken out of the card (in code, made "
                "inert): math links, loads or styles nothing"
            )
            diagnostics.warning(source.display, number, message, "math")
    for first, last in runaway_math(tokens):
        message = f"display math runs to line {last} across blank lines and text; close its $$"
        diagnostics.warning(source.display, first, message, "math")
    for start, end in sorted(set(env.pop(TOO_DEEP, ()))):
        span = f"line {end}" if end == start + 1 else f"lines {start + 1}-{end}"
        message = f"nested too deep to format; {span} shown as written"
        diagnostics.warning(source.display, start + 1, message, "nesting")
    title = settings.title or (title_block.text if title_block else "") or _file_title(source)
    deck = settings.deck
    if settings.title and "::" in settings.title:  # a deck name, as Anki nests them: A::B
        *parents, title = settings.title.split("::")
        deck = "::".join(part for part in (deck, *parents) if part and part.strip())
    chapters = tuple(_chapter(d) for d in walker.finish(title))
    key = settings.id or source.key or source.rel.stem
    book = Book(
        source, key, title, chapters, env, settings.tags, coverage.report(lines), deck or None
    )
    for suspect in suspects(book, lines, roles.shallower, roles.promoted, roles.carried):
        diagnostics.warning(source.display, suspect.line, suspect.message, "suspect")
    return book


_FOLDER_NOTES = {"readme", "index", "_index"}  # a file that speaks for its folder


def _file_title(source: SourceFile) -> str:
    """A book's title when nothing in the file gives one: its name, or for a ``readme.md``
    in a folder, the folder's."""
    if source.rel.stem.casefold() in _FOLDER_NOTES and source.rel.parent.name:
        return source.rel.parent.name
    return source.rel.stem


def _chapter(draft: ChapterDraft) -> Chapter:
    start = draft.start
    return Chapter(
        start.number,
        start.title or start.heading,
        start.heading,
        draft.line,
        tuple(draft.questions),
        start.key,
    )


def _chapter_rule(
    blocks: list[Block], settings: Settings, title: Block | None, roles: Roles
) -> ChapterRule:
    """Which headings open chapters: ``第N章`` headings if the file has any (unless the
    settings name a level), else those at the top level of the headings that group
    questions (none if no heading does: the file is one deck). A heading that asks a
    question is never a chapter."""
    title_line = title.first if title else 0
    numbered = [b for b in blocks if b.heading_level and parse_chapter_heading(b.text)]
    if numbered and settings.chapter_level is None:
        toc = _toc_headings(blocks)

        def by_number(element: Element) -> ChapterStart | None:
            heading = parse_chapter_heading(element.text)
            if element.first == title_line:  # the heading that titles the file: chapter 0
                return BEFORE_CHAPTERS
            if heading is None:
                return None
            if element.first in toc:
                return TOC
            written = without_body_suffix(element.text)
            return ChapterStart("", heading.number, heading.title, written)

        return by_number
    level = settings.chapter_level or roles.chapter_level
    ordinals: dict[str, int] = {}
    whole = _over_parts(blocks, roles.parts) & roles.questions

    def by_level(element: Element) -> ChapterStart | None:
        if element.first == title_line:
            return BEFORE_CHAPTERS
        if not level or element.level > level or element.asks or element.first in roles.parts:
            return None
        if element.first in whole:  # a question over its parts (思路, 实现): a card, no deck
            return None
        title = strip_numbering(element.text) or element.text
        key = "title:" + normalise_question(title)
        number = ordinals.setdefault(key, len(ordinals) + 1)
        return ChapterStart(key, number, title, element.text)

    return by_level


def _over_parts(blocks: list[Block], parts: frozenset[int]) -> set[int]:
    """Lines of the headings right above parts that name an aspect (``思路`` under
    ``01-查找``): the headings those parts belong to. (A part that names a topic, ``表锁``
    under several chapters, leaves its chapter one.)"""
    found: set[int] = set()
    stack: list[Block] = []
    for block in blocks:
        if not block.heading_level:
            continue
        while stack and stack[-1].heading_level >= block.heading_level:
            stack.pop()
        if block.first in parts and stack and names_an_aspect(block.text):
            found.add(stack[-1].first)
        if block.first not in parts:
            stack.append(block)
    return found


def _toc_headings(blocks: list[Block]) -> set[int]:
    """Lines of chapter headings followed only by lists of in-page links: a table of contents."""
    found: set[int] = set()
    for index, block in enumerate(blocks):
        if not (block.heading_level and parse_chapter_heading(block.text)):
            continue
        following = []
        for later in blocks[index + 1 :]:
            if later.heading_level and parse_chapter_heading(later.text):
                break
            if later.kind != "hr" and not later.is_comment:
                following.append(later)
        lists = [b for b in following if b.kind in ("bullet_list_open", "ordered_list_open")]
        if lists and len(lists) == len(following) and all(is_toc_list(b.tokens) for b in lists):
            found.add(block.first)
    return found


def _title_heading(blocks: list[Block], name: str) -> Block | None:
    """A heading that titles the whole file: the first, alone at its level or above, or
    named as the file is and standing apart from its numbered peers."""
    headings = [b for b in blocks if b.heading_level]
    if not headings:
        return None
    first = headings[0]
    peers = [h for h in headings[1:] if h.heading_level <= first.heading_level]
    if peers and not (_names(first.text, name) and _numbered_apart(first, peers)):
        return None
    if is_toc_heading(first.text) or parse_chapter_heading(first.text) or not first.text:
        return None
    if asks(first.text):  # a question, not the file's title
        return None
    return first


_NUMBER = re.compile(r"^\s*([0-9]{1,3})\s*[.、)）-](?![0-9])")  # 3. 3、 01-, not 1.2


def _numbered_apart(first: Block, peers: list[Block]) -> bool:
    """Whether the headings after the first one at its level are numbered 1, 2, 3... and it
    is not one of them (unnumbered, or numbered out of their run): it titles the file."""
    numbers = [_NUMBER.match(p.text) for p in peers]
    if any(n is None for n in numbers):
        return False
    run = [int(n[1]) for n in numbers if n is not None]
    if len(run) < 2 or run != list(range(1, len(run) + 1)):
        return False
    own = _NUMBER.match(first.text)
    return own is None or int(own[1]) != 0


def _names(text: str, name: str) -> bool:
    """Whether a heading's text and a file's name say the same (one holds the other)."""
    plain = [
        "".join(c for c in unicodedata.normalize("NFKC", t).casefold() if c.isalnum())
        for t in (strip_numbering(text), name)
    ]
    short, long = sorted(plain, key=len)
    return len(short) >= 3 and short in long
