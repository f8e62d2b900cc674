"""The code base stays clean under ruff's lint and format checks."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff(command: list[str]) -> None:
    if importlib.util.find_spec("ruff") is None:
        pytest.skip("ruff is not installed")
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--no-cache"],  # (nothing written in the clone)
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_layers() -> None:
    """The import-linter contract in pyproject.toml: each folder of the pipeline imports
    only the folders below it (identity knows nothing of cards, packages or the cache)."""
    if importlib.util.find_spec("importlinter") is None:
        pytest.skip("import-linter is not installed")
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from importlinter.cli import lint_imports_command; lint_imports_command()",
            "--no-cache",  # (nothing written in the clone)
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_regular_expression_backtracks_without_bound() -> None:
    """regexploit finds the patterns whose backtracking grows as a power of the input
    (cubic and worse) in every module; it misses some quadratic ones (two runs of spaces
    side by side), which tests/hostile.py grows instead."""
    if importlib.util.find_spec("regexploit") is None:
        pytest.skip("regexploit is not installed")
    modules = sorted(str(path) for path in (REPO / "ankipress").rglob("*.py"))
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from regexploit.bin.regexploit_python_ast import main; "
            "from regexploit.ast.sre import SreOpParser as P; "
            # (it predates possessive repeats: read as greedy ones, which backtrack more)
            "P.from_POSSESSIVE_REPEAT = P.from_MAX_REPEAT; "
            "sys.argv[0] = 'regexploit-py'; sys.exit(main())",
            *modules,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert "Vulnerable regex" not in done.stdout, done.stdout
    assert "Error finding ReDoS" not in done.stdout, done.stdout
    assert "Processed" in done.stdout, done.stdout + done.stderr  # (it ran)
