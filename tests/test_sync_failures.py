"""``ankipress sync`` when Anki cannot be reached or refuses: one line saying what to do,
exit status 3, and nothing moved or retired; and when the output folder holds a package
the build did not make: nothing imported."""

from __future__ import annotations

import os
import socket
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import pytest
from anki.collection import Collection

from tests.ankiconnect_standin import StandIn
from tests.synctools import cards, synced
from tests.test_sync import BOOK, FIRST

ADD_ON = "the AnkiConnect add-on (code 2055492159)"
UPDATE = "update it: Tools > Add-ons > Check for Updates, then restart Anki"


@pytest.fixture
def standin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    found = StandIn(tmp_path / "anki-desktop")
    yield found
    found.close()


def _sync(run_cli, content: Path, *args: str):
    return run_cli("sync", str(content), "-o", str(content.parent / "decks"), *args)


def _refused(result, line: str) -> None:
    assert result.exit_code == 3, result.output
    assert result.stderr.splitlines()[-1] == line
    assert result.stdout == ""


def test_anki_not_running(run_cli, write_tree) -> None:
    content = write_tree({"vision.md": BOOK})
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = _sync(run_cli, content, "--anki-connect", f"http://127.0.0.1:{port}")
    _refused(
        result,
        f"error: cannot reach AnkiConnect at http://127.0.0.1:{port} (connection refused): "
        f"start Anki with {ADD_ON}, or sync into a closed collection with --collection PATH",
    )
    assert not (content.parent / "decks").exists()  # Anki is asked first: nothing built


def test_something_else_on_the_port(run_cli, write_tree, standin: StandIn) -> None:
    standin.not_anki = True
    result = _sync(run_cli, write_tree({"vision.md": BOOK}), "--anki-connect", standin.url)
    _refused(
        result,
        f"error: {standin.url} answered, but not as AnkiConnect does (HTTP 404): "
        f"is {ADD_ON} installed, and listening there?",
    )


def test_an_old_add_on(run_cli, write_tree, standin: StandIn) -> None:
    content = write_tree({"vision.md": BOOK})
    standin.api_version = 5
    _refused(
        _sync(run_cli, content, "--anki-connect", standin.url),
        f"error: AnkiConnect at {standin.url} speaks version 5 of its API; ankipress needs 6: "
        + UPDATE,
    )
    standin.api_version, standin.old = 6, True
    _refused(
        _sync(run_cli, content, "--anki-connect", standin.url),
        f"error: AnkiConnect at {standin.url} has no action 'notesModTime': the add-on is too "
        f"old; {UPDATE}",
    )
    assert "importPackage" not in standin.calls


def test_an_api_key_refused(run_cli, write_tree, standin: StandIn, monkeypatch) -> None:
    content = write_tree({"vision.md": BOOK})
    standin.api_key = "s3cret"
    how = (
        "give the key of the add-on's config (Tools > Add-ons > AnkiConnect > Config, "
        "apiKey) with --api-key or ANKIPRESS_API_KEY"
    )
    _refused(
        _sync(run_cli, content, "--anki-connect", standin.url),
        f"error: AnkiConnect at {standin.url} refused the API key (it needs one): {how}",
    )
    _refused(
        _sync(run_cli, content, "--anki-connect", standin.url, "--api-key", "guess"),
        f"error: AnkiConnect at {standin.url} refused the API key (the key is wrong): {how}",
    )
    monkeypatch.setenv("ANKIPRESS_API_KEY", "s3cret")
    assert _sync(run_cli, content, "--anki-connect", standin.url).exit_code == 0


def test_a_timeout(run_cli, write_tree, standin: StandIn) -> None:
    standin.delay = 1.5
    result = _sync(
        run_cli, write_tree({"vision.md": BOOK}), "--anki-connect", standin.url, "--timeout", "1"
    )
    _refused(
        result,
        f"error: AnkiConnect at {standin.url} did not answer version within 1 s: is a dialog "
        "open in Anki? Close it, or give more time with --timeout",
    )


def test_a_failed_import_moves_and_retires_nothing(run_cli, write_tree, standin: StandIn) -> None:
    content = write_tree({"vision.md": BOOK})
    target = ["--anki-connect", standin.url]
    assert _sync(run_cli, content, *target).exit_code == 0
    text = BOOK.replace("第一章 Transformers", "第一章 Attention")
    text = text.replace("### 2. What is a patch?\n\nA square of pixels, flattened.\n\n", "")
    (content / "vision.md").write_text(text, encoding="utf-8")
    standin.failing_import = standin.calls.count("importPackage") + 2  # this sync's second
    result = _sync(run_cli, content, *target)
    _refused(
        result,
        f"error: AnkiConnect at {standin.url} (profile 'User 1'): importPackage failed: "
        "Import failed: 02-Diffusion.apkg could not be read",
    )
    assert not {"changeDeck", "suspend", "addTags", "deleteNotes"} & set(standin.calls)
    assert not list((content.parent / "decks").glob(".ankipress-sync-*"))  # its copies gone
    with standin.collection() as col:
        assert {
            c.deck for q in ("What is attention?", "What is a patch?") for c in cards(col, q)
        } == {FIRST}
        assert not cards(col, "What is a patch?")[0].suspended


def test_a_collection_open_in_anki(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    path = tmp_path / "profile" / "collection.anki2"
    path.parent.mkdir()
    held = Collection(str(path))  # as Anki holds its collection while it runs
    try:
        result = _sync(run_cli, content, "--collection", str(path))
    finally:
        held.close()
    _refused(
        result,
        f"{path}: error: the collection is open in Anki: close Anki (or sync through "
        "AnkiConnect, without --collection) and try again",
    )
    with closing(sqlite3.connect(path)) as db:
        assert db.execute("select count() from notes").fetchone() == (0,)


def test_a_collection_of_a_newer_anki_is_left_as_it_is(run_cli, write_tree, tmp_path: Path) -> None:
    path = tmp_path / "collection.anki2"
    Collection(str(path)).close()
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("update col set ver = 99")
    before = path.read_bytes()
    result = _sync(run_cli, write_tree({"vision.md": BOOK}), "--collection", str(path))
    _refused(
        result,
        f"{path}: error: a newer Anki wrote this collection than the anki package here "
        "knows: pip install --upgrade anki (nothing was written)",
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (None, "no Anki collection there (Anki keeps one per profile, "
               "as collection.anki2 in its profile folder)"),
        (b"just some text\n", "not an Anki collection (not an SQLite file)"),
        (b"", "not an Anki collection (not an SQLite file)"),
    ],
)  # fmt: skip
def test_no_collection_there(run_cli, write_tree, tmp_path: Path, data, why) -> None:
    path = tmp_path / "collection.anki2"
    if data is not None:
        path.write_bytes(data)
    result = _sync(run_cli, write_tree({"vision.md": BOOK}), "--collection", str(path))
    _refused(result, f"{path}: error: {why}")
    assert (path.read_bytes() == data) if data is not None else not path.exists()


def test_an_empty_sqlite_file_is_no_collection(run_cli, write_tree, tmp_path: Path) -> None:
    path = tmp_path / "collection.anki2"
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("create table other (x)")
    before = path.read_bytes()
    result = _sync(run_cli, write_tree({"vision.md": BOOK}), "--collection", str(path))
    _refused(result, f"{path}: error: not an Anki collection (no such table: col)")
    assert path.read_bytes() == before


def test_without_the_anki_package(run_cli, write_tree, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "anki.collection", None)  # import fails, as uninstalled
    result = _sync(run_cli, write_tree({"vision.md": BOOK}), "--collection", str(tmp_path / "c"))
    _refused(result, "error: --collection needs the anki package: pip install 'anki>=25.2'")


def test_both_ways_in_at_once_is_a_usage_error(run_cli, write_tree, tmp_path: Path) -> None:
    result = _sync(
        run_cli, write_tree({"vision.md": BOOK}), "--anki-connect", "http://x", "--collection", "c"
    )
    assert result.exit_code == 2
    assert "--anki-connect and --collection exclude each other" in result.output


def test_a_sync_after_a_failure_finishes_the_work(run_cli, write_tree, standin: StandIn) -> None:
    content = write_tree({"vision.md": BOOK})
    target = ["--anki-connect", standin.url]
    assert _sync(run_cli, content, *target).exit_code == 0
    (content / "vision.md").write_text(BOOK.replace("Transformers", "Attention"), encoding="utf-8")
    standin.failing_import = standin.calls.count("importPackage") + 1
    assert _sync(run_cli, content, *target).exit_code == 3
    done = synced(run_cli, content, _Args(target), epoch=2_000_000)
    assert done["totals"]["moved"] == 2 and done["removed_decks"] == [FIRST]


class _Args:
    def __init__(self, args: list[str]) -> None:
        self.args = args


@pytest.mark.parametrize("how", ["replaced", "symlink", "in place"])
def test_a_package_changed_in_the_output_folder_is_never_imported(
    run_cli, write_tree, standin: StandIn, tmp_path: Path, how: str
) -> None:
    """Other bytes of the same size where the build left a package: a file put in its
    place (a checkout, a symlink) is not the tool's, and stops the build; one rewritten in
    place with its times kept, which the build cannot tell, is refused by the sync, which
    imports only the bytes the build wrote. Either way nothing is imported."""
    content = write_tree({"vision.md": BOOK})
    assert run_cli("build", str(content), "-o", str(content.parent / "decks")).exit_code == 0
    package = next((content.parent / "decks").rglob("01-*.apkg"))
    built, times = package.read_bytes(), package.stat()
    other = tmp_path / "other.apkg"
    other.write_bytes(built[::-1])  # other bytes, the same size
    if how == "in place":
        with package.open("r+b") as f:
            f.write(other.read_bytes())
        os.utime(package, ns=(times.st_atime_ns, times.st_mtime_ns))
    else:
        package.unlink()
        package.symlink_to(other) if how == "symlink" else package.write_bytes(other.read_bytes())
    result = _sync(run_cli, content, "--anki-connect", standin.url)
    if how != "in place":
        assert result.exit_code == 1, result.output
        assert f"{package}: error" in result.stderr and "not written by ankipress" in result.stderr
        assert package.read_bytes() == other.read_bytes()
        assert package.is_symlink() == (how == "symlink")
        assert "importPackage" not in standin.calls
        return
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"{package}: error: not the package this build made (it changed since); nothing "
        "was imported: delete it, then sync again"
    )
    assert "importPackage" not in standin.calls
    assert not list((content.parent / "decks").glob(".ankipress-sync-*"))


def test_a_failed_first_sync_after_importing_by_hand_is_finished_by_the_next(
    run_cli, write_tree, standin: StandIn, tmp_path: Path
) -> None:
    """The build wrote its lock (the old deck no longer in it) before the import failed:
    the record written before any import still says which deck the cards leave."""
    from tests.ankitools import import_packages

    content = write_tree({"vision.md": BOOK})
    built = run_cli("build", str(content), "-o", str(tmp_path / "by-hand"), epoch=1_000_000)
    assert built.exit_code == 0, built.output
    with standin.collection() as col:
        import_packages(col, sorted((tmp_path / "by-hand").rglob("*.apkg")))
    (content / "vision.md").write_text(BOOK.replace("Transformers", "Attention"), encoding="utf-8")
    standin.failing_import = 1
    assert _sync(run_cli, content, "--anki-connect", standin.url).exit_code == 3
    done = synced(run_cli, content, _Args(["--anki-connect", standin.url]), epoch=2_000_000)
    assert done["totals"]["moved"] == 2 and done["removed_decks"] == [FIRST]
    assert done["elsewhere"] == []
