"""The tool works installed the way a user installs it: from a wheel, in a fresh virtualenv,
run as the ``ankipress`` console script in a folder that holds only notes.

One wheel build and one ``pip install`` for the module (about 10 s with a warm pip cache;
the install needs PyPI, or pip's cache, for the dependencies).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.ankitools import import_packages, notes, open_collection
from tests.conftest import REPO

NOTES = """# Chapter 1

## What is X?

X is a thing.

![diagram](img/dot.png)

## Why Y?

Because Y.

# Chapter 2

## What is Z?

Z is the last letter.
"""
QUESTIONS = {"What is X?", "Why Y?", "What is Z?"}
TEMPLATES = ("front.html", "back.html", "style.css")
# What a wheel built from the checkout must not pick up from it.
CHECKOUT_ONLY = ("tests/", "content/", "build_deck.py", "bench/", "docs/", "decks/")
# Folders at the checkout's top that are local state, not the project.
LOCAL_STATE = {".git", ".venv", "build", "dist", ".hypothesis", ".import_linter_cache"}
# Names the runs below write (or would by default); none may appear in the checkout.
OUTPUT_NAMES = {"notes", "out", "site", "tpl", "no-tpl", "study", "decks", "preview"}
OUTPUT_SUFFIXES = (".apkg", ".lock", ".pickle", ".ankipress-cache")


def _png() -> bytes:
    """A valid 1x1 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)


def _git_status() -> set[str]:
    """Untracked and ignored entries of the checkout (other people's edits show as `` M``)."""
    done = _run(
        ["git", "--no-optional-locks", "-C", str(REPO), "status", "--porcelain", "--ignored"],
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return {line for line in done.stdout.splitlines() if line[:2] in ("??", "!!")}


def _looks_like_output(entry: str) -> bool:
    path = entry[3:].strip('"').rstrip("/")
    parts = path.split("/")
    return bool(OUTPUT_NAMES.intersection(parts)) or path.endswith(OUTPUT_SUFFIXES)


def _copy_checkout(target: Path) -> Path:
    """The checkout's working tree without local state, so the build writes nothing in it."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".egg-info"))}
        if Path(folder) == REPO:
            skipped |= LOCAL_STATE.intersection(names)
            skipped |= {n for n in names if n.endswith("_cache")}
        return skipped

    shutil.copytree(REPO, target, ignore=ignore, symlinks=True)
    return target


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


@dataclass
class Installed:
    source: Path
    wheel: Path
    venv: Path
    bin: Path
    python: Path
    env: dict[str, str]
    git_before: set[str]


@dataclass
class Session:
    installed: Installed
    work: Path
    home: Path
    runs: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    check_tree_before: dict[str, tuple[int, int]] = field(default_factory=dict)
    check_tree_after: dict[str, tuple[int, int]] = field(default_factory=dict)
    git_after: set[str] = field(default_factory=set)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    for module in ("build", "venv", "ensurepip"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"the {module!r} module is not available to {sys.executable}")
    git_before = _git_status()
    root = tmp_path_factory.mktemp("install")
    source = _copy_checkout(root / "source")
    # setuptools in the dev venv may be older than pyproject's build requirement (>=68),
    # so the build runs isolated, as a user's would.
    built = _run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(root / "dist"), str(source)],
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (root / "dist").glob("ankipress-*.whl")

    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    assert made.returncode == 0, made.stdout + made.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    pip = _run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(wheel)],
        timeout=900,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTHON", "XDG_")) and k not in {"VIRTUAL_ENV", "HOME"}
    }
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    return Installed(source, wheel, venv, bin_dir, python, env, git_before)


@pytest.fixture(scope="module")
def session(installed: Installed, tmp_path_factory: pytest.TempPathFactory) -> Session:
    """Every command run once, as a user would, in a folder that holds only notes."""
    root = tmp_path_factory.mktemp("user")
    work, home = root / "work", root / "home"
    (work / "notes" / "img").mkdir(parents=True)
    (work / "notes" / "study.md").write_text(NOTES, encoding="utf-8")
    (work / "notes" / "img" / "dot.png").write_bytes(PNG)
    (work / "no-tpl").mkdir()
    home.mkdir()
    env = {**installed.env, "HOME": str(home)}
    ankipress = str(installed.bin / "ankipress")
    result = Session(installed, work, home)

    def run(name: str, *args: str) -> None:
        result.runs[name] = _run([ankipress, *args], cwd=work, env=env, timeout=300)

    result.runs["where"] = _run(
        [str(installed.python), "-c", "import ankipress; print(ankipress.__file__)"],
        cwd=work,
        env=env,
        timeout=120,
    )
    run("build", "build", "notes", "-o", "out")
    run("templates init", "templates", "init", "tpl")
    run("preview", "preview", "notes", "-o", "site")
    result.check_tree_before = _tree(work)
    run("check", "check", "notes")
    result.check_tree_after = _tree(work)
    run("check with copied templates", "check", "notes", "--templates", "tpl")
    run("check without templates", "check", "notes", "--templates", "no-tpl")
    run("--help", "--help")
    for command in ("build", "check", "plan", "preview", "templates", "templates init"):
        run(f"{command} --help", *command.split(), "--help")
    result.git_after = _git_status()
    return result


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"


def test_wheel_holds_the_templates_and_nothing_of_the_checkout(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = wheel.namelist()
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "ankipress = ankipress.cli.main:main" in wheel.read(entry_points).decode()
    for name in TEMPLATES:
        assert f"ankipress/cards/default_templates/{name}" in names
    assert not [n for n in names if n.startswith(CHECKOUT_ONLY) or "build_deck" in n]
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"ankipress"}
    # Every module of the package it was built from is in it.
    source = installed.source
    modules = {p.relative_to(source).as_posix() for p in (source / "ankipress").rglob("*.py")}
    assert modules - set(names) == set()


def test_package_files_are_not_git_ignored() -> None:
    """A clone (or ``pip install git+...``) has only what git tracks: no file of the package
    may be hidden from ``git add`` by an ignore rule (``build/`` also matches
    ``ankipress/assemble/``)."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = ["ls-files", "--others", "--ignored", "--exclude-standard", "--", "ankipress"]
    done = _run(["git", "-C", str(REPO), *ignored], timeout=120)
    assert done.returncode == 0, done.stderr
    hidden = [
        p for p in done.stdout.splitlines() if "__pycache__" not in p and not p.endswith(".pyc")
    ]
    assert hidden == []


def test_the_tool_runs_from_the_venv_not_the_checkout(session: Session) -> None:
    where = session.runs["where"]
    assert where.returncode == 0, _ok(where)
    module = Path(where.stdout.strip()).resolve()
    assert module.is_relative_to(session.installed.venv.resolve())


def test_build_makes_decks_that_anki_imports(session: Session, tmp_path: Path) -> None:
    done = session.runs["build"]
    assert done.returncode == 0, _ok(done)
    packages = sorted((session.work / "out").rglob("*.apkg"))
    assert len(packages) == 2  # one per chapter

    col = open_collection(tmp_path / "anki")
    try:
        log = import_packages(col, packages)
        found = notes(col)
        media = Path(col.media.dir())
        assert len(log.new) == 3 and not log.conflicting
        assert {n.fields["Question"] for n in found} == QUESTIONS
        assert len({n.deck for n in found}) == 2
        images = [p.name for p in media.iterdir() if p.is_file() and p.read_bytes() == PNG]
        assert len(images) == 1
        (answer,) = [n.fields["Answer"] for n in found if n.fields["Question"] == "What is X?"]
        assert images[0] in answer
    finally:
        col.close()


def test_templates_init_writes_the_defaults(session: Session) -> None:
    done = session.runs["templates init"]
    assert done.returncode == 0, _ok(done)
    for name in TEMPLATES:
        assert (session.work / "tpl" / name).is_file()
    copied = session.runs["check with copied templates"]
    assert copied.returncode == 0, _ok(copied)
    missing = session.runs["check without templates"]
    assert missing.returncode == 1, _ok(missing)
    assert "front.html" in missing.stdout + missing.stderr


def test_preview_writes_a_site(session: Session) -> None:
    done = session.runs["preview"]
    assert done.returncode == 0, _ok(done)
    site = session.work / "site"
    assert (site / "index.html").is_file()
    pages = sorted(site.glob("deck-*.html"))
    assert pages
    text = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert [q for q in sorted(QUESTIONS) if q not in text] == []


def test_check_passes_and_writes_nothing(session: Session) -> None:
    done = session.runs["check"]
    assert done.returncode == 0, _ok(done)
    assert session.check_tree_after == session.check_tree_before


def test_help(session: Session) -> None:
    for name, done in session.runs.items():
        if name.endswith("--help"):
            assert done.returncode == 0, (name, _ok(done))
            assert "Usage:" in done.stdout, name


def test_no_output_mentions_build_deck_py_or_a_traceback(session: Session) -> None:
    bad = [
        (name, line)
        for name, done in session.runs.items()
        for line in (done.stdout + done.stderr).splitlines()
        if "build_deck.py" in line or "Traceback" in line
    ]
    assert bad == []


def test_nothing_is_written_outside_the_folder(session: Session) -> None:
    assert {p.name for p in session.work.iterdir()} == {"notes", "out", "site", "tpl", "no-tpl"}
    # Only the key that seals the cache (README, Untrusted notes) and the record of which
    # notes folder each note is from (and the lock of that record): the user's own.
    written = sorted(p for p in session.home.rglob("*") if p.is_file())
    assert [p.relative_to(session.home).as_posix() for p in written] == [
        ".cache/ankipress/key",
        ".local/state/ankipress/owners.json",
        ".local/state/ankipress/owners.json.lock",
    ]
    assert {p.stat().st_mode & 0o777 for p in written} == {0o600}
    new = session.git_after - session.installed.git_before
    assert sorted(e for e in new if _looks_like_output(e)) == []
