"""What a build leaves in the output folder and the lock: only what it shipped, no stale
packages, nothing it did not write touched; checked in the real Anki backend."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

from tests.ankitools import import_packages, notes, open_collection

BOOK = """\
# Vision Notes

## 第一章 Transformers

<h2 id="1">1.What is attention?</h2>

Weights from softmax.

<h2 id="2">2.What is a patch?</h2>

A square of pixels.
"""
OTHER = "# Other\n\n## 第一章 Basics\n\n<h2>What is a tensor?</h2>\n\nAn array.\n"


def packages(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.apkg"))


def test_a_build_with_broken_templates_leaves_the_lock_and_manifest_alone(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK, "ankipress.yaml": "templates: tpl\n"})
    (content / "tpl").mkdir()  # no templates in it
    out = tmp_path / "out"
    broken = run_cli("build", str(content), "-o", str(out), cwd=tmp_path, epoch=1_000_000)
    assert broken.exit_code == 1 and "tpl/front.html: error[templates]: missing" in broken.stderr
    assert not (content / "ankipress.lock").exists() and not (out / "manifest.json").exists()

    (content / "ankipress.yaml").write_text("title: Vision\n", encoding="utf-8")
    good = run_cli("build", str(content), "-o", str(out), cwd=tmp_path, epoch=2_000_000)
    assert good.exit_code == 0, good.output
    assert "      2      2        0        0  Vision::01 Transformers" in good.stdout
    col = open_collection(tmp_path / "anki")
    log = import_packages(col, sorted(out.rglob("*.apkg")))
    assert len(log.new) == 2 and not log.updated

    lock, manifest = (content / "ankipress.lock").read_bytes(), (out / "manifest.json").read_bytes()
    (content / "ankipress.yaml").write_text("title: Vision\ntemplates: tpl\n", encoding="utf-8")
    (content / "vision.md").write_text(BOOK + "\n<h2>3.Why?</h2>\n\nBecause.\n", encoding="utf-8")
    again = run_cli("build", str(content), "-o", str(out), cwd=tmp_path, epoch=3_000_000)
    assert again.exit_code == 1
    assert (content / "ankipress.lock").read_bytes() == lock
    assert (out / "manifest.json").read_bytes() == manifest
    assert packages(out) == ["vision/01-Transformers.apkg"]


def test_renaming_a_file_deletes_its_old_packages_and_nothing_else(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK, "other.md": OTHER})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out), cwd=tmp_path).exit_code == 0
    assert packages(out) == ["other/01-Basics.apkg", "vision/01-Transformers.apkg"]
    (out / "vision/mine.apkg").write_bytes(b"a package of the user's own")
    (out / "vision/notes.txt").write_text("kept", encoding="utf-8")
    (content / "vision.md").rename(content / "renamed.md")

    result = run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert packages(out) == [
        "other/01-Basics.apkg",
        "renamed/01-Transformers.apkg",
        "vision/mine.apkg",
    ]
    assert (out / "vision/notes.txt").is_file()
    assert (
        "Deleted 1 package an earlier build wrote and this one no longer makes:\n"
        "  out/vision/01-Transformers.apkg\n"
    ) in result.stdout

    (out / "vision/mine.apkg").unlink()
    (out / "vision/notes.txt").unlink()
    (content / "renamed.md").rename(content / "again.md")
    assert run_cli("build", str(content), "-o", str(out), cwd=tmp_path).exit_code == 0
    assert not (out / "renamed").exists()  # the folder it left empty went too


def test_switching_to_one_combined_package_deletes_the_chapter_packages(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK, "other.md": OTHER})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    assert run_cli("build", str(content), "-o", str(out), "--combined").exit_code == 0
    assert packages(out) == ["all-decks.apkg"]


def test_a_build_with_errors_deletes_no_package(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK, "other.md": OTHER})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    (content / "other.md").write_text("---\ntitle: [\n---\n" + OTHER, encoding="utf-8")
    (content / "vision.md").rename(content / "renamed.md")
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 1
    assert "other/01-Basics.apkg" in packages(out)
    assert "vision/01-Transformers.apkg" in packages(out)


def test_a_manifest_written_by_someone_else_deletes_nothing_it_should_not(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """The output folder is untrusted: a manifest naming files outside it, a symlink, or a
    file that is not a package never has them deleted."""
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    outside = tmp_path / "precious.apkg"
    outside.write_bytes(b"precious")
    (out / "link.apkg").symlink_to(outside)
    (out / "linked").symlink_to(tmp_path)
    (out / "notes.md").write_bytes(b"precious")
    sha = hashlib.sha256(b"precious").hexdigest()
    names = ["../precious.apkg", str(outside), "link.apkg", "linked/precious.apkg", "notes.md"]
    gone = "../content/gone.md"  # a book this build answers for: only the file is refused
    decks = [{"file": name, "sha256": sha, "book": gone} for name in names]
    decks += [{"file": "deep", "sha256": sha, "book": "[" * 100_000 + "]" * 100_000}]
    (out / "manifest.json").write_text(json.dumps({"decks": decks}), encoding="utf-8")
    (content / "vision.md").rename(content / "renamed.md")
    result = run_cli("build", str(content), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert outside.read_bytes() == b"precious" and (out / "notes.md").is_file()
    assert (out / "link.apkg").is_symlink() and "Deleted" not in result.stdout


def test_a_renamed_chapter_says_how_to_move_the_cards_anki_keeps(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "out"
    col = open_collection(tmp_path / "anki")
    assert run_cli("build", str(content), "-o", str(out), epoch=1_000_000).exit_code == 0
    import_packages(col, sorted(out.rglob("*.apkg")))
    (content / "vision.md").write_text(BOOK.replace("Transformers", "Attention"), "utf-8")
    result = run_cli("build", str(content), "-o", str(out), epoch=2_000_000)
    assert (
        "2 notes now in another deck; Anki keeps the cards it already has in the old one:\n"
        "  'Vision Notes::01 Transformers' -> 'Vision Notes::01 Attention' (2 notes)\n"
    ) in result.stdout
    log = import_packages(col, sorted(out.rglob("*.apkg")))
    assert len(log.updated) == 2 and not log.new
    assert {n.deck for n in notes(col)} == {"Vision Notes::01 Transformers"}  # as the hint says
    again = run_cli("build", str(content), "-o", str(out), epoch=3_000_000)
    assert "another deck" not in again.stdout  # said once


def test_a_lock_and_settings_under_the_first_name_are_still_read(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK, "ankideck.yaml": "title: Renamed Notes\n"})
    out = tmp_path / "out"
    first = run_cli("build", str(content), "-o", str(out), cwd=tmp_path, epoch=1_000_000)
    assert first.stderr.startswith(
        "content/ankideck.yaml: warning[config]: settings under the tool's old name: "
        "rename the file to ankipress.yaml\n"
    )
    assert "Renamed Notes::01 Transformers" in first.stdout
    lock = content / "ankipress.lock"
    old = lock.read_text(encoding="utf-8").replace('"ankipress_lock"', '"ankideck_lock"', 1)
    (content / "ankideck.lock").write_text(old, encoding="utf-8")
    lock.unlink()
    reworded = BOOK.replace("What is a patch?", "What exactly is a patch?")
    (content / "vision.md").write_text(reworded, encoding="utf-8")
    shutil.rmtree(out)
    second = run_cli("build", str(content), "-o", str(out), cwd=tmp_path, epoch=2_000_000)
    assert (
        "content/ankideck.lock: warning[lock]: the lock under the tool's old name" in second.stderr
    )
    assert "'What is a patch?' -> 'What exactly is a patch?'" in second.stdout  # GUID kept
    assert lock.is_file() and (content / "ankideck.lock").read_text(encoding="utf-8") == old


def _as_first_name(package: Path, target: Path) -> None:
    """``package`` as the tool wrote it under its first name: measured on the seeds, the
    packages of ankideck 0.1 differ from ours only in the note type's name (and time)."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "collection.anki2":
                with tempfile.TemporaryDirectory() as tmp:
                    db_path = Path(tmp, "c.anki2")
                    db_path.write_bytes(data)
                    db = sqlite3.connect(db_path)
                    (models,) = db.execute("select models from col").fetchone()
                    models = json.loads(models)
                    for model in models.values():
                        model["name"], model["mod"] = "ankideck", model["mod"] - 1000
                    db.execute("update col set models = ?", (json.dumps(models),))
                    db.commit()
                    db.close()
                    data = db_path.read_bytes()
            copy.writestr(item, data)


def test_decks_of_the_first_name_are_updated_in_place(run_cli, write_tree, tmp_path) -> None:
    """Upgrading from the tool's first name: the same note type (its id), renamed; the
    notes unchanged, so Anki keeps them (and what the user edited in them) as they are."""
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out), epoch=1_000_000).exit_code == 0
    (package,) = out.rglob("*.apkg")
    _as_first_name(package, tmp_path / "first.apkg")
    col = open_collection(tmp_path / "anki")
    assert len(import_packages(col, [tmp_path / "first.apkg"]).new) == 2
    lock = content / "ankipress.lock"  # as the first name left it: another note type hash
    header, rest = lock.read_text(encoding="utf-8").split("\n", 1)
    lock.write_text(header.replace('"hash":"', '"hash":"0', 1) + "\n" + rest, encoding="utf-8")
    later = int(time.time()) + 60  # the upgrade is built after the first import
    assert run_cli("build", str(content), "-o", str(out), epoch=later).exit_code == 0
    log = import_packages(col, [package])
    assert not log.conflicting and not log.new and len(log.duplicate) == 2
    names = {m.name for m in col.models.all_names_and_ids()}
    assert "ankipress" in names and "ankideck" not in names


def test_a_build_of_some_files_leaves_the_other_books_packages(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK, "other.md": OTHER})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    one = run_cli("build", str(content / "vision.md"), "-o", str(out))
    assert one.exit_code == 0 and "Deleted" not in one.stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "third.md").write_text(OTHER, encoding="utf-8")
    assert run_cli("build", str(elsewhere), "-o", str(out)).exit_code == 0
    assert packages(out) == [
        "other/01-Basics.apkg",
        "third/01-Basics.apkg",
        "vision/01-Transformers.apkg",
    ]


def test_a_manifest_is_read_as_data(run_cli, write_tree, tmp_path: Path) -> None:
    """A manifest nested too deep to parse, or naming this build's own package another way
    (``./x``), deletes nothing and breaks nothing."""
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["decks"][0]["file"] = "./" + manifest["decks"][0]["file"]
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(out), "--no-cache")
    assert result.exit_code == 0 and "Deleted" not in result.stdout
    assert packages(out) == ["vision/01-Transformers.apkg"]
    (out / "manifest.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(out), "--no-cache")
    assert result.exit_code == 1  # no manifest the tool wrote: said, and left as it is
    assert "manifest.json: error" in result.stderr and "not written by ankipress" in result.stderr
    assert (out / "manifest.json").read_text(encoding="utf-8").startswith("[[[")


def test_an_unchanged_lock_of_the_first_name_is_written_under_the_new_one(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    assert run_cli("build", str(content), "-o", str(tmp_path / "o")).exit_code == 0
    lock = content / "ankipress.lock"
    data = lock.read_text(encoding="utf-8")
    old = data.replace('"ankipress_lock"', '"ankideck_lock"', 1)
    (content / "ankideck.lock").write_text(old, encoding="utf-8")
    lock.unlink()
    assert run_cli("build", str(content), "-o", str(tmp_path / "o2")).exit_code == 0
    assert lock.read_text(encoding="utf-8") == data


def test_the_first_names_note_type_setting_means_the_tools_own(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    assert run_cli("build", str(content), "-o", str(tmp_path / "a"), "--no-lock").exit_code == 0
    (content / "ankipress.yaml").write_text("note_type: ankideck\n", encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(tmp_path / "b"), "--no-lock", cwd=tmp_path)
    assert result.stderr == (
        "content/ankipress.yaml: warning[config]: note_type 'ankideck' is the tool's own, now "
        "named "
        "ankipress: delete the setting\n"
    )
    (a,), (b,) = (tmp_path / "a").rglob("*.apkg"), (tmp_path / "b").rglob("*.apkg")
    assert a.read_bytes() == b.read_bytes()


def test_a_lock_cannot_send_a_package_outside_the_output_folder(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Issue 17, case 1: the lock names no path the build writes to. A lock of the first
    format did (a removed note's package): that path is not taken, the package is computed;
    and a note's ``at`` outside the content folder is refused."""
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "o"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    header = '{"ankipress_lock":1,"note_type":{"hash":"","changed":0}}\n'
    entry = {"guid": "x", "book": "gone", "question": "q", "source": "gone.md"}
    entry |= {"hash": "0123456789abcdef", "changed": 1, "deck": [123, "Evil", str(victim)]}
    entry |= {"fields": ["Q", "A", "", "content/gone.md:3", ""]}
    (content / "ankipress.lock").write_text(header + json.dumps(entry) + "\n", encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert victim.read_text(encoding="utf-8") == "mine"
    assert "  content/gone.md:3: Q" in result.stdout  # retired, in a package of its own
    assert (out / "gone" / "removed-123.apkg").is_file()  # the deck id it gave, not its path
    assert '"at":"gone.md:3"' in (content / "ankipress.lock").read_text(encoding="utf-8")

    lock = (content / "ankipress.lock").read_text(encoding="utf-8")
    (content / "ankipress.lock").write_text(lock.replace("gone.md:3", "../victim.txt:3"))
    result = run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 1
    assert "its at '../victim.txt:3' is not a file:line inside the content folder" in (
        result.stderr
    )
    assert victim.read_text(encoding="utf-8") == "mine"


def test_another_folder_never_replaces_a_package_of_an_earlier_build(
    run_cli, tmp_path: Path
) -> None:
    # two notes folders, each with a notes.md, built one after the other into one folder
    for name, question in (("a", "What is A?"), ("b", "What is B?")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "notes.md").write_text(f"## {question}\n\nIt.\n", encoding="utf-8")
    first = run_cli("build", "a", "-o", "out", "--no-lock", cwd=tmp_path)
    assert first.exit_code == 0
    package = tmp_path / "out" / "notes.apkg"
    before = package.read_bytes()
    second = run_cli("build", "b", "-o", "out", "--no-lock", cwd=tmp_path)
    assert second.exit_code == 1
    assert (
        "b/notes.md: error[duplicate-output]: out/notes.apkg holds the cards of ../a/notes.md (an "
        "earlier build into this folder), not replaced" in second.output
    )
    assert package.read_bytes() == before
    # a folder renamed is no other folder: its book is gone, and the package is replaced
    (tmp_path / "a").rename(tmp_path / "a2")
    assert run_cli("build", "a2", "-o", "out", "--no-lock", cwd=tmp_path).exit_code == 0


def test_a_combined_package_of_two_folders_is_replaced_by_neither_alone(
    run_cli, tmp_path: Path
) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.md").write_text(f"## What is {name}?\n\nIt.\n", "utf-8")
    both = run_cli("build", "a", "b", "--combined", "-o", "out", "--no-lock", cwd=tmp_path)
    assert both.exit_code == 0
    for name, other in (("a", "b"), ("b", "a")):
        alone = run_cli("build", name, "--combined", "-o", "out", "--no-lock", cwd=tmp_path)
        assert alone.exit_code == 1
        assert f"holds the cards of ../{other}/{other}.md" in alone.output
        assert "title:" not in alone.output  # (the combined file's name is fixed)
