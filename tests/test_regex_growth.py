"""Every regular expression of the package, grown: for each pattern compiled at the top of
a module and each way the code calls it (``search``, ``match``, ``sub``...), inputs made
of the characters it names and of spaces, letters, line breaks and marks, at n and 4n
characters. Linear time grows 4 times; quadratic, 16 (a search tries every start, and a
pattern anchored at the end scans a run from each of them). regexploit (test_lint) finds
the worse ones by reading the patterns; this finds what it misses, by running them."""

from __future__ import annotations

import importlib
import pkgutil
import re
import re._parser as _parser  # (sre_parse: what a pattern is made of)
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

import ankipress
from ankipress.cards.cardrender import TEMPLATE_TAG

METHODS = ("search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split")
# Patterns whose input the code bounds before it reaches them, and where.
BOUNDED = {
    "ankipress.notes.asking._SENTENCES": "sets_a_scene: texts of at most _SCENE characters",
    "ankipress.limits._SIZE": "a command-line option's value, not notes",
}
SMALL, LARGE = 1000, 4000
MARKS = " \t\n\r\u3000a0*_#<>-=?.:`$|[](){}!\\/\"'&;"


def _patterns() -> Iterator[tuple[str, re.Pattern, set[str]]]:
    sources = {
        path: path.read_text("utf-8")
        for path in Path(ankipress.__path__[0]).rglob("*.py")
        if path.name != "__main__.py"
    }
    every = "\n".join(sources.values())
    seen: set[int] = set()
    for info in pkgutil.walk_packages(ankipress.__path__, "ankipress."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if not isinstance(value, re.Pattern) or id(value) in seen:
                continue
            seen.add(id(value))
            text = every if not name.startswith("_") else Path(module.__file__).read_text("utf-8")
            used = set(re.findall(rf"\b{re.escape(name)}\.({'|'.join(METHODS)})\(", text))
            yield f"{info.name}.{name}", value, used


def _inputs(pattern: re.Pattern, n: int) -> list[str]:
    """Runs of each mark, alone and after each prefix of a text the pattern reads from its
    start (``<a name=`` + spaces: a run where the pattern is already inside a tag)."""
    source = pattern.pattern if isinstance(pattern.pattern, str) else pattern.pattern.decode()
    marks = sorted({c for c in source if not c.isalnum()} | set(MARKS))
    found = []
    for c in marks:
        found += [c * n, c * n + "\x00", (c + " ") * (n // 2) + "\x00", (c + "a") * (n // 2)]
    start = _witness(_parser.parse(source, pattern.flags))
    for end in range(1, len(start) + 1):
        found += [start[:end] + c * n + tail for c in " \t\na" for tail in ("", "\x00")]
    return found


def _witness(parsed: Any) -> str:
    """A short text the pattern reads from its start: each repeat once (or as often as it
    must), each branch its first way, each set its first member."""
    out = []
    for op, value in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(value))
        elif name == "NOT_LITERAL":
            out.append("b" if chr(value) == "a" else "a")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_member(value))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, inner = value
            out.append(_witness(inner) * max(low, 1))
        elif name == "SUBPATTERN":
            out.append(_witness(value[-1]))
        elif name == "ATOMIC_GROUP":
            out.append(_witness(value))
        elif name == "BRANCH":
            out.append(_witness(value[1][0]))
    return "".join(out)[:60]


def _member(items: Any) -> str:
    """A character of a set: its first, or for a negated set one it lacks."""
    if items and str(items[0][0]) == "NEGATE":
        for c in "a0 x<-":
            if not re.fullmatch(f"[^{re.escape(c)}]", c) and _not_in(items[1:], c):
                return c
        return "a"
    op, value = items[0]
    name = str(op)
    if name == "LITERAL":
        return chr(value)
    if name == "RANGE":
        return chr(value[0])
    if name == "CATEGORY":
        return {"CATEGORY_DIGIT": "0", "CATEGORY_SPACE": " "}.get(str(value), "a")
    return "a"


def _not_in(items: Any, c: str) -> bool:
    for op, value in items:
        name = str(op)
        if name == "LITERAL" and chr(value) == c:
            return False
        if name == "RANGE" and value[0] <= ord(c) <= value[1]:
            return False
        if name == "CATEGORY" and re.fullmatch(
            {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}.get(
                str(value), "(?!)"
            ),
            c,
        ):
            return False
    return True


def _took(pattern: re.Pattern, method: str, text: str) -> float:
    data: str | bytes = text if isinstance(pattern.pattern, str) else text.encode()
    call = getattr(pattern, method)
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        if method in ("sub", "subn"):
            call(data[:0], data)
        elif method == "finditer":
            for _ in call(data):
                pass
        else:
            call(data)
        best = min(best, time.perf_counter() - start)
    return best


def test_every_pattern_grows_linearly() -> None:
    quadratic = []
    count = 0
    for name, pattern, used in _patterns():
        count += 1
        if name in BOUNDED:
            continue
        small, large = _inputs(pattern, SMALL), _inputs(pattern, LARGE)
        for method in sorted(used):
            for short, long in zip(small, large, strict=True):
                before = _took(pattern, method, short)
                if before < 0.0002:  # (linear time at this size: no need to grow it)
                    continue
                after = _took(pattern, method, long)
                if after > 10 * before and after > 0.002:
                    quadratic.append((name, method, repr(short[:8]), round(after / before)))
                    break
    assert count > 100  # (it found the patterns)
    assert quadratic == []


def test_the_growth_finds_a_quadratic_pattern() -> None:
    """(The measure itself: a pattern anchored at the end, searched, is caught.)"""
    pattern = re.compile(r"\s+$")
    before = _took(pattern, "search", " " * SMALL + "x")
    after = _took(pattern, "search", " " * LARGE + "x")
    assert after > 10 * before


@given(st.text(alphabet="{}a\n", max_size=40), st.integers(min_value=0, max_value=40))
def test_template_tags_are_found_as_the_pattern_finds_them(text: str, start: int) -> None:
    """``TEMPLATE_TAG`` reads ``{{...}}`` as ``\\{\\{(.*?)\\}\\}`` does (as Anki does), by
    hand: that pattern, searched, was quadratic on ``{{{{...``."""
    pattern = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
    ours = [(t.start(), t.end(), t[0], t[1]) for t in TEMPLATE_TAG.finditer(text, start)]
    assert ours == [(m.start(), m.end(), m[0], m[1]) for m in pattern.finditer(text, start)]
    assert TEMPLATE_TAG.sub(lambda t: f"<{t[1]}>", text) == pattern.sub(lambda m: f"<{m[1]}>", text)


def test_template_tags_grow_linearly() -> None:
    def took(n: int) -> float:
        start = time.perf_counter()
        list(TEMPLATE_TAG.finditer("{{" * n + "}"))
        return time.perf_counter() - start

    assert took(200_000) < 10 * took(50_000) + 0.01


def test_every_pattern_is_one_the_growth_finds() -> None:
    """A pattern used in place (``re.search(r"...", text)``) is not grown above: each is
    compiled at the top of its module, but one made of a tag name (a literal, then
    ``\\s*>``: linear)."""
    inline = re.compile(r"\bre\.(?:" + "|".join(METHODS) + r")\(")
    found = [
        f"{path.name}:{number}"
        for path in sorted(Path(ankipress.__path__[0]).rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if inline.search(line) and 'rf"</{name}' not in line
    ]
    assert found == []
