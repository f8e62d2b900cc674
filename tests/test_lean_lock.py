"""The lean lock (issue 17): identity and history only, a few hundred bytes a note; the
format before it is read and written anew without a GUID or a time changing; a retired
note is shipped as the last build made it, or, in a fresh checkout, saying where it was."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ankitools import import_packages, notes, open_collection
from tests.apkgdump import dump_package
from tests.test_lock import BOOK, build

ROOT = Path(__file__).resolve().parent.parent


def lock_entries(content: Path) -> tuple[dict, list[dict]]:
    header, *lines = (content / "ankipress.lock").read_text(encoding="utf-8").splitlines()
    return json.loads(header), [json.loads(line) for line in lines]


def test_the_seed_lock_is_lean() -> None:
    data = (ROOT / "content" / "ankipress.lock").read_bytes()
    header, *lines = data.decode("utf-8").splitlines()
    assert json.loads(header)["ankipress_lock"] == 2
    # (every entry holds since as well once its note changed after it was first built: the
    # sample books were renamed by content/ankipress.yaml)
    assert len(lines) == 131 and len(data) <= 45_000
    assert len(data) / len(lines) <= 330
    keys = ("guid", "book", "question", "text", "at", "deck", "hash", "answer", "changed")
    assert {tuple(json.loads(line)) for line in lines} <= {  # (since: changed after built)
        (*keys, "deck_id"),
        (*keys, "since", "deck_id"),
    }


def first_format_lock(content: Path, packages: list[Path]) -> None:
    """Rewrite the lock of ``content`` as the first format wrote it: with each note's deck
    name, package and fields (from the ``packages`` built with it)."""
    header, entries = lock_entries(content)
    ((name, deck_id),) = {(v, k) for p in packages for k, v in dump_package(p)["decks"].items()}
    fields = {n["guid"]: n["fields"] for p in packages for n in dump_package(p)["notes"]}
    first = [json.dumps({**header, "ankipress_lock": 1})]
    for e in entries:
        deck = [deck_id, name, "vision/01-Transformers.apkg"]
        first.append(
            json.dumps(
                {"guid": e["guid"], "book": e["book"], "question": e["question"]}
                | {"source": e["at"].rpartition(":")[0], "hash": e["hash"]}
                | {"changed": e["changed"], "deck": deck, "fields": fields[e["guid"]]}
            )
        )
    (content / "ankipress.lock").write_text("\n".join(first) + "\n", encoding="utf-8")


def test_a_lock_of_the_first_format_is_written_anew_keeping_guids_and_times(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    packages = build(run_cli, content, tmp_path / "o", 1_000_000)
    col = open_collection(tmp_path / "anki")
    import_packages(col, packages)
    before = lock_entries(content)
    first_format_lock(content, packages)
    result = run_cli("build", str(content), "-o", str(tmp_path / "o2"), epoch=2_000_000)
    assert result.exit_code == 0, result.output
    assert lock_entries(content) == before  # the same, in the lean format
    log = import_packages(col, sorted((tmp_path / "o2").rglob("*.apkg")))
    assert log.updated == [] and log.new == []  # not one note's time moved
    col.close()


def test_a_note_retired_as_a_first_format_lock_is_rewritten_keeps_its_fields(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """That lock kept each note's fields: a note removed in the build that rewrites it is
    shipped with them, not with a placeholder, even in a fresh checkout."""
    content = write_tree({"vision.md": BOOK})
    first_format_lock(content, build(run_cli, content, tmp_path / "o", 1_000_000))
    gone = '<h2 id="3">3.Why LayerNorm?</h2>\n\nIt is batch-size independent.\n'
    (content / "vision.md").write_text(BOOK.replace(gone, ""), encoding="utf-8")
    packages = build(run_cli, content, tmp_path / "o2", 2_000_000, "--no-cache")
    retired = [
        (n["fields"][:2], name)
        for p in packages
        for n in dump_package(p)["notes"]
        for name in dump_package(p)["decks"].values()
        if "ankipress::removed" in n["tags"]
    ]
    assert retired == [
        (
            ["Why LayerNorm?", "<p>It is batch-size independent.</p>"],
            "Vision Notes::01 Transformers",
        )
    ]


def test_a_removed_note_is_shipped_as_the_last_build_made_it(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "o"
    col = open_collection(tmp_path / "anki")
    import_packages(col, build(run_cli, content, out, 1_000_000))
    gone = '<h2 id="3">3.Why LayerNorm?</h2>\n\nIt is batch-size independent.\n'
    (content / "vision.md").write_text(BOOK.replace(gone, ""), encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(out), epoch=2_000_000)  # the same out
    assert result.exit_code == 0, result.output
    log = import_packages(col, sorted(out.rglob("*.apkg")))
    assert len(log.updated) == 1 and log.new == []
    (nid,) = col.find_notes("tag:ankipress::removed")
    note = col.get_note(nid)
    assert (note["Question"], note["Answer"]) == (
        "Why LayerNorm?",
        "<p>It is batch-size independent.</p>",
    )
    assert note["Source"] == "content/vision.md"
    col.close()


def test_in_a_fresh_checkout_a_removed_note_says_where_it_was(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    col = open_collection(tmp_path / "anki")
    import_packages(col, build(run_cli, content, tmp_path / "o", 1_000_000))
    (content / "vision.md").unlink()  # the whole book, so its chapter is built no more
    (content / "other.md").write_text("# Other\n\n## Why?\n\nBecause.\n", encoding="utf-8")
    packages = build(run_cli, content, tmp_path / "o2", 2_000_000, "--no-cache")
    assert [p.relative_to(tmp_path / "o2").as_posix() for p in packages] == [
        "other.apkg",
        f"vision/removed-{_removed_deck('vision')}.apkg",
    ]
    log = import_packages(col, packages)
    assert len(log.updated) == 3
    retired = {
        col.get_note(n)["Question"]: col.get_note(n)
        for n in col.find_notes("tag:ankipress::removed")
    }
    assert retired["What is a patch?"]["Answer"] == (
        "<p>Removed from the notes: it was at content/vision.md:9.</p>"
    )
    # Anki keeps the cards where they were: the import moves no card
    assert {n.deck for n in notes(col) if "Removed" in n.fields["Answer"]} == {
        "Vision Notes::01 Transformers"
    }
    col.close()


def _removed_deck(book: str) -> int:
    from ankipress.identity.guids import deck_id
    from ankipress.identity.retire import REMOVED_DECK

    return deck_id(book, REMOVED_DECK)


def test_a_note_removed_from_a_renamed_chapter_goes_in_its_package(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """A numbered chapter keeps its deck id through a rename: the package of a retired note
    must not be a second deck of that id (one of them would be written from the other's
    fingerprint), so the renamed chapter's package takes it."""
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "o"
    build(run_cli, content, out, 1_000_000)
    gone = '<h2 id="3">3.Why LayerNorm?</h2>\n\nIt is batch-size independent.\n'
    renamed = BOOK.replace(gone, "").replace("Transformers", "Attention")
    (content / "vision.md").write_text(renamed, encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(out), epoch=2_000_000)
    assert result.exit_code == 0, result.output
    (package,) = sorted(out.rglob("*.apkg"))
    dumped = dump_package(package)
    assert list(dumped["decks"].values()) == ["Vision Notes::01 Attention"]
    assert sorted((n["fields"][0], n["tags"]) for n in dumped["notes"]) == [
        ("What is a patch?", []),
        ("What is attention?", []),
        ("Why LayerNorm?", ["ankipress::removed"]),
    ]


def test_a_failed_build_in_between_does_not_make_the_cache_forget_a_retired_note(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK, "other.md": "# Other\n\n## Why?\n\nBecause.\n"})
    out = tmp_path / "o"
    build(run_cli, content, out, 1_000_000)
    (content / "other.md").write_text("---\ntitle: [\n---\n# Other\n", encoding="utf-8")
    assert run_cli("build", str(content), "-o", str(out), epoch=2_000_000).exit_code == 1
    (content / "other.md").write_text("# Other\n\n## Why?\n\nBecause.\n", encoding="utf-8")
    gone = '<h2 id="3">3.Why LayerNorm?</h2>\n\nIt is batch-size independent.\n'
    (content / "vision.md").write_text(BOOK.replace(gone, ""), encoding="utf-8")
    assert run_cli("build", str(content), "-o", str(out), epoch=3_000_000).exit_code == 0
    retired = [
        note["fields"][1]
        for package in sorted(out.rglob("*.apkg"))
        for note in dump_package(package)["notes"]
        if "ankipress::removed" in note["tags"]
    ]
    assert retired == ["<p>It is batch-size independent.</p>"]


def test_a_move_from_a_deck_the_build_cannot_name_is_said_so(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """The lock keeps no deck names: in a fresh checkout the old one is not known."""
    content = write_tree({"vision.md": BOOK})
    build(run_cli, content, tmp_path / "o", 1_000_000)
    (content / "vision.md").write_text(BOOK.replace("Transformers", "Attention"), "utf-8")
    result = run_cli("build", str(content), "-o", str(tmp_path / "o2"), "--no-cache")
    assert (
        "3 notes now in another deck; Anki keeps the cards it already has in the old one:\n"
        "  (a deck whose name this build does not know) -> 'Vision Notes::01 Attention' "
        "(3 notes)\n"
    ) in result.stdout
