"""What users of a mature command line expect: usage errors that help, plurals, quiet
pipes, counts that match a build, and the program named as the user ran it."""

from __future__ import annotations

import ast
import json
import os
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ankipress.cli.main import main
from ankipress.diagnostics import CODES
from tests.conftest import PYTHON, REPO

BOOK = "# Book\n\n## 第一章 One\n\n<h2>Q1?</h2>\n\nA1\n\n## 第二章 Two\n\n<h2>Q2?</h2>\n\nA2\n"
BROKEN_TEMPLATES = {"ankipress.yaml": "templates: cards\n", "cards/front.html": "{{Question}}"}


def emitted_codes() -> set[str]:
    """The code of every diagnostic the package emits: the 4th argument of each
    ``.error(...)`` and ``.warning(...)`` call."""
    codes = set()
    for path in (REPO / "ankipress").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr in ("error", "warning") and len(node.args) == 4:
                code = node.args[3]
                assert isinstance(code, ast.Constant), f"{path}:{node.lineno}: a literal code"
                codes.add(code.value)
    return codes


def test_the_list_of_codes_is_every_code_emitted() -> None:
    assert emitted_codes() == set(CODES)
    assert len(CODES) == len(set(CODES))


def test_allow_rejects_an_unknown_code_naming_the_valid_ones(run_cli, write_tree, tmp_path) -> None:
    content = write_tree({"a.md": BOOK})
    result = run_cli("check", str(content), "--strict", "--allow", "imgae", cwd=tmp_path)
    assert result.exit_code == 2
    assert "Invalid value for '--allow': 'imgae' is not one of" in result.stderr
    assert all(repr(code) in result.stderr for code in CODES)
    allowed = run_cli("check", str(content), "--strict", "--allow", "templates", cwd=tmp_path)
    assert allowed.exit_code == 0, allowed.output


def test_a_mistyped_command_is_suggested(run_cli, write_tree, tmp_path: Path) -> None:
    write_tree({"a.md": BOOK})
    result = run_cli("chek", "content", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: No such command 'chek'. Did you mean 'check'?"
    assert "does not exist" not in result.stderr
    far = run_cli("zzz", cwd=tmp_path)  # no command is close: a PATH that does not exist
    assert far.exit_code == 2 and "'zzz' does not exist" in far.stderr
    (tmp_path / "chek").mkdir()  # a folder by that name is a PATH to build
    (tmp_path / "chek/a.md").write_text(BOOK, encoding="utf-8")
    assert run_cli("chek", "-o", str(tmp_path / "out"), cwd=tmp_path).exit_code == 0
    assert (tmp_path / "out/a/01-One.apkg").is_file()


def test_counts_are_singular_for_one(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"a.md": "# Book\n\n<h2>Q?</h2>\n\nA ![x](missing.png)\n"})
    checked = run_cli("check", str(content), cwd=tmp_path)
    assert checked.stdout == "Checked 1 file: 1 deck, 1 card; 1 warning, 0 errors\n"
    built = run_cli("build", "-v", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert built.exit_code == 0, built.output
    assert built.stdout.startswith("Built 1 deck with 1 card from 1 file into out/\n")
    assert built.stdout.endswith("\n1 warning, 0 errors\n")
    assert "content/a.md: utf-8, 1 chapter, 1 question\n" in built.stderr
    (content / "b.md").write_text("---\nid: [\n---\n", encoding="utf-8")
    failed = run_cli("check", str(content), cwd=tmp_path)
    assert failed.stdout.endswith("; 1 warning, 1 error\n")


def closed_pipe_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI with its stdout a pipe whose reader has already gone (``| head -c 0``)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [PYTHON, str(REPO / "build_deck.py"), *args],
            cwd=cwd,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write)


def test_a_closed_pipe_ends_quietly_with_the_commands_own_status(
    write_tree, tmp_path: Path
) -> None:
    content = write_tree({"a.md": BOOK})
    for args in (["build", "-v", str(content)], ["check", "--format", "json"], ["plan"]):
        done = closed_pipe_run(args, tmp_path)
        assert done.returncode == 0, (args, done.stderr)
        assert "Error" not in done.stderr and "Exception" not in done.stderr, done.stderr
    assert (tmp_path / "decks/a/02-Two.apkg").is_file()  # the build carried on
    (content / "b.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    failed = closed_pipe_run(["build"], tmp_path)
    assert failed.returncode == 1
    assert failed.stderr.splitlines() == [  # the diagnostics only, then the exit status
        "content/b.md:2: error[config]: invalid YAML in front matter: "
        "expected ',' or ']', but got '<stream end>'"
    ]


def test_check_counts_only_the_decks_a_build_writes(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"a.md": BOOK, **BROKEN_TEMPLATES})
    checked = run_cli("check", str(content), cwd=tmp_path)
    assert checked.exit_code == 1
    assert checked.stdout == "Checked 1 file: 0 decks, 0 cards; 0 warnings, 2 errors\n"
    report = json.loads(run_cli("check", str(content), "--format", "json", cwd=tmp_path).stdout)
    assert report["decks"] == [] and report["errors"] == 2
    built = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert built.stdout.startswith("Built 0 decks with 0 cards from 1 file")
    assert not list((tmp_path / "out").rglob("*.apkg"))
    (content / "ankipress.yaml").unlink()
    fixed = run_cli("check", str(content), cwd=tmp_path)
    assert fixed.stdout == "Checked 1 file: 2 decks, 2 cards; 0 warnings, 0 errors\n"


def every_command(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += every_command(command, (*path, name))
        else:
            found.append((*path, name))
    return found


@pytest.mark.parametrize("command", every_command(main))
def test_help_names_the_program_as_run(command: tuple[str, ...]) -> None:
    help_text = CliRunner().invoke(main, [*command, "--help"], prog_name="ankipress").output
    assert help_text.startswith(f"Usage: {' '.join(('ankipress', *command))} ")
    assert "build_deck.py" not in help_text


def test_the_program_name_in_help_follows_how_it_was_run(tmp_path: Path) -> None:
    installed = CliRunner().invoke(main, ["--help"], prog_name="ankipress").output
    assert "without naming it: ankipress -q notes/)" in installed
    script = subprocess.run(
        [PYTHON, str(REPO / "build_deck.py"), "--help"], capture_output=True, text=True, check=True
    )
    assert "without naming it: build_deck.py -q" in script.stdout.replace("\n ", "")


def test_broken_templates_name_no_program(write_tree, tmp_path: Path, monkeypatch) -> None:
    content = write_tree({"a.md": BOOK, **BROKEN_TEMPLATES})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", str(content)], prog_name="ankipress")
    assert result.stderr.splitlines() == [
        f"content/cards/{name}: error[templates]: missing; a templates folder holds front.html, "
        "back.html, style.css (the 'templates init DIR' command writes the defaults)"
        for name in ("back.html", "style.css")
    ]
