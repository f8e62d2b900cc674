"""What a build is asked to do and what it did: the records the stages and the CLI share."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ankipress.cards.notetype import Templates
from ankipress.diagnostics import Diagnostics
from ankipress.identity.reconcile import Change
from ankipress.identity.retire import REMOVED_TAG
from ankipress.limits import DEFAULT_LIMITS, Limits
from ankipress.notes.config import Settings
from ankipress.notes.coverage import FileCoverage
from ankipress.records import Deck, SourceFile

# Shows progress over a stage's items, under a label ("Reading notes"); ``plain`` shows none.
Progress = Callable[[list[Any], str], Iterable[Any]]


def plain(items: list[Any], _label: str) -> Iterable[Any]:
    return items


COMBINED_FILE = "all-decks.apkg"


@dataclass(frozen=True)
class Unanswered:
    path: str
    line: int
    question: str
    reason: str = "no answer"  # or "placeholder answer 'TODO'", "the answer is only a link"


@dataclass(frozen=True)
class FileRead:
    path: str  # as displayed
    encoding: str
    chapters: int
    questions: int


@dataclass(frozen=True)
class BuildOptions:
    paths: tuple[Path, ...]
    out: Path
    timestamp: float = field(default_factory=time.time)
    templates: Path | None = None  # else each root's 'templates' setting, else the defaults
    write: bool = True
    lock: bool = True  # reconcile with, and update, each content root's ankipress.lock
    combined: bool = False  # one package of every deck (COMBINED_FILE) instead of one each
    cache: bool = True  # reuse each unchanged file's outcome from <out>/.ankipress-cache
    media_roots: tuple[Path, ...] = ()  # folders images may come from besides the content root
    limits: Limits = DEFAULT_LIMITS  # the largest note file and image read


def live_notes(deck: Deck) -> int:
    """How many of a deck's notes are cards of the notes (not retired ones)."""
    return sum(REMOVED_TAG not in note.tags for note in deck.notes)


@dataclass
class BuildResult:
    files: int = 0
    decks: list[Deck] = field(default_factory=list)
    unanswered: list[Unanswered] = field(default_factory=list)
    coverage: dict[str, FileCoverage] = field(default_factory=dict)  # by file, as displayed
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    tracebacks: list[str] = field(default_factory=list)  # of internal errors, for --verbose
    read: list[FileRead] = field(default_factory=list)  # each file parsed, in order
    changes: list[Change] = field(default_factory=list)  # against the lock, note by note
    # by deck.output: the file written that holds the deck (it, or the one of every deck)
    packages: dict[PurePosixPath, PurePosixPath] = field(default_factory=dict)
    digests: dict[PurePosixPath, str] = field(default_factory=dict)  # each file's sha256
    note_types: dict[Path, Templates] = field(default_factory=dict)  # by content root
    pruned: list[PurePosixPath] = field(default_factory=list)  # stale packages deleted
    sources: list[SourceFile] = field(default_factory=list)  # every file found to build
    partial: set[Path] = field(default_factory=set)  # roots read in part: a file, a subfolder
    # GUIDs this build's notes or locks give that another folder's notes have (identity.owners)
    foreign: frozenset[str] = frozenset()
    # the roots whose lock this build applied and checked (not one it dropped): only their
    # locks' entries a sync may retire
    locked: frozenset[Path] = frozenset()
    restyled: frozenset[Path] = frozenset()  # roots whose card templates changed since the lock
    no_notes: bool = False  # no markdown file and no lock in the paths given: nothing done
    refused: bool = False  # the output folder holds what the build may not write over
    settings: dict[Path, Settings] = field(default_factory=dict)  # by content root, if good

    @property
    def uncovered_lines(self) -> int:
        return sum(c.uncovered for c in self.coverage.values())

    @property
    def cards(self) -> int:
        """The cards built: not the retired notes shipped to be tagged removed."""
        return sum(live_notes(deck) for deck in self.decks)
