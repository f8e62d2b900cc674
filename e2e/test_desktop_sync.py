"""``ankipress sync`` against the real Anki desktop with the real AnkiConnect add-on, run
headless (``e2e/run``): new cards in book order, one inserted line one update, an edit
made in Anki and in the notes a conflict that keeps Anki's text, and a changed style that
reaches the note type; another notes folder asking the same question, and a fork of these
notes whose lock retires them, leave these notes alone. Every sync is a dry run first,
which must predict it exactly. The tests run in order, each on the collection and notes the
one before left."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from desktop import ADDON_SRC, VENV, AnkiDesktop

REPO = Path(__file__).resolve().parent.parent
PORT = 8766  # not the usual 8765: a desktop Anki of the user's own may be listening there

VISION = """\
# Vision Notes

## Transformers

### What is attention?

Weights from a softmax over scores.

### What is a patch?

A square of pixels, flattened.

### What is a token?

One vector per patch.

## Diffusion

### What is DDPM?

A denoising diffusion model.

### What is a noise schedule?

How much noise each step adds.
"""
FIRST = {"Vision Notes::01 Transformers": "What is attention?",
         "Vision Notes::02 Diffusion": "What is DDPM?"}  # fmt: skip

pytestmark = pytest.mark.skipif(
    not (VENV / "bin" / "anki").exists() or not (ADDON_SRC / "__init__.py").exists(),
    reason="the Anki desktop or AnkiConnect is not set up: bash e2e/setup.sh",
)


@pytest.fixture(scope="module")
def anki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AnkiDesktop]:
    desktop = AnkiDesktop(tmp_path_factory.mktemp("anki"), port=PORT).start()
    try:
        yield desktop
    finally:
        stopped = desktop.stop()
        assert stopped["anki"].startswith("exited"), stopped
        assert stopped["collection"]["integrity"] == "ok", stopped


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notes")
    (folder / "content").mkdir()
    (folder / "content" / "vision.md").write_text(VISION, encoding="utf-8")
    return folder


def sync(
    anki: AnkiDesktop, notes: Path, *extra: str, state: Path | None = None
) -> tuple[int, dict[str, Any], str]:
    """A dry run, then the sync: its exit status, report and errors (the dry run's the same).
    ``state``: the user's state folder (``notes/state`` if not given)."""
    state = state or notes / "state"
    found = []
    for dry in (("--dry-run",), ()):
        done = subprocess.run(
            [sys.executable, "-m", "ankipress", "sync", "content", "-o", "decks",
             "--anki-connect", anki.url, "--format", "json", *dry, *extra],
            cwd=notes, capture_output=True, text=True, timeout=300,
            env={
                **os.environ,
                "XDG_STATE_HOME": str(state),
                "XDG_CACHE_HOME": str(notes / "cache"),
            },
        )  # fmt: skip
        found.append((done.returncode, json.loads(done.stdout), done.stderr))
    (dry_code, predicted, _), (code, report, errors) = found
    keys = ("decks", "totals", "removed_decks", "restyled", "elsewhere", "missing", "not_ours")
    assert dry_code == code and all(predicted[k] == report[k] for k in keys), (predicted, report)
    return code, report, errors


def totals(report: dict[str, Any]) -> dict[str, int]:
    return {kind: n for kind, n in report["totals"].items() if n}


def edit(notes: Path, old: str, new: str) -> None:
    path = notes / "content" / "vision.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def answer(anki: AnkiDesktop, question: str) -> str:
    (nid,) = anki.invoke("findNotes", query=f'"Question:{question}"')
    (info,) = anki.invoke("notesInfo", notes=[nid])
    return str(info["fields"]["Answer"]["value"])


def test_a_fresh_collection_studies_each_deck_from_its_first_question(anki, notes) -> None:
    code, report, errors = sync(anki, notes)
    assert code == 0, errors
    assert totals(report) == {"new": 5}
    for deck, question in FIRST.items():
        assert anki.invoke("guiDeckReview", name=deck) is True
        shown = anki.invoke("guiCurrentCard")  # the reviewer's first card
        assert shown["fields"]["Question"]["value"] == question, (deck, shown)
    assert anki.invoke("guiDeckBrowser") is None


def test_a_line_inserted_in_one_answer_updates_exactly_that_note(anki, notes) -> None:
    edit(notes, "A square of pixels, flattened.", "A square of pixels, flattened.\nOne per token.")
    code, report, errors = sync(anki, notes)
    assert code == 0, errors
    assert totals(report) == {"updated": 1, "unchanged": 4}
    assert "One per token." in answer(anki, "What is a patch?")
    code, report, _ = sync(anki, notes)
    assert totals(report) == {"unchanged": 5}


def test_an_edit_in_anki_and_in_the_notes_is_a_conflict_and_anki_keeps_its_text(
    anki, notes
) -> None:
    (nid,) = anki.invoke("findNotes", query='"Question:What is attention?"')
    anki.invoke("updateNoteFields", note={"id": nid, "fields": {"Answer": "My own words."}})
    edit(notes, "Weights from a softmax over scores.", "Softmax weights over dot products.")
    code, report, errors = sync(anki, notes)
    assert code == 1 and "1 conflict" in errors
    assert totals(report) == {"conflict": 1, "unchanged": 4}
    (conflict,) = report["decks"]["Vision Notes::01 Transformers"]["conflict"]
    assert conflict["fields"]["Answer"] == {
        "anki": "My own words.",
        "notes": "Softmax weights over dot products.",
    }
    assert answer(anki, "What is attention?") == "My own words."
    code, report, _ = sync(anki, notes, "--prefer", "notes")
    assert code == 0 and "Softmax weights" in answer(anki, "What is attention?")
    assert totals(sync(anki, notes)[1]) == {"unchanged": 5}


def test_a_changed_style_reaches_the_note_type(anki, notes) -> None:
    looks = notes / "content" / "ankipress.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "ankipress", "templates", "init", "content/looks"],
        cwd=notes, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    looks.write_text("templates: looks\n", encoding="utf-8")
    with (notes / "content" / "looks" / "style.css").open("a", encoding="utf-8") as css:
        css.write("\n.card { letter-spacing: 0.02em; }\n")
    code, report, errors = sync(anki, notes)
    assert code == 0, errors
    assert report["restyled"] == ["ankipress"]
    assert "letter-spacing: 0.02em" in anki.invoke("modelStyling", modelName="ankipress")["css"]
    assert sync(anki, notes)[1]["restyled"] == []


def _cards(anki: AnkiDesktop, query: str) -> list[tuple[Any, ...]]:
    ids = anki.invoke("findCards", query=query)
    return sorted(
        (c["cardId"], c["note"], c["deckName"], c["interval"], c["reps"], c["queue"])
        for c in anki.invoke("cardsInfo", cards=ids)
    )


def test_another_folder_and_a_fork_of_these_notes_leave_them_alone(
    anki, notes, tmp_path: Path
) -> None:
    """The same user's other folder asks one of these questions in a file of the same name:
    two notes. A fork of these notes (their lock) whose questions are others now, synced
    with --removed delete: these notes, their cards, reviews and decks stay as they were."""
    assert anki.invoke("guiDeckReview", name="Vision Notes::01 Transformers") is True
    assert anki.invoke("guiCurrentCard")["fields"]["Question"]["value"] == "What is attention?"
    assert anki.invoke("guiShowAnswer") is True
    assert anki.invoke("guiAnswerCard", ease=3) is True
    assert anki.invoke("guiDeckBrowser") is None
    ours = _cards(anki, '"deck:Vision Notes"')
    assert len(ours) == 5 and sum(card[4] for card in ours) == 1  # one review
    other = tmp_path / "other"
    (other / "content").mkdir(parents=True)
    for kept in ("looks", "ankipress.yaml"):  # the same looks (other ones are an error)
        found = notes / "content" / kept
        copy = shutil.copytree if found.is_dir() else shutil.copy
        copy(found, other / "content" / kept)
    (other / "content" / "vision.md").write_text(
        "# Other Notes\n\n## What is a token?\n\nA word piece.\n", encoding="utf-8"
    )
    code, report, errors = sync(anki, other, state=notes / "state")
    assert code == 0 and totals(report) == {"new": 1}, errors
    assert len(anki.invoke("findNotes", query='"Question:What is a token?"')) == 2
    fork = tmp_path / "fork"
    shutil.copytree(notes / "content", fork / "content")
    (fork / "content" / "vision.md").write_text(
        "# Fork\n\n## What is a gradient?\n\nA slope.\n", encoding="utf-8"
    )
    code, report, errors = sync(anki, fork, "--removed", "delete", state=notes / "state")
    assert code == 0 and totals(report) == {"new": 1}, errors
    assert "holds 5 GUIDs of notes of another notes folder" in errors
    assert _cards(anki, '"deck:Vision Notes"') == ours
    assert anki.invoke("findNotes", query="tag:ankipress::removed") == []
    assert totals(sync(anki, notes)[1]) == {"unchanged": 5}


def test_three_edits_made_in_the_reviewer_come_back_and_the_next_sync_changes_nothing(
    anki, notes
) -> None:
    """A typo, a word and a question fixed in Anki while studying (each note the reviewer
    shows, edited through AnkiConnect), pulled: the markdown changes by exactly those
    edits, each note keeps its id, and the sync after updates nothing."""
    path = notes / "content" / "vision.md"
    before = path.read_text(encoding="utf-8")
    ids = sorted(anki.invoke("findNotes", query='"deck:Vision Notes"'))
    fixes = [  # (deck, question, field, old, new)
        ("Vision Notes::01 Transformers", "What is a token?", "Answer", "per", "for each"),
        ("Vision Notes::02 Diffusion", "What is DDPM?", "Answer", "diffusion model",
         "diffusion probabilistic model"),
        ("Vision Notes::02 Diffusion", "What is a noise schedule?", "Question", "a noise",
         "the noise"),
    ]  # fmt: skip
    for deck, question, field, old, new in fixes:
        assert anki.invoke("guiDeckReview", name=deck) is True
        (nid,) = anki.invoke("findNotes", query=f'"deck:{deck}" "Question:{question}"')
        (info,) = anki.invoke("notesInfo", notes=[nid])
        value = info["fields"][field]["value"].replace(old, new)
        anki.invoke("updateNoteFields", note={"id": nid, "fields": {field: value}})
        assert anki.invoke("guiDeckBrowser") is None
    done = subprocess.run(
        [sys.executable, "-m", "ankipress", "pull", "content", "-o", "decks",
         "--anki-connect", anki.url],
        cwd=notes, capture_output=True, text=True, timeout=300,
        env={**os.environ, "XDG_STATE_HOME": str(notes / "state"),
             "XDG_CACHE_HOME": str(notes / "cache")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Pulled 3 notes" in done.stdout, done.stdout
    expected = (
        before.replace("One vector per patch.", "One vector for each patch.")
        .replace("A denoising diffusion model.", "A denoising diffusion probabilistic model.")
        .replace("### What is a noise schedule?", "### What is the noise schedule?")
    )
    assert path.read_text(encoding="utf-8") == expected
    code, report, errors = sync(anki, notes)
    assert code == 0, errors
    assert totals(report) == {"unchanged": 5}  # 0 updated: each side is the other's
    assert sorted(anki.invoke("findNotes", query='"deck:Vision Notes"')) == ids
