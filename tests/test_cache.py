"""The build cache: unchanged files are not parsed again, unchanged packages not rewritten,
and anything a file's cards depend on invalidates it."""

from __future__ import annotations

from pathlib import Path

from tests.test_lock import BOOK

PNG = b"\x89PNG\r\n\x1a\n" + b"fig" * 8


def test_a_rebuild_reuses_what_did_not_change(
    run_cli, write_tree, tmp_path: Path, monkeypatch
) -> None:
    import ankideck.parse

    content = write_tree({"vision.md": BOOK, "other.md": "<h2>Q?</h2>\n\n![f](fig.png)\n"})
    out = tmp_path / "o"
    assert run_cli("build", str(content), "-o", str(out), cwd=tmp_path).exit_code == 0
    packages = {p: p.stat().st_mtime_ns for p in out.rglob("*.apkg")}

    parsed: list[str] = []
    real = ankideck.parse.parse_book

    def counting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(source.rel.name)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(ankideck.parse, "parse_book", counting)
    again = run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert again.exit_code == 0 and parsed == []
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.apkg")} == packages
    assert "content/other.md:3: warning: image 'fig.png' not found" in again.stderr

    # An image appears: every file under the root is read again (the cache cannot tell
    # which file names it), but only the package whose cards changed is written again.
    (content / "fig.png").write_bytes(PNG)
    third = run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert sorted(parsed) == ["other.md", "vision.md"] and "not found" not in third.stderr
    vision = out / "vision/01-Transformers.apkg"
    assert vision.stat().st_mtime_ns == packages[vision]
    assert (out / "other/00-other.apkg").stat().st_mtime_ns != packages[out / "other/00-other.apkg"]

    parsed.clear()
    (content / "vision.md").write_text(BOOK.replace("softmax", "a softmax"), encoding="utf-8")
    run_cli("build", str(content), "-o", str(out), cwd=tmp_path)
    assert parsed == ["vision.md"]
    assert vision.stat().st_mtime_ns != packages[vision]


def test_no_cache_writes_no_cache(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    out = tmp_path / "o"
    assert run_cli("build", str(content), "-o", str(out), "--no-cache", cwd=tmp_path).exit_code == 0
    assert not (out / ".ankideck-cache").exists()
    assert (out / "vision/01-Transformers.apkg").is_file()
