"""One folder of every kind of bad note next to one good one: the good one builds, each bad
one is named, and no byte of any file outside the content root reaches a package."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from tests.ankitools import import_packages, notes, open_collection
from tests.hostile import CASES

MARKER = b"OUTSIDE-7f3a9c"  # in every file outside the content root
GOOD = '# Good\n\n## 第一章 基础\n\n<h2 id="a">1.什么是扩散？</h2>\n\n加噪再去噪。![图](fig.png)\n'
PNG = b"\x89PNG\r\n\x1a\n" + b"inside" * 4

# file -> a part of the diagnostic that names it
BAD: dict[str, str] = {
    "binary.md": "error[encoding]: binary file, not markdown (it holds NUL bytes); not read",
    "undecodable.md": "error[encoding]: cannot decode: not UTF-8 (byte 0x81 at line 3)",
    "gbk.md": "warning[encoding]: not UTF-8; read as GB18030 (detected)",
    "bad-yaml.md:2": "error[config]: invalid YAML in front matter",
    "bad-setting.md:2": "error[config]: setting 'chapter_level' must be a heading level from 1 to "
    "6",
    "leak.md": "warning[outside]: symlink to ",
    "leakdir": "warning[outside]: symlink to ",
    "fifo.md": "warning[outside]: not a regular file; not read",
    "images.md:3": "warning[image]: image '../outside/secret.png' is outside the content root",
    "hostile.md:3": "warning[html]: removed from the card (not allowed there): <script>, <iframe>",
    "deep.md:": "warning[nesting]: nested too deep to format",
    "unclosed-details.md:1": "warning[details]: <details> is never closed",
    "unclosed-fence.md:3": "warning[fence]: code fence is never closed",
    "deep-html.md:1": "warning[nesting]: answer nests HTML elements more than 200 deep",
}


def write_folder(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "private.md").write_bytes(b"<h2>Secret?</h2>\n\n" + MARKER + b"\n")
    (outside / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + MARKER)
    root = tmp_path / "content"
    root.mkdir()
    files: dict[str, bytes | str] = {
        "good.md": GOOD,
        "fig.png": PNG,
        "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "undecodable.md": b"<h2>Q?</h2>\n\n\x81\x81\xff\x80\n",
        "gbk.md": GOOD.replace("Good", "GBK").encode("gbk"),
        "bad-yaml.md": "---\ntitle: [oops\n---\n<h2>Q?</h2>\n\nA\n",
        "bad-setting.md": "---\nchapter_level: 9\n---\n<h2>Q?</h2>\n\nA\n",
        "images.md": "<h2>Q?</h2>\n\n![a](../outside/secret.png) "
        f"![b]({outside}/secret.png) ![c](link.png) "
        f'<img src="file://{outside}/secret.png">\n',
        "hostile.md": '<h2>Q?</h2>\n\n<script>alert(1)</script><iframe src="x"></iframe> ok\n',
        "deep.md": CASES["list nested 700 deep, indented"][0](200_000),
        "unclosed-details.md": "<details><summary>Q?</summary>\n\nA\n",
        "unclosed-fence.md": "<h2>Q?</h2>\n\n```\ncode\n",
        "deep-html.md": CASES["HTML nested 20k deep"][0](100_000),
        "brackets.md": CASES["50k ["][0](50_000),
        "long-line.md": CASES["1 MB line"][0](1_000_000),
        "unanswered.md": "<h2>Q?</h2>\n",
    }
    for name, data in files.items():
        path = root / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    os.symlink(outside / "private.md", root / "leak.md")
    os.symlink(outside, root / "leakdir")
    os.symlink(outside / "secret.png", root / "link.png")
    os.mkfifo(root / "fifo.md")
    return root


def test_bad_files_are_named_and_the_good_one_builds(run_cli, tmp_path: Path) -> None:
    write_folder(tmp_path)
    result = run_cli("build", "content", "-o", "decks", cwd=tmp_path)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    for where, message in BAD.items():
        assert any(line.startswith(f"content/{where}") and message in line for line in errors), (
            where,
            errors,
        )
    assert "content/unanswered.md:1: Q?" in result.stdout
    assert not any("internal error" in line or "Traceback" in line for line in errors)
    assert not any(line.startswith("content/deep.md") and "fence" in line for line in errors)
    decks = tmp_path / "decks"
    assert (decks / "good/01-基础.apkg").is_file()
    assert (decks / "gbk/01-基础.apkg").is_file()
    for name in ("brackets", "long-line", "hostile", "images", "deep"):  # a folder, or one file
        assert list((decks / name).glob("*.apkg")) or (decks / f"{name}.apkg").is_file(), name
    for package in decks.rglob("*.apkg"):
        with zipfile.ZipFile(package) as archive:
            for member in archive.namelist():
                assert MARKER not in archive.read(member), (package, member)


def test_what_anki_holds_after_importing_them(run_cli, tmp_path: Path) -> None:
    write_folder(tmp_path)
    run_cli("build", "content", "-o", "decks", cwd=tmp_path)
    col = open_collection(tmp_path / "anki")
    try:
        log = import_packages(col, sorted((tmp_path / "decks").rglob("*.apkg")))
        held = notes(col)
        media = Path(col.media.dir())
        media_bytes = [p.read_bytes() for p in media.iterdir() if p.is_file()]
    finally:
        col.close()
    assert len(log.new) == len(held) == 10 and not log.conflicting
    for note in held:
        for value in note.fields.values():
            for active in ("<script", "<iframe", "onerror", "javascript:", "file:"):
                assert active not in value, (note.fields["Source"], active)
    assert media_bytes == [PNG]  # fig.png, shared by good.md and gbk.md
