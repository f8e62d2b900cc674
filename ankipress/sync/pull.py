"""``ankipress pull``: what was edited in Anki since the last sync, carried back into the
markdown each note was rendered from (issue 28).

For each note of ours in Anki, the fields Anki holds are compared with what the last sync
put there (the sync record; without one, with the last build, where Anki's copy is the
newer). A field edited in Anki whose markdown has not changed since is carried back by
``notes.pullback`` into the note's own lines: the question's for the Question field, the
answer's for the Answer field. The edited file is then rendered again, and an edit is kept
only if its note now renders exactly as Anki holds it, and every other note of the file as
it did: so nothing is written that a reader of the card would not have written.

What cannot be carried back (a change across markup, a new paragraph, a field ankipress
makes, a note changed on both sides) is refused: with its ``path:line``, why, and a
unified diff of the note's markdown against what Anki holds, to be applied by hand.
What is found is written by ``pullwrite``; ``fieldlook`` says when two copies of a field
read the same on a card.
"""

from __future__ import annotations

import codecs
import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from html import unescape
from itertools import pairwise
from pathlib import Path

import nh3

from ankipress.assemble.filestage import process_file
from ankipress.assemble.outcome import BuildResult
from ankipress.cards.notetype import FIELDS
from ankipress.diagnostics import Diagnostics
from ankipress.identity.guids import in_namespace
from ankipress.identity.lockentry import plain_question
from ankipress.identity.lockfile import Lock
from ankipress.identity.matching import question_key
from ankipress.identity.retire import REMOVED_TAG
from ankipress.limits import DEFAULT_LIMITS, TooLarge, read_note
from ankipress.notes.blocks import line_starts
from ankipress.notes.config import Settings
from ankipress.notes.encoding import CONTROL, Undecodable, decode
from ankipress.notes.parse import parse_book
from ankipress.notes.pullback import Edit, apply_edits, source_edits
from ankipress.records import Note, Question, SourceFile
from ankipress.sync.fieldlook import alike
from ankipress.sync.live import LiveNote, Snapshot
from ankipress.sync.record import Record
from ankipress.sync.wanted import Shipped, Wanted, field_prints, fingerprint, one_line

QUESTION, ANSWER = FIELDS.index("Question"), FIELDS.index("Answer")
EXTRA = FIELDS.index("Extra")  # the user's own: an edit there stays in Anki, not pulled
_BLOCK = re.compile(r"<(?:br|/?(?:p|div|li|ul|ol|tr|h[1-6]|pre|blockquote|table|details))\b[^>]*>")


@dataclass(frozen=True)
class Refused:
    """A note edited in Anki whose edit is not carried back."""

    where: str  # path:line of its question, the path as diagnostics show it
    question: str  # plain text
    why: str
    diff: str  # the note's markdown against what Anki holds: to apply by hand
    path: Path  # the file


@dataclass(frozen=True)
class Pulled:
    """A note whose edit is carried back: its fields now render as Anki holds them."""

    guid: str
    where: str
    question: str
    fields: tuple[int, ...]  # which fields were edited in Anki
    note: Note  # the note rendered from the edited markdown
    synced: tuple[str, ...] | None  # the record's fingerprints after the pull (None: none)
    built: str = ""  # the note's source as the build found it (path:line)


@dataclass
class FilePull:
    """One file's edits: the text as read and with the edits made."""

    source: SourceFile
    encoding: str
    before: str
    after: str
    notes: list[Pulled] = field(default_factory=list)

    @property
    def data(self) -> bytes:
        return self.after.encode(self.encoding)

    def diff(self) -> str:
        """The unified diff of the file's edits."""
        name = self.source.display
        lines = difflib.unified_diff(
            _lines(self.before), _lines(self.after), f"a/{name}", f"b/{name}"
        )
        return "".join(_ended(line) for line in lines)


@dataclass
class PullPlan:
    files: list[FilePull] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    extra: int = 0  # notes whose Extra field, the user's own, was edited in Anki: kept there
    alike: int = 0  # notes whose copy in Anki differs only in spacing or code colours: kept
    unknown: list[str] = field(default_factory=list)  # path:line of notes differing in Anki,
    # where nothing tells whether Anki's copy is an edit or an older import: left alone
    gone: list[str] = field(default_factory=list)  # where notes removed from the notes,
    # edited in Anki since the last sync, were: nothing to pull them into

    @property
    def pulled(self) -> list[Pulled]:
        return [note for pull in self.files for note in pull.notes]


@dataclass(frozen=True)
class _Edited:
    """A note edited in Anki: which fields, and what Anki holds."""

    source: SourceFile
    shipped: Shipped
    built: Note
    held: LiveNote
    fields: tuple[int, ...]
    put: tuple[str, ...] | None  # what the last sync put, field by field (None: unknown)
    why: str = ""  # why it is refused, before its markdown is read ('' if it is not)


def find_pulls(
    result: BuildResult,
    wanted: Wanted,
    live: Snapshot,
    record: Record,
    settings: Mapping[Path, Settings],
    media_roots: tuple[Path, ...],
    locks: Mapping[Path, Lock],
) -> PullPlan:
    """What a pull writes, file by file, and what it refuses. ``result``: a build of the
    notes that wrote nothing; ``live``: Anki's notes, recognised; ``locks``: each content
    root's lock as it is."""
    plan = PullPlan()
    held = live.by_guid()
    by_file: dict[SourceFile, list[_Edited]] = {}
    for deck in result.decks:
        for note in deck.notes:
            shipped = wanted.shipped.get(note.guid)
            anki = held.get(note.guid)
            if shipped is None or anki is None or REMOVED_TAG in note.tags:
                continue
            edited = _edited(deck.book, shipped, note, anki, record, plan)
            if edited is not None:
                by_file.setdefault(deck.book, []).append(edited)
    for retired in wanted.retired.values():  # edited in Anki, with no markdown left
        anki = held.get(retired.guid)
        put = record.synced.get(retired.guid)
        if anki is not None and put is not None and put != field_prints(anki.fields):
            plan.gone.append(retired.where)
    for source, notes in by_file.items():
        lock = locks.get(source.root, Lock())
        found = _file_pull(source, notes, settings[source.root], media_roots, lock, plan)
        if found is not None and found.notes:
            plan.files.append(found)
    plan.refused.sort(key=lambda r: _place(r.where))
    return plan


def _edited(
    source: SourceFile,
    shipped: Shipped,
    note: Note,
    anki: LiveNote,
    record: Record,
    plan: PullPlan,
) -> _Edited | None:
    """What of ``note`` was edited in Anki, if anything (with why it is refused, where it
    is changed both ways, or in a field ankipress makes)."""
    ours, held = field_prints(note.fields), field_prints(anki.fields)
    if len(ours) != len(held):
        return None
    put = record.synced.get(shipped.guid)
    if put is None or len(put) != len(ours):
        put = None
        last = shipped.last_built
        if held == ours:
            return None
        if last is None or last[0] != fingerprint(note.fields, last[1]) or anki.mod <= shipped.mod:
            # no sync record, and Anki's copy may be an older import: not an edit known
            plan.unknown.append(f"{source.display}:{_line_of(note.source)}")
            return None
        base = ours  # the notes as last built, which Anki's newer copy was edited from
    else:
        base = put
    fields = tuple(i for i in range(len(ours)) if held[i] != base[i] and held[i] != ours[i])
    if fields and set(fields) <= {EXTRA}:
        plan.extra += 1
        return None
    fields = tuple(i for i in fields if i != EXTRA)
    if not fields:
        return None
    pulled = record.pulled.get(shipped.guid)  # the notes as the last pull left them
    if pulled is not None and len(pulled) != len(ours):
        pulled = None
    both = [
        FIELDS[i] for i in fields if ours[i] != base[i] and (pulled is None or ours[i] != pulled[i])
    ]
    if both:
        why = (
            f"edited in Anki, and its markdown changed since the last sync ({', '.join(both)}): "
            "sync to see the conflict, or copy Anki's text over by hand"
        )
        return _Edited(source, shipped, note, anki, fields, put, why)
    made = tuple(i for i in fields if i not in (QUESTION, ANSWER))
    if made:  # refused alone: its Question and Answer edits are pulled all the same
        names = ", ".join(FIELDS[i] for i in made)
        why = (
            f"its {names} field is made by ankipress (from the book, chapter and file), "
            "not written in the note: edited in Anki, it stays there"
        )
        plan.refused.append(_refusal(_Edited(source, shipped, note, anki, made, put), why))
        fields = tuple(i for i in fields if i not in made)
    return _Edited(source, shipped, note, anki, fields, put) if fields else None


def _file_pull(
    source: SourceFile,
    notes: list[_Edited],
    settings: Settings,
    media_roots: tuple[Path, ...],
    lock: Lock,
    plan: PullPlan,
) -> FilePull | None:
    """The file with each note's edits made and checked, one note after another (a note
    whose edits would not render as Anki holds it is refused, and the others still
    tried); what cannot be, refused."""
    try:
        data = read_note(source.path, DEFAULT_LIMITS.note)
        decoded = decode(data, settings.encoding)
    except (OSError, TooLarge, Undecodable) as exc:
        for edited in notes:
            plan.refused.append(_refusal(edited, edited.why or f"its file cannot be read ({exc})"))
        return None
    text, encoding = decoded.text, _codec(data, decoded.encoding)
    book = parse_book(source, text, Diagnostics(), settings)
    questions = {q.line: q for c in book.chapters for q in c.questions} if book else {}
    starts = line_starts(text)
    whole = _whole(data, encoding, text)
    edits: dict[str, list[Edit]] = {}
    regions: dict[str, dict[int, tuple[int, int]]] = {}
    for edited in notes:
        question = questions.get(_line_of(edited.built.source))
        if question is None or question.answer_lines is None:
            why = "its question is not found where the build found it: build again, then pull"
            plan.refused.append(_refusal(edited, edited.why or why))
            continue
        lines = regions[edited.shipped.guid] = _regions(question)
        why = edited.why or _unwritable(text, starts, lines, edited, whole is not None)
        if why:
            plan.refused.append(_refusal(edited, why, text, starts, lines))
            continue
        found = _note_edits(text, starts, lines, edited)
        if not isinstance(found, str) and whole is not None:
            found = _in_whole(found, *whole)
        if isinstance(found, str):
            plan.refused.append(_refusal(edited, found, text, starts, lines))
        else:  # (none: a change to formatting alone, which the check below refuses)
            edits[edited.shipped.guid] = found
    raw = whole[0] if whole is not None else text
    pull = FilePull(source, encoding, raw, raw)
    old = _rendered(source, settings, media_roots, data) if edits else []
    how = (settings, media_roots)
    adding = [edited for edited in notes if edited.shipped.guid in edits]
    together = _check(pull, adding, edits, old, how, lock) if len(adding) > 1 else None
    if isinstance(together, FilePull):  # (the common case: one render of the file)
        return _with_words_changed(together, edits, plan)
    for edited in adding:  # one after another: a note refused leaves the others pulled
        tried = _check(pull, [edited], edits, old, how, lock)
        if isinstance(tried, str):
            where = regions[edited.shipped.guid]
            plan.refused.append(_refusal(edited, tried, text, starts, where))
        else:
            pull = tried
    return _with_words_changed(pull, edits, plan)


def _with_words_changed(
    pull: FilePull, edits: Mapping[str, Sequence[Edit]], plan: PullPlan
) -> FilePull:
    """``pull`` without the notes it changes no word of: Anki's copy differs only as
    ``fieldlook.alike`` allows (a no-break space in code, say), which stays there, counted."""
    same = [note for note in pull.notes if not edits[note.guid]]
    plan.alike += len(same)
    return replace(pull, notes=[note for note in pull.notes if edits[note.guid]])


def _whole(data: bytes, encoding: str, text: str) -> tuple[str, list[int]] | None:
    """The file's text with every character it holds (the control characters a build
    drops too), and where each character of ``text`` (as the build reads it) is in it;
    None if the file is not that text, some control characters dropped, byte for byte."""
    try:
        raw = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if raw.encode(encoding) != data:
        return None
    mark = int(raw.startswith("\ufeff") and not text.startswith("\ufeff"))  # (UTF-16's BOM)
    kept = [i for i, char in enumerate(raw) if i >= mark and not CONTROL.match(char)]
    if len(kept) != len(text) or "".join(raw[i] for i in kept) != text:
        return None
    return raw, kept


def _in_whole(edits: list[Edit], raw: str, kept: list[int]) -> list[Edit] | str:
    """``edits`` of the text as read, as edits of the file's whole text; or why not (a
    control character, which the build drops, inside an edit)."""
    found = []
    for edit in edits:
        start = kept[edit.start] if edit.start < len(kept) else len(raw)
        end = kept[edit.end - 1] + 1 if edit.end > edit.start else start
        if end - start != edit.end - edit.start:
            return "a control character (which the build drops) is inside the words changed"
        found.append(Edit(start, end, edit.text))
    return found


def _unwritable(
    text: str,
    starts: list[int],
    lines: Mapping[int, tuple[int, int]],
    edited: _Edited,
    same: bool,
) -> str:
    """Why the note's lines cannot be edited as they are ('' if they can)."""
    if not same:
        return (
            "its file is not the same bytes once read and written back (its encoding does not "
            "round-trip): not rewritten"
        )
    for index in edited.fields:
        first, last = lines[index]
        region = text[slice(*_chars(starts, first, last, text))]
        if not unicodedata.is_normalized("NFC", region):
            return (
                "its lines are not in composed Unicode (NFC), and Anki keeps only that: "
                "an edit pulled would rewrite characters you did not change"
            )
    return ""


def _regions(question: Question) -> dict[int, tuple[int, int]]:
    """The lines (first, last) each field of the note is rendered from."""
    assert question.answer_lines is not None
    first, last = question.answer_lines
    return {QUESTION: (question.line, max(question.line, first - 1)), ANSWER: (first, last)}


def _note_edits(
    text: str, starts: list[int], lines: Mapping[int, tuple[int, int]], edited: _Edited
) -> list[Edit] | str:
    """The edits of the note's own lines that carry Anki's fields into them, or why not."""
    found: list[Edit] = []
    question = _chars(starts, *lines[QUESTION], text)
    for index in edited.fields:
        region = _chars(starts, *lines[index], text)
        besides = _asked(text, question, edited.built.question) if index == ANSWER else (0, 0)
        edits, rejected = source_edits(
            text, region, edited.built.fields[index], edited.held.fields[index], besides
        )
        if rejected:
            shown = "; ".join(_rejection(r.before, r.after, r.why) for r in rejected[:3])
            return f"{FIELDS[index]}: {shown}"
        found += edits
    found.sort(key=lambda e: e.start)
    if any(b.start < a.end for a, b in pairwise(found)):
        return "its question and answer edits fall on the same words"
    return found


def _asked(text: str, question: tuple[int, int], field: str) -> tuple[int, int]:
    """The characters of the question's own words in its lines (from its first word to
    its last), where an answer that starts on the question's line is not: a ``<summary>``
    line, a ``Q:`` line with its answer after it. (0, 0) where they are not found."""
    words = field and plain_question(field).split()
    if not words:
        return (0, 0)
    start, end = question
    first = text.find(words[0], start, end)
    last = text.rfind(words[-1], start, end)
    if first < 0 or last < first:
        return (0, 0)
    return first, last + len(words[-1])


def _check(
    pull: FilePull,
    adding: Sequence[_Edited],
    edits: Mapping[str, Sequence[Edit]],
    old: list[Note],
    how: tuple[Settings, tuple[Path, ...]],
    lock: Lock,
) -> FilePull | str:
    """The file with the edits of the notes pulled so far and of ``adding``, if it renders
    each of those as Anki holds it and every other note as before; else why not (said of
    one note added)."""
    guids = [p.guid for p in pull.notes] + [e.shipped.guid for e in adding]
    after = apply_edits(pull.before, [e for guid in guids for e in edits[guid]])
    try:
        encoded = after.encode(pull.encoding)
    except UnicodeEncodeError as exc:
        held = exc.object[exc.start : exc.end]
        return f"Anki's text has {held!r}, which its file's encoding, {pull.encoding}, cannot hold"
    new = _rendered(pull.source, *how, encoded)
    if len(old) != len(new):
        return (
            "the markdown edited would make another number of cards "
            f"({len(old)} before, {len(new)} after): a change to how the note is written"
        )
    lines = {_line_of(note.source): i for i, note in enumerate(old)}
    expected = [list(note.fields) for note in old]
    for done in pull.notes:
        expected[lines[_line_of(done.built)]] = list(done.note.fields)
    places: dict[str, int] = {}
    for edited in adding:
        at = lines.get(_line_of(edited.built.source))
        if at is None or _nfc(old[at].fields) != _nfc(edited.built.fields):
            return "its file renders otherwise than the build made it: build again, then pull"
        places[edited.shipped.guid] = at
        for index in edited.fields:
            expected[at][index] = edited.held.fields[index]
    for i, note in enumerate(new):
        if not alike(note.fields, expected[i]):
            if i in places.values():
                return (
                    "the markdown edited would not render as Anki holds it (a change to "
                    "formatting, or across markup)"
                )
            return f"the edit would change another note of the file too ({old[i].source})"
    pulled = []
    asked = {question_key(done.note) for done in pull.notes}
    for edited in adding:
        guid = edited.shipped.guid
        note = new[places[guid]]
        taken = _question_taken(lock, guid, note) if QUESTION in edited.fields else ""
        if not taken and QUESTION in edited.fields and question_key(note) in asked:
            taken = "another note of its file is pulled to the same question: reword one"
        if taken:
            return taken
        asked.add(question_key(note))
        where = f"{pull.source.display}:{_line_of(note.source)}"
        question = one_line(note.question)
        found = Pulled(guid, where, question, edited.fields, note, _synced(edited))
        pulled.append(replace(found, built=edited.built.source))
    return FilePull(pull.source, pull.encoding, pull.before, after, [*pull.notes, *pulled])


def _question_taken(lock: Lock, guid: str, note: Note) -> str:
    """Why the note's new question would take another note's identity ('' if not): the
    lock knows another note of its book by that question (one removed from the notes, a
    question asked twice), or by the GUID that question makes (a note whose question was
    that once, reworded since: it kept the GUID): the next build would give it that
    note's GUID, and so its place and history."""
    entries = lock.by_guid()
    own = entries.get(guid)
    if own is None:
        return ""
    key = question_key(note)
    made = {note.guid, in_namespace(lock.namespace, note.guid) if lock.namespace else note.guid}
    for entry in lock.entries:
        if entry.guid == guid:
            continue
        if entry.guid in made or (entry.book == own.book and entry.question == key):
            gone = " (removed from the notes)" if entry.removed is not None else ""
            return (
                f"its new question is the one of another note{gone} the lock knows, at "
                f"{entry.at}: pulled, this note would take that one's place and history; "
                "reword it in the markdown"
            )
    return ""


def _synced(edited: _Edited) -> tuple[str, ...] | None:
    """What the record is to say the note holds, field by field, once pulled: Anki's
    fields where pulled, the rest as the last sync put them."""
    if edited.put is None:
        return None
    held = field_prints(edited.held.fields)
    return tuple(held[i] if i in edited.fields else p for i, p in enumerate(edited.put))


def _rendered(
    source: SourceFile, settings: Settings, media_roots: tuple[Path, ...], data: bytes
) -> list[Note]:
    outcome = process_file(source, settings, media_roots, data)
    return [note for deck in outcome.decks for note in deck.notes]


def _refusal(
    edited: _Edited,
    why: str,
    text: str = "",
    starts: Sequence[int] = (),
    lines: Mapping[int, tuple[int, int]] | None = None,
) -> Refused:
    """``edited`` refused, with its diff: of the markdown lines each edited field is
    rendered from (``lines``, in ``text``) against the field's text in Anki; where those
    lines are not known, of the field's text as the notes make it."""
    source, note, anki = edited.source, edited.built, edited.held
    where = f"{source.display}:{_line_of(note.source)}"
    out = []
    for index in edited.fields:
        held = [line + "\n" for line in _text_lines(anki.fields[index])]
        label = f"{source.display} ({FIELDS[index]} in Anki, as text: not markdown)"
        if lines is not None and index in lines:
            first, last = lines[index]
            ours = text[starts[first - 1] : _chars(starts, first, last, text)[1]]
            mine = _lines(ours)
            found = list(difflib.unified_diff(mine, held, f"{source.display} (markdown)", label))
            found = [_from_line(line, first) for line in found]
        else:
            made = [line + "\n" for line in _text_lines(note.fields[index])]
            found = list(difflib.unified_diff(made, held, f"{where} ({FIELDS[index]})", label))
        if not found:
            same = f"# {FIELDS[index]}: the same text in Anki; its formatting or spacing differs"
            found = [same + "\n"]
        out += found
    diff = "".join(map(_ended, out))
    # (beside the file where the notes have it: a link's place, not its target's)
    return Refused(where, edited.shipped.question, why, diff, source.root / source.rel)


_HUNK = re.compile(r"^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def _from_line(line: str, first: int) -> str:
    """A diff line of lines taken from ``first`` on: its hunk header at their place."""

    def moved(m: re.Match[str]) -> str:
        old, new = int(m[1]) + first - 1, int(m[3]) + first - 1
        return f"@@ -{old}{m[2]} +{new}{m[4]} @@"

    return _HUNK.sub(moved, line, count=1)


def _text_lines(html: str) -> list[str]:
    """A field's text, a line a block (a paragraph, a list item, a row)."""
    text = unescape(nh3.clean(_BLOCK.sub("\n", html), tags=set()))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _rejection(before: str, after: str, why: str) -> str:
    if before and after:
        return f"{before!r} -> {after!r}: {why}"
    return f"{after!r} added: {why}" if after else f"{before!r} removed: {why}"


def _chars(starts: list[int], first: int, last: int, text: str) -> tuple[int, int]:
    """The characters of lines ``first``..``last`` (1-based)."""
    end = starts[last] if last < len(starts) else len(text)
    return starts[min(first, len(starts)) - 1], end


def _line_of(source: str) -> int:
    line = unescape(source).rpartition(":")[2]
    return int(line) if line.isdigit() else 0


def _place(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return path, int(line) if line.isdigit() else 0


def _nfc(fields: Iterable[str]) -> list[str]:
    return [unicodedata.normalize("NFC", f) for f in fields]


_WIDE = (  # UTF-32's first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)


def _codec(data: bytes, encoding: str) -> str:
    """The codec that writes the file's bytes back: UTF-16 and UTF-32 in the byte order
    their mark gives (Python's own writes this machine's), the mark kept as text."""
    if encoding in ("utf-16", "utf-32"):
        for mark, name in _WIDE:
            if name.startswith(encoding) and data.startswith(mark):
                return name
    return encoding


def _lines(text: str) -> list[str]:
    """``text``'s lines with their ends, where markdown-it (and git) break them: not at a
    form feed or U+2028, as ``str.splitlines`` would, which made a patch git refuses."""
    starts = line_starts(text)
    return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True) if a < b]


def _ended(line: str) -> str:
    return line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
