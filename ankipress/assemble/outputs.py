"""One package path per deck, decided before anything is written; and a warning for decks
Anki would merge.

A deck's natural path (``package.make_deck``) can be another deck's: a path that differs
only in case (one file where case is ignored). Writing both would leave one package
holding the other's notes. Here the live chapter keeps its path, and a live deck that
clashes (only in case: exact clashes between books are refused earlier,
``reject_shared_outputs``) moves to ``…-2.apkg`` with a warning. A deck of removed notes
only (``identity.retire``: ``removed-<deck id>.apkg``, a name no chapter's package has)
would move aside to ``…-removed.apkg``, should it ever clash: it is shipped once, so
nothing the user need do.

Anki files a card under its deck's *name*: two books of one title put their chapters
under one deck. Their names are kept (they are what the notes say, and Anki keeps cards in
the deck they were first imported into: renaming later would not separate them); each
later book gets a warning naming the first.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from itertools import count
from pathlib import PurePosixPath

from ankipress.diagnostics import Diagnostics
from ankipress.identity.retire import REMOVED_TAG
from ankipress.records import Deck


def settle_outputs(decks: list[Deck], diagnostics: Diagnostics) -> list[Deck]:
    """``decks``, each with a package path no other has, ignoring case and Unicode form;
    in the same order. Of decks sharing a path, the first live one (else the first) keeps
    it."""
    groups: dict[str, list[int]] = {}
    for index, deck in enumerate(decks):
        groups.setdefault(_folded(deck.output), []).append(index)
    taken = set(groups)  # every natural path: a deck moved aside never takes one
    settled = list(decks)
    for members in groups.values():
        if len(members) == 1:
            continue
        owner = next((i for i in members if not _removed_only(decks[i])), members[0])
        for index in members:
            if index == owner:
                continue
            deck = decks[index]
            path = _free(deck, taken)
            settled[index] = replace(deck, output=path)
            if not _removed_only(deck):
                _warn_moved(deck, decks[owner], path, diagnostics)
    return settled


def _removed_only(deck: Deck) -> bool:
    """A deck of notes retired from the lock, none of them still in the notes."""
    return bool(deck.notes) and all(REMOVED_TAG in note.tags for note in deck.notes)


def _free(deck: Deck, taken: set[str]) -> PurePosixPath:
    """The first of ``<stem>-removed``, ``<stem>-removed-2``, … (a deck of removed notes)
    or ``<stem>-2``, ``<stem>-3``, … (a live deck) that no deck has; now taken."""
    stem, suffix = deck.output.stem, deck.output.suffix
    base = f"{stem}-removed" if _removed_only(deck) else stem
    first = 1 if _removed_only(deck) else 2
    for number in count(first):
        name = base if number == 1 else f"{base}-{number}"
        path = deck.output.with_name(f"{name}{suffix}")
        if _folded(path) not in taken:
            taken.add(_folded(path))
            return path
    raise AssertionError("unreachable")  # count() never ends


def _warn_moved(deck: Deck, owner: Deck, path: PurePosixPath, diagnostics: Diagnostics) -> None:
    same = "is" if deck.output == owner.output else "is, where case is ignored,"
    diagnostics.warning(
        deck.book.display,
        1,
        f"the package of deck {deck.name!r}, {deck.output}, {same} the package of "
        f"{owner.name!r} from {owner.book.display}: it is written to {path} instead",
        "duplicate-output",
    )


def warn_shared_deck_names(decks: list[Deck], diagnostics: Diagnostics) -> None:
    """A warning at each book whose title (the first part of its decks' names) an earlier
    book has: Anki merges decks by name, ignoring case."""
    books: dict[str, dict[str, list[Deck]]] = {}  # by title: by book file, its decks
    for deck in decks:
        if not _removed_only(deck):
            title = _folded(_book_name(deck))
            books.setdefault(title, {}).setdefault(deck.book.display, []).append(deck)
    for by_file in books.values():
        first, *others = by_file.items()
        names = {_folded(deck.name) for deck in first[1]}
        for file, own in others:
            title = _book_name(own[0])
            shared = [deck.name for deck in own if _folded(deck.name) in names]
            merged = f" (deck {shared[0]!r} would hold the cards of both)" if shared else ""
            diagnostics.warning(
                file,
                1,
                f"book title {title!r} is also the title of {first[0]}:1: Anki merges decks "
                f"of one name, so both books' chapters go under one deck {title!r}{merged}; "
                "give one of them its own 'title:'",
                "duplicate-deck",
            )


def warn_shared_full_names(decks: list[Deck], diagnostics: Diagnostics) -> None:
    """A warning at each book one of whose decks has the whole name of another book's deck,
    where their books' titles differ (a parent deck or a title set to ``A::B`` can make
    ``ML::01 Basics`` twice): Anki files both decks' cards under one."""
    first: dict[str, Deck] = {}
    for deck in decks:
        if _removed_only(deck):
            continue
        other = first.setdefault(_folded(deck.name), deck)
        if other.book == deck.book or _folded(_book_name(other)) == _folded(_book_name(deck)):
            continue  # one book's, or said as books of one title
        diagnostics.warning(
            deck.book.display,
            1,
            f"deck {deck.name!r} is also a deck of {other.book.display}: Anki files the "
            "cards of both under one deck; give one of them another 'title:' or 'deck:'",
            "duplicate-deck",
        )


def _book_name(deck: Deck) -> str:
    return deck.book_name or deck.name.split("::", 1)[0]


def _folded(text: str | PurePosixPath) -> str:
    """How a file system that ignores case, or Anki, compares a path or deck name."""
    return unicodedata.normalize("NFC", str(text)).casefold()
