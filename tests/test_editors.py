"""Notes written as Typora and Obsidian show them, checked on the cards real Anki imports:
images with spaces in their path, embeds, wikilinks, callouts; raw ``<img>`` left missing."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from tests.ankitools import import_packages, notes, open_collection

PNG_NEAR = b"\x89PNG\r\n\x1a\n" + b"near" * 8
PNG_FAR = b"\x89PNG\r\n\x1a\n" + b"far!" * 8
PNG_OTHER = b"\x89PNG\r\n\x1a\n" + b"else" * 8


@dataclass
class InAnki:
    answers: dict[str, str]  # question -> the Answer field Anki holds
    warnings: list[str]  # as the build printed them
    media: dict[str, bytes]  # Anki's media folder after the import
    css: str  # the note type's style sheet


def build_in_anki(run_cli, write_tree, tmp_path: Path, files: dict[str, str | bytes]) -> InAnki:
    """Build ``files`` (under tmp_path/content) with the CLI and import the decks into a
    fresh Anki collection."""
    write_tree(files)
    result = run_cli("build", "content", "--out", "decks", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    col = open_collection(tmp_path / "anki")
    try:
        log = import_packages(col, sorted((tmp_path / "decks").rglob("*.apkg")))
        assert log.new and not log.conflicting
        answers = {n.fields["Question"]: n.fields["Answer"] for n in notes(col)}
        folder = Path(col.media.dir())
        media = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
        css = "\n".join(model["css"] for model in col.models.all())
    finally:
        col.close()
    warnings = [line for line in result.output.splitlines() if ": warning[" in line]
    return InAnki(answers, warnings, media, css)


def media_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16] + ".png"


def flat(html: str) -> str:
    return re.sub(r">\s+<", "><", html)


def test_typora_images_with_spaces_in_their_path(run_cli, write_tree, tmp_path: Path) -> None:
    built = build_in_anki(
        run_cli,
        write_tree,
        tmp_path,
        {
            "book.md": "<h2>1.How does the detector look?</h2>\n\n![](img/Two Stage Net.png)\n\n"
            "![the head](<img/head part.png>)\n\n![](img/Never Drawn.png)\n\n"
            '![not an image](img/a b.png "a title" trailing)\n',
            "img/Two Stage Net.png": PNG_NEAR,
            "img/head part.png": PNG_OTHER,
        },
    )
    answer = built.answers["How does the detector look?"]
    assert f'<img src="{media_name(PNG_NEAR)}" alt="">' in answer
    assert f'<img src="{media_name(PNG_OTHER)}" alt="the head">' in answer
    assert '<span class="missing-image"></span>' in answer
    assert "![not an image](img/a b.png" in answer  # not exactly the form: text
    assert built.media[media_name(PNG_NEAR)] == PNG_NEAR
    assert built.warnings == [
        "content/book.md:7: warning[image]: image 'img/Never Drawn.png' not found"
    ]


def test_obsidian_embeds_are_found_by_name_nearest_first(
    run_cli, write_tree, tmp_path: Path
) -> None:
    built = build_in_anki(
        run_cli,
        write_tree,
        tmp_path,
        {
            "vault/topics/book.md": "<h2>1.Which figures?</h2>\n\n![[scheme.png]]\n\n"
            "![[plot.png|450]]\n\n![[Plot.PNG|a caption]]\n\n![[nowhere.png]]\n",
            "vault/attachments/scheme.png": PNG_OTHER,
            "vault/topics/pics/plot.png": PNG_NEAR,
            "vault/archive/old/plot.png": PNG_FAR,
        },
    )
    answer = built.answers["Which figures?"]
    assert f'<img src="{media_name(PNG_OTHER)}" alt="scheme.png">' in answer
    assert f'<img src="{media_name(PNG_NEAR)}" alt="plot.png" width="450">' in answer
    assert f'<img src="{media_name(PNG_NEAR)}" alt="a caption">' in answer
    assert '<span class="missing-image">nowhere.png</span>' in answer
    assert media_name(PNG_FAR) not in built.media and PNG_FAR not in built.media.values()
    assert built.media[media_name(PNG_NEAR)] == PNG_NEAR
    assert built.warnings == [
        "content/vault/topics/book.md:9: warning[image]: image 'nowhere.png' not found"
    ]


def test_wikilinks_and_note_embeds_are_their_text(run_cli, write_tree, tmp_path: Path) -> None:
    built = build_in_anki(
        run_cli,
        write_tree,
        tmp_path,
        {
            "book.md": "<h2>1.Where to read on?</h2>\n\nStart at [[Attention]], then "
            "[[Attention|the attention page]], [[Encoders#Self attention|its layers]] and "
            "[[#Later section]].\n\n![[Reading list]]\n\nA real link: [[1]](https://example.org)\n"
        },
    )
    answer = built.answers["Where to read on?"]
    assert (
        "<p>Start at Attention, then the attention page, its layers and Later section.</p>"
        in answer
    )
    assert "<p>Reading list</p>" in answer
    assert '<a href="https://example.org" rel="noopener noreferrer">[1]</a>' in answer
    assert "[[" not in answer and "]]" not in answer
    assert built.warnings == []


def test_callouts_are_styled_blocks(run_cli, write_tree, tmp_path: Path) -> None:
    built = build_in_anki(
        run_cli,
        write_tree,
        tmp_path,
        {
            "book.md": "<h2>1.What should I keep in mind?</h2>\n\n"
            "> [!note] Keep **this** in mind\n> Softmax is shift invariant.\n\n"
            "> [!WARNING]-\n> Large logits overflow.\n\n"
            "> [!sparkles] My own kind\n>\n> - one\n> - two\n\n"
            "> A plain quote stays a quote.\n"
        },
    )
    answer = flat(built.answers["What should I keep in mind?"])
    assert (
        '<div class="callout callout-note"><div class="callout-title">Keep <strong>this</strong>'
        " in mind</div><p>Softmax is shift invariant.</p></div>" in answer
    )
    assert (
        '<div class="callout callout-warning"><div class="callout-title">Warning</div>'
        "<p>Large logits overflow.</p></div>" in answer
    )
    assert (
        '<div class="callout callout-sparkles"><div class="callout-title">My own kind</div>'
        "<ul><li>one</li><li>two</li></ul></div>" in answer
    )
    assert "<blockquote><p>A plain quote stays a quote.</p></blockquote>" in answer
    assert "[!" not in answer
    assert ".answer .callout {" in built.css and ".callout-warning" in built.css
    assert ".nightMode .answer .callout," in built.css


def test_missing_raw_images_show_as_missing_markdown_images(
    run_cli, write_tree, tmp_path: Path
) -> None:
    data_url = "data:image/png;base64," + "QUJD" * 200
    built = build_in_anki(
        run_cli,
        write_tree,
        tmp_path,
        {
            "book.md": "<h2>1.What does the diagram show?</h2>\n\n"
            '<p align="center"><img src="figs/missing.png" alt="a flow diagram" width="300"></p>'
            f'\n\n![gone too](figs/also missing.png)\n\n<img src="{data_url}">\n'
        },
    )
    answer = built.answers["What does the diagram show?"]
    assert '<p align="center"><span class="missing-image">a flow diagram</span></p>' in answer
    assert '<span class="missing-image">gone too</span>' in answer
    assert "<img" not in answer and "QUJDQUJD" not in answer
    assert built.warnings == [
        "content/book.md:3: warning[image]: image 'figs/missing.png' not found",
        "content/book.md:5: warning[image]: image 'figs/also missing.png' not found",
        "content/book.md:7: warning[image]: image 'data:image/png;base64,QUJDQUJDQUJDQUJDQU…' "
        "uses the 'data:' scheme",
    ]


def test_wikilink_labels_are_what_the_parser_shows_as_links_elsewhere() -> None:
    from ankipress.notes.editors import wikilink_labels

    line = (
        "See [[Sampling#Imbalance|this note]], ![[fig.png]], [[Page]], [[x]](https://e.org), [[]]"
    )
    assert wikilink_labels(line) == ["this note", "Page"]  # not an embed, a link, nothing
