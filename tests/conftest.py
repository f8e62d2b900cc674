from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ankipress.cli.main import main
from tests.synctools import CollectionTarget, ConnectTarget, Target

# The key that seals the cache (build/sealed.py) is the user's own: the tests make theirs.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="ankipress-test-cache-")
# And what a sync records of each Anki it reached (sync/record.py): each test its own.
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="ankipress-test-state-")
for _made in (os.environ["XDG_CACHE_HOME"], os.environ["XDG_STATE_HOME"]):
    atexit.register(shutil.rmtree, _made, ignore_errors=True)  # none left once the run ends

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"


@pytest.fixture(autouse=True)
def own_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own user state (sync records, which folder each note is from): two
    tests that build the same notes in two folders are two users, not one user's two
    folders."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run the CLI in-process, the way ``python build_deck.py ...`` would."""

    def run(*args: str, cwd: Path | None = None, epoch: int | None = 1_700_000_000) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        if epoch is None:
            monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        else:
            monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    return run


@pytest.fixture
def write_tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    """Write ``{relative path: text or bytes}`` under tmp_path/content; return that folder."""

    def write(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "content"
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        return root

    return write


@pytest.fixture(params=["collection", "anki-connect"])
def target(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Target]:
    """Where ``ankipress sync`` goes, once each way: a collection file, Anki closed; and
    a running Anki with AnkiConnect (the stand-in, the real backend behind it)."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    if request.param == "collection":
        yield CollectionTarget(tmp_path / "profile")
        return
    found = ConnectTarget(tmp_path / "anki-desktop")
    try:
        yield found
    finally:
        found.standin.close()


def copy_project(target: Path) -> Path:
    """The files a fresh clone has that a build needs."""
    for name in ("ankipress", "content"):
        shutil.copytree(REPO / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "build_deck.py", target / "build_deck.py")
    return target


PYTHON = sys.executable
