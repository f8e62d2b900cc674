"""The output folder holds what the tool wrote and the user's other files: a file of anyone
else's where the build writes, or an output folder inside the notes, stops the build before
it writes anything; a broken card template is the first thing said, and leaves the last
decks and preview as they were. Cards checked in the real Anki backend."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath

from ankipress.assemble.packageindex import PackageIndex
from ankipress.diagnostics import Diagnostic, Severity
from tests.ankitools import import_packages, notes, open_collection

BOOK = """\
# Vision

## 第一章 Transformers

<h2>1.What is attention?</h2>

Weights from softmax.

## 第二章 Patches

<h2>2.What is a patch?</h2>

A square of pixels.
"""
OTHER = "# Other\n\n## 第一章 Basics\n\n<h2>What is a tensor?</h2>\n\nAn array.\n"
MOVE = "nothing written; move it away or choose another output folder (-o)"


def error(path: str, message: str, code: str = "outside", line: int = 0) -> str:
    return str(Diagnostic(path, line, Severity.ERROR, message, code))


def warning(path: str, line: int, message: str, code: str) -> str:
    return str(Diagnostic(path, line, Severity.WARNING, message, code))


def snapshot(folder: Path) -> dict[str, tuple[bytes | str, int]]:
    """Every entry under ``folder`` (hidden ones too): its bytes (a link: where it leads)
    and modification time, not followed."""
    found: dict[str, tuple[bytes | str, int]] = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = (os.readlink(path), info.st_mtime_ns)
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = (path.read_bytes(), info.st_mtime_ns)
        else:
            found[path.relative_to(folder).as_posix() + "/"] = (b"", 0)
    return found


def package_paths(run_cli, content: Path, tmp_path: Path, *options: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The packages a build of ``content`` writes, as its manifest lists them (built into a
    folder of its own, with no lock)."""
    probe = tmp_path / "probe"
    result = run_cli("build", str(content), "-o", str(probe), "--no-lock", *options)
    assert result.exit_code == 0, result.output
    manifest = json.loads((probe / "manifest.json").read_text(encoding="utf-8"))
    return sorted({deck["file"] for deck in manifest["decks"]})


def test_a_manifest_not_written_by_the_tool_stops_the_build(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"name": "my web app", "icons": []}', encoding="utf-8")
    (out / "README.md").write_text("my own notes on these decks", encoding="utf-8")
    before = snapshot(out)
    result = run_cli("build", str(content), "-o", "out", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        error(
            "out/manifest.json",
            f"the build's manifest goes here, and this file was not written by ankipress: {MOVE}",
        )
        + "\n"
    )
    assert snapshot(out) == before  # no package, no cache folder, nothing replaced
    assert not (content / "ankipress.lock").exists()

    # moved away: the build writes its own, and the user's other file stays
    (out / "manifest.json").rename(tmp_path / "app-manifest.json")
    result = run_cli("build", str(content), "-o", "out", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (out / "README.md").read_text(encoding="utf-8") == "my own notes on these decks"
    col = open_collection(tmp_path / "anki")
    log = import_packages(col, sorted(out.rglob("*.apkg")))
    assert len(log.new) == 2 and not log.updated
    assert sorted(n.fields["Question"] for n in notes(col)) == [
        "What is a patch?",
        "What is attention?",
    ]


def test_a_cache_folder_not_made_by_the_tool_stops_the_build(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """A link where the cache folder goes (a repository may commit one): the build would
    keep its cache wherever it leads. Without the cache (--no-cache) it is in no way."""
    content = write_tree({"vision.md": BOOK})
    elsewhere, out = tmp_path / "elsewhere", tmp_path / "out"
    elsewhere.mkdir()
    out.mkdir()
    (out / ".ankipress-cache").symlink_to(elsewhere)
    before = snapshot(out)
    result = run_cli("build", str(content), "-o", "out", cwd=tmp_path)
    assert result.exit_code == 1
    message = (
        f"the build keeps its cache here, and this symlink was not written by ankipress: {MOVE}"
    )
    assert result.stderr == error("out/.ankipress-cache", message) + "\n"
    assert snapshot(out) == before and list(elsewhere.iterdir()) == []
    result = run_cli("build", str(content), "-o", "out", "--no-cache", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert list(elsewhere.iterdir()) == []


def test_a_manifest_of_an_earlier_version_is_the_tools_own(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """The first manifests had no ``book`` and were indented: still the tool's, and the
    packages they list (with the bytes they have) are replaced and pruned as before."""
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out), "--no-cache").exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for deck in manifest["decks"]:
        del deck["book"]
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (content / "vision.md").write_text(BOOK.replace("softmax", "a softmax"), encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(out), "--no-cache")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_a_package_not_written_by_the_tool_where_a_deck_goes_stops_the_build(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    first, second = package_paths(run_cli, content, tmp_path)
    out = tmp_path / "out"
    (out / first).parent.mkdir(parents=True)
    (out / first).write_bytes(b"a deck of the user's own, exported from Anki")
    (out / "other.apkg").write_bytes(b"another deck of the user's own")  # no deck's path
    (out / "README.md").write_text("mine", encoding="utf-8")
    before = snapshot(out)
    result = run_cli("build", str(content), "-o", "out", cwd=tmp_path)
    assert result.exit_code == 1
    message = (
        f"a package of this build goes here, and this file was not written by ankipress: {MOVE}"
    )
    assert result.stderr == error(f"out/{first}", message) + "\n"
    assert snapshot(out) == before  # nothing written, not even the cache folder
    assert not (content / "ankipress.lock").exists()

    # one package of them all: the same
    (out / "all-decks.apkg").symlink_to(out / "other.apkg")
    before = snapshot(out)
    result = run_cli("build", str(content), "-o", "out", "--combined", cwd=tmp_path)
    assert result.exit_code == 1
    message = message.replace("this file", "this symlink")
    assert result.stderr == error("out/all-decks.apkg", message) + "\n"
    assert snapshot(out) == before

    # moved away: the build writes its packages, and leaves the user's other files
    (out / first).unlink()
    (out / "all-decks.apkg").unlink()
    result = run_cli("build", str(content), "-o", "out", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.apkg")) == sorted(
        [first, second, "other.apkg"]
    )
    assert (out / "other.apkg").read_bytes() == b"another deck of the user's own"
    col = open_collection(tmp_path / "anki")
    assert len(import_packages(col, [out / first, out / second]).new) == 2


def test_rebuilds_replace_and_prune_only_the_tools_own_packages(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """The normal cases: a first build into a missing folder, a rebuild, --combined switched
    on and off, with and without the cache; a folder holding only a ``.gitkeep``."""
    content = write_tree({"vision.md": BOOK, "other.md": OTHER})
    out = tmp_path / "out"
    steps = [(), (), ("--combined",), (), ("--combined", "--no-cache"), ("--no-cache",)]
    for step, options in enumerate(steps):
        (content / "other.md").write_text(OTHER.replace("array", f"array {step}"), "utf-8")
        result = run_cli("build", str(content), "-o", str(out), *options, epoch=1_000 + step)
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
    wanted = package_paths(run_cli, content, tmp_path)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.apkg")) == wanted
    col = open_collection(tmp_path / "anki")
    log = import_packages(col, sorted(out.rglob("*.apkg")))
    assert len(log.new) == 3
    assert "<p>An array 5.</p>" in {n.fields["Answer"] for n in notes(col)}

    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / ".gitkeep").write_bytes(b"")
    assert run_cli("build", str(content), "-o", str(kept)).exit_code == 0
    assert (kept / ".gitkeep").is_file()


def test_a_package_a_stopped_build_wrote_is_its_own(run_cli, write_tree, tmp_path: Path) -> None:
    """A build killed while writing packages has written some, and no manifest: the package
    index said, before they were written, which they are (here: as the killed build left
    it, a package of other bytes at a claimed path)."""
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    first = PurePosixPath(package_paths(run_cli, content, tmp_path)[0])
    PackageIndex(out, enabled=True).claim([first])
    (out / first).write_bytes(b"half of a build's new package")
    result = run_cli("build", str(content), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (out / first).read_bytes() != b"half of a build's new package"


def test_a_build_with_errors_keeps_listing_the_packages_it_leaves(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """A file whose front matter is broken keeps its packages, and the manifest keeps
    vouching for them: the next build, without a cache (a fresh clone's), replaces them."""
    content = write_tree({"vision.md": BOOK, "other.md": OTHER})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out), "--no-cache").exit_code == 0
    listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["decks"]
    (content / "other.md").write_text("---\ntitle: [\n---\n" + OTHER, encoding="utf-8")
    (content / "vision.md").write_text(BOOK.replace("softmax", "a softmax"), encoding="utf-8")
    assert run_cli("build", str(content), "-o", str(out), "--no-cache").exit_code == 1
    now = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["decks"]
    assert [d for d in now if d["book"] == "../content/other.md"] == [
        d for d in listed if d["book"] == "../content/other.md"
    ]
    (content / "other.md").write_text(OTHER.replace("array", "array, fixed"), encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(out), "--no-cache")
    assert result.exit_code == 0, result.output
    col = open_collection(tmp_path / "anki")
    import_packages(col, sorted(out.rglob("*.apkg")))
    assert "<p>An array, fixed.</p>" in {n.fields["Answer"] for n in notes(col)}


def test_an_output_folder_holding_the_notes_is_refused(run_cli, tmp_path: Path) -> None:
    """Decks written among the notes mix into them; a folder of their own inside a notes
    folder (``decks/`` in a vault at the repository's top) holds no notes, and builds."""
    notes_folder = tmp_path / "notes"
    (notes_folder / "topics").mkdir(parents=True)
    (notes_folder / "topics" / "vision.md").write_text(BOOK, encoding="utf-8")
    message = (
        "the output folder holds notes this build reads (notes/topics/vision.md): the decks "
        "would be mixed into the notes; nothing written: choose an output folder (-o) that "
        "holds no notes, such as decks/ beside them"
    )
    for out in ("notes", "notes/topics"):
        result = run_cli("build", "notes", "-o", out, cwd=tmp_path)
        assert (result.exit_code, result.stderr) == (1, error(out, message) + "\n")
        assert result.stdout == f"Nothing written to {out}/ (the errors above say why)\n"
        assert sorted(p.name for p in notes_folder.rglob("*")) == ["topics", "vision.md"]
    result = run_cli("build", ".", "-o", ".", cwd=notes_folder)
    assert result.exit_code == 1
    assert "topics/vision.md): the decks would be mixed" in result.stderr
    assert sorted(p.name for p in notes_folder.rglob("*")) == ["topics", "vision.md"]

    result = run_cli("build", ".", "-o", "decks", cwd=notes_folder)  # a vault's own decks/
    assert result.exit_code == 0, result.output
    assert (notes_folder / "decks" / "topics" / "vision" / "01-Transformers.apkg").is_file()
    again = run_cli("build", ".", "-o", "decks", cwd=notes_folder)
    assert again.exit_code == 0 and "from 1 file into decks/" in again.output  # decks/ holds none


def test_the_default_output_folder_beside_the_notes_is_not_inside_them(
    run_cli, tmp_path: Path
) -> None:
    """``content/`` -> ``decks/`` from the repository's top, as ``python build_deck.py``;
    ``build .`` from above a notes folder with its lock (the notes root is that folder);
    and a settings file at the top: the folder given is ``content``, ``decks`` no part."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "content").mkdir()
    (tmp_path / "content/vision.md").write_text(BOOK, encoding="utf-8")
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks/.gitkeep").write_bytes(b"")
    result = run_cli("-q", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "content/ankipress.lock").is_file()
    assert len(list((tmp_path / "decks").rglob("*.apkg"))) == 2
    assert run_cli("build", ".", "-q", cwd=tmp_path).exit_code == 0
    (tmp_path / "content/ankipress.lock").rename(tmp_path / "ankipress.lock")
    (tmp_path / "ankipress.yaml").write_text("title: Vision\n", encoding="utf-8")
    result = run_cli("build", "-q", cwd=tmp_path)
    assert result.exit_code == 0, result.output


TEMPLATE_ERROR = (
    "{{Bogus}} names no field of the note type (fields: Question, Answer, Context, Source, "
    "Extra; or FrontSide, Tags, Type, Deck, Subdeck, Card, CardFlag, CardID)"
)


def templated(write_tree, tmp_path: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """``content``, with templates of its own (and a note type of their own) and a file
    whose images are missing; and ``other``, a notes folder of the default templates."""
    content = write_tree(
        {
            "a.md": "".join(
                f"<h2>What is {n}?</h2>\n\n![plot](missing-{n}.png)\n\n" for n in range(3)
            ),
            "vision.md": BOOK,
            "ankipress.yaml": "templates: tpl\nnote_type: Vision cards\n",
            "tpl/front.html": "<div>{{Question}}</div>\n",
            "tpl/back.html": "{{FrontSide}}<hr id=answer>{{Answer}}\n",
            "tpl/style.css": ".card { color: black; }\n",
        }
    )
    other = tmp_path / "other"
    other.mkdir()
    (other / "other.md").write_text(OTHER, encoding="utf-8")
    return content, other


def break_template(content: Path) -> str:
    (content / "tpl/front.html").write_text("<div>{{Question}}</div>\n{{Bogus}}\n", "utf-8")
    return error("content/tpl/front.html", TEMPLATE_ERROR, "templates", line=2)


def test_errors_are_said_before_warnings(run_cli, write_tree, tmp_path: Path) -> None:
    """A broken template is said first, not under a page of warnings of files that sort
    before it; the errors in file and line order, then the warnings."""
    content, _ = templated(write_tree, tmp_path)
    (content / "zz.md").write_text("<h2>What is z?</h2>\n\n" + "z " * 1000, encoding="utf-8")
    template_error = break_template(content)
    result = run_cli("build", "content", "-o", "out", "--note-limit", "1KB", cwd=tmp_path)
    assert result.exit_code == 1
    too_large = "note file is 2.02 KB, over the 1 KB limit (--note-limit); not built"
    assert result.stderr.splitlines() == [
        template_error,
        error("content/zz.md", too_large, "size"),
        *(
            warning("content/a.md", 3 + 4 * n, f"image 'missing-{n}.png' not found", "image")
            for n in range(3)
        ),
    ]
    quiet = run_cli("build", "content", "-o", "out", "-q", cwd=tmp_path)
    assert quiet.exit_code == 1 and quiet.stderr == template_error + "\n"


def test_a_broken_template_leaves_the_last_decks_as_they_were(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Its folder's packages, their entries in the manifest, and its lock, byte for byte;
    another notes folder built with it is written as ever."""
    content, other = templated(write_tree, tmp_path)
    out = tmp_path / "out"
    built = run_cli("build", "content", "other", "-o", "out", cwd=tmp_path, epoch=1_000_000)
    assert built.exit_code == 0, built.output
    col = open_collection(tmp_path / "anki")
    assert len(import_packages(col, sorted(out.rglob("*.apkg"))).new) == 6
    decks = snapshot(out)
    lock = (content / "ankipress.lock").read_bytes()
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["decks"]
    mine = [d for d in entries if d["book"].startswith("../content/")]

    template_error = break_template(content)
    (content / "vision.md").write_text(BOOK.replace("softmax", "a softmax"), encoding="utf-8")
    (other / "other.md").write_text(OTHER.replace("array", "n-d array"), encoding="utf-8")
    broken = run_cli("build", "content", "other", "-o", "out", cwd=tmp_path, epoch=2_000_000)
    assert broken.exit_code == 1
    assert broken.stderr.splitlines()[0] == template_error
    assert (content / "ankipress.lock").read_bytes() == lock
    again = snapshot(out)
    assert {d["file"]: again[d["file"]] for d in mine} == {
        d["file"]: decks[d["file"]] for d in mine
    }
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["decks"]
    assert [d for d in entries if d["book"].startswith("../content/")] == mine
    log = import_packages(col, sorted(out.rglob("*.apkg")))
    assert len(log.updated) == 1 and not log.new  # the other folder's changed note only
    assert "<p>An n-d array.</p>" in {n.fields["Answer"] for n in notes(col)}

    # alone, it writes nothing at all
    decks = snapshot(out)
    assert run_cli("build", "content", "-o", "out", cwd=tmp_path).exit_code == 1
    assert snapshot(out) == decks


def test_a_broken_template_leaves_the_last_preview_as_it_was(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content, _ = templated(write_tree, tmp_path)
    site = tmp_path / "site"
    assert run_cli("preview", "content", "other", "-o", "site", cwd=tmp_path).exit_code == 0
    assert len(list(site.glob("deck-*.html"))) == 4
    pages = snapshot(site)
    template_error = break_template(content)
    preview = run_cli("preview", "content", "other", "-o", "site", cwd=tmp_path)
    assert preview.exit_code == 1
    assert preview.stderr.splitlines()[0] == template_error
    assert preview.stdout == "No preview written: site/ is as it was (the errors above say why)\n"
    assert snapshot(site) == pages
