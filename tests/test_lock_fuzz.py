"""Random locks (valid JSON, hostile values) against a build (issue 17): whatever the lock
says, no build writes outside its output folder, ships unsanitised HTML, gives two notes
one GUID, or fails with a traceback."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ankipress.cli.main import main
from tests import writewatch
from tests.apkgdump import dump_package

NOTES = {
    "a.md": "# Book A\n\n## Why attention?\n\nSoftmax weights.\n\n## What is a patch?\n\nPixels.\n",
    "sub/b.md": "# Book B\n\n## 第一章 Basics\n\n### Why norms?\n\nStability.\n",
}
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    "../../outside.apkg",
    "../content/a.md:1",
    "/etc/passwd:1",
    "a.md:1",
    "sub/b.md:5",
    "gone.md:3",
    "x\u2028y\x85z",
    "\x00",
    "",
    " ",
    "0123456789abcdef",
    "ffffffffffff",
]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, 2**63 - 1, 2**63, 1_700_000_000]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(HOSTILE),
    st.text(max_size=20),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


TEXTS = st.sampled_from(HOSTILE) | st.text(max_size=30)
HEX = st.text(alphabet="0123456789abcdef", min_size=8, max_size=16)
TIMES = st.integers(min_value=0, max_value=2**63 - 1)
PLAUSIBLE = {  # values of the right type that may still mean harm
    "question": TEXTS,
    "text": TEXTS,
    "book": st.sampled_from(["a", "b", "gone", "<script>alert(1)</script>"]),
    "at": st.sampled_from(["gone.md:3", "a.md:1", "sub/b.md:5", "sub/gone.md:9", "a.md:0"]),
    "deck": HEX,
    "hash": HEX,
    "answer": HEX,
    "changed": TIMES,
    "removed": TIMES | st.none(),
    "tags": st.lists(st.sampled_from(["x", "ankipress::removed", "a::b", "<b>"]), max_size=2),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]], str]:
    """A built tree: its folder, its lock's entries and header, made once."""
    root = tmp_path_factory.mktemp("base") / "content"
    for rel, text in NOTES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(root), "-o", str(root.parent / "out")])
    assert result.exit_code == 0, result.output
    header, *lines = (root / "ankipress.lock").read_text(encoding="utf-8").splitlines()
    return root, [json.loads(line) for line in lines], header


@st.composite
def locks(draw: st.DrawFn, entries: list[dict[str, Any]], header: str) -> str:
    """A lock: some of the real one's entries, and copies under GUIDs of their own, with
    values replaced (mostly by ones of the right type that may still mean harm), one in six
    under another entry's GUID; one line in twenty not even an object."""
    lines = [header if draw(st.integers(0, 19)) else json.dumps(draw(JSON))]
    chosen = draw(st.permutations(entries))[: draw(st.integers(0, len(entries)))]
    extra = draw(st.lists(st.sampled_from(entries), max_size=2))  # under GUIDs of their own
    fresh = st.text(alphabet="abcdefXYZ0123!#$%", min_size=10, max_size=10)
    for number, original in enumerate([*chosen, *extra]):
        entry = dict(original)
        if number >= len(chosen):
            entry["guid"] = draw(fresh)
        for key in draw(
            st.lists(st.sampled_from([*entry, "removed", "tags", "fields"]), max_size=3)
        ):
            plausible = PLAUSIBLE.get(key)
            if plausible is not None and draw(st.integers(0, 3)):
                entry[key] = draw(plausible)
            else:
                entry[key] = draw(JSON | st.lists(st.sampled_from(HOSTILE), max_size=3))
        if not draw(st.integers(0, 5)):  # another's GUID
            entry["guid"] = draw(st.sampled_from([e["guid"] for e in entries]))
        lines.append(json.dumps(entry if draw(st.integers(0, 19)) else draw(JSON)))
    return "\n".join(lines) + "\n"


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else b""
        for p in folder.rglob("*")
    }


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder each example's folder is made in (hypothesis runs many in one test)."""
    return tmp_path_factory.mktemp("examples")


@settings(
    max_examples=int(os.environ.get("ANKIPRESS_LOCK_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_lock_makes_a_build_write_outside_ship_markup_or_share_a_guid(
    base: tuple[Path, list[dict[str, Any]], str], scratch: Path, data: st.DataObject
) -> None:
    root, entries, header = base
    lock = data.draw(locks(entries, header), label="lock")
    neighbours = sorted(os.listdir(scratch))
    work = Path(tempfile.mkdtemp(dir=scratch))
    try:
        content, out = work / "content", work / "out"
        shutil.copytree(root, content)
        (content / "ankipress.lock").write_text(lock, encoding="utf-8")
        before = {k: v for k, v in tree(work).items() if k != "content/ankipress.lock"}
        env = {"SOURCE_DATE_EPOCH": "1800000000"}
        args = ["build", str(content), "-o", str(out)]
        started = writewatch.mark()
        result = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
        written = writewatch.written(started)
        assert result.exit_code in (0, 1) and "internal error" not in result.output, result.output
        event(f"exit {result.exit_code}")
        # Outside: anywhere but the output folder, the lock (and its temporary file beside
        # it), and the user's cache and state folders; seen written anywhere on the disk,
        # then the folders around the notes looked at.
        allowed = [
            out,
            *(Path(os.environ[name]) for name in ("XDG_CACHE_HOME", "XDG_STATE_HOME")),
        ]
        outside = sorted(
            path
            for path in written
            if not any(Path(path).is_relative_to(folder) for folder in allowed)
            and not (
                Path(path).parent == content
                and (Path(path).name == "ankipress.lock" or Path(path).name.startswith("."))
            )
        )
        assert outside == []
        after = tree(work)
        assert {
            k: v
            for k, v in after.items()
            if k.split("/")[0] != "out" and k != "content/ankipress.lock"
        } == before
        assert sorted(os.listdir(scratch)) == sorted([*neighbours, work.name])
        assert sorted(os.listdir(work)) == ["content", "out"][: 2 if out.exists() else 1]
        packages = sorted(out.rglob("*.apkg"))
        if result.exit_code == 1:
            assert "unreadable lock" in result.output and not packages
        guids: list[str] = []
        for package in packages:
            dumped = dump_package(package)
            guids += [note["guid"] for note in dumped["notes"]]
            text = json.dumps(dumped["notes"]) + json.dumps(dumped["decks"])
            for bad in ("<script", "onerror", "javascript:", "<img src=x"):
                assert bad not in text, (package, bad)
        assert len(guids) == len(set(guids))
    finally:
        shutil.rmtree(work)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("since", 2**63 - 1),  # its note's id: that many milliseconds, past a 64-bit id
        ("changed", 2**63 - 1),  # (so is a note's first build, where it says no since)
        ("removed", 2**63 - 1),
        ("since", (2**63 - 1) // 1000),
        ("changed", 2**63),
        ("deck_id", 2**63),
        ("note_type", 2**63 - 1),
    ],
)
def test_a_lock_integer_anki_cannot_hold_is_an_error_naming_its_line(
    run_cli, base: tuple[Path, list[dict[str, Any]], str], tmp_path: Path, where: str, value: int
) -> None:
    """Anki's ids are signed 64-bit, and a note's id is its first build's time in
    milliseconds: a lock whose times or ids reach past that is refused at its line, as any
    other bad value is, not an internal error of the build."""
    root, entries, header = base
    content = tmp_path / "content"
    shutil.copytree(root, content)
    lines = [json.loads(header), *(dict(e) for e in entries)]
    if where == "note_type":
        lines[0]["note_type"]["changed"] = value
    else:
        lines[1][where] = value
        if where == "changed":
            lines[1].pop("since", None)
    (content / "ankipress.lock").write_text("".join(json.dumps(x) + "\n" for x in lines))
    result = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output
    line = 1 if where == "note_type" else 2
    (error,) = [e for e in result.stderr.splitlines() if "error" in e]
    assert error.startswith(f"content/ankipress.lock:{line}: error")
    assert "unreadable lock, so nothing is built from its folder: its " in error
    assert not list((tmp_path / "out").rglob("*.apkg"))
