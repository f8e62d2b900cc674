"""What a pull writes: each file's edits, the lock taught the notes' new wording, the sync
record what Anki holds; and the edits refused, beside their files."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ankipress.atomic import write_bytes
from ankipress.diagnostics import Diagnostics, display_path
from ankipress.identity.apply_lock import save_lock
from ankipress.identity.lockentry import answer_hash, content_hash, plain_question
from ankipress.identity.lockfile import book_segments, header_line, lock_path, read_lock
from ankipress.identity.matching import question_key
from ankipress.identity.reconcile import later
from ankipress.sync.pull import Pulled, PullPlan, Refused
from ankipress.sync.record import Record, write_record
from ankipress.sync.wanted import field_prints


def write_pulls(plan: PullPlan, record: Record, now: int, diagnostics: Diagnostics) -> list[str]:
    """Write each file's edits, teach the lock the notes' new wording (an edited question
    keeps its GUID), and the record what Anki holds now; warnings, if any."""
    warnings: list[str] = []
    for pull in plan.files:
        mode = stat.S_IMODE(pull.source.path.stat().st_mode)
        write_bytes(pull.source.path, pull.data)
        pull.source.path.chmod(mode)  # (a note kept private stays so)
    roots: dict[Path, list[Pulled]] = {}
    for pull in plan.files:
        roots.setdefault(pull.source.root, []).extend(pull.notes)
    for root, pulled in roots.items():
        _relock(root, pulled, now, diagnostics)
    synced, made = dict(record.synced), dict(record.pulled)
    for note in plan.pulled:
        if note.synced is not None:
            synced[note.guid] = note.synced
            ours = field_prints(note.note.fields)  # (the fields pulled; the others as put)
            made[note.guid] = tuple(
                ours[i] if i in note.fields else put for i, put in enumerate(note.synced)
            )
    if plan.pulled:
        warning = write_record(replace(record, synced=synced, pulled=made))
        if warning:
            warnings.append(warning)
    return warnings


def _relock(root: Path, pulled: Iterable[Pulled], now: int, diagnostics: Diagnostics) -> None:
    """The lock of ``root`` with each pulled note's entry as the note is now, changed
    ``now``: the next build finds the note by its new question, unchanged since, and
    dates its package's copy after the edit (an import elsewhere takes it)."""
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
                changed=later(entry.changed, now),
            )
        entries.append(entry)
    new = replace(lock, entries=tuple(entries))
    segments = book_segments(new)
    header = header_line(lock.note_type_hash, lock.note_type_changed, lock.namespace)
    save_lock(root, header + b"".join(segments[book] for book in sorted(segments)), diagnostics)


def write_rejects(plan: PullPlan) -> list[Path]:
    """Each refused edit's diff next to its file, as ``FILE.md.rej``; the files written."""
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
