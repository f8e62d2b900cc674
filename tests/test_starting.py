"""Starting out: ``ankipress init``, a wrong folder given, a file with no question, and
what a build's summary says of what it changed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ankipress.cli.init import SETTINGS
from ankipress.diagnostics import Diagnostics
from ankipress.notes.config import Settings, parse_settings


def test_init_writes_settings_and_a_gitignore_and_says_what_next(run_cli, tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.pyc", encoding="utf-8")  # a user's own, no newline
    done = run_cli("init", "notes", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    assert (tmp_path / "notes" / "ankipress.yaml").read_text(encoding="utf-8") == SETTINGS
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == (
        "*.pyc\n\n# ankipress: built decks and previews (rebuilt from the notes; commit "
        "ankipress.lock)\n/decks/\n/preview/\n"
    )
    assert "ankipress build notes" in done.output and "Next:" in done.output

    again = run_cli("init", "notes", cwd=tmp_path)
    assert again.exit_code == 2 and "notes/ankipress.yaml exists; use --force" in again.output
    forced = run_cli("init", "--force", "notes", cwd=tmp_path)
    assert forced.exit_code == 0 and "Wrote .gitignore" not in forced.output  # nothing lacked
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8").count("/decks/") == 1


def test_after_init_and_a_build_git_sees_only_the_notes_and_the_lock(
    run_cli, tmp_path: Path
) -> None:
    repository = tmp_path / "repository"
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    run_cli("init", "notes", cwd=repository)
    (repository / "notes" / "a.md").write_text("## What is x?\n\nX.\n", encoding="utf-8")
    assert run_cli("build", "notes", cwd=repository).exit_code == 0
    assert run_cli("preview", "notes", cwd=repository).exit_code == 0
    assert (repository / "decks" / "a.apkg").is_file() and (repository / "preview").is_dir()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    assert sorted(line[3:] for line in status if line) == [
        ".gitignore",
        "notes/a.md",
        "notes/ankipress.lock",
        "notes/ankipress.yaml",
    ]


def test_every_setting_in_the_written_file_works_uncommented(tmp_path: Path) -> None:
    """Uncommenting the example lines gives settings that are read without a word."""
    uncommented = re.sub(r"(?m)^# ([a-z_]+:)", r"\1", SETTINGS)
    uncommented = re.sub(r'(?m)^#(   (?:"|  )\S)', r"\1", uncommented)
    diagnostics = Diagnostics()
    settings = parse_settings(
        uncommented, "ankipress.yaml", 1, diagnostics, Settings(), "project settings"
    )
    assert diagnostics.sorted() == []
    assert settings is not None
    assert settings.tags == ("interview", "ml::vision")
    assert settings.deck == "Study::Machine learning"
    assert [rule.pattern for rule in settings.files] == [
        "interview/*.md",
        "2024-notes.md",
        "journal/*",
    ]
    assert settings.for_file("journal/monday.md").exclude
    assert settings.for_file("interview/ml.md").deck == "Interview"
    assert settings.for_file("2024-notes.md").title == "Linear algebra"


def test_a_folder_with_no_notes_is_an_error_naming_what_it_skipped(run_cli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("hi", encoding="utf-8")
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "old.apkg").write_bytes(b"kept")
    for command in (["build"], ["check", "--strict"], ["preview"], ["plan"]):
        done = run_cli(*command, "empty", cwd=tmp_path)
        assert done.exit_code == 2, command
        assert done.stderr == (
            "error: no markdown notes (*.md, *.markdown) in empty: it is empty\n"
        ), command
    done = run_cli("build", "texts", cwd=tmp_path)
    assert (done.exit_code, done.stderr) == (
        2,
        "error: no markdown notes (*.md, *.markdown) in texts; not read: texts/a.txt\n",
    )
    assert (tmp_path / "decks" / "old.apkg").read_bytes() == b"kept"  # nothing pruned
    assert not (tmp_path / "decks" / "manifest.json").exists()


def test_a_file_with_no_question_is_suspect_not_a_silent_card(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    text = "# Linear algebra\n\nVectors are arrows.\n\nMatrices map vectors.\n"
    (notes_folder / "la.md").write_text(text, encoding="utf-8")
    done = run_cli("check", "--strict", "notes", cwd=tmp_path)
    assert done.exit_code == 1
    assert done.stderr.splitlines()[0] == (
        "notes/la.md:1: warning[suspect]: the whole file is one card, 'Linear algebra': no "
        "question was found in it (one written on its answer's line is not read as one: give "
        "it a line of its own); if the file is not notes to study, set 'exclude: true' for it"
    )
    # What it says to do: the file is left out, quietly, and a strict check passes.
    (notes_folder / "ankipress.yaml").write_text("files:\n  la.md: {exclude: true}\n", "utf-8")
    (notes_folder / "q.md").write_text("## What is a vector?\n\nAn arrow.\n", "utf-8")
    done = run_cli("build", "--strict", "notes", "-o", "out", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    assert "Built 1 deck with 1 card from 2 files" in done.output
    assert sorted(p.name for p in (tmp_path / "out").rglob("*.apkg")) == ["q.apkg"]


def test_the_summary_names_new_changed_and_moved_notes(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    first = "# Bio\n\n## What is a cell?\n\nThe unit of life.\n\n## What is RNA?\n\nA copy.\n"
    (notes_folder / "cells.md").write_text(first, encoding="utf-8")
    done = run_cli("build", "notes", cwd=tmp_path)
    assert "New:" not in done.output  # a first build: every note is new, the table says so

    (notes_folder / "cells.md").rename(notes_folder / "biology.md")
    text = first + "\n## What is ATP?\n\nEnergy.\n"
    for number in range(12):
        text += f"\n## What is protein {number}?\n\nA chain.\n"
    (notes_folder / "biology.md").write_text(text, encoding="utf-8")
    done = run_cli("build", "notes", cwd=tmp_path)
    lines = done.output.splitlines()
    new = lines.index("New: 13 notes")
    assert lines[new + 1 : new + 3] == [
        "  notes/biology.md:11: What is ATP?",
        "  notes/biology.md:15: What is protein 0?",
    ]
    assert lines[new + 11] == "  ... and 3 more"
    kept = lines.index("Kept 2 GUIDs through the lock:")
    assert lines[kept + 1 : kept + 3] == [
        "  notes/cells.md:3 -> notes/biology.md:3: What is a cell?",
        "  notes/cells.md:7 -> notes/biology.md:7: What is RNA?",
    ]

    (notes_folder / "biology.md").write_text(text.replace("Energy.", "Cell energy."), "utf-8")
    done = run_cli("build", "notes", cwd=tmp_path)
    assert "Changed: 1 note\n  notes/biology.md:11: What is ATP?\n" in done.output


def test_the_summary_says_when_templates_changed(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "a.md").write_text("## What is x?\n\nX.\n", encoding="utf-8")
    assert run_cli("templates", "init", "notes/looks", cwd=tmp_path).exit_code == 0
    (notes_folder / "ankipress.yaml").write_text("templates: looks\n", encoding="utf-8")
    assert "Card templates" not in run_cli("build", "notes", cwd=tmp_path).output
    with (notes_folder / "looks" / "style.css").open("a", encoding="utf-8") as css:
        css.write(".card { color: navy }\n")
    done = run_cli("build", "notes", cwd=tmp_path)
    assert (
        "Card templates of note type 'ankipress' changed (notes/): importing updates the "
        "look of 1 note; no field changed"
    ) in done.output


def test_many_packages_suggest_one_combined_file(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    for number in range(5):
        text = f"## What is {number}?\n\nA number.\n"
        (notes_folder / f"n{number}.md").write_text(text, encoding="utf-8")
    done = run_cli("build", "notes", "-o", "out", cwd=tmp_path)
    hint = "--combined writes all 5 decks into one file, out/all-decks.apkg"
    assert hint in done.output
    assert "--combined" not in run_cli("build", "notes/n1.md", "-o", "one", cwd=tmp_path).output
    combined = run_cli("build", "--combined", "notes", "-o", "out2", cwd=tmp_path)
    assert "--combined" not in combined.output


def test_the_summary_shows_questions_as_text(run_cli, tmp_path: Path) -> None:
    """A renamed file's question with `code` in it reads as written, not as HTML."""
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "py.md").write_text("## What does `yield` do?\n\nPauses.\n", "utf-8")
    assert run_cli("build", "notes", cwd=tmp_path).exit_code == 0
    (notes_folder / "py.md").rename(notes_folder / "python.md")
    done = run_cli("build", "notes", cwd=tmp_path)
    assert "  notes/py.md:1 -> notes/python.md:1: What does yield do?\n" in done.output


def test_init_leaves_everything_as_it_was_when_it_cannot_read_the_gitignore(
    run_cli, tmp_path: Path
) -> None:
    (tmp_path / ".gitignore").write_bytes(b"caf\xe9\n")
    done = run_cli("init", "notes", cwd=tmp_path)
    assert done.exit_code == 2 and ".gitignore cannot be read" in done.output
    assert not (tmp_path / "notes").exists()
    (tmp_path / ".gitignore").unlink()
    (tmp_path / ".gitignore").mkdir()
    assert run_cli("init", "notes", cwd=tmp_path).exit_code == 2
    assert not (tmp_path / "notes").exists()


def test_init_keeps_the_gitignores_line_endings(run_cli, tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_bytes(b"node_modules/\r\n*.pyc")
    assert run_cli("init", "notes", cwd=tmp_path).exit_code == 0
    assert (tmp_path / ".gitignore").read_bytes() == (
        b"node_modules/\r\n*.pyc\r\n\r\n# ankipress: built decks and previews (rebuilt from "
        b"the notes; commit ankipress.lock)\r\n/decks/\r\n/preview/\r\n"
    )


def test_a_file_named_that_is_not_markdown_is_said_not_read(run_cli, tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("hi\n", encoding="utf-8")
    (tmp_path / "notes" / "a.md").write_text("## What?\n\nThat.\n", encoding="utf-8")
    done = run_cli("build", "notes/a.txt", cwd=tmp_path)
    assert (done.exit_code, done.stderr) == (
        2,
        "notes/a.txt: warning[io]: not a markdown file (.md, .markdown); not read\n"
        "error: no markdown notes (*.md, *.markdown) in notes/a.txt; not read: notes/a.txt\n",
    )
    done = run_cli("check", "notes/a.txt", "notes/a.md", cwd=tmp_path)
    assert done.exit_code == 0 and "Checked 1 file" in done.output


def test_no_path_and_no_content_folder_names_the_notes_folders_here(
    run_cli, tmp_path: Path
) -> None:
    assert run_cli("init", "notes", cwd=tmp_path).exit_code == 0
    done = run_cli(cwd=tmp_path)
    assert done.exit_code == 2
    assert (
        "no PATH given and no content/ folder here; notes folders here: notes (give one: "
        "ankipress build notes)"
    ) in done.output
