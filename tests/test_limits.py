"""Issue 17, cases 14 and 15: a killed build leaves nothing the next one does not clear, its
workers end with it; a note file or an image over its size limit is a diagnostic, never a
build that eats the machine's memory."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.apkgdump import dump_package
from tests.conftest import PYTHON, REPO
from tests.test_hostile_inputs import packages_in

GOOD = "## Why?\n\nBecause.\n"
PNG = b"\x89PNG\r\n\x1a\n"


def build(run_cli, root: Path, tmp_path: Path, *more: str) -> tuple[int, list[str], list[Path]]:
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), *more, cwd=tmp_path)
    assert "internal error" not in result.output and "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines(), packages_in(tmp_path / "out")


def sparse(path: Path, head: bytes, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk: ``head``, then a hole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        f.write(head)
        f.truncate(size)
    return path


def dead_pid() -> int:
    """The pid of a process that has ended."""
    done = subprocess.Popen([PYTHON, "-c", "pass"])
    done.wait()
    return done.pid


# Case 14: temporary files --------------------------------------------------------------


def test_a_temporary_file_is_named_with_the_tools_pattern_and_its_pid(tmp_path: Path) -> None:
    from ankipress.atomic import replacing

    target = tmp_path / "folder" / "file.bin"
    with replacing(target) as f:
        f.write(b"data")
        (name,) = os.listdir(target.parent)
    assert re.fullmatch(rf"\.ankipress-{os.getpid()}-[0-9a-f]{{8}}\.tmp", name)
    assert os.listdir(target.parent) == ["file.bin"] and target.read_bytes() == b"data"


def test_a_build_removes_the_stale_temporary_files_a_killed_build_left(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """A killed build's temporary files (its pid gone, or unchanged for long) in the
    content folder and in the output folder's go, with the folder of a package pruned; a
    running build's stay, and so does anything else: a symlink of the same name, a file
    of another name."""
    chaptered = "# A\n\n## Chapter 1 Basics\n\n### Why?\n\nBecause.\n"  # out/a/01-Basics.apkg
    root = write_tree({"a.md": chaptered, "c.md": GOOD})
    out = tmp_path / "out"
    assert build(run_cli, root, tmp_path)[0] == 0
    (root / "c.md").unlink()
    assert build(run_cli, root, tmp_path)[0] == 0  # its note retired: the next build prunes
    gone, alive = dead_pid(), subprocess.Popen([PYTHON, "-c", "import time; time.sleep(60)"])
    try:
        outside = tmp_path / "private.txt"
        outside.write_text("mine")
        stale = [
            root / f".ankipress-{gone}-0123abcd.tmp",
            out / f".ankipress-{gone}-0123abcd.tmp",
            out / "a" / f".ankipress-{gone}-4567abcd.tmp",
            out / ".ankipress-cache" / "files" / f".ankipress-{gone}-89abcdef.tmp",
            out / "c" / f".ankipress-{gone}-0123abcd.tmp",
            root / f".ankipress-{alive.pid}-00000000.tmp",  # long unchanged
            root / ".ankipress-k3j_x9q2",  # an earlier version's name, long unchanged
        ]
        kept = [
            root / f".ankipress-{alive.pid}-11111111.tmp",  # a build still writing it
            out / "a" / f".ankipress-{alive.pid}-22222222.tmp",
            root / ".ankipress-zz_x9q2a",  # an earlier version's name, written just now
            root / ".ankipress-settings",  # someone's own file of such a name, long unchanged
            root / ".ankipress-notes.txt",  # not the tool's
        ]
        for path in stale + kept:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"")
        old = time.time() - 2 * 3600  # ten minutes unchanged make a file stale
        (root / ".ankipress-settings").write_bytes(b"mine")
        for path in [*stale[-2:], root / ".ankipress-settings"]:
            os.utime(path, (old, old))
        link = root / f".ankipress-{gone}-33333333.tmp"
        link.symlink_to(outside)
        if shutil.which("git"):
            subprocess.run(["git", "init", "-q", str(root)], check=True)
        code, errors, packages = build(run_cli, root, tmp_path)
        assert (code, errors, len(packages)) == (0, [], 1)
        assert [p for p in stale if p.exists()] == []
        assert [p for p in kept if not p.exists()] == []
        assert link.is_symlink() and outside.read_text() == "mine"
        assert not (out / "c").exists()
        if shutil.which("git"):
            status = subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=all"],
                cwd=root,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            assert [p.name for p in stale if p.name in status] == []
    finally:
        alive.kill()
        alive.wait()


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie, waiting to be reaped, is not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one CPU: a build starts no workers")
def test_a_killed_builds_workers_end_and_the_next_build_leaves_no_litter(tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    questions = "".join(
        f"## Question {i}?\n\nAnswer **{i}**, `code`, $x^2$.\n\n" for i in range(300)
    )
    for n in range(40):
        (root / f"n{n:02}.md").write_text(f"# Book {n}\n\n{questions}", encoding="utf-8")
    command = [PYTHON, "build_deck.py", "-q", str(root), "-o", str(tmp_path / "out")]
    started = subprocess.Popen([*command, "--no-cache"], cwd=REPO)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while not workers and started.poll() is None and time.monotonic() < deadline:
            workers = _children(started.pid)
            time.sleep(0.01)
        assert workers, "the build started no workers"
        os.kill(started.pid, signal.SIGKILL)
        started.wait()
        deadline = time.monotonic() + 5
        while any(map(_running, workers)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in workers if _running(pid)] == []
    finally:
        for pid in workers:
            if _running(pid):
                os.kill(pid, signal.SIGKILL)
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    litter = [
        os.path.join(folder, name)
        for folder in (root, *(f for f, _, _ in os.walk(tmp_path / "out")))
        for name in os.listdir(folder)
        if name.startswith(".ankipress-") and name.endswith(".tmp")
    ]
    assert litter == []


# Case 15: size limits ------------------------------------------------------------------


def test_an_image_over_the_limit_is_not_packaged(run_cli, write_tree, tmp_path: Path) -> None:
    """A 2.5 GB image (a sparse file: no disk, and never read) is a warning, shown on its
    card as a missing image; the other files build."""
    root = write_tree({"a.md": "## What?\n\n![a plot](big.png)\n\nText.\n", "b.md": GOOD})
    sparse(root / "big.png", PNG, 2_500_000_000)
    code, errors, packages = build(run_cli, root, tmp_path)
    assert code == 0 and len(packages) == 2
    assert errors == [
        "content/a.md:3: warning[size]: image 'big.png' is 2.5 GB, over the 20 MB limit "
        "(--image-limit); not packaged"
    ]
    (note,) = dump_package(tmp_path / "out" / "a.apkg")["notes"]
    assert '<span class="missing-image">a plot</span>' in note["fields"][1]
    with zipfile.ZipFile(tmp_path / "out" / "a.apkg") as archive:
        assert archive.namelist() == ["collection.anki2", "media"]


def test_the_image_limit_is_an_option(run_cli, write_tree, tmp_path: Path) -> None:
    root = write_tree({"a.md": "## What?\n\n![a plot](plot.png)\n\nText.\n"})
    (root / "plot.png").write_bytes(PNG + bytes(2000))
    code, errors, _ = build(run_cli, root, tmp_path, "--image-limit", "1KB")
    assert code == 0
    assert errors == [
        "content/a.md:3: warning[size]: image 'plot.png' is 2.01 KB, over the 1 KB limit "
        "(--image-limit); not packaged"
    ]
    code, errors, _ = build(run_cli, root, tmp_path, "--image-limit", "3KB")
    assert (code, errors) == (0, [])  # the cache keeps no outcome of another limit
    media = dump_package(tmp_path / "out" / "a.apkg")["media"]
    assert list(media.values()) == [len(PNG) + 2000]
    checked = run_cli("check", str(root), "--image-limit", "1KB", cwd=tmp_path)
    assert "over the 1 KB limit (--image-limit); not packaged" in checked.stderr


def test_a_note_file_over_the_limit_is_an_error(run_cli, write_tree, tmp_path: Path) -> None:
    """A 50 MB note file (sparse: it is never read) is an error naming it; the other
    files build."""
    root = write_tree({"b.md": GOOD})
    sparse(root / "a.md", b"## What?\n\nText.\n", 50_000_000)
    code, errors, packages = build(run_cli, root, tmp_path)
    assert code == 1 and [p.stem for p in packages] == ["b"]
    assert errors == [
        "content/a.md: error[size]: note file is 50 MB, over the 10 MB limit (--note-limit); not "
        "built"
    ]


def test_the_note_limit_is_an_option(run_cli, write_tree, tmp_path: Path) -> None:
    root = write_tree({"a.md": GOOD + "x" * 2000 + "\n", "b.md": GOOD})
    code, errors, packages = build(run_cli, root, tmp_path, "--note-limit", "2KB")
    assert code == 1 and len(packages) == 1
    assert errors == [
        "content/a.md: error[size]: note file is 2.02 KB, over the 2 KB limit (--note-limit); not "
        "built"
    ]
    code, errors, packages = build(run_cli, root, tmp_path, "--note-limit", "1MB")
    assert (code, errors, len(packages)) == (0, [], 2)
    bad = run_cli("check", str(root), "--note-limit", "lots", cwd=tmp_path)
    assert bad.exit_code == 2 and "'lots' is not a size" in bad.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_DATA is Linux's")
@pytest.mark.parametrize("files", [1, 4])
def test_a_note_that_needs_more_memory_than_a_build_takes_is_an_error(
    run_cli, write_tree, tmp_path: Path, monkeypatch, files: int
) -> None:
    """Fourth round: a 9.3 MB note of short paragraphs (under the size limit) took 7 GB.
    Each file is read under a ceiling: one that needs more is an error naming it, and the
    others build. (The ceiling is made small here: 200 KB of paragraphs need 150 MB.)"""
    import ankipress.assemble.reading

    monkeypatch.setattr(ankipress.assemble.reading, "FILES_MEMORY", 48 << 20)
    tree = {f"p{n}.md": "x\n\n" * 70_000 for n in range(files)}
    root = write_tree({**tree, "ok.md": "## What?\n\nYes.\n"})
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"content/p{n}.md: error[size]: not built: reading it needs more than 48 MB of memory (a "
        "build takes at most 1024 MB); split the file"
        for n in range(files)
    ]
    assert [p.name for p in (tmp_path / "out").rglob("*.apkg")] == ["ok.apkg"]
