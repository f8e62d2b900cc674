"""Re-importing a rebuilt deck updates the notes a user already studies, in real Anki."""

from __future__ import annotations

from pathlib import Path

from tests.ankitools import import_packages, notes, open_collection

BOOK = """\
# Vision Notes

## 第一章 Transformers

<h2 id="1">1.What is attention?</h2>

Weights from $\\mathrm{softmax}(QK^T/\\sqrt{d})$.

<h2 id="2">2.What is a patch?</h2>

A square of pixels.

<h2 id="3">3.Why LayerNorm?</h2>

It is batch-size independent.

## 第二章 Diffusion

<h2 id="1">1.What is DDPM?</h2>

A denoising diffusion model.
"""


def _build(run_cli, content: Path, out: Path, epoch: int) -> list[Path]:
    result = run_cli("build", str(content), "--out", str(out), epoch=epoch)
    assert result.exit_code == 0, result.output
    return sorted(out.rglob("*.apkg"))


def test_edit_and_renumber_update_in_place(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    col = open_collection(tmp_path / "anki")
    first = import_packages(col, _build(run_cli, content, tmp_path / "v1", epoch=1_000_000))
    assert len(first.new) == 4
    before = {n.fields["Question"]: n.guid for n in notes(col)}

    edited = (
        BOOK.replace("A square of pixels.", "A 16x16 square of pixels, flattened.")
        .replace("1.What is attention?", "3.What is attention?")
        .replace("3.Why LayerNorm?", "1.Why  LayerNorm ?")
    )
    (content / "vision.md").write_text(edited, encoding="utf-8")
    second = import_packages(col, _build(run_cli, content, tmp_path / "v2", epoch=2_000_000))

    assert second.new == [] and second.conflicting == []
    assert before["What is a patch?"] in second.updated
    after = {n.guid: n for n in notes(col)}
    assert set(after) == set(before.values())
    assert after[before["What is a patch?"]].fields["Answer"] == (
        "<p>A 16x16 square of pixels, flattened.</p>"
    )
    assert after[before["Why LayerNorm?"]].fields["Question"] == "Why LayerNorm ?"
    assert after[before["What is a patch?"]].mod == 2_000_000


def test_same_timestamp_is_ignored_by_anki_unless_the_lock_dates_the_edit(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Anki skips notes that are not newer: without a lock (the build time stands for every
    note) an edit built at the same time is lost; with one, the edit is dated a second
    after the note's last time, and reaches Anki."""
    for lock, updated in [("--no-lock", 0), ("--lock", 1)]:
        here = tmp_path / lock.strip("-")
        content = write_tree({f"{here.name}/vision.md": BOOK}) / here.name
        col = open_collection(here / "anki")
        build = ("build", str(content), lock, "--out")
        run_cli(*build, str(here / "v1"), epoch=1_000_000)
        import_packages(col, sorted((here / "v1").rglob("*.apkg")))
        (content / "vision.md").write_text(BOOK.replace("pixels", "pels"), encoding="utf-8")
        run_cli(*build, str(here / "v2"), epoch=1_000_000)
        again = import_packages(col, sorted((here / "v2").rglob("*.apkg")))
        assert (len(again.updated), len(again.duplicate)) == (updated, 4 - updated), lock
        col.close()


def test_cards_render_through_the_templates_in_anki(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    col = open_collection(tmp_path / "anki")
    import_packages(col, _build(run_cli, content, tmp_path / "v1", epoch=1_000_000))
    (nid,) = col.find_notes('"Question:What is a patch?"')
    (card,) = col.get_note(nid).cards()
    front, back = card.question(), card.answer()
    assert '<div class="context">Vision Notes › 第一章 Transformers</div>' in front
    assert '<div class="question">What is a patch?</div>' in front
    assert "A square of pixels." not in front
    assert '<div class="answer"><p>A square of pixels.</p></div>' in back
    assert '<div class="source">content/vision.md</div>' in back
    assert ".nightMode .highlight" in front  # code colours for night mode ship in the CSS
