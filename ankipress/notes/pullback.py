"""An edit made in Anki, back in the markdown it was rendered from: the first stage of
``ankipress pull`` (issue 28), not yet wired to a command.

What Anki holds and what the build rendered are compared as text (the HTML's tags
dropped): each run of words that differs is looked for in the note's own source lines,
with as many unchanged words around it as make it one of a kind there. Found once, inside
plain text (no markup between its words), it is an edit of exactly those characters;
everything around it (``**bold**``, ``$math$``, list markers, indentation, line endings)
stays byte for byte. Not found, or found more than once, the change is not applied: a
``Rejected`` says why. A caller renders the edited file again and keeps the edits only if
the note then is what Anki holds (a change to markup, bold taken off say, is not seen in
the text, and is caught there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise

from ankipress.notes.questions import plain_text

# A word of Latin letters or digits is one token; any other visible character (a CJK
# character, a mark, a symbol) is a token of its own: Chinese has no spaces to split at.
_TOKEN = re.compile(r"[A-Za-z0-9_]++|\S")
_WORDISH = re.compile(r"[A-Za-z0-9_]")
_BREAK = re.compile(r"[\r\n]")
_NOT_PLAIN = "its words are not in the note as plain text (markup between them)"
_SPLIT = "it is one of a kind only with words around it that markup splits"
MAX_CONTEXT = 8  # unchanged tokens looked at on each side before a change is ambiguous
_PLANE = 0xF0000  # Supplementary Private Use Area-A: a character for each distinct token
_PRIVATE = 0xFFFFD - _PLANE


@dataclass(frozen=True)
class Edit:
    """Characters ``start:end`` of the source become ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Rejected:
    """A change not applied, and why."""

    before: str  # the text Anki's copy no longer has ('' for an insertion)
    after: str  # what it has instead
    why: str


@dataclass(frozen=True)
class _Tokens:
    text: str
    spans: tuple[tuple[int, int], ...]  # each token's characters in ``text``
    words: tuple[str, ...]  # each token's text


def _tokens(html: str) -> _Tokens:
    text = plain_text(html)
    found = list(_TOKEN.finditer(text))
    return _Tokens(text, tuple(m.span() for m in found), tuple(m[0] for m in found))


def source_edits(
    source: str,
    region: tuple[int, int],
    rendered: str,
    held: str,
    besides: tuple[int, int] = (0, 0),
) -> tuple[list[Edit], list[Rejected]]:
    """The edits of ``source`` (characters ``region``: the note's lines) that carry into it
    what changed from ``rendered`` (the field as built) to ``held`` (as Anki holds it),
    and the changes that could not be placed. ``besides``: characters of the region that
    made another field (a question on the answer's first line), where no change is looked
    for."""
    before, after = _tokens(rendered), _tokens(held)
    old, new = before.words, after.words
    edits: list[Edit] = []
    rejected: list[Rejected] = []
    if old and not new:
        return [], [Rejected(before.text, "", "the field is empty in Anki: not carried back")]
    for i1, i2, j1, j2 in changes(old, new):
        removed = _between(before, i1, i2)
        added = _between(after, j1, j2)
        found = _place(source, region, besides, before, after, (i1, i2, j1, j2))
        if isinstance(found, str):
            rejected.append(Rejected(removed, added, found))
        else:
            edits.append(found)
    taken = sorted(edits, key=lambda e: e.start)
    for first, second in pairwise(taken):
        if second.start < first.end:  # two changes read as one place: neither is sure
            return [], [Rejected("", "", "two changes fall on the same words")]
    return taken, rejected


def changes(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """The runs of tokens ``old[i1:i2]`` that became ``new[j1:j2]``: as few changes as
    there can be (Myers' diff, as diff-match-patch finds it, each token one character).
    Not difflib's: it lines up the longest common run first, so a word changed in the
    first of two like phrases reads as the phrase inserted before and deleted after,
    which would move whatever lies between them in the source."""
    from diff_match_patch import diff_match_patch

    if len(set(old) | set(new)) > _PRIVATE:
        matcher = SequenceMatcher(None, old, new, autojunk=False)  # (never, in one field)
        return [
            (i1, i2, j1, j2) for kind, i1, i2, j1, j2 in matcher.get_opcodes() if kind != "equal"
        ]

    chars: dict[str, str] = {}

    def coded(words: Sequence[str]) -> str:
        return "".join(chars.setdefault(w, chr(_PLANE + len(chars))) for w in words)

    differ = diff_match_patch()
    differ.Diff_Timeout = 0  # the least changes, however long it looks (fields are short)
    found: list[tuple[int, int, int, int]] = []
    i = j = 0
    start: tuple[int, int] | None = None
    for op, text in [*differ.diff_main(coded(old), coded(new), False), (0, "")]:
        if op == 0:
            if start is not None:
                found.append((start[0], i, start[1], j))
                start = None
            i, j = i + len(text), j + len(text)
            continue
        start = start or (i, j)
        if op < 0:
            i += len(text)
        else:
            j += len(text)
    return found


def apply_edits(source: str, edits: Sequence[Edit]) -> str:
    """``source`` with ``edits`` (none overlapping) made."""
    out, at = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        out.append(source[at : edit.start])
        out.append(edit.text)
        at = edit.end
    out.append(source[at:])
    return "".join(out)


def _between(tokens: _Tokens, first: int, last: int) -> str:
    """The text of tokens ``first:last`` (with the spaces between them)."""
    if first >= last:
        return ""
    return tokens.text[tokens.spans[first][0] : tokens.spans[last - 1][1]]


def _place(
    source: str,
    region: tuple[int, int],
    besides: tuple[int, int],
    before: _Tokens,
    after: _Tokens,
    change: tuple[int, int, int, int],
) -> Edit | str:
    """Where in ``region`` the change is, with the least context that makes it one of a
    kind; or why it cannot be placed. One of a kind as the card reads: the words around
    it are looked for as plain text and across markup (``**``, a tag, a list or quote
    marker between them), and a place is taken only where both ways find it alone (plain
    text alone would take ``a b`` for the one of ``**a** b. a b.``). The change itself is
    plain text either way."""
    i1, i2, j1, j2 = change
    start, end = region
    tried = False
    for context in range(MAX_CONTEXT + 1):
        left = max(0, i1 - context)
        right = min(len(before.spans), i2 + context)
        if (i1 == i2 or j1 == j2) and left == i1 and right == i2:
            continue  # an insertion or a deletion needs a word beside it: where, and spaces
        found: dict[tuple[int, int], re.Match[str]] = {}
        swap = i1 < i2 and j1 < j2  # words for words: placed by the words alone
        for loose in (False, True):
            pattern = _pattern(before, left, i1, i2, right, loose, swap)
            for m in pattern.finditer(source, start, end):
                if m.end() <= besides[0] or m.start() >= besides[1]:
                    found.setdefault(m.span("words" if swap else "change"), m)
        if len(found) == 1:
            (match,) = found.values()
            return _edit(match, after, (left, i1, i2, right), j1, j2)
        if not found:
            return _NOT_PLAIN if not tried else _SPLIT
        tried = True
        if left == 0 and right == len(before.spans):
            break
    return "its words are in the note more than once"


def _edit(
    match: re.Match[str], after: _Tokens, context: tuple[int, int, int, int], j1: int, j2: int
) -> Edit:
    """The edit a change found at ``match`` makes: Anki's words ``j1:j2`` in place of
    those matched (``context``: the tokens the pattern took, and the change's among them)."""
    left, i1, i2, right = context
    kept = match.groupdict()  # the source's own space around the change, if it took any
    text = _text(after, j1, j2, lead=left < i1, tail=i2 < right)
    if i1 < i2 and j1 < j2:  # words for words: the space around them stays as it is
        words = after.text[after.spans[j1][0] : after.spans[j2 - 1][1]]
        return Edit(match.start("words"), match.end("words"), words)
    if i1 == i2:
        text = _inserted(after, j1, j2, match["change"], text)
    else:
        gap = (
            after.text[after.spans[j1 - 1][1] : after.spans[j1][0]]
            if 0 < j1 < len(after.spans)
            else ""
        )
        text = _deleted(kept.get("lead"), kept.get("tail"), text, gap)
    return Edit(match.start("change"), match.end("change"), text)


def _text(after: _Tokens, j1: int, j2: int, lead: bool, tail: bool) -> str:
    """Anki's text for the characters the change's group matched: its new words ``j1:j2``,
    with the space before them when the group took the space after the word before
    (``lead``), and the space after them when it took the space before the word after
    (``tail``)."""
    spans = after.spans
    first = spans[j1 - 1][1] if lead else (spans[j1][0] if j1 < j2 else None)
    last = spans[j2][0] if tail and j2 < len(spans) else (spans[j2 - 1][1] if j1 < j2 else None)
    if first is None or last is None:
        return ""
    return after.text[first:last]


def _deleted(lead: str | None, tail: str | None, text: str, gap: str) -> str:
    """What words deleted leave, where the change took the source's own space: with the
    space on both sides taken, one of them (a line break, and its indentation, first);
    with the space on one side, Anki's own between the words left (``gap``: a comma
    deleted before a space leaves that space; a word after a bracket, none), the
    source's line break where Anki has a space."""
    if lead is None and tail is None:
        return text
    if lead is not None and tail is not None:
        return lead if _BREAK.search(lead) or not _BREAK.search(tail) else tail
    taken = lead if lead is not None else tail
    return taken if gap.isspace() and _BREAK.search(taken or "") else gap


def _inserted(after: _Tokens, j1: int, j2: int, gap: str, text: str) -> str:
    """The text an insertion puts in place of the space ``gap`` between two words: where
    that space breaks the line, the break stays, after the words inserted."""
    if not _BREAK.search(gap) or j1 == j2:
        return text
    spans = after.spans
    inner = after.text[spans[j1][0] : spans[j2 - 1][1]]
    before = after.text[spans[j1 - 1][1] : spans[j1][0]] if j1 > 0 else ""
    return (" " if before else "") + inner + gap


# Between two words of the context, loosely: markup that shows no text (emphasis, code
# marks, a tag, a list or quote marker after a line break), and the space there was.
_MARKS = r"(?:[*_`~]|<[^<>]*>)*+"
_LOOSE_SPACE = _MARKS + r"\s(?:\s|[*_`~>|#+-]|<[^<>]*>)*+"


def _pattern(
    tokens: _Tokens,
    left: int,
    first: int,
    last: int,
    right: int,
    loose: bool = False,
    swap: bool = False,
) -> re.Pattern[str]:
    """The source text of tokens ``left:right``, the changed ones ``first:last`` the group
    ``change`` with the space beside them that context takes: the same characters, any
    whitespace (a line break, indentation) where there was space, none where none.
    ``loose``: the context across markup too; and where words are changed for words
    (``swap``), the change is the words alone, markup allowed on both sides of them."""

    def gap(n: int) -> str:  # the space before token n, if any
        spaced = 0 < n < len(tokens.spans) and tokens.spans[n][0] > tokens.spans[n - 1][1]
        return r"\s++" if spaced else ""

    def run(a: int, b: int) -> str:
        return "".join((gap(n) if n > a else "") + re.escape(tokens.words[n]) for n in range(a, b))

    def around(a: int, b: int) -> str:  # context: across markup, if loose
        if not loose:
            return run(a, b)
        spaced = [_LOOSE_SPACE if gap(n) else _MARKS for n in range(a, b)]
        return "".join(
            (spaced[n - a] if n > a else "") + re.escape(tokens.words[n]) for n in range(a, b)
        )

    if first == last:  # an insertion: the space between the words around it
        change = gap(first)
    elif loose and swap:  # (the space around the words stays: a group of its own is not)
        between = [_LOOSE_SPACE if gap(n) else _MARKS for n in (first, last)]
        change = f"(?P<words>{run(first, last)})"
        lead_in = around(left, first) + (between[0] if left < first else "")
        lead_out = (between[1] if last < right else "") + around(last, right)
    else:
        lead = gap(first) if left < first else ""
        tail = gap(last) if last < right else ""
        change = f"(?P<lead>{lead})" if lead else ""
        change += f"(?P<words>{run(first, last)})" + (f"(?P<tail>{tail})" if tail else "")
    edge = tokens.words[left][:1] if left < len(tokens.spans) else ""
    stop = tokens.words[right - 1][-1:] if right > 0 else ""
    opening = r"(?<![A-Za-z0-9_])" if _WORDISH.match(edge) else ""
    closing = r"(?![A-Za-z0-9_])" if _WORDISH.match(stop) else ""
    if not (loose and swap and first < last):  # (the context's edge beside the change)
        lead_in = around(left, first) + (_MARKS if loose and left < first else "")
        lead_out = (_MARKS if loose and last < right else "") + around(last, right)
    return re.compile(f"{opening}{lead_in}(?P<change>{change}){lead_out}{closing}")
