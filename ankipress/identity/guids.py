"""Identity: the GUID of a note and the ids of decks, stable for the life of a collection.

A GUID comes from the book's key and the *normalised* question, never from the answer,
so it survives edits to the answer, renumbering, reordering and whitespace.
Changing anything in this module changes every user's GUIDs: don't.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_PUNCTUATION = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "【": "[",
        "】": "]",
        "《": "<",
        "》": ">",
        "〈": "<",
        "〉": ">",
        "—": "-",
        "–": "-",
        "～": "~",
        "…": "...",
    }
)
# "3." "3、" "3)" "1.2 " "1.2." in ASCII or full-width forms; not "1.5倍"
_NUMBERING = re.compile(
    r"^\s*(?:[0-9０-９]+(?:[.．][0-9０-９]+)+(?:[.．]|\s|$)|[0-9０-９]+(?:[.．](?![0-9０-９])|[,，、)）]))\s*"
)
_Q_PREFIX = re.compile(r"^\s*q\s*:\s*", re.IGNORECASE)
_CJK = r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]"
# Whitespace next to a CJK character (only what a match removes: no template per match).
# (Whitespace is one space by then: a run of it made the search quadratic.)
_SPACE_BY_CJK = re.compile(rf"(?<={_CJK}) | (?={_CJK})")
_TRAILING = "?!.:;,"  # and whitespace
# Part of every GUID and id ever made: the tool's first name, kept through its rename.
SALT = "ankideck"


def strip_numbering(text: str) -> str:
    """``3.介绍一下SiT`` -> ``介绍一下SiT`` (also ``1.2 ...``, ``3、...``, ``3) ...``)."""
    return _NUMBERING.sub("", text, count=1).strip()


def normalise_question(text: str) -> str:
    """The part of a question that identifies it: no numbering, one kind of punctuation,
    no case, whitespace collapsed (and dropped next to CJK characters), no trailing
    punctuation."""
    unified = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    unified = _NUMBERING.sub("", unified, count=1)
    unified = _Q_PREFIX.sub("", unified, count=1)
    unified = " ".join(unified.split())
    unified = _SPACE_BY_CJK.sub("", unified)
    return without_trailing(unified, _TRAILING).casefold()


def without_trailing(text: str, marks: str) -> str:
    """``text`` without the whitespace and ``marks`` it ends with (by hand: a regular
    expression anchored at the end tries every start of a run of them, quadratic)."""
    end = len(text)
    while end and (text[end - 1].isspace() or text[end - 1] in marks):
        end -= 1
    return text[:end]


def note_guid(book_key: str, question: str, section: str | None = None) -> str:
    """The note's GUID. ``section`` only for questions whose identity repeats in a book."""
    return guid_of_key(book_key, normalise_question(question), section)


def guid_of_key(book_key: str, key: str, section: str | None = None) -> str:
    """``note_guid`` of a question whose ``normalise_question`` is ``key``."""
    parts = [SALT, book_key, key]
    if section is not None:
        parts.insert(2, section)
    from genanki import guid_for  # loaded when a note is made, not when the tool starts

    return str(guid_for(*parts))


def new_namespace(guids: Iterable[str]) -> str:
    """A notes folder's own namespace, made once, when its lock is first written with notes
    in it, of every note it has then (``guids``: their questions' GUIDs); '' if none. Two
    folders that ask one question in a same-named file give two notes unless they ask all
    the same (copies of one folder). It is made of the notes, not drawn at random, so two
    builds of one folder make the same decks wherever and whenever they run."""
    made = sorted(guids)
    if not made:
        return ""
    return hashlib.sha256("\x1f".join([SALT, "namespace", *made]).encode()).hexdigest()[:32]


def in_namespace(namespace: str, guid: str) -> str:
    """The GUID a note new to its folder takes: its question's GUID (``note_guid``), in the
    folder's namespace. A note the lock already knows keeps the GUID the lock gives it."""
    from genanki import guid_for

    return str(guid_for(SALT, "namespace", namespace, guid))


def stable_id(*parts: str | int) -> int:
    """A deterministic id in the range genanki recommends for decks and note types."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def deck_id(book_key: str, chapter: str | int) -> int:
    """A chapter's deck: ``chapter`` is its number (``第N章``) or its key (``title:...``)."""
    return stable_id(f"{SALT} deck", book_key, chapter)
