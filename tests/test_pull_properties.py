"""``ankipress pull`` on random notes (paragraphs, lists, bold, code, math; words repeated
on purpose), one word of an answer replaced in Anki as its editor would: the markdown comes
back with exactly that word replaced in one place, and the next sync finds every note
unchanged; or the pull refuses, says where, and the markdown is as it was. Never another
change, never a silent one."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from anki.collection import Collection
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ankipress.cli.main import main

WORDS = ["alpha", "beta", "gamma", "delta", "pi", "r", "x", "42", "7", "的", "模型"]
WORD = st.sampled_from(WORDS)
SPAN = st.one_of(
    WORD,
    WORD.map(lambda w: f"**{w}**"),
    WORD.map(lambda w: f"`{w}`"),
    st.tuples(WORD, WORD).map(lambda p: f"${p[0]}^{p[1]}$"),
    st.tuples(WORD, WORD).map(lambda p: f"[{p[0]} {p[1]}](https://example.org/{p[1]})"),
)
LINE = st.lists(SPAN, min_size=1, max_size=6).map(" ".join)
BLOCK = st.one_of(
    LINE,
    st.lists(LINE, min_size=1, max_size=3).map(lambda ls: "\n".join(f"- {line}" for line in ls)),
    st.lists(LINE, min_size=1, max_size=2).map(lambda ls: "\n".join(f"1. {line}" for line in ls)),
    st.tuples(LINE, LINE).map(lambda p: f"- {p[0]}\n  - {p[1]}"),
)
ANSWER = st.lists(BLOCK, min_size=1, max_size=3).map("\n\n".join)
_TEXT = re.compile(r">([^<>]+)<")
_WORDLIKE = re.compile(r"[A-Za-z0-9]+|[的模型]")
_RUNS = itertools.count()


def _cli(*args: str, state: Path) -> tuple[int, str, str]:
    env = {"XDG_STATE_HOME": str(state), "SOURCE_DATE_EPOCH": "1000000"}
    done = CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)
    return done.exit_code, done.stdout, done.stderr


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=ANSWER,
    second=ANSWER,
    choice=st.integers(min_value=0, max_value=10_000),
    new=st.sampled_from(["omega", "99", "新"]),
    crlf=st.booleans(),
)
def test_one_word_edited_in_anki_comes_back_exactly_or_is_refused(
    tmp_path: Path, first: str, second: str, choice: int, new: str, crlf: bool
) -> None:
    run = tmp_path / str(next(_RUNS))
    notes, state = run / "notes", run / "state"
    notes.mkdir(parents=True)
    text = f"# Book\n\n## What is one?\n\n{first}\n\n## What is two?\n\n{second}\n"
    data = (text.replace("\n", "\r\n") if crlf else text).encode()
    (notes / "book.md").write_bytes(data)
    collection = run / "collection.anki2"
    Collection(str(collection)).close()
    target = ["--collection", str(collection), "-o", str(run / "decks")]
    code, out, err = _cli("sync", str(notes), *target, state=state)
    assert code == 0, err
    col = Collection(str(collection))
    try:
        found = col.find_notes('"Question:What is one?"')
        assume(len(found) == 1)  # (an answer that is a link alone makes no card)
        note = col.get_note(found[0])
        html = note["Answer"]
        places = [
            (m.start(1) + w.start(), m.start(1) + w.end())
            for m in _TEXT.finditer(f">{html}<")
            for w in _WORDLIKE.finditer(m[1])
        ]
        places = [(a - 1, b - 1) for a, b in places]  # (the ">" put in front)
        start, end = places[choice % len(places)]
        old = html[start:end]
        note["Answer"] = html[:start] + new + html[end:]
        col.update_note(note)
    finally:
        col.close()
    code, out, err = _cli("pull", str(notes), *target, state=state)
    after = (notes / "book.md").read_bytes()
    if code == 1:
        assert after == data, "a refused pull wrote"
        assert "error[pull]" in err
        return
    assert code == 0, err
    if old == new:
        assert after == data
        return
    olds = old.encode()
    # exactly one occurrence of the word replaced, every other byte as it was
    candidates = {
        data[:i] + new.encode() + data[i + len(olds) :]
        for i in range(len(data))
        if data.startswith(olds, i)
    }
    assert after in candidates, (data, after, old, new)
    code, out, err = _cli("sync", str(notes), *target, "--format", "json", state=state)
    assert code == 0, err
    totals = {kind: n for kind, n in json.loads(out)["totals"].items() if n}
    assert set(totals) == {"unchanged"}, (data, after, totals)
