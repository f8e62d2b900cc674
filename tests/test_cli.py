"""The command line: defaults, exit codes, diagnostics, summary, and what a package holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from ankipress.identity.guids import deck_id
from tests.ankitools import folder_guid
from tests.apkgdump import dump_package

GOOD = """\
# Good Book

## 第一章 Basics

<h2 id="1">1.What is A?</h2>

A is ![a letter](a.png).

<h2 id="2">2.Unanswered?</h2>

## 第二章 More

<h2 id="3">1.What is B?</h2>

B.
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 20


def test_build_writes_one_package_per_chapter(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"notes/good.md": GOOD, "notes/a.png": PNG})
    result = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Built 2 decks with 2 cards from 1 file into out/",
        "  cards    new  changed  removed  deck -> package",
        "      1      1        0        0  Good Book::01 Basics -> out/notes/good/01-Basics.apkg",
        "      1      1        0        0  Good Book::02 More -> out/notes/good/02-More.apkg",
        "Skipped 1 unanswered question:",
        "  content/notes/good.md:9: Unanswered?",
        "Coverage: 4 of 5 lines of notes on cards, 1 in unanswered questions",
        "0 warnings, 0 errors",
    ]
    dump = dump_package(tmp_path / "out/notes/good/01-Basics.apkg")
    (media_name,) = dump["media"]
    assert dump == {
        "note_type": {
            "id": 2130055049,
            "name": "ankipress",
            "fields": ["Question", "Answer", "Context", "Source", "Extra"],
            "templates": ["Recall"],
        },
        "decks": {deck_id("good", 1): "Good Book::01 Basics"},
        "notes": [
            {
                "guid": folder_guid(content, "good", "What is A?"),
                "mod": 1_700_000_000,
                "fields": [
                    "What is A?",
                    f'<p>A is <img src="{media_name}" alt="a letter">.</p>',
                    "Good Book › 第一章 Basics",
                    "content/notes/good.md",
                    "",
                ],
                "tags": [],
            }
        ],
        "cards": 1,
        "card_decks": ["Good Book::01 Basics"],
        "media": {media_name: len(PNG)},
    }


def test_bare_command_builds_content_into_decks(run_cli, write_tree, tmp_path: Path) -> None:
    write_tree({"good.md": GOOD, "a.png": PNG})
    result = run_cli(cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.apkg")) == [
        "decks/good/01-Basics.apkg",
        "decks/good/02-More.apkg",
    ]


def test_errors_exit_1_and_other_files_still_build(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree(
        {
            "a-bad.md": "---\ntitle: [oops\n---\n<h2>Q?</h2>\n\nA\n",
            "b-binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "c-good.md": GOOD,
            "c-good/a.png": PNG,
        }
    )
    result = run_cli("build", str(content), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/a-bad.md:2: error[config]: invalid YAML in front matter: "
        "expected ',' or ']', but got '<stream end>'",
        "content/b-binary.md: error[encoding]: binary file, not markdown (it holds NUL bytes); "
        "not read",
        "content/c-good.md:7: warning[image]: image 'a.png' not found",
    ]
    assert "Built 2 decks with 2 cards from 3 files" in result.stdout
    assert "1 warning, 2 errors" in result.stdout


def test_an_unwritable_output_is_an_error_per_deck(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"good.md": GOOD})
    (tmp_path / "out/good/01-Basics.apkg").mkdir(parents=True)  # in the way
    result = run_cli("build", "-q", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == "out/good/01-Basics.apkg: error[io]: cannot write: Is a directory\n"
    assert (tmp_path / "out/good/02-More.apkg").is_file()


def test_quiet_prints_errors_only(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"good.md": GOOD})
    result = run_cli("build", "-q", str(content), "-o", str(tmp_path / "o"), cwd=tmp_path)
    assert result.exit_code == 0 and result.output == ""


def test_usage_errors_exit_2(run_cli, tmp_path: Path) -> None:
    assert run_cli("build", "missing-folder", cwd=tmp_path).exit_code == 2
    no_content = run_cli(cwd=tmp_path)
    assert no_content.exit_code == 2
    assert "no PATH given and no content/ folder here" in no_content.output
    (tmp_path / "content").mkdir()
    empty = run_cli("build", cwd=tmp_path)
    assert (empty.exit_code, empty.stderr) == (
        2,
        "error: no markdown notes (*.md, *.markdown) in content: it is empty\n",
    )
    (tmp_path / "content" / "a.md").write_text("## What?\n\nThat.\n", encoding="utf-8")
    no_epoch = run_cli("build", epoch=None, cwd=tmp_path)
    assert no_epoch.exit_code == 0
    assert run_cli("build", "--frobnicate", cwd=tmp_path).exit_code == 2


def test_bad_source_date_epoch_is_a_usage_error(run_cli, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    from click.testing import CliRunner

    from ankipress.cli.main import main

    (tmp_path / "content" / "a.md").write_text("## What?\n\nThat.\n", encoding="utf-8")
    for value in ("yesterday", "9223372036854775807", "-1"):
        result = CliRunner().invoke(main, ["build"], env={"SOURCE_DATE_EPOCH": value})
        assert result.exit_code == 2, value
        assert (
            f"SOURCE_DATE_EPOCH must be whole seconds from 0 to 9223372036854774, not {value!r}"
        ) in result.output
        assert "internal error" not in result.output


def test_help_explains_commands(run_cli) -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    assert "builds every note under content/ into decks/" in result.output
    assert "Exit status: 0 built" in run_cli("build", "--help").output


def test_a_bug_on_one_file_is_one_line_naming_it(
    run_cli, write_tree, tmp_path: Path, monkeypatch
) -> None:
    import ankipress.notes.parse

    real = ankipress.notes.parse.parse_book

    def flaky(source, text, diagnostics, settings):
        if source.rel.name == "boom.md":
            raise ValueError("unexpected token")
        return real(source, text, diagnostics, settings)

    monkeypatch.setattr(ankipress.notes.parse, "parse_book", flaky)
    content = write_tree({"boom.md": GOOD, "good.md": GOOD})
    result = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert (
        "content/boom.md: error[internal]: internal error: ValueError: unexpected token"
        in result.stderr
    )
    assert "Traceback" not in result.output
    assert (tmp_path / "out/good/01-Basics.apkg").is_file()
    verbose = run_cli("build", "-v", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert "while processing content/boom.md:\nTraceback (most recent call last):" in (
        verbose.stderr
    )
    assert 'raise ValueError("unexpected token")' in verbose.stderr
    assert "content/good.md: utf-8, 2 chapters, 3 questions" in verbose.stderr


def test_a_bug_outside_any_file_is_one_line(
    run_cli, write_tree, tmp_path: Path, monkeypatch
) -> None:
    import ankipress.assemble.pipeline

    def broken(*_args):
        raise RuntimeError("no templates")

    monkeypatch.setattr(ankipress.assemble.pipeline, "load_templates", broken)
    content = write_tree({"good.md": GOOD})
    result = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == "error: internal error: RuntimeError: no templates\n"
    verbose = run_cli("build", "-v", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert "Traceback (most recent call last):" in verbose.stderr


def test_a_failed_write_leaves_the_previous_deck_intact(
    run_cli, write_tree, tmp_path: Path, monkeypatch
) -> None:
    import ankipress.atomic

    content = write_tree({"good.md": GOOD, "a.png": PNG})
    out = tmp_path / "out"
    assert run_cli("build", str(content), "-o", str(out), cwd=tmp_path).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*.apkg")}
    failure: BaseException = OSError(28, "No space left")
    create = ankipress.atomic._create

    class HalfWritten:  # a temporary file for a package fills up half way
        def __init__(self, file: BinaryIO) -> None:
            self.file = file

        def __getattr__(self, name: str) -> Any:
            return getattr(self.file, name)

        def __enter__(self) -> HalfWritten:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> None:
            self.file.write(b"half a zip")
            raise failure

    def half_written(folder: Path) -> tuple[str, Any]:
        name, file = create(folder)
        return name, HalfWritten(file) if Path(folder) == out / "good" else file

    monkeypatch.setattr(ankipress.atomic, "_create", half_written)
    (content / "good.md").write_text(GOOD.replace("B.", "Changed."), encoding="utf-8")
    result = run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [  # 01-Basics is unchanged: not written again
        "out/good/02-More.apkg: error[io]: cannot write: No space left",
    ]
    untouched = ["01-Basics.apkg", "02-More.apkg", "good", "manifest.json"]
    assert {p: p.read_bytes() for p in out.rglob("*.apkg")} == before
    assert sorted(p.name for p in out.rglob("*") if ".ankipress-cache" not in p.parts) == untouched
    failure = KeyboardInterrupt()  # Ctrl-C in the middle of a write
    aborted = run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert aborted.exit_code == 1 and "Aborted!" in aborted.stderr
    assert {p: p.read_bytes() for p in out.rglob("*.apkg")} == before
    assert sorted(p.name for p in out.rglob("*") if ".ankipress-cache" not in p.parts) == untouched


def test_two_books_writing_one_package_is_an_error(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree(
        {
            "a.md": "---\nid: one\n---\n<h2>Q?</h2>\n\nA\n",
            "a.markdown": "---\nid: two\n---\n<h2>Q?</h2>\n\nB\n",
        }
    )
    result = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/a.md:1: error[duplicate-output]: its deck a.apkg would overwrite the one built "
        "from "
        "content/a.markdown; rename one of the files"
    ]
    assert [p.name for p in (tmp_path / "out").rglob("*.apkg")] == ["a.apkg"]


def test_strict_fails_on_lines_on_no_card(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"a.md": "---\nshapes: [h2]\n---\n# A\n\nloose prose\n"})
    out = str(tmp_path / "out")
    result = run_cli("build", str(content), "-o", out, cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "content/a.md:6: warning[uncovered]: line 6 on no card: text outside any question"
    ]
    assert "Coverage: 0 of 1 lines of notes on cards, 1 on no card (see the warnings)" in (
        result.stdout
    )
    strict = run_cli("build", str(content), "-o", out, "--strict", cwd=tmp_path)
    assert strict.exit_code == 1
    assert strict.stderr.splitlines()[-1] == "error: --strict: 1 line on no card"


def test_project_settings_file(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree(
        {
            "ankipress.yaml": "tags: [interview]\nskip_sections: [Private]\n",
            "a.md": "# A\n\ntext\n\n# Private\n\nsecret\n",
        }
    )
    result = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    (package,) = (tmp_path / "out").rglob("*.apkg")  # headings only: one deck
    dump = dump_package(package)
    assert [n["tags"] for n in dump["notes"]] == [["interview"]]
    assert "secret" not in str(dump)


def test_bad_project_settings_build_nothing_under_that_root(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"ankipress.yaml": "tags: [a\n", "a.md": "# A\n\ntext\n"})
    result = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "content/ankipress.yaml:2: error[config]: invalid YAML in project settings: "
        "expected ',' or ']', but got '<stream end>'"
    ]
    assert not (tmp_path / "out").exists()


def test_progress_bars_only_on_a_terminal_and_not_when_quiet(monkeypatch) -> None:
    import io
    import sys

    from ankipress.cli.shared import progress_bars

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    items = [f"item {i}" for i in range(25)]
    for quiet, tty, shown in [(False, True, True), (True, True, False), (False, False, False)]:
        stream = Terminal() if tty else io.StringIO()
        monkeypatch.setattr(sys, "stderr", stream)
        assert list(progress_bars(quiet)(items, "Writing decks")) == items
        assert ("Writing decks" in stream.getvalue()) is shown
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert list(progress_bars(False)(items[:19], "Few")) == items[:19]
    assert sys.stderr.getvalue() == ""
