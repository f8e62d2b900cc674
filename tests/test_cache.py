"""The build cache: unchanged files are not parsed again, unchanged packages not rewritten,
and anything a file's cards depend on invalidates it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_lock import BOOK

PNG = b"\x89PNG\r\n\x1a\n" + b"fig" * 8


def test_a_rebuild_reuses_what_did_not_change(
    run_cli, write_tree, tmp_path: Path, monkeypatch
) -> None:
    import ankipress.notes.parse

    content = write_tree({"vision.md": BOOK, "other.md": "<h2>Q?</h2>\n\n![f](fig.png)\n"})
    out = tmp_path / "o"
    assert run_cli("build", str(content), "-o", str(out), cwd=tmp_path).exit_code == 0
    packages = {p: p.stat().st_mtime_ns for p in out.rglob("*.apkg")}

    parsed: list[str] = []
    real = ankipress.notes.parse.parse_book

    def counting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(source.rel.name)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(ankipress.notes.parse, "parse_book", counting)
    monkeypatch.setattr("os.cpu_count", lambda: 1)  # files read here, where they are counted
    again = run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert again.exit_code == 0 and parsed == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.apkg")} == packages
    assert "content/other.md:3: warning[image]: image 'fig.png' not found" in again.stderr

    # An image appears: every file under the root is read again (the cache cannot tell
    # which file names it), but only the package whose cards changed is written again.
    (content / "fig.png").write_bytes(PNG)
    third = run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert sorted(parsed) == ["other.md", "vision.md"] and "not found" not in third.stderr
    vision = out / "vision/01-Transformers.apkg"
    assert vision.stat().st_mtime_ns == packages[vision]
    assert (out / "other.apkg").stat().st_mtime_ns != packages[out / "other.apkg"]

    parsed.clear()
    (content / "vision.md").write_text(BOOK.replace("softmax", "a softmax"), encoding="utf-8")
    run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert parsed == ["vision.md"]
    assert vision.stat().st_mtime_ns != packages[vision]


def test_no_cache_writes_no_cache(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "o"
    assert run_cli("build", str(content), "-o", str(out), "--no-cache", cwd=tmp_path).exit_code == 0
    assert not (out / ".ankipress-cache").exists()
    assert (out / "vision/01-Transformers.apkg").is_file()


def test_the_remembered_lock_stage_matches_a_fresh_one(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "o"

    def build(epoch: int) -> tuple[str, dict]:
        result = run_cli("build", str(content), "-o", str(out), epoch=epoch, cwd=tmp_path)
        assert result.exit_code == 0, result.output
        return result.stdout, json.loads((out / "manifest.json").read_text())

    build(1_000_000)
    without = BOOK.replace(
        '<h2 id="3">3.Why LayerNorm?</h2>\n\nIt is batch-size independent.\n', ""
    )
    (content / "vision.md").write_text(without, encoding="utf-8")
    removed, manifest = build(2_000_000)
    assert "Removed 1 note" in removed and manifest["decks"][0]["cards"] == 3
    settled, manifest = build(3_000_000)  # remembered: the retired note is not shipped again
    assert "Removed" not in settled and manifest["decks"][0]["cards"] == 2
    for state in (out / ".ankipress-cache").glob("lock-*/*.pickle"):
        state.unlink()
    fresh, fresh_manifest = build(4_000_000)  # computed again: the same
    assert fresh == settled and fresh_manifest == manifest
    (content / "ankipress.lock").unlink()  # a lock changed by hand is not the remembered one
    relocked, _ = build(5_000_000)
    assert "      2      2        0        0  Vision Notes::01 Transformers" in relocked


def test_files_read_in_parallel_report_a_bug_as_one_line(
    run_cli, write_tree, tmp_path: Path, monkeypatch
) -> None:
    import ankipress.notes.parse

    real = ankipress.notes.parse.parse_book

    def flaky(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        if source.rel.name == "c.md":
            raise ValueError("unexpected token")
        return real(source, *args, **kwargs)

    monkeypatch.setattr(ankipress.notes.parse, "parse_book", flaky)  # the worker processes fork
    content = write_tree({f"{name}.md": f"<h2>{name}?</h2>\n\nA\n" for name in "abcdef"})
    result = run_cli("build", str(content), "-o", str(tmp_path / "o"), "-v", cwd=tmp_path)
    assert result.exit_code == 1
    assert (
        "content/c.md: error[internal]: internal error: ValueError: unexpected token"
        in result.stderr
    )
    assert "while processing content/c.md:\nTraceback" in result.stderr
    assert len(list((tmp_path / "o").rglob("*.apkg"))) == 5
