"""``ankipress pull`` through the real Anki backend: notes synced into a collection, a field
edited there as Anki's editor would (its HTML changed in place), pulled; the markdown is
checked byte for byte, and the sync after the pull finds nothing to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection
from click.testing import Result

from tests.synctools import CollectionTarget, Target, synced, totals

SYNCED, PULLED, AFTER = 1_000_000, 2_000_000, 3_000_000  # the epochs of each step


def _note(col: Collection, question: str):
    (nid,) = col.find_notes(f'"Question:{question}"')
    return col.get_note(nid)


def _change(target: Target, question: str, field: str, old: str, new: str) -> None:
    """In Anki, ``old`` becomes ``new`` in the field of the note of ``question``."""
    with target.anki() as col:
        note = _note(col, question)
        assert note[field].count(old) == 1, note[field]
        note[field] = note[field].replace(old, new)
        col.update_note(note)


def _pull(run_cli, content: Path, target: Target, *extra: str) -> Result:
    out = content.parent / "decks"
    return run_cli("pull", str(content), *target.args, "-o", str(out), *extra, epoch=PULLED)


def _setup(write_tree, tmp_path: Path, data: bytes, name: str = "book.md") -> tuple[Path, Target]:
    content = write_tree({name: data})
    target = CollectionTarget(tmp_path / "profile")
    return content, target


def _round_trip(
    run_cli,
    write_tree,
    tmp_path: Path,
    before: str | bytes,
    edits: list[tuple[str, str, str, str]],
    encoding: str = "utf-8",
) -> bytes:
    """Sync ``before``, make ``edits`` (question, field, old, new) in Anki, pull (exit 0);
    the file's bytes after, once the next sync found every note unchanged."""
    data = before if isinstance(before, bytes) else before.encode(encoding)
    content, target = _setup(write_tree, tmp_path, data)
    synced(run_cli, content, target, epoch=SYNCED)
    for edit in edits:
        _change(target, *edit)
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert f"Pulled {len({q for q, *_ in edits})} note" in done.stdout
    again = synced(run_cli, content, target, epoch=AFTER)
    assert set(totals(again)) == {"unchanged"}, again["totals"]
    return (content / "book.md").read_bytes()


CASES = {
    "a typo in a paragraph": (
        "# Biology\n\n## What is a cell?\n\nTeh unit of life, in every\nliving thing.\n",
        [("What is a cell?", "Answer", "Teh unit", "The unit")],
        "# Biology\n\n## What is a cell?\n\nThe unit of life, in every\nliving thing.\n",
    ),
    "a word in a nested list item": (
        "# Net\n\n## What are the layers?\n\n- Network\n  - IP routes pakcets\n  - ICMP\n",
        [("What are the layers?", "Answer", "pakcets", "packets")],
        "# Net\n\n## What are the layers?\n\n- Network\n  - IP routes packets\n  - ICMP\n",
    ),
    "a number inside $...$ and $$...$$": (
        "# Maths\n\n## What is the area?\n\nIt is $\\pi r^3$ for a circle.\n\n"
        "## What is the sum?\n\n$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{3}\n$$\n",
        [
            ("What is the area?", "Answer", "r^3", "r^2"),
            ("What is the sum?", "Answer", "{3}", "{2}"),
        ],
        "# Maths\n\n## What is the area?\n\nIt is $\\pi r^2$ for a circle.\n\n"
        "## What is the sum?\n\n$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}\n$$\n",
    ),
    "text in bold and in a link": (
        "# Papers\n\n## Why?\n\nIt is **vrey** fast, see [the paper](https://x.org/a).\n",
        [
            ("Why?", "Answer", "vrey", "very"),
            ("Why?", "Answer", ">the paper<", ">the first paper<"),
        ],
        "# Papers\n\n## Why?\n\nIt is **very** fast, see [the first paper](https://x.org/a).\n",
    ),
    "a table cell": (
        "# Ports\n\n## Which ports?\n\n| service | port |\n|---|---|\n| https | 433 |\n"
        "| dns | 53 |\n",
        [("Which ports?", "Answer", "433", "443")],
        "# Ports\n\n## Which ports?\n\n| service | port |\n|---|---|\n| https | 443 |\n"
        "| dns | 53 |\n",
    ),
    "a Chinese answer": (
        "# 笔记\n\n## 什么是扩散模型？\n\n一种逐步加躁、再学习去躁的生成模型。\n",
        [
            ("什么是扩散模型？", "Answer", "加躁", "加噪"),
            ("什么是扩散模型？", "Answer", "去躁", "去噪"),
        ],
        "# 笔记\n\n## 什么是扩散模型？\n\n一种逐步加噪、再学习去噪的生成模型。\n",
    ),
    "two notes edited in one file": (
        "# Vision\n\n## What is a patch?\n\nA sqaure of pixels.\n\n"
        "## What is attention?\n\nWeights from a sofmtax.\n",
        [
            ("What is a patch?", "Answer", "sqaure", "square"),
            ("What is attention?", "Answer", "sofmtax", "softmax"),
        ],
        "# Vision\n\n## What is a patch?\n\nA square of pixels.\n\n"
        "## What is attention?\n\nWeights from a softmax.\n",
    ),
    "a word in a code block": (
        "# Code\n\n## How to print?\n\n```python\nprint('helo')\n```\n",
        [("How to print?", "Answer", "helo", "hello")],
        "# Code\n\n## How to print?\n\n```python\nprint('hello')\n```\n",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_an_edit_in_anki_comes_back_to_its_line(run_cli, write_tree, tmp_path, case) -> None:
    before, edits, after = CASES[case]
    assert _round_trip(run_cli, write_tree, tmp_path, before, edits) == after.encode()


def test_a_crlf_file_keeps_its_line_endings(run_cli, write_tree, tmp_path) -> None:
    before = "# B\r\n\r\n## What is a cell?\r\n\r\n- Teh unit\r\n  of life.\r\n"
    edits = [("What is a cell?", "Answer", "Teh", "The")]
    after = _round_trip(run_cli, write_tree, tmp_path, before, edits)
    assert after == before.replace("Teh", "The").encode()


def test_a_gb18030_file_stays_gb18030(run_cli, write_tree, tmp_path) -> None:
    before = "# 笔记\n\n## 什么是注意力？\n\n对分数做软最大化得到的全重。\n" * 1
    edits = [("什么是注意力？", "Answer", "全重", "权重")]
    after = _round_trip(run_cli, write_tree, tmp_path, before, edits, encoding="gb18030")
    assert after == before.replace("全重", "权重").encode("gb18030")


def test_an_edited_heading_question_keeps_its_note(run_cli, write_tree, tmp_path) -> None:
    before = "# Net\n\n## Waht is DNS?\n\nThe names of hosts, as addresses.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    with target.anki() as col:
        guid = _note(col, "Waht is DNS?").guid
    _change(target, "Waht is DNS?", "Question", "Waht", "What")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_text() == before.replace("Waht", "What")
    lock = (content / "ankipress.lock").read_text()
    assert "What is DNS?" in lock and "Waht" not in lock  # the lock learnt the wording
    again = synced(run_cli, content, target, epoch=AFTER)
    assert totals(again) == {"unchanged": 1}
    with target.anki() as col:
        assert _note(col, "What is DNS?").guid == guid
        assert col.note_count() == 1


def test_an_edit_to_a_note_changed_in_the_markdown_too_is_refused_with_its_diff(
    run_cli, write_tree, tmp_path
) -> None:
    before = "# B\n\n## What is a cell?\n\nTeh unit of life.\n\n## What is DNA?\n\nA molecule.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is a cell?", "Answer", "Teh", "The")
    changed = before.replace("unit of life", "unit of all life")
    (content / "book.md").write_text(changed)
    done = _pull(run_cli, content, target, "--write-rejects")
    assert done.exit_code == 1
    assert (content / "book.md").read_text() == changed  # nothing written
    assert "book.md:3: error[pull]: not pulled: What is a cell?: edited in Anki, and its " in (
        done.stderr
    )
    diff = "@@ -5 +5 @@\n-Teh unit of all life.\n+The unit of life.\n"
    assert diff in done.stderr
    rej = (content / "book.md.rej").read_text()
    assert rej.startswith(f"# {content / 'book.md'}:3: edited in Anki, and its markdown changed")
    assert rej.endswith(diff)
    assert "1 edit not pulled" in done.stdout


def test_an_edit_across_markup_is_refused_and_nothing_written(
    run_cli, write_tree, tmp_path
) -> None:
    before = "# B\n\n## Why?\n\nIt is **very** fast.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "Why?", "Answer", "<strong>very</strong> fast", "quick")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 1
    assert (content / "book.md").read_text() == before
    path = content / "book.md"
    assert done.stderr == (
        f"{path}:3: error[pull]: not pulled: Why?: Answer: 'very fast' -> 'quick': its words "
        "are not in the note as plain text (markup between them)\n"
        f"--- {path} (markdown)\n"
        f"+++ {path} (Answer in Anki, as text: not markdown)\n"
        "@@ -5 +5 @@\n"
        "-It is **very** fast.\n"
        "+It is quick.\n"
    )


def test_formatting_changed_in_anki_is_refused_not_lost(run_cli, write_tree, tmp_path) -> None:
    """Bold taken off: no word changed, so no edit is found; the note is not as Anki holds
    it, and saying nothing would lose the change."""
    before = "# B\n\n## Why?\n\nIt is **very** fast.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "Why?", "Answer", "<strong>very</strong>", "very")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 1
    assert (content / "book.md").read_text() == before
    assert "book.md:3: error[pull]: not pulled: Why?: the markdown edited would not render" in (
        done.stderr
    )


def test_a_dry_run_prints_the_diff_and_writes_nothing(run_cli, write_tree, tmp_path) -> None:
    before = "# B\n\n## What is a cell?\n\nTeh unit of life.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    lock = (content / "ankipress.lock").read_bytes()
    _change(target, "What is a cell?", "Answer", "Teh", "The")
    done = _pull(run_cli, content, target, "--dry-run")
    assert done.exit_code == 0, done.output
    path = content / "book.md"
    assert done.stdout == (
        f"--- a/{path}\n+++ b/{path}\n@@ -2,4 +2,4 @@\n \n ## What is a cell?\n \n"
        "-Teh unit of life.\n+The unit of life.\n"
    )  # a patch, and nothing else
    assert "Would pull 1 note" in done.stderr
    assert (content / "book.md").read_text() == before
    assert (content / "ankipress.lock").read_bytes() == lock
    assert _pull(run_cli, content, target).exit_code == 0
    assert (content / "book.md").read_text() == before.replace("Teh", "The")


def test_nothing_edited_is_nothing_to_pull(run_cli, write_tree, tmp_path) -> None:
    before = "# B\n\n## What is a cell?\n\nThe unit of life.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    with target.anki() as col:  # the user's own Extra field: theirs, not the markdown's
        note = _note(col, "What is a cell?")
        note["Extra"] = "see my lecture notes"
        col.update_note(note)
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert "Nothing to pull" in done.stdout
    assert "1 note with an Extra field of your own" in done.stdout
    assert (content / "book.md").read_text() == before


def test_pull_through_anki_connect(run_cli, write_tree, tmp_path) -> None:
    from tests.synctools import ConnectTarget

    before = "# B\n\n## What is a cell?\n\nTeh unit of life.\n"
    content = write_tree({"book.md": before})
    target = ConnectTarget(tmp_path / "anki-desktop")
    try:
        synced(run_cli, content, target, epoch=SYNCED)
        _change(target, "What is a cell?", "Answer", "Teh", "The")
        done = _pull(run_cli, content, target)
        assert done.exit_code == 0, done.output
        assert (content / "book.md").read_text() == before.replace("Teh", "The")
        assert totals(synced(run_cli, content, target, epoch=AFTER)) == {"unchanged": 1}
    finally:
        target.standin.close()


SHAPES = {
    "a numbered heading": (
        "# B\n\n### 1. What is a tokn?\n\nA piece of a word.\n",
        "What is a tokn?",
        [("Question", "tokn", "token"), ("Answer", "piece", "part")],
    ),
    "Q: and A: lines": (
        "# B\n\nQ: What is a tokn?\nA: A piece of a word.\n\nQ: What is a patch?\nA: Pixels.\n",
        "What is a tokn?",
        [("Question", "tokn", "token"), ("Answer", "piece", "part")],
    ),
    "a bold question": (
        "# B\n\n**What is a tokn?**\n\nA piece of a word.\n\n**What is a patch?**\n\nPixels.\n",
        "What is a tokn?",
        [("Question", "tokn", "token"), ("Answer", "piece", "part")],
    ),
    "a details block": (
        "# B\n\n<details>\n<summary>What is a tokn?</summary>\n\nA piece of a word.\n\n"
        "</details>\n",
        "What is a tokn?",
        [("Question", "tokn", "token"), ("Answer", "piece", "part")],
    ),
    "a list of questions": (
        "# B\n\n- What is a tokn?\n  A piece of a word.\n- What is a patch?\n  Pixels.\n",
        "What is a tokn?",
        [("Question", "tokn", "token"), ("Answer", "piece", "part")],
    ),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_question_and_its_answer_edited_in_one_note_in_each_shape(
    run_cli, write_tree, tmp_path, shape
) -> None:
    before, question, changes = SHAPES[shape]
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    with target.anki() as col:
        note = _note(col, question)
        guid = note.guid
        for field, old, new in changes:
            note[field] = note[field].replace(old, new)
        col.update_note(note)
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    after = before
    for _, old, new in changes:
        after = after.replace(old, new, 1)
    assert (content / "book.md").read_text() == after
    assert set(totals(synced(run_cli, content, target, epoch=AFTER))) == {"unchanged"}
    with target.anki() as col:
        assert _note(col, question.replace("tokn", "token")).guid == guid


def test_without_a_sync_record_a_newer_copy_imported_by_hand_is_pulled(
    run_cli, write_tree, tmp_path
) -> None:
    """Notes imported by hand (File > Import), no sync ever: Anki's copy newer than the
    build and the markdown unchanged since is an edit; one older than the build is not."""
    from tests.ankitools import import_packages

    before = "# B\n\n## What is a cell?\n\nTeh unit of life.\n\n## What is DNA?\n\nA moleclue.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    out = content.parent / "decks"
    assert run_cli("build", str(content), "-o", str(out), epoch=SYNCED).exit_code == 0
    with target.anki() as col:
        import_packages(col, sorted(out.rglob("*.apkg")))
    (content / "book.md").write_text(before.replace("moleclue", "molecule"))
    assert run_cli("build", str(content), "-o", str(out), epoch=PULLED - 10).exit_code == 0
    _change(target, "What is a cell?", "Answer", "Teh", "The")  # now: after both builds
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_text() == before.replace("Teh", "The").replace(
        "moleclue", "molecule"
    )  # DNA's older copy in Anki is not an edit: its fix in the markdown stays
    assert "1 note differs in" in done.stdout


def test_a_question_reworded_as_a_removed_one_is_refused_not_given_its_identity(
    run_cli, write_tree, tmp_path
) -> None:
    """The lock still knows a note removed from the notes by its question: a note pulled
    to that wording would take the removed note's GUID, and its history, at the next build."""
    before = "# B\n\n## What is a cell?\n\nCells.\n\n## What is a body?\n\nBodies.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    left = "# B\n\n## What is a body?\n\nBodies.\n"
    (content / "book.md").write_text(left)
    synced(run_cli, content, target, epoch=SYNCED + 10)  # the cell note retired
    _change(target, "What is a body?", "Question", "body", "cell")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 1
    assert (content / "book.md").read_text() == left
    assert "its new question is the one of another note (removed from the notes) the lock " in (
        done.stderr
    )


def test_a_pulled_fix_is_dated_after_the_edit_so_an_import_elsewhere_takes_it(
    run_cli, write_tree, tmp_path
) -> None:
    from tests.ankitools import import_packages, open_collection

    before = "# B\n\n## What is a cell?\n\nTeh unit.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    out = content.parent / "decks"
    first = sorted(out.rglob("*.apkg"))
    other = open_collection(tmp_path / "other")  # another device, importing the packages
    import_packages(other, first)
    _change(target, "What is a cell?", "Answer", "Teh", "The")
    assert _pull(run_cli, content, target).exit_code == 0
    built = run_cli("build", str(content), "-o", str(out), epoch=AFTER)
    assert built.exit_code == 0, built.output
    import_packages(other, sorted(out.rglob("*.apkg")))
    (nid,) = other.find_notes("")
    assert other.get_note(nid)["Answer"] == "<p>The unit.</p>"
    other.close()


def test_a_form_feed_in_the_notes_is_no_edit_in_anki(run_cli, write_tree, tmp_path) -> None:
    """Anki drops form feeds from a field: the build does too, or every sync and pull
    would take its copy for an edit made there."""
    before = "# B\n\n## What is a cell?\n\nThe unit.\n\nMore\x0cwords here.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert "Nothing to pull" in done.stdout
    assert (content / "book.md").read_text() == before
    assert totals(synced(run_cli, content, target, epoch=AFTER)) == {"unchanged": 1}


def test_an_edit_that_cannot_be_pulled_leaves_the_others_of_its_file_pulled(
    run_cli, write_tree, tmp_path
) -> None:
    before = (
        "# B\n\n## What is a cell?\n\nTeh unit.\n\n## What is an organ?\n\n"
        "Qx: are organs big?\n\n## What is DNA?\n\nA moleclue.\n"
    )
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is a cell?", "Answer", "Teh", "The")
    _change(target, "What is an organ?", "Answer", "Qx:", "Q:")  # would ask a new question
    _change(target, "What is DNA?", "Answer", "moleclue", "molecule")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 1
    assert (content / "book.md").read_text() == before.replace("Teh", "The").replace(
        "moleclue", "molecule"
    )
    assert "book.md:7: error[pull]: not pulled: What is an organ?: the markdown edited would " in (
        done.stderr
    )
    assert "Pulled 2 notes" in done.stdout


def test_a_private_note_file_stays_private(run_cli, write_tree, tmp_path) -> None:
    before = "# B\n\n## What is a cell?\n\nTeh unit.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    (content / "book.md").chmod(0o600)
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is a cell?", "Answer", "Teh", "The")
    assert _pull(run_cli, content, target).exit_code == 0
    assert (content / "book.md").stat().st_mode & 0o777 == 0o600


def test_a_character_the_files_encoding_cannot_hold_is_refused_by_name(
    run_cli, write_tree, tmp_path
) -> None:
    before = "# B\n\n## What is a café?\n\nA shop, 5 €.\n"
    content, target = _setup(write_tree, tmp_path, before.encode("cp1252"))
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is a café?", "Answer", "shop", "咖啡")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 1
    assert (content / "book.md").read_bytes() == before.encode("cp1252")
    assert "Anki's text has '咖啡', which its file's encoding, cp1252, cannot hold" in done.stderr


def test_a_no_break_space_left_by_anki_s_editor_is_no_change(run_cli, write_tree, tmp_path) -> None:
    before = "# B\n\n## What is a cell?\n\nTeh unit of life.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is a cell?", "Answer", "Teh unit of life.", "The&nbsp;unit of life.<br>")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_text() == before.replace("Teh", "The")


def test_a_note_written_in_decomposed_unicode_is_refused_not_recomposed(
    run_cli, write_tree, tmp_path
) -> None:
    before = "# B\n\n## What is a cafe\u0301?\n\nA cafe\u0301 is a shop. Teh end.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is a café?", "Answer", "Teh", "The")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 1
    assert (content / "book.md").read_text() == before
    assert "its lines are not in composed Unicode (NFC)" in done.stderr


def test_a_context_edit_is_refused_and_the_answer_edit_beside_it_pulled(
    run_cli, write_tree, tmp_path
) -> None:
    before = "# B\n\n## What is a cell?\n\nTeh unit.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is a cell?", "Answer", "Teh", "The")
    _change(target, "What is a cell?", "Context", "B", "Biology")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 1
    assert (content / "book.md").read_text() == before.replace("Teh", "The")
    assert "its Context field is made by ankipress" in done.stderr
    assert "Pulled 1 note" in done.stdout


def test_a_control_character_elsewhere_in_the_file_stays_where_it_was(
    run_cli, write_tree, tmp_path
) -> None:
    """The build drops a stray control character (with a warning); the file keeps it, and
    a pull edits the file around it, every other byte as it was."""
    before = "# B\n\n## What is a cell?\n\nTeh unit.\n\n## What is DNA?\n\nA mole\x01cule.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is a cell?", "Answer", "Teh", "The")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_text() == before.replace("Teh", "The")


def test_a_word_fixed_in_highlighted_code_is_pulled_though_its_colour_changes(
    run_cli, write_tree, tmp_path
) -> None:
    """``SELCT`` is a name, ``SELECT`` a keyword: the fix is pulled, and the sync after
    gives Anki the build's colours (an update of that note alone)."""
    before = "# B\n\n## How to count?\n\n```sql\nSELCT count(*) FROM ads;\n```\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "How to count?", "Answer", "SELCT", "SELECT")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_text() == before.replace("SELCT", "SELECT")
    assert totals(synced(run_cli, content, target, epoch=AFTER)) == {"updated": 1}
    assert totals(synced(run_cli, content, target, epoch=AFTER + 10)) == {"unchanged": 1}


def test_a_note_removed_from_the_notes_and_edited_in_anki_is_said(
    run_cli, write_tree, tmp_path
) -> None:
    before = "# B\n\n## What is a cell?\n\nCells.\n\n## What is DNA?\n\nA moleclue.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    left = "# B\n\n## What is a cell?\n\nCells.\n"
    (content / "book.md").write_text(left)
    synced(run_cli, content, target, epoch=SYNCED + 10)  # DNA retired (suspended)
    _change(target, "What is DNA?", "Answer", "moleclue", "molecule")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_text() == left
    assert "1 note removed from the notes was edited in" in done.stdout


def test_a_question_reworded_back_to_another_notes_first_wording_is_refused(
    run_cli, write_tree, tmp_path
) -> None:
    """A note reworded in the markdown keeps the GUID its first question made; a note
    pulled to that first wording would make that GUID again, and take its history."""
    before = "# B\n\n## What is A?\n\nAlpha.\n\n## What is B?\n\nBeta.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    reworded = before.replace("What is A?", "What is C?")
    (content / "book.md").write_text(reworded)
    synced(run_cli, content, target, epoch=SYNCED + 10)
    _change(target, "What is B?", "Question", "B?", "A?")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 1
    assert (content / "book.md").read_text() == reworded
    assert "its new question is the one of another note the lock knows" in done.stderr


def test_a_word_changed_in_the_first_of_two_like_phrases_keeps_what_lies_between(
    run_cli, write_tree, tmp_path
) -> None:
    """The change is one word, not the phrase inserted before and deleted after: the
    control character between the phrases stays where it was."""
    before = "# B\n\n## What?\n\nred fox\x01 red fox\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What?", "Answer", "red fox red", "red cat red")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_text() == "# B\n\n## What?\n\nred cat\x01 red fox\n"


@pytest.mark.parametrize("codec", ["utf-16-be", "utf-16-le", "utf-8-sig"])
def test_a_file_with_a_byte_order_mark_keeps_it_and_its_byte_order(
    run_cli, write_tree, tmp_path, codec
) -> None:
    before = "\ufeff# B\n\n## What is a cell?\n\nTeh unit.\n"
    content, target = _setup(write_tree, tmp_path, before.encode(codec))
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is a cell?", "Answer", "Teh", "The")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_bytes() == before.replace("Teh", "The").encode(codec)


def test_a_word_inserted_at_the_start_of_a_wrapped_line_is_pulled(
    run_cli, write_tree, tmp_path
) -> None:
    """Anki holds the paragraph's line break where the source has it; the word inserted
    goes before it (one space either way, as a card shows it)."""
    before = "# B\n\n## What?\n\nalpha beta\ngamma delta.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What?", "Answer", "beta\ngamma", "beta\nnew gamma")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_text() == before.replace("beta\n", "beta new\n")


def test_a_no_break_space_typed_in_code_is_nothing_to_pull(run_cli, write_tree, tmp_path) -> None:
    before = "# B\n\n## What?\n\nRun `a b` now.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    lock = (content / "ankipress.lock").read_bytes()
    _change(target, "What?", "Answer", "a b", "a&nbsp;b")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert "1 note differs in" in done.stdout and "Pulled" not in done.stdout
    assert (content / "book.md").read_text() == before
    assert (content / "ankipress.lock").read_bytes() == lock


def test_a_second_edit_after_a_pull_of_a_differently_spaced_copy_is_no_conflict(
    run_cli, write_tree, tmp_path
) -> None:
    """Anki's copy held a no-break space the markdown does not: pulled, a second edit made
    in Anki before any sync is pulled in turn, not taken for a conflict; the sync after
    writes the notes' spacing into Anki, once."""
    before = "# B\n\n## What?\n\nAnswer old text here.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What?", "Answer", "old text here.", "new&nbsp;text here.<br>")
    assert _pull(run_cli, content, target).exit_code == 0
    _change(target, "What?", "Answer", "here", "there")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 0, done.output
    assert (content / "book.md").read_text() == before.replace("old text here", "new text there")
    assert totals(synced(run_cli, content, target, epoch=AFTER)) == {"updated": 1}
    with target.anki() as col:
        assert _note(col, "What?")["Answer"] == "<p>Answer new text there.</p>"
    assert totals(synced(run_cli, content, target, epoch=AFTER + 10)) == {"unchanged": 1}


def test_an_edit_in_anki_after_a_pull_of_a_differently_spaced_copy_is_kept_by_sync(
    run_cli, write_tree, tmp_path
) -> None:
    before = "# B\n\n## What?\n\nAnswer old text here.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What?", "Answer", "old text", "new&nbsp;text")
    assert _pull(run_cli, content, target).exit_code == 0
    _change(target, "What?", "Answer", "here", "there")  # then a sync, before any pull
    assert totals(synced(run_cli, content, target, epoch=AFTER)) == {"kept": 1}
    with target.anki() as col:
        assert _note(col, "What?")["Answer"] == "<p>Answer new&nbsp;text there.</p>"


def test_a_field_the_pull_did_not_touch_is_still_a_conflict_when_both_sides_change_it(
    run_cli, write_tree, tmp_path
) -> None:
    """The answer changed in the markdown (not synced), the question fixed in Anki and
    pulled; then the answer edited in Anki too: a conflict, not Anki's copy kept quietly
    (what the pull recorded of the notes is of the question alone)."""
    before = "# B\n\n## Waht is a cell?\n\nThe unit of life.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    changed = before.replace("unit of life", "unit of all life")
    (content / "book.md").write_text(changed)
    _change(target, "Waht is a cell?", "Question", "Waht", "What")
    assert _pull(run_cli, content, target).exit_code == 0
    _change(target, "What is a cell?", "Answer", "The unit", "A unit")
    out = content.parent / "decks"
    done = run_cli("sync", str(content), *target.args, "-o", str(out), epoch=AFTER)
    assert done.exit_code == 1
    assert "1 conflict" in done.stderr


def test_what_a_pull_recorded_of_the_notes_lasts_only_while_it_is_so() -> None:
    """A field keeps its exemption (the notes as the pull left them) only while the notes
    still have it and Anki does not hold the notes' copy; then it is as the sync put it."""
    from ankipress.sync.run import _still_pulled

    pulled = {"g": ("q1", "a1")}
    _still_pulled(pulled, "g", ("q1", "a1"), ("q1", "a0"))  # Anki: a0 (spaced otherwise)
    assert pulled == {"g": ("q1", "a1")}
    _still_pulled(pulled, "g", ("q1", "a2"), ("q1", "a2"))  # the notes' a2 synced
    assert pulled == {}  # (a later revert of the notes to a1 is a change again)
    pulled = {"g": ("q1", "a1")}
    _still_pulled(pulled, "g", ("q1", "a3"), ("q1", "a0"))  # the notes changed, Anki kept a0
    assert pulled == {}


def test_two_notes_pulled_to_one_question_leave_the_second_unpulled(
    run_cli, write_tree, tmp_path
) -> None:
    before = "# B\n\n## What is A?\n\nAlpha.\n\n## What is B?\n\nBeta.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What is A?", "Question", "A?", "X?")
    _change(target, "What is B?", "Question", "B?", "X?")
    done = _pull(run_cli, content, target)
    assert done.exit_code == 1
    assert (content / "book.md").read_text() == before.replace("A?", "X?")
    assert "another note of its file is pulled to the same question" in done.stderr


def test_a_dry_runs_patch_breaks_lines_where_git_does(run_cli, write_tree, tmp_path) -> None:
    """A line with U+2028 or a form feed in it is one line of the patch, as of the file."""
    import subprocess

    before = "# B\n\n## What?\n\nOne\u2028two, a\x0cform.\n\nTeh end.\n"
    content, target = _setup(write_tree, tmp_path, before.encode())
    synced(run_cli, content, target, epoch=SYNCED)
    _change(target, "What?", "Answer", "Teh", "The")
    args = ["pull", "content", *target.args, "-o", "decks", "--dry-run"]
    done = run_cli(*args, cwd=tmp_path, epoch=PULLED)
    assert done.exit_code == 0, done.output
    assert "@@ -4,4 +4,4 @@\n \n One\u2028two, a\x0cform.\n \n-Teh" in done.stdout
    assert "No newline" not in done.stdout
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    applied = subprocess.run(
        ["git", "apply", "-"], input=done.stdout.encode(), cwd=tmp_path, capture_output=True
    )
    assert applied.returncode == 0, applied.stderr
    assert (content / "book.md").read_text() == before.replace("Teh", "The")
