from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ankipress.cli.main import main
from tests import writewatch
from tests.synctools import CollectionTarget, ConnectTarget, Target

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"

writewatch.start()  # from collection on


@pytest.fixture(scope="session", autouse=True)
def no_trace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The README's test command leaves the clone as it was, and nothing outside pytest's
    own temporary folders: an error at the end of the run names what it wrote elsewhere."""
    yield
    temporary = Path(tempfile.gettempdir())
    left = writewatch.strays(REPO, temporary, tmp_path_factory.getbasetemp())
    if left:
        pytest.fail(
            "the test run wrote outside pytest's temporary folders (tests/writewatch.py):\n"
            + "\n".join(f"  {path}" for path in left),
            pytrace=False,
        )


@pytest.fixture(scope="session", autouse=True)
def own_user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The key that seals the cache (assemble/sealed.py) is the user's own: the tests make
    theirs; and what a sync records of each Anki it reached (sync/record.py), each test its
    own (``own_state``). Both in pytest's temporary folder, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
        yield


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
