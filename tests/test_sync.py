"""``ankipress sync`` into the real Anki backend, both ways in (the ``target`` fixture: a
collection file, and AnkiConnect's stand-in): the same assertions hold through each, and
each dry run predicts exactly what the sync after it does."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from anki.collection import Collection

from tests.ankitools import import_packages
from tests.synctools import Target, cards, note_mods, review, same_plan, synced, totals

BOOK = """\
# Vision Notes

## 第一章 Transformers

### 1. What is attention?

Weights from a softmax over scores.

### 2. What is a patch?

A square of pixels, flattened.

## 第二章 Diffusion

### 1. What is DDPM?

A denoising diffusion model.
"""
FIRST = "Vision Notes::01 Transformers"
RENAMED = "Vision Notes::01 Attention"
SECOND = "Vision Notes::02 Diffusion"


def _both(run_cli, content: Path, target: Target, *extra: str, epoch: int) -> dict:
    """A dry run, then the sync: the sync's report, once the dry run's was the same."""
    dry = synced(run_cli, content, target, "--dry-run", *extra, epoch=epoch)
    done = synced(run_cli, content, target, *extra, epoch=epoch)
    assert dry["dry_run"] and not done["dry_run"]
    assert same_plan(dry, done), (dry, done)
    return done


def _edit(content: Path, old: str, new: str) -> None:
    path = content / "vision.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _note_of(col: Collection, question: str):
    (nid,) = col.find_notes(f'"Question:{question}"')
    return col.get_note(nid)


def _edit_in_anki(target: Target, question: str, **fields: str) -> int:
    """Edit the note of ``question`` in Anki, as its editor does; its note id."""
    with target.anki() as col:
        note = _note_of(col, question)
        for name, value in fields.items():
            note[name] = value
        col.update_note(note)
        return note.id


def test_a_second_sync_changes_nothing(run_cli, write_tree, target: Target) -> None:
    content = write_tree({"vision.md": BOOK})
    first = _both(run_cli, content, target, epoch=1_000_000)
    assert totals(first) == {"new": 3}
    assert [n["where"] for n in first["decks"][FIRST]["new"]] == [
        "content/vision.md:5",
        "content/vision.md:9",
    ]
    with target.anki() as col:
        review(col, "What is attention?")
        mods, studied = note_mods(col), cards(col, "What is attention?")
    again = _both(run_cli, content, target, epoch=1_100_000)
    assert totals(again) == {"unchanged": 3}
    with target.anki() as col:
        assert note_mods(col) == mods  # no note rewritten
        assert cards(col, "What is attention?") == studied


def test_an_answer_edit_is_updated_and_its_history_kept(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        review(col, "What is a patch?")
        (studied,) = cards(col, "What is a patch?")
    assert studied.interval > 0 and studied.reviews == 1
    _edit(content, "A square of pixels, flattened.", "A 16x16 square of pixels.")
    done = _both(run_cli, content, target, epoch=2_000_000)
    assert totals(done) == {"updated": 1, "unchanged": 2}
    assert done["decks"][FIRST]["updated"][0]["where"] == "content/vision.md:9"
    with target.anki() as col:
        (nid,) = col.find_notes('"Question:What is a patch?"')
        assert col.get_note(nid)["Answer"] == "<p>A 16x16 square of pixels.</p>"
        assert cards(col, "What is a patch?") == [studied]


def test_an_edit_dated_no_later_than_the_last_sync_is_still_updated(
    run_cli, write_tree, target: Target
) -> None:
    """Anki updates only an older copy: an edit built in the same second as the last sync,
    or with a SOURCE_DATE_EPOCH before it, is dated just after the note's last time."""
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    for epoch, answer in [(1_000_000, "A 16x16 square."), (900_000, "A 14x14 square.")]:
        _edit(content, "A square of pixels, flattened.", answer)
        done = _both(run_cli, content, target, epoch=epoch)
        assert totals(done) == {"updated": 1, "unchanged": 2}, epoch
        with target.anki() as col:
            (nid,) = col.find_notes('"Question:What is a patch?"')
            assert col.get_note(nid)["Answer"] == f"<p>{answer}</p>"
        _edit(content, answer, "A square of pixels, flattened.")
        synced(run_cli, content, target, epoch=epoch)


def test_a_renamed_chapter_moves_its_cards_and_its_old_deck_goes(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        review(col, "What is attention?")
        before = {q: cards(col, q) for q in ("What is attention?", "What is a patch?")}
    _edit(content, "第一章 Transformers", "第一章 Attention")
    done = _both(run_cli, content, target, epoch=2_000_000)
    assert totals(done) == {"updated": 2, "moved": 2, "unchanged": 1}
    assert {m["from"] for m in done["decks"][RENAMED]["moved"]} == {FIRST}
    assert done["removed_decks"] == [FIRST]
    with target.anki() as col:
        for question, was in before.items():
            now = cards(col, question)
            assert [(c.card_id, c.interval, c.reviews) for c in now] == [
                (c.card_id, c.interval, c.reviews) for c in was
            ]
            assert {c.deck for c in now} == {RENAMED}
        assert FIRST not in [d.name for d in col.decks.all_names_and_ids()]
    assert totals(synced(run_cli, content, target, epoch=2_100_000)) == {"unchanged": 3}


def test_a_removed_question_is_tagged_and_suspended(run_cli, write_tree, target: Target) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        review(col, "What is a patch?")
    _edit(content, "### 2. What is a patch?\n\nA square of pixels, flattened.\n\n", "")
    done = _both(run_cli, content, target, epoch=2_000_000)
    assert totals(done) == {"retired": 1, "unchanged": 2}  # DDPM moved up a line: unchanged
    (retired,) = done["decks"][FIRST]["retired"]
    assert (retired["question"], retired["where"], retired["how"]) == (
        "What is a patch?",
        "content/vision.md:9",
        "suspended",
    )
    with target.anki() as col:
        (card,) = cards(col, "What is a patch?")
        assert card.suspended and card.reviews == 1
        (nid,) = col.find_notes('"Question:What is a patch?"')
        assert "ankipress::removed" in col.get_note(nid).tags
    assert totals(synced(run_cli, content, target, epoch=2_100_000)) == {"unchanged": 2}


def test_removed_delete_deletes_and_removed_tag_only_tags(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    _edit(content, "### 2. What is a patch?\n\nA square of pixels, flattened.\n\n", "")
    tagged = _both(run_cli, content, target, "--removed", "tag", epoch=2_000_000)
    assert tagged["decks"][FIRST]["retired"][0]["how"] == "tagged"
    with target.anki() as col:
        assert not cards(col, "What is a patch?")[0].suspended
    done = _both(run_cli, content, target, "--removed", "delete", epoch=2_100_000)
    assert totals(done) == {"retired": 1, "unchanged": 2}
    assert done["decks"][FIRST]["retired"][0]["how"] == "deleted"
    with target.anki() as col:
        assert cards(col, "What is a patch?") == []
        assert len(col.find_notes("")) == 2


def test_notes_of_another_type_or_added_by_hand_are_untouched(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        deck = col.decks.id(FIRST)
        own = _add(col, "ankipress", {"Question": "My own question?", "Answer": "Mine."}, deck)
        basic = _add(col, "Basic", {"Front": "A basic card", "Back": "Back"}, deck)
        untouched = {nid: _state(col, nid) for nid in (own, basic)}
    _edit(content, "第一章 Transformers", "第一章 Attention")
    _edit(content, "### 1. What is DDPM?\n\nA denoising diffusion model.\n", "")
    done = _both(run_cli, content, target, epoch=2_000_000)
    assert totals(done) == {"updated": 2, "moved": 2, "retired": 1}
    assert done["not_ours"] == 1  # the note of ankipress's type added by hand
    assert done["removed_decks"] == []  # the old deck still holds the hand-made notes
    with target.anki() as col:
        assert {nid: _state(col, nid) for nid in untouched} == untouched


def test_cards_put_in_a_deck_of_ones_own_stay_there(run_cli, write_tree, target: Target) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        (card,) = cards(col, "What is attention?")
        col.set_deck([card.card_id], col.decks.id("My hard cards"))
    _edit(content, "第一章 Transformers", "第一章 Attention")
    done = _both(run_cli, content, target, epoch=2_000_000)
    assert [(e["question"], e["deck"]) for e in done["elsewhere"]] == [
        ("What is attention?", "My hard cards")
    ]
    assert [m["question"] for m in done["decks"][RENAMED]["moved"]] == ["What is a patch?"]
    with target.anki() as col:
        assert cards(col, "What is attention?")[0].deck == "My hard cards"


def test_an_edit_made_in_anki_stays_and_its_note_is_still_known(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    nid = _edit_in_anki(target, "What is a patch?", Answer="A square of pixels (my words).")
    # (now: newer than anything the notes ship)
    _edit(content, "第一章 Transformers", "第一章 Attention")
    done = _both(run_cli, content, target, epoch=2_000_000)
    updated = done["decks"][RENAMED]["updated"]  # the chapter (in Context) changed for both
    assert [(u["question"], u.get("merged", False)) for u in updated] == [
        ("What is attention?", False),
        ("What is a patch?", True),  # beside its answer edited in Anki, which stays
    ]
    assert len(done["decks"][RENAMED]["moved"]) == 2  # the edited note too: it is known
    with target.anki() as col:
        note = col.get_note(nid)
        assert note["Answer"] == "A square of pixels (my words)."
        assert "Attention" in note["Context"] and "Transformers" not in note["Context"]
        assert cards(col, "What is a patch?")[0].deck == RENAMED
    assert totals(_both(run_cli, content, target, epoch=2_100_000)) == {"kept": 1, "unchanged": 2}


def test_a_first_sync_after_importing_by_hand_knows_the_notes(
    run_cli, write_tree, target: Target, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    built = run_cli("build", str(content), "-o", str(tmp_path / "decks"), epoch=1_000_000)
    assert built.exit_code == 0, built.output
    with target.anki() as col:
        assert len(import_packages(col, sorted((tmp_path / "decks").rglob("*.apkg"))).new) == 3
    _edit(content, "第一章 Transformers", "第一章 Attention")
    done = _both(run_cli, content, target, epoch=2_000_000)
    assert totals(done) == {"updated": 2, "moved": 2, "unchanged": 1}
    assert done["removed_decks"] == [FIRST]


def test_ankiweb_asks_the_running_anki_to_sync(run_cli, write_tree, target: Target) -> None:
    content = write_tree({"vision.md": BOOK})
    if target.name == "collection":
        out = ["-o", str(content.parent / "decks")]  # (never the clone's own decks/)
        result = run_cli("sync", str(content), *target.args, *out, "--ankiweb")
        assert result.exit_code == 2
        assert "--ankiweb asks a running Anki to sync; not with --collection" in result.output
        return
    synced(run_cli, content, target, "--ankiweb", epoch=1_000_000)
    assert target.standin.calls[-1] == "sync"  # type: ignore[attr-defined]


def _add(col: Collection, kind: str, fields: dict[str, str], deck: int) -> int:
    model = col.models.by_name(kind)
    assert model is not None
    note = col.new_note(model)
    for name, value in fields.items():
        note[name] = value
    col.add_note(note, deck)
    return int(note.id)


def _state(col: Collection, nid: int) -> tuple:
    note = col.get_note(nid)
    return (
        tuple(note.fields),
        note.mod,
        tuple(note.tags),
        tuple((col.decks.name(c.did), c.queue) for c in note.cards()),
    )


def test_a_failed_ankiweb_sync_after_ours_says_both(run_cli, write_tree, tmp_path: Path) -> None:
    from tests.synctools import ConnectTarget

    content = write_tree({"vision.md": BOOK})
    target = ConnectTarget(tmp_path / "anki-connect")
    try:
        target.standin.ankiweb_error = "please log in to AnkiWeb first"
        out = ["-o", str(tmp_path / "decks")]
        result = run_cli("sync", str(content), *target.args, *out, "--ankiweb", epoch=1_000_000)
        assert result.exit_code == 1, result.output
        assert "new" in result.stdout  # the report of what reached Anki is there
        last = result.stderr.splitlines()[-1]
        assert last.startswith(
            "error: the sync into Anki is done, but its sync with AnkiWeb failed: AnkiConnect at"
        )
        assert last.endswith("sync failed: please log in to AnkiWeb first; sync from Anki itself")
        with target.anki() as col:
            assert len(col.find_notes("")) == 3
    finally:
        target.standin.close()


def _sync_json(run_cli, content: Path, target: Target, *extra: str, epoch: int) -> tuple:
    out = ["-o", str(content.parent / "decks")]
    result = run_cli(
        "sync", str(content), *target.args, *out, "--format", "json", *extra, epoch=epoch
    )
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.mark.parametrize("epoch", [2_000_000, 2_000_000_000])  # older, newer than the edit
def test_an_edit_in_anki_and_in_the_notes_is_a_conflict_and_anki_keeps_its_copy(
    run_cli, write_tree, target: Target, epoch: int
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    nid = _edit_in_anki(target, "What is a patch?", Answer="A square of pixels (my words).")
    _edit(content, "A square of pixels, flattened.", "A square of pixels, flattened to a row.")
    dry_code, dry, _ = _sync_json(run_cli, content, target, "--dry-run", epoch=epoch)
    code, done, stderr = _sync_json(run_cli, content, target, epoch=epoch)
    assert (dry_code, code) == (1, 1) and same_plan(dry, done)
    assert "error: 1 conflict: edited in Anki and in the notes since the last sync" in stderr
    assert totals(done) == {"conflict": 1, "unchanged": 2}
    (conflict,) = done["decks"][FIRST]["conflict"]
    assert conflict["kept"] == "anki" and conflict["where"] == "content/vision.md:9"
    assert conflict["fields"] == {
        "Answer": {
            "anki": "A square of pixels (my words).",
            "notes": "A square of pixels, flattened to a row.",
        }
    }
    with target.anki() as col:
        assert col.get_note(nid)["Answer"] == "A square of pixels (my words)."
    again = _sync_json(run_cli, content, target, epoch=epoch + 10)
    assert again[0] == 1 and totals(again[1]) == {"conflict": 1, "unchanged": 2}  # still
    kept = _sync_json(run_cli, content, target, "--prefer", "anki", epoch=epoch + 20)
    assert kept[0] == 0 and kept[1]["decks"][FIRST]["conflict"][0]["kept"] == "anki"
    dry_code, dry, _ = _sync_json(run_cli, content, target, "--dry-run", "--prefer", "notes",
                                  epoch=epoch + 30)  # fmt: skip
    code, done, _ = _sync_json(run_cli, content, target, "--prefer", "notes", epoch=epoch + 30)
    assert (dry_code, code) == (0, 0) and same_plan(dry, done)
    assert done["decks"][FIRST]["conflict"][0]["kept"] == "notes"
    with target.anki() as col:
        assert col.get_note(nid)["Answer"] == "<p>A square of pixels, flattened to a row.</p>"
    assert totals(synced(run_cli, content, target, epoch=epoch + 40)) == {"unchanged": 3}


def test_an_edit_in_anki_alone_is_kept_and_no_conflict(run_cli, write_tree, target: Target) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    nid = _edit_in_anki(target, "What is a patch?", Answer="A square of pixels (my words).")
    _edit(content, "A denoising diffusion model.", "A denoising diffusion model, step by step.")
    done = _both(run_cli, content, target, epoch=2_000_000_000)
    assert totals(done) == {"updated": 1, "kept": 1, "unchanged": 1}
    with target.anki() as col:
        assert col.get_note(nid)["Answer"] == "A square of pixels (my words)."


def test_a_renamed_chapter_keeps_its_deck_id_without_record_or_cache(
    run_cli, write_tree, target: Target, tmp_path: Path
) -> None:
    import shutil

    plain = BOOK.replace("第一章 Transformers", "Transformers").replace(
        "第二章 Diffusion", "Diffusion"
    )
    content = write_tree({"vision.md": plain})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        before = {col.decks.name(did) for did in (col.get_card(c).did for c in col.find_cards(""))}
    shutil.rmtree(tmp_path / "state")  # no sync record
    _edit(content, "## Transformers", "## Attention")
    fresh = tmp_path / "fresh-decks"  # no cache of the last build either
    dry = synced(run_cli, content, target, "--dry-run", epoch=2_000_000, out=fresh)
    done = synced(run_cli, content, target, epoch=2_000_000, out=fresh)
    assert same_plan(dry, done), (dry, done)
    assert len(done["decks"]["Vision Notes::01 Attention"]["moved"]) == 2
    assert done["removed_decks"] == ["Vision Notes::01 Transformers"]
    assert "Vision Notes::01 Transformers" in before
    lock = (content / "ankipress.lock").read_text(encoding="utf-8")
    assert lock.count('"deck_id"') == 3


def test_a_sync_that_changes_nothing_leaves_the_note_type_as_it_was(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)

    def note_type() -> tuple:
        with target.anki() as col:
            (kind,) = [m for m in col.models.all() if m["name"] == "ankipress"]
            return kind["mod"], kind["css"]

    first = note_type()
    time.sleep(1.1)  # (Anki dates a note type to the second)
    assert totals(synced(run_cli, content, target, epoch=1_100_000)) == {"unchanged": 3}
    assert note_type() == first


def test_a_changed_style_reaches_anki_with_the_note_type_unmerged(
    run_cli, write_tree, target: Target, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    assert run_cli("templates", "init", str(tmp_path / "looks"), cwd=tmp_path).exit_code == 0
    styles = ("--templates", str(tmp_path / "looks"))
    now = int(time.time())  # (Anki's importer takes a note type only newer than its own)
    synced(run_cli, content, target, *styles, epoch=now - 100)
    with (tmp_path / "looks" / "style.css").open("a", encoding="utf-8") as css:
        css.write("\n.card { letter-spacing: 0.01em; }\n")
    time.sleep(1.1)
    dry = synced(run_cli, content, target, *styles, "--dry-run", epoch=now + 2)
    done = synced(run_cli, content, target, *styles, epoch=now + 2)
    assert dry["restyled"] == done["restyled"] == ["ankipress"]
    assert totals(done) == {"unchanged": 3}
    with target.anki() as col:
        (kind,) = [m for m in col.models.all() if m["name"] == "ankipress"]
        assert "letter-spacing: 0.01em" in kind["css"]


def test_tags_changed_in_the_notes_reach_anki_and_tags_added_in_anki_stay(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        note = _note_of(col, "What is attention?")
        note.tags.append("my-own")
        col.update_note(note)
    (content / "vision.md").write_text("---\ntags: [vision]\n---\n" + BOOK, encoding="utf-8")
    _edit(content, "Weights from a softmax over scores.", "Softmax weights.")
    done = _both(run_cli, content, target, epoch=2_000_000)
    assert totals(done) == {"updated": 3}
    with target.anki() as col:
        assert set(_note_of(col, "What is attention?").tags) == {"vision", "my-own"}
        assert "vision" in _note_of(col, "What is DDPM?").tags
        assert _note_of(col, "What is attention?")["Answer"] == "<p>Softmax weights.</p>"


def test_a_note_back_in_the_notes_sheds_the_removed_tag(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    _edit(content, "### 2. What is a patch?\n\nA square of pixels, flattened.\n\n", "")
    assert totals(_both(run_cli, content, target, epoch=2_000_000))["retired"] == 1
    (content / "vision.md").write_text(BOOK, encoding="utf-8")
    _both(run_cli, content, target, epoch=3_000_000)
    with target.anki() as col:
        note = _note_of(col, "What is a patch?")
        assert "ankipress::removed" not in note.tags
        assert not any(c.suspended for c in cards(col, "What is a patch?"))


def test_prefer_notes_keeps_the_fields_edited_only_in_anki(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    _edit_in_anki(target, "What is a patch?", Answer="My answer.", Extra="my own mnemonic")
    _edit(content, "A square of pixels, flattened.", "A flattened square.")
    code, done, _ = _sync_json(run_cli, content, target, "--prefer", "notes", epoch=2_000_000)
    assert code == 0 and totals(done) == {"conflict": 1, "unchanged": 2}
    with target.anki() as col:
        note = _note_of(col, "What is a patch?")
        assert (note["Answer"], note["Extra"]) == ("<p>A flattened square.</p>", "my own mnemonic")


def test_a_field_added_to_the_note_type_in_anki_stops_the_sync_before_any_import(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        (kind,) = [m for m in col.models.all() if m["name"] == "ankipress"]
        col.models.add_field(kind, col.models.new_field("Mnemonic"))
        col.models.update_dict(kind)
    _edit(content, "A square of pixels, flattened.", "A flattened square.")
    out = ["-o", str(content.parent / "decks")]
    for dry in (("--dry-run",), ()):
        done = run_cli("sync", str(content), *target.args, *out, *dry, epoch=2_000_000)
        assert done.exit_code == 3, done.output
        assert "the note type 'ankipress' has other fields" in done.output
    with target.anki() as col:
        assert "flattened." in _note_of(col, "What is a patch?")["Answer"]  # not imported
        assert [m["name"] for m in col.models.all() if m["name"].startswith("ankipress")] == [
            "ankipress"
        ]


def test_a_card_template_added_in_anki_is_left_alone(run_cli, write_tree, target: Target) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        (kind,) = [m for m in col.models.all() if m["name"] == "ankipress"]
        mine = col.models.new_template("Reverse")
        mine["qfmt"], mine["afmt"] = "{{Answer}}", "{{Question}}"
        col.models.add_template(kind, mine)
        col.models.update_dict(kind)
    done = _both(run_cli, content, target, epoch=1_100_000)
    assert done["restyled"] == [] and totals(done) == {"unchanged": 3}
    _edit(content, "A square of pixels, flattened.", "A flattened square.")
    done = _both(run_cli, content, target, epoch=1_200_000)
    assert totals(done) == {"updated": 1, "unchanged": 2}
    with target.anki() as col:
        assert _note_of(col, "What is a patch?")["Answer"] == "<p>A flattened square.</p>"
        assert [m["name"] for m in col.models.all() if m["name"].startswith("ankipress")] == [
            "ankipress"
        ]


def test_a_copy_another_machine_synced_is_no_edit(
    run_cli, write_tree, target: Target, tmp_path: Path, monkeypatch
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)  # machine A's record
    _edit(content, "A square of pixels, flattened.", "A flattened square.")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "other-machine"))
    synced(run_cli, content, target, epoch=2_000_000)  # machine B syncs the change
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    _edit(content, "A flattened square.", "A square, flattened to a row.")
    done = _both(run_cli, content, target, epoch=3_000_000)  # A again, its record stale
    assert totals(done) == {"updated": 1, "unchanged": 2}
    with target.anki() as col:
        assert "flattened to a row" in _note_of(col, "What is a patch?")["Answer"]


def test_the_notes_put_back_after_another_machines_sync_reach_anki(
    run_cli, write_tree, target: Target, tmp_path: Path, monkeypatch
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)  # machine A: v1
    _edit(content, "A square of pixels, flattened.", "A flattened square.")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "other-machine"))
    synced(run_cli, content, target, epoch=2_000_000)  # machine B: v2
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert totals(_both(run_cli, content, target, epoch=2_500_000)) == {"unchanged": 3}
    _edit(content, "A flattened square.", "A square of pixels, flattened.")  # back to v1
    assert totals(_both(run_cli, content, target, epoch=3_000_000)) == {
        "updated": 1,
        "unchanged": 2,
    }
    with target.anki() as col:
        assert (
            _note_of(col, "What is a patch?")["Answer"] == "<p>A square of pixels, flattened.</p>"
        )


def test_a_tag_dropped_in_a_conflict_goes_once_it_is_settled(
    run_cli, write_tree, target: Target
) -> None:
    tagged = "---\ntags: [vision, extra]\n---\n" + BOOK
    content = write_tree({"vision.md": tagged})
    synced(run_cli, content, target, epoch=1_000_000)
    _edit_in_anki(target, "What is a patch?", Answer="My answer.")
    (content / "vision.md").write_text(
        tagged.replace("extra", "").replace(", ]", "]").replace("flattened.", "flat."),
        encoding="utf-8",
    )
    code, _, _ = _sync_json(run_cli, content, target, epoch=2_000_000)
    assert code == 1  # the conflict: Anki's copy kept, its tags too
    code, _, _ = _sync_json(run_cli, content, target, "--prefer", "notes", epoch=2_100_000)
    assert code == 0
    with target.anki() as col:
        assert set(_note_of(col, "What is a patch?").tags) == {"vision"}
        assert set(_note_of(col, "What is DDPM?").tags) == {"vision"}


class _Killed(BaseException):
    """The sync stopped where it stands (Ctrl-C, a crash): no step after runs."""


def test_a_sync_stopped_after_its_moves_has_its_emptied_deck_removed_by_the_next(
    run_cli, write_tree, target: Target, monkeypatch
) -> None:
    from ankipress.sync.collectionfile import CollectionFile
    from ankipress.sync.connect import AnkiConnect

    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    _edit(content, "第一章 Transformers", "第一章 Attention")

    def killed(self, deck: str) -> None:
        raise _Killed

    with monkeypatch.context() as patched:
        for kind in (CollectionFile, AnkiConnect):
            patched.setattr(kind, "delete_empty_deck", killed)
        with pytest.raises(_Killed):
            synced(run_cli, content, target, epoch=2_000_000)
    with target.anki() as col:
        assert {c.deck for c in cards(col, "What is attention?")} == {RENAMED}
        assert FIRST in col.decks.all_names()  # moved out of, not yet removed
    done = synced(run_cli, content, target, epoch=2_100_000)
    assert done["removed_decks"] == [FIRST]
    with target.anki() as col:
        assert FIRST not in col.decks.all_names()


def test_a_book_renamed_to_a_filtered_decks_name_is_one_error(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        did = col.decks.new_filtered("Cram")
        deck = col.decks.get(did)
        deck["terms"] = [["deck:nothing-here", 100, 0]]
        col.decks.save(deck)
    _edit(content, "# Vision Notes", "# Cram")
    result = run_cli(
        "sync", str(content), *target.args, "-o", str(content.parent / "decks"), epoch=2_000_000
    )
    assert result.exit_code == 3, result.output
    (line,) = result.stderr.splitlines()
    if target.name == "collection":  # (AnkiConnect tells no deck's kind: Anki's own words)
        assert line == (
            "error: 'Cram' is a filtered deck in Anki, and Anki puts no deck in or under one: "
            "the deck 'Cram::01 Transformers' of these notes cannot be made there; give the "
            "book another title ('title:' in its front matter), or rename the filtered deck in "
            "Anki"
        )
    else:
        assert line.endswith("changeDeck failed: Filtered decks can not have child decks.")
    with target.anki() as col:  # each card where it was
        assert {c.deck for c in cards(col, "What is attention?")} == {FIRST}
