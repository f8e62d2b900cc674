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
"""

from __future__ import annotations

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
from ankipress.diagnostics import Diagnostics, display_path
from ankipress.identity.apply_lock import save_lock
from ankipress.identity.lockentry import answer_hash, content_hash, plain_question
from ankipress.identity.lockfile import book_segments, header_line, lock_path, read_lock
from ankipress.identity.matching import question_key
from ankipress.identity.retire import REMOVED_TAG
from ankipress.limits import DEFAULT_LIMITS, TooLarge, read_note
from ankipress.notes.config import Settings
from ankipress.notes.encoding import Undecodable, decode
from ankipress.notes.parse import parse_book
from ankipress.notes.pullback import Edit, apply_edits, source_edits
from ankipress.records import Note, Question, SourceFile
from ankipress.sync.live import LiveNote, Snapshot
from ankipress.sync.record import Record, write_record
from ankipress.sync.wanted import Shipped, Wanted, field_prints, fingerprint

QUESTION, ANSWER = FIELDS.index("Question"), FIELDS.index("Answer")
EXTRA = FIELDS.index("Extra")  # the user's own: an edit there stays in Anki, not pulled
_LINE = re.compile(r"\r\n|\r|\n")  # where markdown-it starts a line
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
    unknown: list[str] = field(default_factory=list)  # path:line of notes differing in Anki,
    # where nothing tells whether Anki's copy is an edit or an older import: left alone

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
) -> PullPlan:
    """What a pull writes, file by file, and what it refuses. ``result``: a build of the
    notes that wrote nothing; ``live``: Anki's notes, recognised."""
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
    for source, notes in by_file.items():
        found = _file_pull(source, notes, settings[source.root], media_roots, plan)
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
    both = [FIELDS[i] for i in fields if ours[i] != base[i]]
    if both:
        why = (
            f"edited in Anki, and its markdown changed since the last sync ({', '.join(both)}): "
            "sync to see the conflict, or copy Anki's text over by hand"
        )
        return _Edited(source, shipped, note, anki, fields, put, why)
    made = [FIELDS[i] for i in fields if i not in (QUESTION, ANSWER)]
    if made:
        why = (
            f"its {', '.join(made)} field is made by ankipress, not written in the note: "
            "edited in Anki, it is not carried back"
        )
        return _Edited(source, shipped, note, anki, fields, put, why)
    return _Edited(source, shipped, note, anki, fields, put)


def _file_pull(
    source: SourceFile,
    notes: list[_Edited],
    settings: Settings,
    media_roots: tuple[Path, ...],
    plan: PullPlan,
) -> FilePull | None:
    """The file with each note's edits made and checked; what cannot be, refused."""
    try:
        data = read_note(source.path, DEFAULT_LIMITS.note)
        decoded = decode(data, settings.encoding)
    except (OSError, TooLarge, Undecodable) as exc:
        for edited in notes:
            plan.refused.append(_refusal(edited, edited.why or f"its file cannot be read ({exc})"))
        return None
    text, encoding = decoded.text, decoded.encoding
    book = parse_book(source, text, Diagnostics(), settings)
    questions = {q.line: q for c in book.chapters for q in c.questions} if book else {}
    starts = _line_starts(text)
    same = _encoded(text, encoding) == data  # (control characters dropped: not the bytes)
    edits: dict[str, list[Edit]] = {}
    for edited in notes:
        question = questions.get(_line_of(edited.built.source))
        if question is None or question.answer_lines is None:
            why = "its question is not found where the build found it: build again, then pull"
            plan.refused.append(_refusal(edited, edited.why or why))
            continue
        lines = _regions(question)
        if edited.why or not same:
            why = edited.why or f"its file is not the same bytes read as {encoding} and written"
            plan.refused.append(_refusal(edited, why, text, starts, lines))
            continue
        found = _note_edits(text, starts, lines, edited)
        if isinstance(found, str):
            plan.refused.append(_refusal(edited, found, text, starts, lines))
        else:  # (none: a change to formatting alone, which the check below refuses)
            edits[edited.shipped.guid] = found
    pull = FilePull(source, encoding, text, text)
    chosen = {e.shipped.guid: e for e in notes if e.shipped.guid in edits}
    while chosen:
        bad = _check(pull, chosen, edits, settings, media_roots, data)
        if isinstance(bad, list):  # those notes render otherwise: try the file without them
            for guid in bad:
                why = (
                    "the markdown edited would not render as Anki holds it (a change to "
                    "formatting, or across markup)"
                )
                edited = chosen.pop(guid)
                lines = _regions(questions[_line_of(edited.built.source)])
                plan.refused.append(_refusal(edited, why, text, starts, lines))
            continue
        pull.notes = bad.notes
        pull.after = bad.after
        break
    return pull


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
    for index in edited.fields:
        region = _chars(starts, *lines[index], text)
        edits, rejected = source_edits(
            text, region, edited.built.fields[index], edited.held.fields[index]
        )
        if rejected:
            shown = "; ".join(_rejection(r.before, r.after, r.why) for r in rejected[:3])
            return f"{FIELDS[index]}: {shown}"
        found += edits
    found.sort(key=lambda e: e.start)
    if any(b.start < a.end for a, b in pairwise(found)):
        return "its question and answer edits fall on the same words"
    return found


def _check(
    pull: FilePull,
    chosen: dict[str, _Edited],
    edits: Mapping[str, Sequence[Edit]],
    settings: Settings,
    media_roots: tuple[Path, ...],
    data: bytes,
) -> FilePull | list[str]:
    """The file with ``chosen``'s edits, if it renders each of them as Anki holds it and
    every other note as before; else the notes that do not."""
    after = apply_edits(pull.before, [e for guid in chosen for e in edits[guid]])
    try:
        encoded = _encoded(after, pull.encoding)
    except UnicodeEncodeError:
        return [g for g in chosen if not _encodable(chosen[g].held.fields, pull.encoding)] or list(
            chosen
        )
    old = _rendered(pull.source, settings, media_roots, data)
    new = _rendered(pull.source, settings, media_roots, encoded)
    if len(old) != len(new):
        return list(chosen)
    lines = {_line_of(note.source): i for i, note in enumerate(old)}
    wrong: list[str] = []
    expected = [list(note.fields) for note in old]
    for guid, edited in chosen.items():
        at = lines.get(_line_of(edited.built.source))
        if at is None or _nfc(old[at].fields) != _nfc(edited.built.fields):
            wrong.append(guid)  # the file renders otherwise than the build made it
            continue
        for index in edited.fields:
            expected[at][index] = edited.held.fields[index]
    owners = {lines.get(_line_of(e.built.source)): g for g, e in chosen.items()}
    for i, note in enumerate(new):
        if _nfc(note.fields) != _nfc(expected[i]):  # (another note changed: the first is blamed)
            wrong.append(owners.get(i, next(iter(chosen))))
    if wrong:
        return list(dict.fromkeys(wrong))
    done = FilePull(pull.source, pull.encoding, pull.before, after)
    for guid, edited in chosen.items():
        note = new[lines[_line_of(edited.built.source)]]
        done.notes.append(
            Pulled(
                guid,
                f"{pull.source.display}:{_line_of(note.source)}",
                edited.shipped.question,
                edited.fields,
                note,
                _synced(edited),
            )
        )
    return done


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


def write_pulls(plan: PullPlan, record: Record, diagnostics: Diagnostics) -> list[str]:
    """Write each file's edits, teach the lock the notes' new wording (an edited question
    keeps its GUID), and the record what Anki holds now; warnings, if any."""
    from ankipress.atomic import write_bytes

    warnings: list[str] = []
    for pull in plan.files:
        write_bytes(pull.source.path, pull.data)
    roots: dict[Path, list[Pulled]] = {}
    for pull in plan.files:
        roots.setdefault(pull.source.root, []).extend(pull.notes)
    for root, pulled in roots.items():
        _relock(root, pulled, diagnostics)
    synced = dict(record.synced)
    for note in plan.pulled:
        if note.synced is not None:
            synced[note.guid] = note.synced
    if plan.pulled:
        warning = write_record(replace(record, synced=synced))
        if warning:
            warnings.append(warning)
    return warnings


def _relock(root: Path, pulled: Iterable[Pulled], diagnostics: Diagnostics) -> None:
    """The lock of ``root`` with each pulled note's entry as the note is now: the next
    build finds the note by its new question, and as unchanged."""
    path = lock_path(root)
    lock = read_lock(path, display_path(path), diagnostics)
    if lock is None or not lock.found:
        return
    notes = {note.guid: note.note for note in pulled}
    entries = []
    for entry in lock.entries:
        note = notes.get(entry.guid)
        if note is not None:
            entry = replace(
                entry,
                question=question_key(note),
                text=plain_question(note.question),
                hash=content_hash(*note.fields, *entry.tags),
                answer=answer_hash(note.answer),
            )
        entries.append(entry)
    new = replace(lock, entries=tuple(entries))
    segments = book_segments(new)
    header = header_line(lock.note_type_hash, lock.note_type_changed, lock.namespace)
    save_lock(root, header + b"".join(segments[book] for book in sorted(segments)), diagnostics)


def write_rejects(plan: PullPlan) -> list[Path]:
    """Each refused edit's diff next to its file, as ``FILE.md.rej``; the files written."""
    from ankipress.atomic import write_bytes

    by_file: dict[Path, list[Refused]] = {}
    for refused in plan.refused:
        by_file.setdefault(refused.path, []).append(refused)
    written = []
    for file, found in by_file.items():
        path = file.with_name(file.name + ".rej")  # beside the note file, in its folder
        write_bytes(path, "".join(_rej(r) for r in found).encode())
        written.append(path)
    return written


def _rej(refused: Refused) -> str:
    return f"# {refused.where}: {refused.why}\n{refused.diff}"


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
        label = f"b/{source.display} ({FIELDS[index]}, as Anki holds it, in text)"
        if lines is not None and index in lines:
            first, last = lines[index]
            ours = text[starts[first - 1] : _chars(starts, first, last, text)[1]]
            found = difflib.unified_diff(
                ours.splitlines(keepends=True), held, f"a/{source.display}", label
            )
            out += [_from_line(line, first) for line in found]
        else:
            made = [line + "\n" for line in _text_lines(note.fields[index])]
            found = difflib.unified_diff(made, held, f"a/{where} ({FIELDS[index]})", label)
            out += list(found)
    return Refused(where, edited.shipped.question, why, "".join(map(_ended, out)), source.path)


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


def _line_starts(text: str) -> list[int]:
    """Where each line starts (``starts[0]``: line 1), as markdown-it counts lines."""
    return [0, *(m.end() for m in _LINE.finditer(text))]


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


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


def _encodable(fields: Iterable[str], encoding: str) -> bool:
    try:
        for value in fields:
            value.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _ended(line: str) -> str:
    return line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
