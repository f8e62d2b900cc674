"""Rendering answers: math, images as media, code, tables, sanitising."""

from __future__ import annotations

import hashlib

import pytest

from tests.rendering import answer_of, render

PNG_A = b"\x89PNG\r\n\x1a\n" + b"A" * 32
PNG_B = b"\x89PNG\r\n\x1a\n" + b"B" * 32


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("a $x_1 < y$ b", r'<p>a <span class="math inline">\(x_1 &lt; y\)</span> b</p>'),
        ("$a*b*c$ and *d*", r'<span class="math inline">\(a*b*c\)</span> and <em>d</em>'),
        ("$$\n\\sum_i x_i\n$$", '<div class="math block">\n\\[\\sum_i x_i\\]\n</div>'),
        ("see $$E=mc^2$$ here", r'<span class="math display">\[E=mc^2\]</span>'),
        ("costs $5 and $10 today", "<p>costs $5 and $10 today</p>"),
        ("between $ a $ and", "<p>between $ a $ and</p>"),
        ("code `$x$` stays", "<code>$x$</code>"),
    ],
)
def test_math(write_tree, body: str, html: str) -> None:
    note, _ = answer_of(write_tree, body)
    assert html in note.answer


def test_images_become_content_hashed_media(write_tree) -> None:
    root = write_tree(
        {
            "a/book.md": "<h2>1.Q?</h2>\n\n![first](img/fig.png)\n\n<div align=center>"
            '<img src="img/other.png" width="50%"></div>\n',
            "a/img/fig.png": PNG_A,
            "a/img/other.png": PNG_B,
            "b/book.md": "<h2>1.Q?</h2>\n\n![same name, other bytes](fig.png)\n",
            "b/fig.png": PNG_B,
        }
    )
    (a,), diag_a = render(root, "a/book.md")
    (b,), diag_b = render(root, "b/book.md")
    name_a = hashlib.sha256(PNG_A).hexdigest()[:16] + ".png"
    name_b = hashlib.sha256(PNG_B).hexdigest()[:16] + ".png"
    assert f'<img src="{name_a}" alt="first">' in a.answer
    assert f'<div align="center"><img src="{name_b}" width="50%"></div>' in a.answer
    assert [m.name for m in a.media] == sorted([name_a, name_b])
    assert [m.name for m in b.media] == [name_b]
    assert diag_a == diag_b == []


def test_missing_image_warns_and_shows_alt(write_tree) -> None:
    note, diagnostics = answer_of(
        write_tree, 'line one\nline two ![the alt](imgs/none.png)\n\n<img src="gone.jpg" alt="raw">'
    )
    assert '<span class="missing-image">the alt</span>' in note.answer
    assert '<span class="missing-image">raw</span>' in note.answer
    assert diagnostics == [
        "content/book.md:4: warning[image]: image 'imgs/none.png' not found",
        "content/book.md:6: warning[image]: image 'gone.jpg' not found",
    ]
    assert note.media == ()


def test_remote_images_stay_links_and_outside_files_are_refused(write_tree, tmp_path) -> None:
    (tmp_path / "secret.png").write_bytes(PNG_A)
    note, diagnostics = answer_of(
        write_tree, "![r](https://example.org/a.png)\n\n![s](../secret.png)\n\n![t](/etc/hosts)"
    )
    assert '<img src="https://example.org/a.png" alt="r">' in note.answer
    assert note.media == ()
    assert diagnostics == [
        "content/book.md:5: warning[image]: image '../secret.png' is outside the content root; "
        "not packaged",
        "content/book.md:7: warning[image]: image '/etc/hosts' is outside the content root; not "
        "packaged",
    ]


def test_code_is_highlighted_with_classes(write_tree) -> None:
    note, _ = answer_of(write_tree, "```python\nx = 1  # one\n```")
    assert note.answer.startswith('<pre class="highlight"><code class="language-python">')
    assert (
        '<span class="n">x</span>' in note.answer and '<span class="c1"># one</span>' in note.answer
    )


def test_tables_and_strikethrough(write_tree) -> None:
    note, _ = answer_of(write_tree, "| a | b |\n|---|--:|\n| 1 | ~~2~~ |")
    assert '<th style="text-align:right">b</th>' in note.answer
    assert '<td style="text-align:right"><s>2</s></td>' in note.answer


def test_scripts_and_handlers_never_reach_a_card(write_tree) -> None:
    note, _ = answer_of(
        write_tree,
        '<script>alert(1)</script>\n\n<img src="https://x.org/a.png" onerror="alert(2)">\n\n'
        '[x](javascript:alert(3)) <a href="javascript:alert(4)">y</a>\n\n<style>p{}</style>',
    )
    for bad in ("<script", "alert(1)", "alert(2)", "onerror", 'href="javascript', "<style", "p{}"):
        assert bad not in note.answer
    assert '<a rel="noopener noreferrer">y</a>' in note.answer


def test_note_fields(write_tree) -> None:
    root = write_tree({"sub/book.md": "# Title\n\n## 第一章 One\n\n<h2>3.Q &amp; A?</h2>\n\nx\n"})
    (note,), _ = render(root, "sub/book.md")
    assert note.question == "Q &amp; A?"
    assert note.context == "Title › 第一章 One"
    assert note.source == "content/sub/book.md:5"
