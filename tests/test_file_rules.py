"""Settings for files a user cannot or will not edit (``files:`` in ankipress.yaml), a parent
deck (``deck:``), ``::`` in a title as Anki's nesting, and package files named as their
folders are: what Anki holds after importing them."""

from __future__ import annotations

import json
from pathlib import Path

from ankipress.identity.guids import note_guid
from tests.ankitools import imported

NOTE = "# {title}\n\n## What is {thing}?\n\nIt is {thing}.\n"


def _anki(tmp_path: Path, out: Path) -> dict[str, str]:
    """The deck of each note Anki holds after importing every package under ``out``,
    by its question."""
    return {n.fields["Question"]: n.deck for n in imported(out, tmp_path / "anki")}


def test_files_rules_set_titles_ids_and_parent_decks_without_editing_the_notes(
    run_cli, tmp_path: Path
) -> None:
    notes_folder = tmp_path / "notes"
    (notes_folder / "bio").mkdir(parents=True)
    (notes_folder / "2024_03_a1b2.md").write_text(NOTE.format(title="x", thing="a cell"), "utf-8")
    (notes_folder / "bio" / "dna.md").write_text(NOTE.format(title="DNA", thing="DNA"), "utf-8")
    (notes_folder / "bio" / "rna.md").write_text(NOTE.format(title="RNA", thing="RNA"), "utf-8")
    (notes_folder / "ankipress.yaml").write_text(
        "deck: School\n"
        "files:\n"
        "  2024_03_a1b2.md:\n"
        "    title: Cells\n"
        "    id: cells-book\n"
        "  'bio/*':\n"
        "    deck: School::Biology\n"
        "  bio/rna.md:\n"
        "    title: Ribonucleic acid\n",
        encoding="utf-8",
    )
    done = run_cli("build", "--strict", "notes", "-o", "out", cwd=tmp_path)
    assert done.exit_code == 0, done.output

    assert _anki(tmp_path, tmp_path / "out") == {
        "What is a cell?": "School::Cells",
        "What is DNA?": "School::Biology::DNA",
        "What is RNA?": "School::Biology::Ribonucleic acid",
    }
    lock = (notes_folder / "ankipress.lock").read_text(encoding="utf-8").splitlines()[1:]
    books = {json.loads(line)["book"] for line in lock}
    assert books == {"cells-book", "dna", "rna"}  # the id the rule gave, the stems


def test_an_id_in_the_settings_keeps_every_guid_a_file_had(run_cli, tmp_path: Path) -> None:
    """Renaming a file loses nothing when ankipress.yaml gives it its old key."""
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "old.md").write_text(NOTE.format(title="T", thing="a lens"), "utf-8")
    assert run_cli("build", "notes", "-o", "out", "--no-lock", cwd=tmp_path).exit_code == 0
    (notes_folder / "old.md").rename(notes_folder / "optics.md")
    (notes_folder / "ankipress.yaml").write_text(
        "files:\n  optics.md: {id: old}\n", encoding="utf-8"
    )
    done = run_cli("build", "notes", "-o", "out2", "--no-lock", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    held = imported(tmp_path / "out2", tmp_path / "anki")
    assert [n.guid for n in held] == [note_guid("old", "What is a lens?")]


def test_a_title_with_double_colons_nests_as_in_anki(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    text = '---\ntitle: "School::Biology::Cells"\n---\n## What is a cell?\n\nA unit.\n'
    (notes_folder / "cells.md").write_text(text, encoding="utf-8")
    assert run_cli("build", "notes", "-o", "out", cwd=tmp_path).exit_code == 0
    assert _anki(tmp_path, tmp_path / "out") == {"What is a cell?": "School::Biology::Cells"}


def test_a_parent_deck_does_not_make_books_look_alike(run_cli, tmp_path: Path) -> None:
    """Two books under one parent deck are two decks: no warning that Anki merges them."""
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "ankipress.yaml").write_text("deck: Exam\n", encoding="utf-8")
    (notes_folder / "a.md").write_text(NOTE.format(title="A", thing="a"), "utf-8")
    (notes_folder / "b.md").write_text(NOTE.format(title="B", thing="b"), "utf-8")
    done = run_cli("build", "--strict", "notes", "-o", "out", cwd=tmp_path)
    assert done.exit_code == 0 and "duplicate-deck" not in done.output, done.output
    (notes_folder / "b.md").write_text(NOTE.format(title="A", thing="b"), "utf-8")
    done = run_cli("build", "notes", "-o", "out", cwd=tmp_path)
    assert "notes/b.md:1: warning[duplicate-deck]: book title 'Exam::A' is also" in done.output


def test_package_files_are_spelled_as_their_folders(run_cli, tmp_path: Path) -> None:
    """Spaces stay spaces in a package's name as in its folder's; a book of no chapters is
    one file named after its notes file, not a folder holding ``00-…``: the files nest as
    the decks do."""
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    chapters = "# Optics\n\n## Chapter 1 Thin lenses\n\n### What is a lens?\n\nGlass.\n"
    chapters += "\n## Chapter 2 Light: waves\n\n### What is light?\n\nA wave.\n"
    (notes_folder / "Physics notes.md").write_text(chapters, encoding="utf-8")
    (notes_folder / "one topic.md").write_text(NOTE.format(title="T", thing="x"), "utf-8")
    done = run_cli("build", "notes", "-o", "out", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    packages = sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.apkg")
    )
    assert packages == [
        "Physics notes/01-Thin lenses.apkg",
        "Physics notes/02-Light- waves.apkg",
        "one topic.apkg",
    ]


def test_a_rule_that_names_no_file_is_a_warning(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "a.md").write_text(NOTE.format(title="A", thing="a"), "utf-8")
    (notes_folder / "ankipress.yaml").write_text(
        "files:\n  a.md: {title: Alpha}\n  chapter1.md: {title: One}\n", encoding="utf-8"
    )
    done = run_cli("check", "notes", cwd=tmp_path)
    assert done.stderr.splitlines() == [
        "notes/ankipress.yaml:3: warning[config]: files 'chapter1.md' names no markdown file here"
    ]


def test_wrong_file_rules_are_errors_with_their_line(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "a.md").write_text(NOTE.format(title="A", thing="a"), "utf-8")
    cases = {
        "files: [a.md]\n": "notes/ankipress.yaml:1: error[config]: setting 'files' must map "
        "paths or globs to settings (files: {'a.md': {...}})",
        "files:\n  a.md:\n    chapter_level: 9\n": "notes/ankipress.yaml:3: error[config]: "
        "setting 'chapter_level' must be a heading level from 1 to 6, not 9",
        "files:\n  a.md: {title: A, colour: red}\n": "notes/ankipress.yaml:2: warning[config]: "
        "unknown setting 'colour' ignored",
        "files:\n  a.md:\n    encoding: latin-1\n": "notes/ankipress.yaml:3: warning[config]: "
        "setting 'encoding' only works at the top of ankipress.yaml; ignored here",
    }
    for settings, message in cases.items():
        (notes_folder / "ankipress.yaml").write_text(settings, encoding="utf-8")
        done = run_cli("check", "notes", cwd=tmp_path)
        assert done.stderr.splitlines()[:1] == [message], settings


def test_double_star_matches_files_at_the_top_too(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    (notes_folder / "sub").mkdir(parents=True)
    (notes_folder / "top.md").write_text(NOTE.format(title="Top", thing="top"), "utf-8")
    (notes_folder / "sub" / "s.md").write_text(NOTE.format(title="Sub", thing="sub"), "utf-8")
    (notes_folder / "ankipress.yaml").write_text(
        "files:\n  '**/*.md': {deck: All}\n  'sub/**': {tags: [deep]}\n", "utf-8"
    )
    assert run_cli("build", "notes", "-o", "out", cwd=tmp_path).exit_code == 0
    assert _anki(tmp_path, tmp_path / "out") == {
        "What is top?": "All::Top",
        "What is sub?": "All::Sub",
    }


def test_a_files_key_with_its_entries_commented_out_is_no_rule(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "a.md").write_text(NOTE.format(title="A", thing="a"), "utf-8")
    (notes_folder / "ankipress.yaml").write_text("files:\n#  a.md: {title: X}\n", "utf-8")
    done = run_cli("build", "--strict", "notes", "-o", "out", cwd=tmp_path)
    assert done.exit_code == 0, done.output


def test_only_a_title_set_as_a_deck_name_nests(run_cli, tmp_path: Path) -> None:
    """A heading's ``std::vector`` is text; ``title:`` in the settings is a deck name."""
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "v.md").write_text(NOTE.format(title="std::vector", thing="it"), "utf-8")
    assert run_cli("build", "notes", "-o", "out", cwd=tmp_path).exit_code == 0
    assert _anki(tmp_path, tmp_path / "out") == {"What is it?": "std:vector"}


def test_a_deck_named_twice_through_a_parent_deck_is_warned(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    chaptered = "# ML\n\n## Chapter 1 Basics\n\n### What is ML?\n\nLearning.\n"
    (notes_folder / "ml.md").write_text(chaptered, encoding="utf-8")
    (notes_folder / "b.md").write_text("---\ndeck: ML\n---\n# 01 Basics\n\n## What is b?\n\nB.\n")
    done = run_cli("check", "notes", cwd=tmp_path)
    assert done.stderr.splitlines() == [
        "notes/ml.md:1: warning[duplicate-deck]: deck 'ML::01 Basics' is also a deck of "
        "notes/b.md: Anki files the cards of both under one deck; give one of them another "
        "'title:' or 'deck:'"
    ]


def test_yaml_merge_keys_work_in_the_settings(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "a.md").write_text(NOTE.format(title="A", thing="a"), encoding="utf-8")
    (notes_folder / "b.md").write_text(NOTE.format(title="B", thing="b"), encoding="utf-8")
    (notes_folder / "ankipress.yaml").write_text(
        "files:\n  a.md: &shared\n    deck: Shared\n  b.md:\n    <<: *shared\n    title: Bee\n",
        encoding="utf-8",
    )
    done = run_cli("build", "--strict", "notes", "-o", "out", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    assert _anki(tmp_path, tmp_path / "out") == {
        "What is a?": "Shared::A",
        "What is b?": "Shared::Bee",
    }
    (notes_folder / "ankipress.yaml").write_text("files:\n  a.md:\n    <<: 5\n", "utf-8")
    done = run_cli("check", "notes", cwd=tmp_path)
    assert (
        done.exit_code == 1 and "notes/ankipress.yaml:3: error[config]: invalid YAML" in done.stderr
    )
