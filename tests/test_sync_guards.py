"""What a sync must never do to a collection, whatever the user did in it since: both ways
in (the ``target`` fixture), against the real backend."""

from __future__ import annotations

from anki.collection import Collection

from tests.synctools import Target, cards, synced, totals
from tests.test_sync import BOOK, FIRST, SECOND, _add, _edit, _state


def _basic(col: Collection, question: str) -> None:
    """The note of ``question`` changed to the Basic note type, as Change Note Type does."""
    (nid,) = col.find_notes(f'"Question:{question}"')
    old = col.get_note(nid).mid
    basic = col.models.by_name("Basic")
    assert basic is not None
    request = col.models.change_notetype_info(old_notetype_id=old, new_notetype_id=basic["id"])
    change = request.input
    change.note_ids.extend([nid])
    col.models.change_notetype_of_notes(change)


def test_a_note_changed_to_another_note_type_stops_the_sync(
    run_cli, write_tree, target: Target
) -> None:
    """An import merges note types: one of our notes of another type now would have every
    note of ours overwritten. Nothing is imported; the user is told what to do."""
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        _basic(col, "What is a patch?")
        before = {n: _state(col, n) for n in col.find_notes("")}
    for extra in (["--dry-run"], []):
        out = ["-o", str(content.parent / "decks")]  # (never the clone's own decks/)
        result = run_cli("sync", str(content), *target.args, *out, *extra, epoch=2_000_000)
        assert result.exit_code == 3, result.output
        shown = "collection.anki2" if target.name == "collection" else "AnkiConnect at"
        assert shown in result.stderr
        assert result.stderr.splitlines()[-1].endswith(
            "(changed in Anki, Browse > Notes > Change Note Type): importing would overwrite "
            "their fields; change them back to the ankipress note type, or delete them, and "
            "sync again"
        )
        assert "1 of the notes ankipress made are of another note type" in result.stderr
    with target.anki() as col:
        assert {n: _state(col, n) for n in col.find_notes("")} == before


def test_a_deck_named_as_a_search_keyword_is_counted_by_its_cards(
    run_cli, write_tree, target: Target
) -> None:
    """Decks named ``filtered`` or ``current`` (Anki's search keywords): the old deck of a
    renamed chapter that still holds the user's own card is not removed."""
    book = BOOK.replace("# Vision Notes", "# filtered").replace(
        "## 第二章 Diffusion", "## 第二章 current"
    )
    content = write_tree({"vision.md": book})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        mine = _add(col, "Basic", {"Front": "Mine", "Back": "Kept"}, col.decks.id("filtered"))
        own = _state(col, mine)
    _edit(content, "# filtered", "# Vision Notes")
    done = synced(run_cli, content, target, epoch=2_000_000)
    assert done["totals"]["moved"] == 3
    assert done["removed_decks"] == ["filtered::01 Transformers", "filtered::02 current"]
    with target.anki() as col:
        assert _state(col, mine) == own
        assert {c.deck for c in cards(col, "What is attention?")} == {FIRST}


def test_deleting_a_removed_note_leaves_the_users_own_deck(
    run_cli, write_tree, target: Target
) -> None:
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        (card,) = cards(col, "What is DDPM?")
        col.set_deck([card.card_id], col.decks.id("Mine"))
    _edit(content, "### 1. What is DDPM?\n\nA denoising diffusion model.\n", "")
    done = synced(run_cli, content, target, "--removed", "delete", epoch=2_000_000)
    assert done["totals"]["retired"] == 1
    with target.anki() as col:
        assert "Mine" in [d.name for d in col.decks.all_names_and_ids()]
        assert cards(col, "What is DDPM?") == []


def test_a_note_back_in_the_notes_leaves_its_card_in_the_users_deck(
    run_cli, write_tree, target: Target
) -> None:
    """A removed note whose card the user had put in a deck of their own comes back: its
    card stays there, and a card the user suspended stays suspended."""
    content = write_tree({"vision.md": BOOK})
    synced(run_cli, content, target, epoch=1_000_000)
    with target.anki() as col:
        (card,) = cards(col, "What is DDPM?")
        col.set_deck([card.card_id], col.decks.id("Mine"))
        col.sched.suspend_cards([card.card_id])
    _edit(content, "### 1. What is DDPM?\n\nA denoising diffusion model.\n", "")
    retired = synced(run_cli, content, target, "--removed", "tag", epoch=2_000_000)
    assert totals(retired) == {"retired": 1, "unchanged": 2}
    with target.anki() as col:
        (nid,) = col.find_notes('"Question:What is DDPM?"')
    _edit(
        content,
        "## 第二章 Diffusion\n",
        "## 第二章 Diffusion\n\n### 1. What is DDPM?\n\nA denoising diffusion model.\n",
    )
    back = synced(run_cli, content, target, "--removed", "tag", epoch=3_000_000)
    # The same note, back: the card the user filed is left where it is, not moved to the
    # deck the sync had put it in (which the retired note's record keeps)
    assert totals(back) == {"updated": 1, "unchanged": 2}
    assert [n["question"] for n in back["decks"][SECOND]["updated"]] == ["What is DDPM?"]
    assert [(e["question"], e["deck"]) for e in back["elsewhere"]] == [("What is DDPM?", "Mine")]
    with target.anki() as col:
        (card,) = cards(col, "What is DDPM?")
        assert (card.deck, card.suspended) == ("Mine", True)
        assert col.find_notes('"Question:What is DDPM?"') == [nid]
        assert "ankipress::removed" not in col.get_note(nid).tags
