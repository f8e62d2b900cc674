"""Encodings: UTF-8 in every form, legacy Chinese encodings with a warning, binary refused."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ankipress.assemble.pipeline import BuildOptions, BuildResult, build
from ankipress.notes.encoding import Undecodable, decode

NOTE = (
    '# 书\n\n## 第一章 扩散\n\n<h2 id="q">1.什么是扩散模型？</h2>\n\n'
    "扩散模型逐步加噪，再学习去噪。\n"
)
TRADITIONAL = (
    '# 書\n\n## 第一章 擴散\n\n<h2 id="q">1.什麼是擴散模型？</h2>\n\n'
    "擴散模型逐步加噪，再學習去噪。\n"
)
CONVERT = "save it as UTF-8 to silence this warning"


def build_one(root: Path, data: bytes, name: str = "book.md", **extra: bytes | str) -> BuildResult:
    root.mkdir(parents=True, exist_ok=True)
    (root / name).write_bytes(data)
    for rel, content in extra.items():
        path = root / rel
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return build(BuildOptions(paths=(root,), out=root.parent / "out", write=False))


def cards(result: BuildResult) -> list[tuple[str, str]]:
    return [(n.question, n.answer) for deck in result.decks for n in deck.notes]


def messages(result: BuildResult, root: Path) -> list[str]:
    prefix = f"{root}/"
    return [str(d).removeprefix(prefix) for d in result.diagnostics.sorted()]


EXPECTED = [("什么是扩散模型？", "<p>扩散模型逐步加噪，再学习去噪。</p>")]


@pytest.mark.parametrize(
    "data",
    [
        NOTE.encode(),
        codecs.BOM_UTF8 + NOTE.encode(),
        NOTE.replace("\n", "\r\n").encode(),
        codecs.BOM_UTF8 + NOTE.replace("\n", "\r\n").encode(),
    ],
    ids=["utf8", "bom", "crlf", "bom-crlf"],
)
def test_utf8_in_every_form_reads_the_same_without_warnings(tmp_path: Path, data: bytes) -> None:
    result = build_one(tmp_path / "c", data)
    assert cards(result) == EXPECTED
    assert messages(result, tmp_path / "c") == []


@pytest.mark.parametrize(
    ("encoding", "name"),
    [("gbk", "GB18030"), ("gb18030", "GB18030"), ("gb2312", "GB18030"), ("big5", "Big5")],
)
def test_legacy_chinese_encodings_are_read_with_a_warning_naming_them(
    tmp_path: Path, encoding: str, name: str
) -> None:
    text = NOTE if encoding != "big5" else TRADITIONAL
    result = build_one(tmp_path / "c", text.encode(encoding))
    assert cards(result)[0][0] == ("什么是扩散模型？" if encoding != "big5" else "什麼是擴散模型？")
    assert messages(result, tmp_path / "c") == [
        f"book.md: warning[encoding]: not UTF-8; read as {name} (detected); {CONVERT}"
    ]


def test_a_seed_saved_as_gb18030_gives_the_same_cards_as_utf8(tmp_path: Path) -> None:
    seed = Path(__file__).parent.parent / "content"
    text = sorted(seed.glob("004*.md"))[0].read_text(encoding="utf-8")
    utf8 = build_one(tmp_path / "a", text.encode())
    legacy = build_one(tmp_path / "b", text.encode("gb18030"))
    assert cards(legacy) == cards(utf8) and len(cards(utf8)) > 30


def test_utf16_is_read_only_with_its_byte_order_mark(tmp_path: Path) -> None:
    result = build_one(tmp_path / "c", NOTE.encode("utf-16"))
    assert cards(result) == EXPECTED
    assert messages(result, tmp_path / "c") == [
        f"book.md: warning[encoding]: read as UTF-16 (byte order mark); {CONVERT}"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
            "book.md: error[encoding]: binary file, not markdown (it holds NUL bytes); not read",
        ),
        (
            b"# T\n\nok\n\x81\x81\xff\x80\n",
            "book.md: error[encoding]: cannot decode: not UTF-8 (byte 0x81 at line 4) and not "
            "GB18030, "
            "Big5, Windows-1252 text either; if you know its encoding, set 'encoding' in "
            "ankipress.yaml",
        ),
        (
            bytes(range(1, 9)) * 20,
            "book.md: error[encoding]: binary file, not markdown (it holds control characters); "
            "not read",
        ),
        (
            "ab".encode("utf-16-le")[:-1].join([codecs.BOM_UTF16_LE, b""]),
            "book.md: error[encoding]: cannot decode as UTF-16 (byte order mark): truncated data",
        ),
    ],
    ids=["nul", "undecodable", "controls", "truncated-utf16"],
)
def test_binary_and_undecodable_files_are_errors_naming_them(
    tmp_path: Path, data: bytes, message: str
) -> None:
    result = build_one(tmp_path / "c", data, "book.md", **{"good.md": NOTE})
    assert messages(result, tmp_path / "c") == [message]
    assert cards(result) == EXPECTED  # the other file still builds


def test_stray_control_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    data = NOTE.replace("再学习", "再\x01学\x1b习").encode()
    result = build_one(tmp_path / "c", data)
    assert cards(result) == EXPECTED
    assert messages(result, tmp_path / "c") == [
        "book.md:7: warning[encoding]: control characters removed (the first, U+0001, here)"
    ]


def test_nul_never_reaches_a_card(tmp_path: Path) -> None:
    result = build_one(tmp_path / "c", NOTE.replace("再", "\x00").encode("utf-16"))
    assert cards(result) == []
    assert messages(result, tmp_path / "c") == [
        "book.md: error[encoding]: binary file, not markdown (it holds control characters); not "
        "read"
    ]


def test_the_encoding_setting_names_the_encoding(tmp_path: Path) -> None:
    text = "<h2>Q?</h2>\n\n日本語のノート\n"
    detected = build_one(tmp_path / "a", text.encode("shift_jis"))
    assert cards(detected)[0][1] != "<p>日本語のノート</p>"  # guessed wrong, but said so
    assert "warning[encoding]: not UTF-8; read as" in messages(detected, tmp_path / "a")[0]
    named = build_one(
        tmp_path / "b", text.encode("shift_jis"), **{"ankipress.yaml": "encoding: shift_jis\n"}
    )
    assert cards(named) == [("Q?", "<p>日本語のノート</p>")]
    assert messages(named, tmp_path / "b") == []


def test_bad_encoding_settings(tmp_path: Path) -> None:
    unknown = build_one(tmp_path / "a", NOTE.encode(), **{"ankipress.yaml": "encoding: klingon\n"})
    assert messages(unknown, tmp_path / "a") == [
        "ankipress.yaml:1: error[config]: setting 'encoding' names unknown encoding 'klingon'"
    ]
    wrong = build_one(tmp_path / "b", NOTE.encode("gbk"), **{"ankipress.yaml": "encoding: utf-8"})
    assert messages(wrong, tmp_path / "b") == [
        "book.md:1: error[encoding]: cannot decode as utf-8 (the 'encoding' setting): "
        "invalid continuation byte"
    ]
    in_front_matter = build_one(tmp_path / "c", b"---\nencoding: gbk\n---\n" + NOTE.encode())
    assert messages(in_front_matter, tmp_path / "c") == [
        "book.md:2: warning[config]: setting 'encoding' only works in ankipress.yaml; ignored here"
    ]


def test_decode_reports_the_codec_used() -> None:
    assert decode(NOTE.encode("gbk")).encoding == "gb18030"
    assert decode(codecs.BOM_UTF8 + b"x").encoding == "utf-8-sig"
    with pytest.raises(Undecodable):
        decode(b"\x00")


@pytest.mark.parametrize(
    ("encoding", "why"),
    [
        ("punycode", "decoding with 'punycode' codec failed (UnicodeError: Invalid extended"),
        ("undefined", "decoding with 'undefined' codec failed (UnicodeError: undefined encoding)"),
    ],
)
def test_a_codec_that_fails_its_own_way_is_an_error_of_the_file(
    run_cli, write_tree, tmp_path, encoding: str, why: str
) -> None:
    """Fifth round: these gave an internal error."""
    root = write_tree({"ankipress.yaml": f"encoding: {encoding}\n", "a.md": "## What?\n\nA #.\n"})
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"content/a.md: error[encoding]: cannot decode as {encoding} (the 'encoding' setting): "
        f"{why}"
    )


def test_an_escape_of_a_lone_surrogate_is_no_character(run_cli, write_tree, tmp_path) -> None:
    """Fifth round: ``unicode_escape`` read ``\\ud800`` into text no card can hold: an
    internal error."""
    root = write_tree(
        {"ankipress.yaml": "encoding: unicode_escape\n", "a.md": "## What?\n\nA \\ud800 b.\n"}
    )
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "content/a.md:3: error[encoding]: decodes to a lone surrogate (U+D800), no character"
    )


def test_a_character_that_reorders_the_text_shown_is_said(run_cli, write_tree, tmp_path) -> None:
    """Fifth round: U+202E showed 'The answer is 5 ton si ti' as 'it is not 5' on the
    card, silently. It stays (right-to-left notes may need it), with a warning a line."""
    root = write_tree(
        {"a.md": "## What?\n\nThe answer is \u202e5 ton si ti\u202c, \u2066x\u2069.\n"}
    )
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "content/a.md:3: warning[encoding]: U+202E reorders the text shown after it (a card shows "
        "it in "
        "another order than it is written)"
    ]
