"""One notes root, found as git finds its repository: a build started from a file, a glob,
a subfolder or the repository above reads its notes with the root's lock and settings,
gives every note the GUID the full build gave it, and leaves the rest of the root alone.
Checked by importing every build into one real Anki collection."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ankitools import import_packages, notes, open_collection

FILES = {
    "notes/linear.md": "# Linear algebra\n\n## What is a basis?\n\nA spanning independent set.\n",
    "notes/a/readme.md": "# Models\n\n## What is overfitting?\n\nFitting the noise.\n",
    "notes/b/readme.md": "# Trees\n\n## What is overfitting?\n\nA tree grown too deep.\n",
    "notes/obsidian/Vectors.md": (
        "# Vectors\n\n## What is a norm?\n\nA length.\n\n## What is a dot product?\n\n"
        "A sum of products.\n"
    ),
}


def _write(root: Path) -> None:
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _state(root: Path) -> tuple[list[Path], dict[Path, bytes], bytes, list[str]]:
    """The locks anywhere in the repository, every package's bytes, the notes' lock, and
    the packages the manifest lists."""
    locks = sorted(p.relative_to(root) for p in root.rglob("ankipress.lock"))
    packages = {p.relative_to(root): p.read_bytes() for p in (root / "decks").rglob("*.apkg")}
    manifest = json.loads((root / "decks/manifest.json").read_text(encoding="utf-8"))
    listed = sorted(deck["file"] for deck in manifest["decks"])
    return locks, packages, (root / "notes/ankipress.lock").read_bytes(), listed


def test_a_file_a_glob_a_subfolder_and_the_repository_build_as_the_root_does(
    tmp_path: Path, run_cli
) -> None:
    _write(tmp_path)
    assert run_cli("build", "notes", "-o", "decks", cwd=tmp_path).exit_code == 0
    # a renamed file keeps its notes' GUIDs through the lock
    (tmp_path / "notes/linear.md").rename(tmp_path / "notes/linear-algebra.md")
    assert run_cli("build", "notes", "-o", "decks", cwd=tmp_path).exit_code == 0
    col = open_collection(tmp_path / "anki")
    first = import_packages(col, sorted((tmp_path / "decks").rglob("*.apkg")))
    guids = {n.guid: n.fields["Question"] for n in notes(col)}
    assert len(guids) == 5 and not first.duplicate
    locks, packages, lock, listed = _state(tmp_path)
    assert locks == [Path("notes/ankipress.lock")] and len(listed) == len(packages) == 4

    partial_builds = [
        ["notes/b/readme.md"],  # a file whose name another file has
        ["notes/a/readme.md", "notes/linear-algebra.md"],  # what a shell glob passes
        ["notes/obsidian"],  # a subfolder
        ["."],  # the repository above the notes root
    ]
    for paths in partial_builds:
        done = run_cli("build", *paths, "-o", "decks", cwd=tmp_path)
        assert done.exit_code == 0, done.output
        assert _state(tmp_path) == (locks, packages, lock, listed), paths  # nothing else touched
        log = import_packages(col, sorted((tmp_path / "decks").rglob("*.apkg")))
        assert not log.new and not log.conflicting, paths
        assert {n.guid: n.fields["Question"] for n in notes(col)} == guids, paths
    col.close()


def test_a_partial_build_retires_nothing_it_did_not_read(tmp_path: Path, run_cli) -> None:
    _write(tmp_path)
    assert run_cli("build", "notes", "-o", "decks", cwd=tmp_path).exit_code == 0
    (tmp_path / "notes/a/readme.md").unlink()  # gone, but this build is of one file
    text = "# Linear algebra\n\n## What is a basis?\n\nA spanning independent set.\n\n"
    (tmp_path / "notes/linear.md").write_text(text + "## What is a rank?\n\nIts dimension.\n")
    before = (tmp_path / "notes/ankipress.lock").read_text(encoding="utf-8")
    done = run_cli("build", "notes/linear.md", "-o", "decks", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    after = (tmp_path / "notes/ankipress.lock").read_text(encoding="utf-8")
    assert "What is a rank?" not in before and "What is a rank?" in after  # its own: added
    overfitting = [line for line in after.splitlines() if "overfitting" in line]
    assert len(overfitting) == 2 and not any('"removed"' in line for line in overfitting)
    assert any((tmp_path / "decks/a").rglob("*.apkg"))  # a's package stays until a full build
    b_guid = next(json.loads(line)["guid"] for line in overfitting if "b/readme.md" in line)
    done = run_cli("build", "notes", "-o", "decks", cwd=tmp_path)
    assert done.exit_code == 0, done.output
    entries = [json.loads(line) for line in (tmp_path / "notes/ankipress.lock").open()][1:]
    kept = [e for e in entries if "removed" not in e and e["text"] == "What is overfitting?"]
    assert [(e["guid"], e["at"]) for e in kept] == [(b_guid, "b/readme.md:3")]  # b's own GUID
    gone = [e for e in entries if "removed" in e]
    assert [e["at"] for e in gone] == ["a/readme.md:3"]  # the full build retires a's note


def test_a_root_is_never_looked_for_above_the_repository(tmp_path: Path, run_cli) -> None:
    (tmp_path / "ankipress.yaml").write_text("tags: [someone-else]\n", encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "notes.md").write_text("## What is x?\n\nA letter.\n", encoding="utf-8")
    assert run_cli("build", "notes.md", "-o", "../decks", cwd=repo).exit_code == 0
    assert (repo / "ankipress.lock").is_file() and not (tmp_path / "ankipress.lock").exists()
    manifest = json.loads((tmp_path / "decks/manifest.json").read_text(encoding="utf-8"))
    assert manifest["decks"][0]["notes"][0]["tags"] == []  # not the settings above it


def test_a_new_top_level_file_never_takes_a_recorded_files_key(tmp_path: Path, run_cli) -> None:
    notes = tmp_path / "notes"
    (notes / "a").mkdir(parents=True)
    (notes / "a/x.md").write_text("## What is X?\n\nA letter in a.\n", encoding="utf-8")
    assert run_cli("build", "notes", "-o", "decks", cwd=tmp_path).exit_code == 0
    (guid,) = [json.loads(line)["guid"] for line in list((notes / "ankipress.lock").open())[1:]]
    (notes / "x.md").write_text("## What is X?\n\nA letter at the top.\n", encoding="utf-8")
    for paths in (["notes/x.md"], ["notes"]):  # alone, then with the rest
        done = run_cli("build", *paths, "-o", "decks", cwd=tmp_path)
        assert done.exit_code == 0, done.output
        entries = [json.loads(line) for line in (notes / "ankipress.lock").open()][1:]
        by_file = {e["at"].rpartition(":")[0]: e["guid"] for e in entries}
        assert by_file["a/x.md"] == guid and by_file["x.md"] != guid, paths


def test_a_marker_someone_else_owns_above_the_folder_makes_no_root(tmp_path: Path, run_cli) -> None:
    import os

    import pytest

    if not hasattr(os, "getuid") or os.getuid() != 0:
        pytest.skip("needs to give a file to another user")
    (tmp_path / "ankipress.yaml").write_text("tags: [planted]\n", encoding="utf-8")
    os.chown(tmp_path / "ankipress.yaml", 65534, 65534)  # nobody's, in a shared folder
    mine = tmp_path / "bob" / "notes"
    mine.mkdir(parents=True)
    (mine / "n.md").write_text("## What is x?\n\nA letter.\n", encoding="utf-8")
    assert run_cli("build", ".", "-o", "../decks", cwd=mine).exit_code == 0
    assert (mine / "ankipress.lock").is_file() and not (tmp_path / "ankipress.lock").exists()
