"""New cards come up in book order: each card's position in its package is its question's
place in its deck, whatever ids Anki gives the notes on import (checked in the real
backend, in a fresh collection)."""

from __future__ import annotations

from pathlib import Path

from tests.ankitools import import_packages, open_collection


def _book(number: int, answer: str = "Answer") -> str:
    text = f"# Book {number}\n\n"
    for chapter in (1, 2):
        text += f"## Chapter {chapter}\n\n"
        for q in range(6 + 3 * number):
            text += f"### What is item {q} of {number}.{chapter}?\n\n{answer} {q}.\n\n"
    return text


def _three_books_built(tmp_path: Path, run_cli) -> Path:
    """Three books of two chapters each, built into ``tmp_path/decks``; their folder."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for number in range(3):
        (notes / f"book{number}.md").write_text(_book(number), encoding="utf-8")
    assert (
        run_cli("build", "notes", "-o", "decks", cwd=tmp_path, epoch=1_700_000_000).exit_code == 0
    )
    return notes


def test_each_decks_first_new_card_is_its_first_question(tmp_path: Path, run_cli) -> None:
    notes = _three_books_built(tmp_path, run_cli)
    # a later build where some notes changed: their times differ from the others'
    (notes / "book1.md").write_text(_book(1, "Changed answer"), encoding="utf-8")
    done = run_cli("build", "notes", "-o", "decks", cwd=tmp_path, epoch=1_700_090_000)
    assert done.exit_code == 0, done.output
    col = open_collection(tmp_path / "anki")
    import_packages(col, sorted((tmp_path / "decks").rglob("*.apkg")))
    shown = {}
    for deck in col.decks.all_names_and_ids():
        if col.decks.children(deck.id) or not col.find_cards(f"did:{deck.id}"):
            continue  # a parent deck, or Default
        col.decks.select(deck.id)
        queued = col.sched.get_queued_cards(fetch_limit=50).cards
        shown[deck.name] = [col.get_card(q.card.id).note().fields[0] for q in queued]
    col.close()
    assert len(shown) == 6
    for name, questions in shown.items():
        numbers = [int(q.split()[3]) for q in questions]  # "What is item N of ..."
        assert numbers == sorted(numbers) and numbers[0] == 0, name


def _package_ids(decks: Path) -> dict[str, tuple[int, tuple[int, ...]]]:
    """GUID -> (note id, card ids) in every package under ``decks``."""
    import sqlite3
    import zipfile

    found: dict[str, tuple[int, tuple[int, ...]]] = {}
    for package in sorted(decks.rglob("*.apkg")):
        db = decks.parent / "package.anki2"
        db.write_bytes(zipfile.ZipFile(package).read("collection.anki2"))
        with sqlite3.connect(db) as con:
            for nid, guid in con.execute("select id, guid from notes"):
                cids = tuple(
                    r[0] for r in con.execute("select id from cards where nid = ?", (nid,))
                )
                assert guid not in found
                found[guid] = (nid, cids)
        db.unlink()
    return found


def test_note_and_card_ids_are_unique_across_packages_and_stable(tmp_path: Path, run_cli) -> None:
    notes = _three_books_built(tmp_path, run_cli)
    first = _package_ids(tmp_path / "decks")
    note_ids = [nid for nid, _ in first.values()]
    card_ids = [cid for _, cids in first.values() for cid in cids]
    assert len(set(note_ids)) == len(note_ids) == 6 * 2 + 9 * 2 + 12 * 2
    assert len(set(card_ids)) == len(card_ids)
    # a later build, one question added at the top of a chapter and one answer changed
    text = _book(1).replace("## Chapter 1\n\n", "## Chapter 1\n\n### What is new?\n\nNew.\n\n")
    (notes / "book1.md").write_text(text.replace("Answer 2.", "Changed 2."), encoding="utf-8")
    done = run_cli("build", "notes", "-o", "decks", cwd=tmp_path, epoch=1_700_090_000)
    assert done.exit_code == 0, done.output
    again = _package_ids(tmp_path / "decks")
    assert {g: again[g] for g in first} == first  # every note kept its ids
    col = open_collection(tmp_path / "anki")
    import_packages(col, sorted((tmp_path / "decks").rglob("*.apkg")))
    held = {col.get_note(nid).guid: nid for nid in col.find_notes("")}
    col.close()
    assert held == {guid: nid for guid, (nid, _) in again.items()}  # Anki kept every id
