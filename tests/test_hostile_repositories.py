"""A second attack round on the untrusted-notes guarantees (issue 17): each break it found,
as a repository that would commit it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ankipress.diagnostics import Diagnostics
from ankipress.identity.lockfile import read_lock
from tests.apkgdump import dump_package

BOOK = "# Book\n\n## What is C?\n\nAnswer C.\n"


def fields(out: Path) -> list[list[str]]:
    return [n["fields"] for p in sorted(out.rglob("*.apkg")) for n in dump_package(p)["notes"]]


def test_wbr_cannot_split_a_mathjax_command(run_cli, write_tree, tmp_path: Path) -> None:
    """MathJax joins the text around ``<wbr>``: ``\\h<wbr>ref`` was ``\\href`` to it, a
    clickable ``javascript:`` link in the card, past the check for ``\\href``."""
    note = (
        "# Book\n\n## What is W?\n\nInline: \\\\(\\h<wbr>ref{javascript:alert(1)}{CLICK}\\\\)\n\n"
        "## What is R?\n\n<div>\\(\\h<wbr>ref{javascript:alert(2)}{CLICK}\\)</div>\n\n"
        "## What is S?\n\n$\\st<wbr>yle{background:url(http://x.test/x)}{y}$\n"
    )
    root = write_tree({"a.md": note})
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    text = json.dumps(fields(tmp_path / "out"))
    for bad in ("<wbr", "\\\\href", "\\\\h", "\\\\style"):
        assert bad not in text, bad
    assert "\\\\st&lt;wbr&gt;yle" in text  # in $...$ it is text, which MathJax does not join


def test_a_lock_that_leads_out_of_the_content_folder_is_not_read(
    run_cli, write_tree, tmp_path: Path
) -> None:
    root = write_tree({"a.md": BOOK})
    outside = tmp_path / "private.lock"
    line = {"guid": "abcdefghij", "book": "zz", "question": "secret", "text": "SECRET"}
    line |= {"at": "zz.md:3", "deck": "0123456789ab", "hash": "0123456789abcdef"}
    line |= {"answer": "0123456789abcdef", "changed": 1}
    header = {"ankipress_lock": 2, "note_type": {"hash": "", "changed": 0}}
    outside.write_text(json.dumps(header) + "\n" + json.dumps(line) + "\n", encoding="utf-8")
    (root / "ankipress.lock").symlink_to(outside)
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "content/ankipress.lock:1: error[lock]: unreadable lock, so nothing is built from its "
        f"folder: it is a symlink to {outside}, outside the content folder\n"
    )
    assert not list((tmp_path / "out").rglob("*.apkg"))
    assert "SECRET" in outside.read_text(encoding="utf-8")  # and left as it was


def test_a_guid_a_lock_gives_that_another_content_folder_has_is_refused(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Two notes of one GUID are one in Anki: the second import replaced the first."""
    first = write_tree({"a.md": BOOK})
    second = other_folder(tmp_path / "second")
    assert run_cli("build", str(first), "-o", str(tmp_path / "o1")).exit_code == 0
    assert run_cli("build", str(second), "-o", str(tmp_path / "o2")).exit_code == 0
    (taken,) = [json.loads(line)["guid"] for line in _lines(first)]
    lock = (second / "ankipress.lock").read_text(encoding="utf-8").split("\n")
    entry = json.loads(lock[1])
    entry["guid"] = taken
    lock[1] = json.dumps(entry, ensure_ascii=False)
    (second / "ankipress.lock").write_text("\n".join(lock), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", str(first), str(second), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        f"second/ankipress.lock: error[lock]: the GUID {taken!r} of 'What is Q?' (second/b.md:3) "
        "is also the GUID of 'What is C?' (content/a.md:3), in another content folder: "
        "nothing is built from this folder until its lock no longer gives it\n"
    )
    assert [f[0] for f in fields(out)] == ["What is C?"]


def _lines(root: Path) -> list[str]:
    return (root / "ankipress.lock").read_text(encoding="utf-8").splitlines()[1:]


def other_folder(folder: Path) -> Path:
    """A second content folder, of one book and one question."""
    folder.mkdir()
    (folder / "b.md").write_text("# Other\n\n## What is Q?\n\nAnswer Q.\n", encoding="utf-8")
    return folder


def test_a_lock_of_json_nested_too_deep_is_an_error_of_its_folder(
    run_cli, write_tree, tmp_path: Path
) -> None:
    good = write_tree({"a.md": BOOK})
    bad = other_folder(tmp_path / "bad")
    deep = '{"tags":' + "[" * 100_000 + "]" * 100_000 + "}"
    (bad / "ankipress.lock").write_text('{"ankipress_lock":2}\n' + deep + "\n", "utf-8")
    out = tmp_path / "out"
    result = run_cli("build", str(good), str(bad), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "bad/ankipress.lock:2: error[lock]: unreadable lock, so nothing is built from its folder: "
        "JSON nested too deep\n"
    )
    assert [f[0] for f in fields(out)] == ["What is C?"]


def test_a_line_break_in_a_file_name_prints_no_line_of_its_own(
    run_cli, write_tree, tmp_path: Path
) -> None:
    name = "evil\ncontent/a.md:1: error: forged.md"
    root = write_tree({"a.md": BOOK, name: "# X\n\n## Why?\n\n![gone](missing.png)\n"})
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0
    assert all(not line.startswith("content/a.md:1: error") for line in result.output.split("\n"))
    assert "content/evil\\x0acontent/a.md:1: error: forged.md:5: warning[image]:" in result.stderr


def test_every_lock_the_tool_writes_reads_back(run_cli, write_tree, tmp_path: Path) -> None:
    """The reader refused what the writer wrote: a question over 4096 characters, a
    backslash in a file name, so every build after the first stopped (a fresh checkout)."""
    long = "Why " + "very " * 1000 + "long?"
    settings = "tags: ['', 'a b', '<em>', \"it's\"]\n"
    root = write_tree(
        {
            "a.md": f"# Book\n\n## {long}\n\nYes.\n",
            "back\\slash.md": BOOK,
            "ankipress.yaml": settings,
        }
    )
    assert run_cli("build", str(root), "-o", str(tmp_path / "o")).exit_code == 0
    diagnostics = Diagnostics()
    lock = read_lock(root / "ankipress.lock", "ankipress.lock", diagnostics)
    assert lock is not None and len(lock.entries) == 2, [str(d) for d in diagnostics.sorted()]
    assert {t for e in lock.entries for t in e.tags} == {"a_b", "_em_", "it_s"}
    result = run_cli("build", str(root), "-o", str(tmp_path / "o2"), "--no-cache")
    assert result.exit_code == 0, result.output
    assert os.path.exists(tmp_path / "o2")


def test_no_mathjax_command_that_links_reaches_any_field_or_name(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Second round. MathJax finds its math by its own rules (a ``\\)`` inside braces does
    not close a span), and typesets titles in the Context field and file names in the
    Source field as much as answers: the commands go from the whole text, not from the
    spans a regex finds; in code, which MathJax never typesets, they stay, inert."""
    href = "\\href{javascript:alert(1)}{X}"
    note = (
        f"# \\\\({href}\\\\)\n\n## 第1章 `\\({href}\\)`\n\n### Why braces?\n\n"
        f"<div>\\( {{ \\) {href} }} \\)</div>\n\n"
        f"### Why escapes?\n\n\\\\( \\\\\\\\) {href} \\\\)\n\n"
        "### Why code?\n\n`\\url{x}` and\n\n```latex\n\\href{https://a.test}{b}\n```\n"
    )
    name = f"n\\({href}\\).md"
    root = write_tree({name: note, "ankipress.yaml": "tags: ['\\\\(\\\\href{x}{y}\\\\)']\n"})
    assert run_cli("build", str(root), "-o", str(tmp_path / "out")).exit_code == 0
    packages = sorted((tmp_path / "out").rglob("*.apkg"))
    dumped = [dump_package(p) for p in packages]
    text = json.dumps([[n["fields"], n["tags"]] for d in dumped for n in d["notes"]])
    text += json.dumps([list(d["decks"].values()) for d in dumped])
    assert "\\\\href" not in text and "\\\\url" not in text
    assert "\\\\\\u2060url{x}" in text and "\\\\\\u2060href</span>" in text  # as written


def test_a_retired_note_from_the_lock_carries_no_command_either(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """A lock line alone (no note of its GUID) is a retired note: its question, its book
    (a deck name) and its tags reach a card."""
    root = write_tree({"a.md": BOOK})
    assert run_cli("build", str(root), "-o", str(tmp_path / "o")).exit_code == 0
    header, *lines = (root / "ankipress.lock").read_text(encoding="utf-8").splitlines()
    evil = json.loads(lines[0]) | {"guid": "evil-guid-1", "at": "gone.md:1"}
    evil |= {"text": "\\( \\\\) \\href{javascript:alert(11)}{LOCK} \\)", "book": "\\href{b}{c}"}
    lock = "\n".join([header, *lines, json.dumps(evil)]) + "\n"
    (root / "ankipress.lock").write_text(lock, encoding="utf-8")
    result = run_cli("build", str(root), "-o", str(tmp_path / "o2"))
    assert result.exit_code == 0, result.output
    dumped = [dump_package(p) for p in sorted((tmp_path / "o2").rglob("*.apkg"))]
    text = json.dumps(
        [[n["fields"] for n in d["notes"]] + list(d["decks"].values()) for d in dumped]
    )
    assert "LOCK" in text and "\\\\href" not in text
    # A tag holds no backslash ({{Tags}} is typeset too): one a lock gives is read as the
    # settings now write it, so a lock written before that rule still builds.
    evil["tags"] = ["\\(x\\)"]
    (root / "ankipress.lock").write_text(f"{header}\n{json.dumps(evil)}\n", encoding="utf-8")
    lock = read_lock(root / "ankipress.lock", "lock", Diagnostics())
    assert lock is not None and lock.entries[0].tags == ("_(x_)",)


def test_an_svg_that_could_run_is_not_packed(run_cli, write_tree, tmp_path: Path) -> None:
    """Third round: an SVG opened on its own (a link to it, in a card or the preview) is a
    page, and runs its script; as a picture it never does. One that holds script, handlers
    or loads is not packed; a plain one is."""
    script = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    plain = (  # what drawing programs write: gradients, uses, embedded pictures
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<defs><linearGradient id="g"/></defs><circle id="a" r="4" fill="url(#g)"/>'
        b'<use xlink:href="#a"/><image href="data:image/png;base64,iVBORw0KGgo="/>'
        b'<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">label</div></foreignObject>'
        b'<a xlink:href="https://example.test/faq">help</a><text>one = two</text>'
        b'<style>@font-face{src:url("https://fonts.test/a.woff2")}</style></svg>'
    )
    note = "# Book\n\n## What is drawn?\n\n![a](evil.svg) ![b](ok.svg)\n"
    root = write_tree({"a.md": note, "evil.svg": script, "ok.svg": plain})
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stderr == (
        "content/a.md:5: warning[image]: image 'evil.svg' holds '<script', which could run or load "
        "opened on its own; not packaged\n"
    )
    (package,) = sorted((tmp_path / "out").rglob("*.apkg"))
    assert list(dump_package(package)["media"].values()) == [len(plain)]


_SVG_NS = b'<svg xmlns="http://www.w3.org/2000/svg">'
_RUNNING_SVGS = [  # the fourth round's and a fresh read's: each runs in Chromium opened alone
    (_SVG_NS + b'<a href="java&#x09;script:alert(1)"><text>go</text></a></svg>', "javascript:"),
    (_SVG_NS + b'<a><set attributeName="href" to="javascript:alert(1)"/></a></svg>', "javascript:"),
    (
        _SVG_NS + b'<a><set attributeName="&#104;ref" to="javascript:alert(1)"/></a></svg>',
        "javascript:",
    ),
    (
        _SVG_NS + b'<a><set class="a>b" to="javascript:x()" attributeName="href"/></a></svg>',
        "javascript:",
    ),
    (_SVG_NS + b"<?x <!--?><script>alert(1)</script><?x -->?></svg>", "<script"),
    (_SVG_NS + b"<text><![CDATA[<!--]]></text><script>alert(1)</script></svg>", "<script"),
    (
        '<?xml version="1.0" encoding="UTF-16"?><svg xmlns="http://www.w3.org/2000/svg">'
        "<script>alert(1)</script></svg>".encode("utf-16-le"),
        "<script",
    ),
    (b'<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>' + _SVG_NS + b"</svg>", "<!DOCTYPE"),
]


@pytest.mark.parametrize(("svg", "mark"), _RUNNING_SVGS)
def test_an_svg_link_that_could_run_is_not_packed(
    run_cli, write_tree, tmp_path: Path, svg: bytes, mark: str
) -> None:
    note = "# Book\n\n## What is drawn?\n\n![a](evil.svg)\n"
    root = write_tree({"a.md": note, "evil.svg": svg})
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0
    assert f"image 'evil.svg' holds '{mark}'" in result.stderr
    (package,) = sorted((tmp_path / "out").rglob("*.apkg"))
    assert not dump_package(package)["media"]


def test_a_sprite_animating_its_link_between_fragments_is_packed(
    run_cli, write_tree, tmp_path: Path
) -> None:
    sprite = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<use href="#f1"><set attributeName="href" to="#f2" begin="1s"/></use>'
        b'<animate attributeName="xlink:href" values="#f1;#f2;#f3"/></svg>'
    )
    note = "# Book\n\n## What is drawn?\n\n![a](sprite.svg)\n"
    root = write_tree({"a.md": note, "sprite.svg": sprite})
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0 and result.stderr == ""
    (package,) = sorted((tmp_path / "out").rglob("*.apkg"))
    assert list(dump_package(package)["media"].values()) == [len(sprite)]


PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)


def test_only_pictures_sound_and_video_by_their_content_are_packed(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Fourth round: ``![](evil.html)`` was packed as it was, and a link to its hashed name
    opened it as a page, running its script. A file is packed only if its content is a
    picture, sound or video, under the suffix of what it is."""
    page = b"<html><script>alert(1)</script></html>"
    note = "# Book\n\n## What is drawn?\n\n![a](evil.html) ![b](page.png) ![c](pic.html)\n"
    root = write_tree({"a.md": note, "evil.html": page, "page.png": page, "pic.html": PNG})
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0
    why = "is no picture, sound or video by its content (a browser could open it as a page)"
    assert result.stderr.splitlines() == [
        f"content/a.md:5: warning[image]: image 'evil.html' {why}; not packaged",
        f"content/a.md:5: warning[image]: image 'page.png' {why}; not packaged",
    ]
    (package,) = sorted((tmp_path / "out").rglob("*.apkg"))
    media = dump_package(package)["media"]
    assert [name.rpartition(".")[2] for name in media] == ["png"]
    assert list(media.values()) == [len(PNG)]


def test_a_template_asset_a_browser_would_open_as_a_page_is_not_packed(
    run_cli, write_tree, tmp_path: Path
) -> None:
    root = write_tree({"a.md": "## Why?\n\nBecause.\n", "ankipress.yaml": "templates: cards\n"})
    run_cli("templates", "init", str(root / "cards"), cwd=tmp_path)
    (root / "cards/_help.xml").write_bytes(b'<?xml version="1.0"?><x:script xmlns:x="x"/>')
    (root / "cards/_logo.png").write_bytes(PNG)
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "content/cards/_help.xml: warning[templates]: asset refused: no style sheet, and by its "
        "content "
        "no picture, font, sound or video named as one (a browser could open it as a page); "
        "not packed"
    ]
    (package,) = sorted((tmp_path / "out").rglob("*.apkg"))
    assert [name.split("-")[0] for name in dump_package(package)["media"]] == ["_logo"]


def test_a_lock_line_whose_path_holds_a_nul_stops_nothing(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Third round reported an internal error naming no file for a NUL in a lock line's
    path (not reproduced since): the whole build, a part of it and a check each finish, and
    the line is a note of a file that is gone."""
    root = write_tree({"a.md": "## What?\n\nYes.\n", "sub/s.md": "## Why?\n\nNo.\n"})
    assert run_cli("build", str(root), "-o", str(tmp_path / "out"), cwd=tmp_path).exit_code == 0
    lock = root / "ankipress.lock"
    lines = lock.read_text("utf-8").splitlines()
    entry = json.loads(lines[1])
    planted = [
        {**entry, "guid": "zzzzzzzzzz", "at": "b\x00.md:3", "book": "b"},
        {**entry, "guid": "yyyyyyyyyy", "at": "sub/\x00s.md:1", "book": "s2"},
        {**entry, "guid": "xxxxxxxxxx", "at": "\x00:1", "book": "\x00", "removed": 5},
    ]
    lock.write_text("\n".join([*lines, *map(json.dumps, planted)]) + "\n", "utf-8")
    for args in (["build", str(root)], ["build", str(root / "sub")], ["check", str(root)]):
        result = (
            run_cli(*args, "-o", str(tmp_path / "out"), cwd=tmp_path)
            if args[0] == "build"
            else run_cli(*args, cwd=tmp_path)
        )
        assert result.exit_code == 0, (args, result.output)
        assert "internal" not in result.output
