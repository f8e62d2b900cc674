"""Decks a sync leaves empty: the old deck of a renamed chapter (and the book's deck above
it, when the book was renamed), once its cards moved to the new one.

A deck is removed only when a sync took cards out of it (or out of a deck under it), it
now holds no card at all, every deck under it goes too, and it is neither a deck this
build fills, nor above one, nor Anki's ``Default``. Anki compares deck names ignoring case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping

DEFAULT_DECK = "Default"


def deck_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def above(name: str) -> list[str]:
    """The decks ``name`` is under: ``A::B::C`` -> ``A::B``, ``A``."""
    parts = name.split("::")
    return ["::".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]


def emptied(
    left: Mapping[str, int],
    targets: Iterable[str],
    decks: Iterable[str],
    holds: Callable[[str], int],
) -> list[str]:
    """The decks to remove, deepest first. ``left``: cards leaving each deck (0 if they
    have left already); ``targets``: the decks this build fills; ``decks``: every deck of
    the collection; ``holds``: the cards a deck and the decks under it hold now."""
    keep = {deck_key(DEFAULT_DECK)}
    for target in targets:
        keep |= {deck_key(d) for d in (target, *above(target))}
    every = {deck_key(d): d for d in decks}
    pool = {deck_key(d) for name in left for d in (name, *above(name))} & set(every)
    pool -= keep
    gone: set[str] = set()
    found = []
    for key in sorted(pool, key=lambda k: (-k.count("::"), k)):
        under = {k for k in every if k.startswith(key + "::")}
        if under - gone:
            continue
        leaving = sum(n for name, n in left.items() if deck_key(name) in under | {key})
        if holds(every[key]) - leaving <= 0:
            gone.add(key)
            found.append(every[key])
    return found
