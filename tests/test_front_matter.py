"""Front matter as editors and site generators write it (Obsidian, Typora, Jekyll, Hugo):
their own keys are theirs and read quietly, tags in every form they accept reach Anki as
Anki's tags, and a key that looks like a mistyped setting is still a warning, with its code
in the text output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ankitools import imported

OBSIDIAN = """\
---
aliases: [LA, Linear algebra basics]
created: 2024-03-01T10:00
updated: 2024-05-02
date: 2024-03-01
cssclasses: [wide]
publish: true
draft: false
author: Someone
categories: [math]
typora-root-url: ./images
tags: {tags}
---
# Linear algebra

## What is a vector?

An arrow with a length and a direction.
"""


def _built_tags(run_cli, tmp_path: Path, tags: str) -> tuple[list[str], str]:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir(exist_ok=True)
    (notes_folder / "la.md").write_text(OBSIDIAN.format(tags=tags), encoding="utf-8")
    done = run_cli("build", "--strict", str(notes_folder), "-o", str(tmp_path / "out"))
    assert done.exit_code == 0, done.output
    (note,) = imported(tmp_path / "out", tmp_path / "anki")
    return [t for t in note.tags if not t.startswith("ankipress")], done.output


@pytest.mark.parametrize(
    "tags",
    [
        "[math, linear-algebra/vectors]",  # a YAML list, nested with /
        "math, linear-algebra/vectors",  # one text, comma separated (Obsidian accepts it)
        "math linear-algebra/vectors",  # space separated
        '"#math #linear-algebra/vectors"',  # as written in the text, with #
        "\n  - math\n  - '#linear-algebra/vectors'",  # a block list
        "[math, linear-algebra::vectors, math]",  # Anki's own nesting, a repeat
    ],
)
def test_tags_in_every_form_editors_write_become_anki_tags(
    run_cli, tmp_path: Path, tags: str
) -> None:
    held, output = _built_tags(run_cli, tmp_path, tags)
    tagged = [t for t in held if t.startswith(("math", "linear"))]
    assert tagged == ["linear-algebra::vectors", "math"]
    assert "0 warnings, 0 errors" in output  # every editor key read quietly; --strict passed


def test_a_mistyped_setting_is_still_a_warning_with_its_code(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    text = "---\naliases: [x]\nchapter_levle: 2\nquestion-level: 3\nstatus: done\n---\n"
    (notes_folder / "a.md").write_text(text + "## What is x?\n\nX.\n", encoding="utf-8")
    done = run_cli("check", "notes", cwd=tmp_path)
    assert done.exit_code == 0
    where = "notes/a.md"
    assert done.stderr.splitlines()[:2] == [
        f"{where}:3: warning[config]: unknown setting 'chapter_levle' ignored "
        "(did you mean 'chapter_level'?)",
        f"{where}:4: warning[config]: unknown setting 'question-level' ignored "
        "(did you mean 'question_level'?)",
    ]
    strict = run_cli("check", "--strict", "notes")
    assert strict.exit_code == 1
    allowed = run_cli("check", "--strict", "--allow", "config", "notes")
    assert allowed.exit_code == 0, allowed.output


def test_every_key_in_the_settings_file_is_meant_for_us(run_cli, tmp_path: Path) -> None:
    """ankipress.yaml is ours alone: a key it does not know is a warning, however far from
    any setting's name."""
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "ankipress.yaml").write_text("aliases: [x]\n", encoding="utf-8")
    (notes_folder / "a.md").write_text("## What is x?\n\nX.\n", encoding="utf-8")
    done = run_cli("check", "notes", cwd=tmp_path)
    assert (
        "notes/ankipress.yaml:1: warning[config]: unknown setting 'aliases' ignored" in done.stderr
    )


def test_the_singular_tag_key_obsidian_still_reads_is_tags(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    text = "---\ntag: physics/waves\n---\n## What is a wave?\n\nA travelling disturbance.\n"
    (notes_folder / "w.md").write_text(text, encoding="utf-8")
    done = run_cli("build", "--strict", str(notes_folder), "-o", str(tmp_path / "out"))
    assert done.exit_code == 0, done.output
    (note,) = imported(tmp_path / "out", tmp_path / "anki")
    assert "physics::waves" in note.tags


def test_a_folders_tags_and_a_files_tags_add_up(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "ankipress.yaml").write_text(
        "tags: [vault]\nfiles:\n  'net*': {tags: [cs]}\n", encoding="utf-8"
    )
    (notes_folder / "a.md").write_text("---\ntags: [math]\n---\n## What is a?\n\nA.\n", "utf-8")
    (notes_folder / "net.md").write_text("---\nTags: tcp\n---\n## What is b?\n\nB.\n", "utf-8")
    (notes_folder / "c.md").write_text("## What is c?\n\nC.\n", encoding="utf-8")
    assert run_cli("build", "notes", "-o", "out", cwd=tmp_path).exit_code == 0
    held = {
        note.fields["Question"]: list(note.tags)
        for note in imported(tmp_path / "out", tmp_path / "anki")
    }
    assert held == {
        "What is a?": ["math", "vault"],
        "What is b?": ["cs", "tcp", "vault"],  # Tags: as Obsidian may capitalise it
        "What is c?": ["vault"],
    }


def test_a_hash_that_yaml_reads_as_a_comment_is_said(run_cli, tmp_path: Path) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    (notes_folder / "a.md").write_text("---\ntags: #math\n---\n## What?\n\nThat.\n", "utf-8")
    (notes_folder / "b.md").write_text("---\ntags: [#math]\n---\n## Why?\n\nThis.\n", "utf-8")
    done = run_cli("check", "notes", cwd=tmp_path)
    assert done.stderr.splitlines() == [
        "notes/b.md:2: error[config]: invalid YAML in front matter: expected the node content, "
        "but found '<stream end>' (a # after a space starts a YAML comment: quote a tag like "
        "'#math')",
        "notes/a.md:2: warning[config]: setting 'tags' is empty: in YAML a # after a space "
        'starts a comment; quote a tag that starts with one (tags: "#math")',
    ]


def test_keys_are_read_whatever_their_case_and_hints_name_only_what_fits(
    run_cli, tmp_path: Path
) -> None:
    notes_folder = tmp_path / "notes"
    notes_folder.mkdir()
    text = "---\nTitle: Optics\nDeck: Physics\nuid: 20240301\ntemplate: note\n---\n"
    (notes_folder / "o.md").write_text(text + "## What is a lens?\n\nGlass.\n", "utf-8")
    (notes_folder / "ankipress.yaml").write_text("dekc: X\n", encoding="utf-8")
    done = run_cli("build", "notes", "-o", "out", cwd=tmp_path)
    assert done.stderr.splitlines() == [  # uid, template: an editor's (no 'id', 'templates')
        "notes/ankipress.yaml:1: warning[config]: unknown setting 'dekc' ignored "
        "(did you mean 'deck'?)"
    ]
    assert "Physics::Optics -> out/o.apkg" in done.output
