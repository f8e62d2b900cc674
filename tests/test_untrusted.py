"""Untrusted notes are data: no active content reaches a card, no outside file a deck."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ankipress.assemble.pipeline import BuildOptions, build
from ankipress.cards.sanitize import sanitize
from tests.rendering import answer_of, render

PNG = b"\x89PNG\r\n\x1a\n" + b"inside" * 4
SECRET = b"\x89PNG\r\n\x1a\nTOP-SECRET-BYTES"


@pytest.mark.parametrize(
    ("html", "gone", "kept"),
    [
        ("<script>alert(1)</script>", ["<script", "alert"], []),
        ("<SCRIPT src=//x.org/a.js></SCRIPT>", ["<script", "x.org"], []),
        ('<iframe src="https://x.org"></iframe>', ["<iframe", "x.org"], []),
        ('<object data="a.swf"><embed src="a.swf"></object>', ["<object", "<embed", "swf"], []),
        (
            '<form action="https://x.org"><input name="p"><button>Go</button></form>',
            ["<form", "<input", "<button", "action"],
            ["Go"],
        ),
        ('<img src="https://x.org/a.png" onerror="alert(1)">', ["onerror", "alert"], ["<img"]),
        ('<div onclick="alert(1)" onmouseover="x()">hi</div>', ["onclick", "onmouseover"], ["hi"]),
        ('<a href="javascript:alert(1)">a</a>', ["javascript", "alert"], [">a</a>"]),
        ('<a href="JaVaScRiPt:alert(1)">b</a>', ["avaScRiPt", "alert"], [">b</a>"]),
        ('<a href=" javascript:alert(1)">c</a>', ["javascript"], [">c</a>"]),
        ("[d](javascript:alert(1))", ["href"], ["[d]"]),  # not a link: plain text
        ('<img src="javascript:alert(1)" alt="e">', ["javascript"], []),
        ('<a href="data:text/html,<script>x</script>">f</a>', ["data:", "<script"], [">f</a>"]),
        ('<svg onload="alert(1)"><circle/></svg>', ["<svg", "onload"], []),
        ("<style>body{display:none}</style>\n\ntext", ["<style", "display"], ["text"]),
        ('<meta http-equiv="refresh" content="0;url=https://x.org">', ["<meta", "x.org"], []),
        (
            '<base href="https://x.org/"><link rel="stylesheet" href="a.css">',
            ["<base", "<link"],
            [],
        ),
        ('<p style="background:url(https://x.org/t.png)">g</p>', ["x.org", "style"], ["g"]),
        ("<details open><summary>h</summary>ok<script>x()</script></details>", ["<script"], []),
    ],
)
def test_active_content_never_reaches_a_card(
    write_tree, html: str, gone: list[str], kept: list[str]
) -> None:
    # text beside it: an answer of nothing but a script is no answer, and has no card
    body = html if html.startswith("<details") else f"{html}\n\nText."
    note, diagnostics = answer_of(write_tree, body)
    for text in gone:
        assert text.lower() not in note.answer.lower(), note.answer
    for text in kept:
        assert text in note.answer, note.answer
    # Unreported: markdown leaves [d](javascript:...) as text; a <style> block is not content
    # (the coverage count says so); style attributes are presentation.
    if not html.startswith(("[d]", "<style>", "<p style")):
        assert any("removed from the card" in d or "scheme" in d for d in diagnostics)


def test_what_is_removed_is_reported_by_line(write_tree) -> None:
    _, diagnostics = answer_of(
        write_tree,
        '<div onclick="x()">a</div>\n\n<p>b <script>c()</script> <iframe src="y"></iframe>\n'
        '<a href="javascript:z()">d</a></p>',
    )
    assert diagnostics == [
        "content/book.md:3: warning[html]: removed from the card (not allowed there): onclick",
        "content/book.md:5: warning[html]: removed from the card (not allowed there): <script>, "
        "<iframe>",
        "content/book.md:6: warning[html]: removed from the card (not allowed there): javascript: "
        "link",
    ]


def test_what_cards_need_is_kept(write_tree) -> None:
    html = (
        '<table align="center"><tr><th>a</th><td>H<sub>2</sub>O, x<sup>2</sup></td></tr></table>'
        '\n<details open><summary>more</summary><div class="note"><span class="hl">b</span>'
        '</div></details>\n<p align="right"><img src="https://x.org/a.png" width="300" alt="c">'
        "</p>"
    )
    note, _ = answer_of(write_tree, html)
    for text in (
        '<table align="center">',
        "<sub>2</sub>",
        "<sup>2</sup>",
        "<details open",
        "<summary>more</summary>",
        '<div class="note"><span class="hl">b</span></div>',
        '<p align="right">',
        'width="300"',
    ):
        assert text in note.answer, note.answer


def test_questions_context_and_source_are_text_not_html(write_tree) -> None:
    root = write_tree(
        {
            "<b onclick=x()>.md": "# <i>T</i>\n\n## 第一章 <script>c</script>\n\n"
            "<details><summary><img src=x onerror=alert(1)>Q?</summary>\n\nA\n</details>\n"
        }
    )
    (note,), _ = render(root, "<b onclick=x()>.md")
    assert note.question == "Q?"
    assert "<" not in note.context and "<" not in note.source
    assert note.source == "content/&lt;b onclick=x()&gt;.md:5"


def test_images_outside_the_content_root_are_refused(write_tree, tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(SECRET)
    root = write_tree({"in.png": PNG, "sub/x.md": ""})
    os.symlink(tmp_path / "secret.png", root / "link.png")
    os.symlink(tmp_path, root / "linkdir")
    note, diagnostics = answer_of(
        write_tree,
        "![a](../secret.png) ![b](/etc/hosts) ![c](link.png) ![d](linkdir/secret.png)\n\n"
        f'<img src="{tmp_path}/secret.png"> <img src="file:///etc/passwd"> '
        '<img src="sub/../../secret.png"> ![e](in.png)',
    )
    assert [m.path.name for m in note.media] == ["in.png"]
    outside = "is outside the content root; not packaged"
    assert diagnostics == [
        f"content/book.md:3: warning[image]: image '../secret.png' {outside}",
        f"content/book.md:3: warning[image]: image '/etc/hosts' {outside}",
        f"content/book.md:3: warning[image]: image 'link.png' {outside}",
        f"content/book.md:3: warning[image]: image 'linkdir/secret.png' {outside}",
        f"content/book.md:5: warning[image]: image '{tmp_path}/secret.png' {outside}",
        "content/book.md:5: warning[image]: image 'file:///etc/passwd' uses the 'file:' scheme",
        f"content/book.md:5: warning[image]: image 'sub/../../secret.png' {outside}",
    ]


def test_markdown_outside_the_content_root_is_not_read(write_tree, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "private.md").write_text("<h2>Secret?</h2>\n\nTOP-SECRET\n")
    root = write_tree({"book.md": "<h2>Q?</h2>\n\nA\n", "real.md": "<h2>R?</h2>\n\nB\n"})
    os.symlink(outside / "private.md", root / "leak.md")
    os.symlink(outside, root / "leakdir")
    os.symlink(root / "real.md", root / "alias.md")  # inside: read once, as itself
    result = build(BuildOptions(paths=(root,), out=tmp_path / "out", write=False))
    questions = sorted(n.question for d in result.decks for n in d.notes)
    assert questions == ["Q?", "R?"]
    assert [str(d).removeprefix(f"{root}/") for d in result.diagnostics.sorted()] == [
        f"leak.md: warning[outside]: symlink to {outside}/private.md is outside the content root; "
        "not read",
        f"leakdir: warning[outside]: symlink to {outside} is outside the content root; not read",
    ]


def test_media_roots_named_by_the_user_are_allowed(write_tree, tmp_path: Path) -> None:
    shared = tmp_path / "shared-images"
    shared.mkdir()
    (shared / "fig.png").write_bytes(PNG)
    root = write_tree({"book.md": "<h2>Q?</h2>\n\n![f](../shared-images/fig.png)\n"})
    refused = build(BuildOptions(paths=(root,), out=tmp_path / "o", write=False))
    assert refused.decks[0].media == ()
    allowed = build(
        BuildOptions(paths=(root,), out=tmp_path / "o", write=False, media_roots=(shared,))
    )
    assert [m.path for m in allowed.decks[0].media] == [shared / "fig.png"]
    assert allowed.diagnostics.sorted() == []


def test_a_settings_file_leading_outside_is_refused(write_tree, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_text("title: from outside\n")
    root = write_tree({"book.md": "<h2>Q?</h2>\n\nA\n"})
    os.symlink(tmp_path / "elsewhere.yaml", root / "ankipress.yaml")
    result = build(BuildOptions(paths=(root,), out=tmp_path / "out", write=False))
    assert result.decks == []
    assert [str(d).removeprefix(f"{root}/") for d in result.diagnostics.sorted()] == [
        f"ankipress.yaml: error[outside]: symlink to {tmp_path}/elsewhere.yaml is outside the "
        "content "
        "root; not read"
    ]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<img src="a.png" alt="a">', '<img src="ok.png" alt="a">'),
        ('<IMG SRC="a.png">', '<img src="ok.png">'),
        ('<image src="a.png">', '<img src="ok.png">'),  # the HTML parser reads it as <img>
        ('<img src="elsewhere.png" alt="b">', '<span class="missing-image">b</span>'),
        (
            "<p>No image; <code>src</code> is a word.</p>",
            "<p>No image; <code>src</code> is a word.</p>",
        ),
        ('<p title="t">x<script>y()</script></p>', '<p title="t">x</p>'),
    ],
)
def test_image_sources_are_rewritten_however_the_tag_is_written(html: str, expected: str) -> None:
    assert sanitize(html, {"a.png": "ok.png"}) == expected
