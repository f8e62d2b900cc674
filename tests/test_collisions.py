"""Outputs never collide: one package path per deck, decided before anything is written,
and books whose decks Anki would merge are reported. Checked by importing every package
a build wrote into the real Anki backend (issue 17, case 8)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from ankipress.diagnostics import Diagnostics
from ankipress.records import Deck, Note, SourceFile
from tests.ankitools import AnkiNote, import_packages, notes, open_collection
from tests.apkgdump import dump_package

LONG = "A remarkably long chapter title about attention mechanisms in vision models"
QUESTIONS = {
    "What is attention?": "Weights.",
    "What is a patch?": "Pixels.",
    "What is a token?": "A vector.",
}


def book(chapter: str, questions: dict[str, str], front: str = "") -> str:
    body = "".join(f"<h2>{q}</h2>\n\n{a}\n\n" for q, a in questions.items())
    return f"{front}# Vision\n\n## {chapter}\n\n{body}"


def build(
    run_cli, content: Path, out: Path, epoch: int, *options: str
) -> tuple[Any, list[dict[str, Any]]]:
    """A build that must succeed, and the decks its manifest lists."""
    args = ("build", str(content), "-o", str(out), *options)
    result = run_cli(*args, cwd=content.parent, epoch=epoch)
    assert result.exit_code == 0, result.output
    return result, json.loads((out / "manifest.json").read_text(encoding="utf-8"))["decks"]


def assert_each_deck_in_its_package(out: Path, decks: list[dict[str, Any]]) -> None:
    """What the manifest says of every package is what is in it: no package of the build
    replaced another's."""
    for deck in decks:
        held = dump_package(out / deck["file"])
        assert deck["name"] in held["decks"].values(), deck["file"]
        assert {n["guid"] for n in deck["notes"]} <= {n["guid"] for n in held["notes"]}


def import_all(folder: Path, out: Path, decks: list[dict[str, Any]]) -> dict[str, AnkiNote]:
    """Every package the build wrote, imported into the collection in ``folder``; its
    notes by question."""
    col = open_collection(folder)
    try:
        files = sorted({out / deck["file"] for deck in decks})
        log = import_packages(col, files)
        assert not log.conflicting
        return {n.fields["Question"]: n for n in notes(col)}
    finally:
        col.close()


def answers(found: dict[str, AnkiNote]) -> dict[str, str]:
    return {q: n.fields["Answer"] for q, n in found.items()}


def folded(files: list[str]) -> list[str]:
    return [unicodedata.normalize("NFC", f).casefold() for f in files]


@pytest.mark.parametrize("cache", ["--cache", "--no-cache"])
def test_a_long_chapter_renamed_while_a_question_is_deleted_loses_no_card(
    run_cli, write_tree, tmp_path: Path, cache: str
) -> None:
    """The chapter's title is cut for its file name: ``… (draft)`` and ``… (final)`` have
    one. The retired note's package must not take the live chapter's file."""
    content = write_tree({"vision.md": book(f"{LONG} (draft)", QUESTIONS)})
    out = tmp_path / "out"
    _, first = build(run_cli, content, out, 1_000_000, cache)
    import_all(tmp_path / "anki", out, first)

    kept = {"What is attention?": "Softmax weights.", "What is a patch?": "Pixels."}
    want = {q: f"<p>{a}</p>" for q, a in kept.items()}
    (content / "vision.md").write_text(book(f"{LONG} (final)", kept), encoding="utf-8")
    _, second = build(run_cli, content, out, 2_000_000, cache)
    assert_each_deck_in_its_package(out, second)
    fresh = import_all(tmp_path / "fresh", out, second)
    assert {q: answers(fresh)[q] for q in kept} == want
    assert all("(final)" in fresh[q].fields["Context"] for q in kept)
    upgraded = import_all(tmp_path / "anki", out, second)
    assert {q: answers(upgraded)[q] for q in kept} == want
    assert _tagged_removed(tmp_path / "anki", "What is a token?")


def _tagged_removed(folder: Path, question: str) -> bool:
    col = open_collection(folder)
    try:
        (nid,) = col.find_notes(f'"Question:{question}"')
        return "ankipress::removed" in col.get_note(nid).tags
    finally:
        col.close()


def test_an_id_added_while_a_question_is_deleted_loses_no_card(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """A new ``id:`` gives every deck a new id (the notes keep their GUIDs through the
    lock); the retired note's deck, of the old id, had the live chapter's path."""
    content = write_tree({"vision.md": book("Basics", QUESTIONS)})
    out = tmp_path / "out"
    _, first = build(run_cli, content, out, epoch=1_000_000)
    before = import_all(tmp_path / "anki", out, first)

    kept = {q: a for q, a in QUESTIONS.items() if q != "What is a token?"}
    text = book("Basics", kept, front="---\nid: vision-notes\n---\n")
    (content / "vision.md").write_text(text, encoding="utf-8")
    result, second = build(run_cli, content, out, epoch=2_000_000)
    assert_each_deck_in_its_package(out, second)
    files = [deck["file"] for deck in second]
    assert len(set(folded(files))) == len(files)  # one package path per deck
    rows = [line for line in result.stdout.splitlines() if line.endswith(".apkg")]
    shown = sorted(row.rsplit(" -> ", 1)[1] for row in rows)  # each deck's own package
    assert shown == sorted(f"out/{file}" for file in files)

    fresh = import_all(tmp_path / "fresh", out, second)
    assert {q: answers(fresh)[q] for q in kept} == {q: f"<p>{a}</p>" for q, a in kept.items()}
    assert {q: fresh[q].guid for q in kept} == {q: before[q].guid for q in kept}
    upgraded = import_all(tmp_path / "anki", out, second)
    sources = {q: n.fields["Source"] for q, n in upgraded.items() if q in kept}
    assert sources == {  # where they live: their file (no line, which moves)
        "What is attention?": "content/vision.md",
        "What is a patch?": "content/vision.md",
    }
    assert _tagged_removed(tmp_path / "anki", "What is a token?")


def test_two_books_of_one_title_are_reported(run_cli, write_tree, tmp_path: Path) -> None:
    """Anki files cards by deck name: both books' ``Vision::01 Basics`` are one deck. Their
    names are kept (they are what the notes say), with a warning at the second book."""
    content = write_tree(
        {
            "a.md": book("Basics", {"What is attention?": "Weights."}),
            "b.md": book("Basics", {"What is a patch?": "Pixels."}),
            "c.md": book("Other", {"What is a token?": "A vector."}).replace("Vision", "VISION"),
        }
    )
    result, decks = build(run_cli, content, tmp_path / "out", epoch=1_000_000)
    assert result.stderr.splitlines() == [
        "content/b.md:1: warning[duplicate-deck]: book title 'Vision' is also the title of "
        "content/a.md:1: "
        "Anki merges decks of one name, so both books' chapters go under one deck 'Vision' "
        "(deck 'Vision::01 Basics' would hold the cards of both); give one of them its own "
        "'title:'",
        "content/c.md:1: warning[duplicate-deck]: book title 'VISION' is also the title of "
        "content/a.md:1: "
        "Anki merges decks of one name, so both books' chapters go under one deck 'VISION'; "
        "give one of them its own 'title:'",
    ]
    rows = [line for line in result.stdout.splitlines() if line.endswith(".apkg")]
    assert rows == [
        "      1      1        0        0  Vision::01 Basics -> out/a/01-Basics.apkg",
        "      1      1        0        0  Vision::01 Basics -> out/b/01-Basics.apkg",
        "      1      1        0        0  VISION::01 Other -> out/c/01-Other.apkg",
    ]
    found = import_all(tmp_path / "anki", tmp_path / "out", decks)
    assert answers(found) == {q: f"<p>{a}</p>" for q, a in QUESTIONS.items()}
    assert found["What is attention?"].deck == found["What is a patch?"].deck  # as warned
    check = run_cli("check", str(content), "--strict", cwd=tmp_path)
    assert check.exit_code == 1
    allowed = run_cli("check", str(content), "--strict", "--allow", "duplicate-deck", cwd=tmp_path)
    assert allowed.exit_code == 0, allowed.output


def test_books_whose_paths_differ_only_in_case_get_two_packages(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """``Vision/01-Basics.apkg`` and ``vision/01-Basics.apkg`` are one file where case is
    ignored (macOS, Windows): the second moves aside, with a warning."""
    content = write_tree(
        {
            "Vision.md": book("Basics", {"What is attention?": "Weights."}),
            "vision.md": book("Basics", {"What is a patch?": "Pixels."}).replace(
                "# Vision", "# Seeing"
            ),
        }
    )
    result, decks = build(run_cli, content, tmp_path / "out", epoch=1_000_000)
    files = sorted(deck["file"] for deck in decks)
    assert files == ["Vision/01-Basics.apkg", "vision/01-Basics-2.apkg"]
    assert result.stderr.splitlines() == [
        "content/vision.md:1: warning[duplicate-output]: the package of deck 'Seeing::01 Basics', "
        "vision/01-Basics.apkg, is, where case is ignored, the package of 'Vision::01 Basics' "
        "from content/Vision.md: it is written to vision/01-Basics-2.apkg instead"
    ]
    assert_each_deck_in_its_package(tmp_path / "out", decks)
    found = import_all(tmp_path / "anki", tmp_path / "out", decks)
    assert answers(found) == {
        "What is attention?": "<p>Weights.</p>",
        "What is a patch?": "<p>Pixels.</p>",
    }


def test_long_titles_alike_in_their_first_60_characters_get_their_own_packages(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Two chapters of one book whose titles are cut to one file name: their numbers tell
    their packages apart."""
    text = book(f"{LONG} (part one)", {"What is attention?": "Weights."}) + (
        f"## {LONG} (part two)\n\n<h2>What is a patch?</h2>\n\nPixels.\n"
    )
    content = write_tree({"vision.md": text})
    result, decks = build(run_cli, content, tmp_path / "out", epoch=1_000_000)
    assert not result.stderr
    files = [deck["file"] for deck in decks]
    assert len(files) == 2 and len(set(folded(files))) == 2
    assert_each_deck_in_its_package(tmp_path / "out", decks)
    found = import_all(tmp_path / "anki", tmp_path / "out", decks)
    assert {q: n.deck for q, n in found.items()} == {
        "What is attention?": f"Vision::01 {LONG} (part one)",
        "What is a patch?": f"Vision::02 {LONG} (part two)",
    }


def deck(name: str, deck_id: int, output: str, *tags: str) -> Deck:
    source = SourceFile(Path("/c/b.md"), Path("/c"), PurePosixPath("b.md"), "b.md")
    note = Note(f"g{deck_id}", "Q?", "A", "", "", (), tags)
    return Deck(name, deck_id, PurePosixPath(output), (note,), source)


def test_a_package_of_removed_notes_moves_aside_for_a_live_one() -> None:
    """Whatever their order, the live deck keeps its path; a deck of removed notes moves
    aside, never onto a path another deck has; only a live deck that moves is a warning."""
    from ankipress.assemble.outputs import settle_outputs  # here: the others run on any version

    removed = "ankipress::removed"
    decks = [
        deck("B::01 Old", 1, "b/01-T.apkg", removed),
        deck("B::01 Older", 2, "b/01-t.apkg", removed),
        deck("B::01 New", 3, "b/01-T.apkg"),
        deck("B::02 T-removed", 4, "b/01-T-removed.apkg"),  # a live deck's own path
        deck("C::01 T", 5, "B/01-T.apkg"),  # another book's, but for the case
    ]
    diagnostics = Diagnostics()
    settled = settle_outputs(decks, diagnostics)
    assert [(d.deck_id, d.output.as_posix()) for d in settled] == [
        (1, "b/01-T-removed-2.apkg"),
        (2, "b/01-t-removed-3.apkg"),
        (3, "b/01-T.apkg"),
        (4, "b/01-T-removed.apkg"),
        (5, "B/01-T-2.apkg"),
    ]
    assert [str(d) for d in diagnostics.sorted()] == [
        "b.md:1: warning[duplicate-output]: the package of deck 'C::01 T', B/01-T.apkg, is, where "
        "case is "
        "ignored, the package of 'B::01 New' from b.md: it is written to B/01-T-2.apkg instead"
    ]
    assert settle_outputs(settled, Diagnostics()) == settled  # settled once and for all
