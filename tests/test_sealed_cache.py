"""The cache in the output folder is untrusted like the rest of it (issue 17): a repository
may commit its ``decks/.ankipress-cache``. Unpickling runs code, and a cached outcome holds
cards already sanitised: nothing there is loaded unless sealed with this user's key."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from tests.apkgdump import dump_package

BOOK = "# Vision\n\n## What is a patch?\n\nA square of pixels.\n"


class Evil:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.mkdir, (self.marker,))


def test_a_committed_cache_runs_nothing_and_vouches_for_nothing(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "decks"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    marker = tmp_path / "ran"
    cache = out / ".ankipress-cache"
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    assert files
    for path in files:  # each replaced by a pickle that runs code, as a repository could
        path.write_bytes(pickle.dumps(Evil(str(marker))))
    (package,) = sorted(out.rglob("*.apkg"))
    package.write_bytes(b"committed by the repository")  # and its own package
    result = run_cli("build", str(content), "-o", str(out))
    assert result.exit_code == 1  # the index vouches for nothing: not the tool's, not replaced
    assert f"{package}: error" in result.stderr and "not written by ankipress" in result.stderr
    assert package.read_bytes() == b"committed by the repository"
    assert not marker.exists()
    package.unlink()
    result = run_cli("build", str(content), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert not marker.exists()
    assert [n["fields"][:2] for n in dump_package(package)["notes"]] == [
        ["What is a patch?", "<p>A square of pixels.</p>"]
    ]


def test_a_cache_sealed_by_another_key_is_not_read(run_cli, write_tree, tmp_path: Path) -> None:
    """A repository commits its decks and its cache, whose index vouches for a package it
    then replaced with bytes of the same size: the build does not take its word."""
    from ankipress.assemble import sealed

    content = write_tree({"vision.md": BOOK})
    assert run_cli("build", str(content), "-o", str(tmp_path / "clean")).exit_code == 0
    (good,) = [p.read_bytes() for p in sorted((tmp_path / "clean").rglob("*.apkg"))]
    out = tmp_path / "decks"
    mine = sealed._key()
    home = os.environ["XDG_CACHE_HOME"]
    try:  # built by another user, whose key sealed the cache
        sealed._key.cache_clear()
        os.environ["XDG_CACHE_HOME"] = str(tmp_path / "other")
        assert sealed._key() != mine
        assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    finally:
        os.environ["XDG_CACHE_HOME"] = home
        sealed._key.cache_clear()
    assert sealed._key() == mine
    (package,) = sorted(out.rglob("*.apkg"))
    assert package.read_bytes() == good
    package.write_bytes(b"\0" * len(good))  # the size the index recorded
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 1  # not the tool's
    assert package.read_bytes() == b"\0" * len(good)


def test_a_cache_folder_that_is_a_symlink_is_not_written_or_emptied_through(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "decks"
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "lock-x").mkdir(parents=True)
    (elsewhere / "keep.pickle").write_bytes(b"mine")
    out.mkdir()
    (out / ".ankipress-cache").symlink_to(elsewhere)
    result = run_cli("build", str(content), "-o", str(out))
    assert result.exit_code == 1  # not the tool's folder: said, and nothing written
    assert "not written by ankipress" in result.stderr
    assert not list(out.rglob("*.apkg"))
    for _ in range(2):
        result = run_cli("build", str(content), "-o", str(out), "--no-cache")
        assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == [
        "keep.pickle",
        "lock-x",
    ]
    assert len(sorted(out.rglob("*.apkg"))) == 1


def test_a_cache_file_that_is_a_fifo_or_a_link_is_not_opened(write_tree, tmp_path: Path) -> None:
    """A repository may commit ``decks/.ankipress-cache/packages.pickle`` as a FIFO or a
    link to ``/dev/stdin``: opening either would wait for ever."""
    import subprocess
    import sys

    from tests.conftest import REPO

    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "decks"
    command = [sys.executable, str(REPO / "build_deck.py"), "build", str(content), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    cache = out / ".ankipress-cache"
    index = cache / "packages.pickle"
    index.unlink()
    os.mkfifo(index)
    states = sorted(cache.glob("lock-*/*.pickle"))
    for state in states:
        state.unlink()
        state.symlink_to("/dev/stdin")
    (content / "vision.md").write_text(BOOK.replace("pixels", "bytes"), encoding="utf-8")
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=60, stdin=subprocess.PIPE
    )
    assert done.returncode == 0, done.stderr
    (package,) = sorted(out.rglob("*.apkg"))
    assert dump_package(package)["notes"][0]["fields"][1] == "<p>A square of bytes.</p>"


def test_a_package_put_in_the_place_of_ones_own_is_not_taken_for_it(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """This user's own index vouches for a package: a pull or a copy that puts other bytes
    of the same size in its place (another file, or a symlink to one) is not the tool's:
    the build stops, and leaves it; once it is moved away, the package is written anew."""
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "decks"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    (package,) = sorted(out.rglob("*.apkg"))
    good = package.read_bytes()
    other = tmp_path / "theirs.apkg"
    other.write_bytes(good[::-1])
    for place in (
        lambda: package.write_bytes(other.read_bytes()),
        lambda: package.symlink_to(other),
    ):
        package.unlink()
        place()
        assert run_cli("build", str(content), "-o", str(out)).exit_code == 1
        assert package.read_bytes() == good[::-1]
        package.unlink()
        assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
        assert package.read_bytes() == good and not package.is_symlink()


def test_a_cache_of_another_version_is_a_miss_not_an_error(run_cli, tmp_path: Path) -> None:
    """A version whose classes moved (``ankipress.build`` became ``ankipress.assemble``)
    left pickles naming a module there is no more: the next build reads the notes again."""
    from ankipress.assemble.sealed import seal_pickled

    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("## What is x?\n\nX.\n", encoding="utf-8")
    out = tmp_path / "decks"
    assert run_cli("build", str(content), "-o", str(out)).exit_code == 0
    moved = b"cankipress.build.filestage\nFileOutcome\n."  # a class of the old module
    try:
        pickle.loads(moved)
    except ModuleNotFoundError:
        pass
    else:
        raise AssertionError("the module is there")
    cached = [p for p in (out / ".ankipress-cache").rglob("*") if p.is_file()]
    assert cached
    for path in cached:
        path.write_bytes(seal_pickled(moved))
    (content / "a.md").write_text("## What is x?\n\nX, again.\n", encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output
