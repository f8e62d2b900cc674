"""The identity lock, checked where Anki's behaviour is the point: in the real backend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ankipress.cards.notetype import DEFAULT_TEMPLATES
from tests.ankitools import import_packages, notes, open_collection

BOOK = """\
# Vision Notes

## 第一章 Transformers

<h2 id="1">1.What is attention?</h2>

Weights from softmax.

<h2 id="2">2.What is a patch?</h2>

A square of pixels.

<h2 id="3">3.Why LayerNorm?</h2>

It is batch-size independent.
"""


def imported_once(run_cli, write_tree, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The book built and imported into a fresh collection: (content, collection, guids)."""
    content = write_tree({"vision.md": BOOK})
    col = open_collection(tmp_path / "anki")
    import_packages(col, build(run_cli, content, tmp_path / "o", 1_000_000))
    return content, col, {n.fields["Question"]: n.guid for n in notes(col)}


def build(run_cli, content: Path, out: Path, epoch: int, *args: str) -> list[Path]:
    if out.exists():
        shutil.rmtree(out)
    result = run_cli("build", str(content), "--out", str(out), *args, epoch=epoch)
    assert result.exit_code == 0, result.output
    return sorted(out.rglob("*.apkg"))


def lock_lines(content: Path) -> list[dict]:
    return [json.loads(line) for line in (content / "ankipress.lock").read_text().splitlines()]


def test_builds_in_different_places_at_different_times_are_byte_identical(
    run_cli, tmp_path: Path, monkeypatch
) -> None:
    """Two clocks years apart, as every clock function of ``time`` gives them (zip entries
    take theirs from ``time.localtime(time.time())``); and, for a clock read in C (SQLite's,
    ``datetime``), the second build in another two seconds than the first (a zip entry's
    time is kept to two seconds)."""
    import time

    real = time.time
    outputs = []
    for place, clock in (("a", 1_800_000_000.5), ("b/c/d", 1_900_000_123.25)):
        if outputs:  # the real clock in the next two seconds
            time.sleep(2 - real() % 2 + 0.05)
        monkeypatch.setattr(time, "time", lambda clock=clock: clock)
        monkeypatch.setattr(time, "time_ns", lambda clock=clock: int(clock * 1e9))
        for name in ("localtime", "gmtime"):
            read = getattr(time, name)

            def fixed(at: float | None = None, read=read, clock=clock) -> time.struct_time:
                return read(clock if at is None else at)

            monkeypatch.setattr(time, name, fixed)
        content = tmp_path / place / "content"
        content.mkdir(parents=True)
        (content / "vision.md").write_text(BOOK, encoding="utf-8")
        (content / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\nfig")
        (content / "more.md").write_text("<h2>Q?</h2>\n\n![f](fig.png)\n", encoding="utf-8")
        packages = build(run_cli, content, tmp_path / place / "decks", 1_700_000_000)
        outputs.append({p.relative_to(tmp_path / place): p.read_bytes() for p in packages})
        (content / "ankipress.lock").unlink()  # the next place starts from the same state
    assert outputs[0] == outputs[1] and len(outputs[0]) == 2


def test_an_unchanged_rebuild_changes_nothing_in_anki(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    col = open_collection(tmp_path / "anki")
    assert len(import_packages(col, build(run_cli, content, tmp_path / "o", 1_000_000)).new) == 3
    lock_before = (content / "ankipress.lock").read_bytes()
    (nid,) = col.find_notes('"Question:What is a patch?"')
    edited = col.get_note(nid)
    edited["Answer"] = "My own words."
    col.update_note(edited)

    again = import_packages(col, build(run_cli, content, tmp_path / "o", 2_000_000))
    assert again.updated == [] and again.new == [] and len(again.duplicate) == 3
    assert col.get_note(nid)["Answer"] == "My own words."  # the user's edit survives
    assert (content / "ankipress.lock").read_bytes() == lock_before
    note_type = col.models.by_name("ankipress")
    assert note_type is not None and note_type["mod"] == 1_000_000

    (content / "vision.md").write_text(BOOK.replace("softmax", "a softmax"), encoding="utf-8")
    changed = import_packages(col, build(run_cli, content, tmp_path / "o", 3_000_000))
    assert len(changed.updated) == 1 and len(changed.duplicate) == 2
    assert {n.fields["Answer"]: n.mod for n in notes(col)}["<p>Weights from a softmax.</p>"] == (
        3_000_000
    )


def test_a_renamed_file_and_a_reworded_question_keep_their_guids(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content, col, guids = imported_once(run_cli, write_tree, tmp_path)
    (content / "vision.md").unlink()
    reworded = BOOK.replace("What is a patch?", "What exactly is a patch?")
    (content / "transformers.md").write_text(reworded, encoding="utf-8")
    result = run_cli("build", str(content), "--out", str(tmp_path / "o2"), epoch=2_000_000)
    assert "Kept 3 GUIDs through the lock" in result.stdout
    assert "  content/transformers.md:9: 'What is a patch?' -> 'What exactly is a patch?'" in (
        result.stdout
    )
    log = import_packages(col, sorted((tmp_path / "o2").rglob("*.apkg")))
    assert log.new == [] and log.conflicting == [] and len(log.updated) == 3
    after = {n.fields["Question"]: n.guid for n in notes(col)}
    assert after["What exactly is a patch?"] == guids["What is a patch?"]
    assert after["Why LayerNorm?"] == guids["Why LayerNorm?"]
    assert {entry["at"].rpartition(":")[0] for entry in lock_lines(content)[1:]} == {
        "transformers.md"
    }

    # The lock now knows them by their new file and question: an answer edited later
    # updates the same notes, and nothing is matched (or changed) again.
    edited = reworded.replace("A square of pixels.", "A small square of pixels.")
    (content / "transformers.md").write_text(edited, encoding="utf-8")
    third = run_cli("build", str(content), "--out", str(tmp_path / "o3"), epoch=3_000_000)
    assert "Kept" not in third.stdout and "Removed" not in third.stdout
    log = import_packages(col, sorted((tmp_path / "o3").rglob("*.apkg")))
    assert log.new == [] and len(log.updated) == 1 and len(log.duplicate) == 2
    assert {n.fields["Question"]: n.guid for n in notes(col)} == after

    # A copy of the file is new notes: the kept GUIDs are not matched a second time.
    shutil.copy(content / "transformers.md", content / "copy.md")
    run_cli("build", str(content), "--out", str(tmp_path / "o4"), epoch=4_000_000)
    locked = [entry["guid"] for entry in lock_lines(content)[1:]]
    assert len(locked) == 6 and len(set(locked)) == 6


def test_a_removed_question_is_shipped_once_more_tagged(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content, col, _ = imported_once(run_cli, write_tree, tmp_path)
    without = BOOK.replace(
        '<h2 id="3">3.Why LayerNorm?</h2>\n\nIt is batch-size independent.\n', ""
    )
    (content / "vision.md").write_text(without, encoding="utf-8")
    result = run_cli("build", str(content), "--out", str(tmp_path / "o2"), epoch=2_000_000)
    assert "Removed 1 note (shipped once more, tagged ankipress::removed):" in result.stdout
    assert "  content/vision.md:13: Why LayerNorm?" in result.stdout
    log = import_packages(col, sorted((tmp_path / "o2").rglob("*.apkg")))
    assert len(log.updated) == 1 and log.new == []
    (nid,) = col.find_notes("tag:ankipress::removed")
    assert col.get_note(nid)["Question"] == "Why LayerNorm?"
    third = run_cli("build", str(content), "--out", str(tmp_path / "o3"), epoch=3_000_000)
    assert "Removed" not in third.stdout  # once
    assert [
        e.get("removed") for e in lock_lines(content)[1:] if e["question"] == "why layernorm"
    ] == [2_000_000]


def test_a_template_change_moves_the_note_type_time(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    build(run_cli, content, tmp_path / "o", 1_000_000, "--templates", str(templates))
    assert lock_lines(content)[0]["note_type"]["changed"] == 1_000_000
    build(run_cli, content, tmp_path / "o", 2_000_000, "--templates", str(templates))
    assert lock_lines(content)[0]["note_type"]["changed"] == 1_000_000
    with (templates / "style.css").open("a") as css:
        css.write("\n.card { font-size: 20px; }\n")
    build(run_cli, content, tmp_path / "o", 3_000_000, "--templates", str(templates))
    assert lock_lines(content)[0]["note_type"]["changed"] == 3_000_000


def test_without_a_lock_every_note_gets_the_build_time(run_cli, write_tree, tmp_path: Path) -> None:
    """No lock remembers when a note changed: each build dates every note (and so its
    cards' order) by its own time, and writes no lock."""
    content = write_tree({"vision.md": BOOK})
    col = open_collection(tmp_path / "anki")
    first = import_packages(col, build(run_cli, content, tmp_path / "o", 1_000_000, "--no-lock"))
    assert not (content / "ankipress.lock").exists()
    assert len(first.new) == 3 and [n.mod for n in notes(col)] == [1_000_000] * 3
    again = import_packages(col, build(run_cli, content, tmp_path / "o", 2_000_000, "--no-lock"))
    assert not (content / "ankipress.lock").exists()
    assert len(again.updated) == 3 and [n.mod for n in notes(col)] == [2_000_000] * 3


def test_an_unreadable_lock_is_an_error_and_left_alone(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK, "ankipress.lock": '{"ankipress_lock":1}\nnot json\n'})
    result = run_cli("build", str(content), "-o", str(tmp_path / "o"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "content/ankipress.lock:2: error[lock]: unreadable lock, so nothing is built from its "
        "folder: "
        "Expecting value"
    )
    assert (content / "ankipress.lock").read_text() == '{"ankipress_lock":1}\nnot json\n'
    # new GUIDs would duplicate every card the lock knew on the next import (issue 17, 10)
    assert not list((tmp_path / "o").rglob("*.apkg"))


def test_a_file_that_fails_to_build_keeps_its_entries(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    build(run_cli, content, tmp_path / "o", 1_000_000)
    (content / "vision.md").write_text("---\ntitle: [\n---\n" + BOOK, encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(tmp_path / "o2"), epoch=2_000_000)
    assert result.exit_code == 1 and "Removed" not in result.stdout
    assert [e.get("removed") for e in lock_lines(content)[1:]] == [None, None, None]


def test_a_change_dated_no_later_than_the_last_reaches_anki(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Anki updates a note or note type on import only if the package's copy is newer: a
    change built in the same second, or with an older SOURCE_DATE_EPOCH (a CI build after
    a local one), is dated a second after the last change instead of being skipped."""
    content, col, _ = imported_once(run_cli, write_tree, tmp_path)
    templates = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATES, templates)
    build(run_cli, content, tmp_path / "o", 1_000_000, "--templates", str(templates))
    for epoch, answer in [(1_000_000, "A 16x16 square."), (900_000, "A 14x14 square.")]:
        path = content / "vision.md"
        path.write_text(path.read_text().replace("A square of pixels.", answer))
        with (templates / "style.css").open("a") as css:
            css.write(f"\n.card {{ --answer: '{answer}'; }}\n")
        log = import_packages(
            col, build(run_cli, content, tmp_path / "o", epoch, "--templates", str(templates))
        )
        assert len(log.updated) == 1, epoch
        col.close()
        col = open_collection(tmp_path / "anki")  # the note type as stored, not a cached copy
        (nid,) = col.find_notes('"Question:What is a patch?"')
        note = col.get_note(nid)
        assert note["Answer"] == f"<p>{answer}</p>"
        assert answer in note.note_type()["css"]
        path.write_text(path.read_text().replace(answer, "A square of pixels."))


def test_a_question_reworded_past_recognition_keeps_its_guid_by_its_own_answer(
    run_cli, write_tree, tmp_path: Path
) -> None:
    long = "Split the image into squares, flatten each, and project it to a vector."
    book = f"# Vision\n\n## What is a patch?\n\n{long}\n\n## Is ViT big?\n\nYes.\n"
    content = write_tree({"vision.md": book})
    col = open_collection(tmp_path / "anki")
    import_packages(col, build(run_cli, content, tmp_path / "o", 1_000_000))
    before = {n.fields["Question"]: n.guid for n in notes(col)}
    reworded = book.replace("What is a patch?", "How does ViT tokenise an image?")
    reworded = reworded.replace("Is ViT big?", "Does it need pretraining?")  # a short answer
    (content / "vision.md").write_text(reworded, encoding="utf-8")
    log = import_packages(col, build(run_cli, content, tmp_path / "o2", 2_000_000))
    after = {n.fields["Question"]: n.guid for n in notes(col)}
    assert after["How does ViT tokenise an image?"] == before["What is a patch?"]
    assert after["Does it need pretraining?"] not in before.values()  # "Yes." is no identity
    assert len(log.new) == 1 and len(log.updated) == 2  # reworded, and "Is ViT big?" retired


def test_a_retired_note_is_not_counted_as_a_card_built(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    build(run_cli, content, tmp_path / "o", 1_000_000)
    (content / "vision.md").write_text(
        BOOK.replace('<h2 id="3">3.Why LayerNorm?</h2>\n\nIt is batch-size independent.\n', ""),
        encoding="utf-8",
    )
    result = run_cli("build", str(content), "--out", str(tmp_path / "o"), epoch=2_000_000)
    shipped_not_counted = "Built 1 deck with 2 cards from 1 file"  # the retired note is no card
    assert shipped_not_counted in result.stdout
    row = next(
        line for line in result.stdout.splitlines() if "->" in line and "Transformers" in line
    )
    assert row.split()[:4] == ["2", "0", "0", "1"]


def test_a_line_inserted_in_one_answer_updates_that_note_alone(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content, col, guids = imported_once(run_cli, write_tree, tmp_path)
    longer = BOOK.replace("Weights from softmax.", "Weights from softmax.\n\nSummed per token.")
    (content / "vision.md").write_text(longer, encoding="utf-8")  # every later line moves
    log = import_packages(col, build(run_cli, content, tmp_path / "o2", 2_000_000))
    assert log.updated == [guids["What is attention?"]] and log.new == []
    sources = {n.fields["Question"]: n.fields["Source"] for n in notes(col)}
    assert set(sources.values()) == {"content/vision.md"}  # where it lives: its file
