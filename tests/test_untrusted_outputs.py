"""Issue 17, cases 4 and 5, and raw text in template fields: a templates folder the content
chooses, and output folders, are untrusted like the notes."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from ankipress.assemble.pipeline import BuildOptions, build
from ankipress.cards.activecontent import active_html
from ankipress.cards.notetype import DEFAULT_TEMPLATES
from ankipress.cards.templates import load_templates
from ankipress.diagnostics import Diagnostics
from tests.ankitools import import_packages, open_collection
from tests.conftest import PYTHON, REPO
from tests.test_lock import BOOK

DEFAULT_BACK = (DEFAULT_TEMPLATES / "back.html").read_text(encoding="utf-8")
DEFAULT_CSS = (DEFAULT_TEMPLATES / "style.css").read_text(encoding="utf-8")


def content_with_templates(write_tree, extra_settings: str = "") -> Path:  # type: ignore[no-untyped-def]
    """The test book, its ``ankipress.yaml`` choosing the templates folder ``cards``."""
    content = write_tree(
        {"vision.md": BOOK, "ankipress.yaml": f"templates: cards\n{extra_settings}"}
    )
    shutil.copytree(DEFAULT_TEMPLATES, content / "cards")
    return content


def shown(result_diagnostics: Diagnostics, root: Path) -> list[str]:
    return [str(d).removeprefix(f"{root}/") for d in result_diagnostics.sorted()]


def test_template_files_leading_outside_the_content_are_refused(write_tree, tmp_path) -> None:
    """Case 4: back.html, style.css and an asset as symlinks to private files packed their
    text into every deck, without a word."""
    content = content_with_templates(write_tree)
    private = tmp_path / "private"
    private.mkdir()
    (private / "back.html").write_text("{{FrontSide}} SECRET-BACK", encoding="utf-8")
    (private / "style.css").write_text(".card { content: 'SECRET-CSS'; }", encoding="utf-8")
    (private / "font.woff2").write_bytes(b"SECRET-FONT")
    for name, target in (("back.html", "back.html"), ("style.css", "style.css")):
        (content / "cards" / name).unlink()
        (content / "cards" / name).symlink_to(private / target)
    (content / "cards/_font.woff2").symlink_to(private / "font.woff2")
    result = build(BuildOptions(paths=(content,), out=tmp_path / "o"))
    with zipfile.ZipFile(tmp_path / "o/vision/01-Transformers.apkg") as package:
        assert b"SECRET" not in package.read("collection.anki2")
        assert all(b"SECRET" not in package.read(name) for name in package.namelist())
    assert shown(result.diagnostics, content) == [
        f"cards/_font.woff2: warning[templates]: asset refused: a symlink to {private}/font.woff2, "
        "outside the content root; not packed",
        f"cards/back.html: warning[templates]: a symlink to {private}/back.html, outside the "
        "content "
        "root; not read: the default back.html is used instead",
        f"cards/style.css: warning[templates]: a symlink to {private}/style.css, outside the "
        "content "
        "root; not read: the default style.css is used instead",
    ]
    assert result.note_types[content].back == DEFAULT_BACK


def test_no_template_file_that_is_not_a_regular_file_is_opened(write_tree, tmp_path) -> None:
    """Case 4: a FIFO as back.html hung the build (a folder as style.css was an error that
    stopped the folder). Run as a process, so that a hang fails the test instead of
    hanging it."""
    content = content_with_templates(write_tree)
    (content / "cards/back.html").unlink()
    os.mkfifo(content / "cards/back.html")
    os.mkfifo(content / "cards/_fifo.woff2")
    (content / "cards/style.css").unlink()
    (content / "cards/style.css").mkdir()
    command = [PYTHON, "-m", "ankipress", "build", str(content), "-o", str(tmp_path / "o")]
    try:
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the build hangs on a FIFO in the templates folder")
    assert done.returncode == 0, done.stderr
    warnings = [line.removeprefix(f"{content}/") for line in done.stderr.splitlines()]
    for expected in (
        "cards/_fifo.woff2: warning[templates]: asset refused: not a regular file; not packed",
        "cards/back.html: warning[templates]: not a regular file; not read: the default back.html "
        "is "
        "used instead",
        "cards/style.css: warning[templates]: not a regular file; not read: the default style.css "
        "is "
        "used instead",
    ):
        assert expected in warnings
    assert (tmp_path / "o/vision/01-Transformers.apkg").is_file()


ACTIVE_BACKS = [
    ("<script>alert(1)</script>", "<script>"),
    ('<img src="x" onerror="alert(1)">', "the event handler onerror="),
    ('<a href="java&#x09;script:alert(1)">x</a>', "a script URL in href="),
    ('<iframe src="_page.html"></iframe>', "<iframe>"),
    ('<object data="_x.swf"></object>', "<object>"),
    ('<embed src="_x.swf">', "<embed>"),
    ('<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>', "<svg>"),
    # Inside <svg> a browser reads <style> as markup, where Python's parser reads CSS.
    ('<svg><style><p><img alt=">" onerror="alert(1)" src="x"></p></style></svg>', "<svg>"),
    ("<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>", "<math>"),
    ('<div style="background: url(javascript:alert(1))">x</div>', "a script URL in style="),
    ("<a href='file:///etc/passwd'>x</a>", "a file: URL in href="),
    # A field or section inside a tag writes markup once Anki fills it in.
    ("<scr{{#Extra}}{{/Extra}}ipt>alert(1)</script>", "a {{...}} inside a tag"),
    ("<img src=x {{Tags}}>", "a {{...}} inside a tag"),
    ('<div title="{{Deck}}">x</div>', "a {{...}} inside a tag"),
    ("<{{Extra}}script>alert(1)</script>", "a {{...}} inside a tag"),
    ("{{#Extra}}<!--{{/Extra}}<script>x</script>{{#Extra}}-->{{/Extra}}", "comment"),
    ("{{#Extra}}<textarea>{{/Extra}}<b>x</b></textarea>", "<textarea>"),
    # Third round: where Python's parser and a browser disagree, and MathJax in a template.
    ("<!--><img title='>' src=x onerror=alert(1)>-->", "markup declaration"),
    ("<!--a--!><img title='>' src=x onerror=alert(1)>", "markup declaration"),
    ("<![CDATA[><img title='>' src=x onerror=alert(1)>", "markup declaration"),
    ("<xmp><p title=\"</xmp><img title='>' src=x onerror=alert(1)>\"></xmp>", "<xmp>"),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', "<noscript>"),
    ("<div>\\(\\href{javascript:alert(1)}{x}\\)</div>", "the MathJax command \\href"),
    ("<div>&#92;(&#92;class{x}{y}&#92;)</div>", "the MathJax command \\class"),
    ('<img src="/home/someone/secret.png">', "a path out of the media folder"),
    # Review: MathJax joins text across <wbr> and comments, and a section may be empty.
    ("<div>\\(\\hr<wbr>ef{https://x.test}{x}\\)</div>", "the MathJax command \\href"),
    ("<div>\\(\\hr<!-- -->ef{https://x.test}{x}\\)</div>", "the MathJax command \\href"),
    ("<div>\\(\\hr{{^Question}}{{/Question}}ef{a}{b}\\)</div>", "the MathJax command \\href"),
    # Anki's text: filter decodes the escaped '<' of a question into markup.
    ("{{text:Question}}", "{{text:Question}} (Anki decodes"),
]


@pytest.mark.parametrize(("html", "what"), ACTIVE_BACKS)
def test_active_content_in_a_template_is_refused(tmp_path: Path, html: str, what: str) -> None:
    """Case 4: ``<script>`` in a template passed without a word. The whole file is refused
    for the default one, which the warning says: nothing is stripped from it."""
    folder = tmp_path / "cards"
    shutil.copytree(DEFAULT_TEMPLATES, folder)
    (folder / "back.html").write_text("{{FrontSide}}\n<hr>\n" + html, encoding="utf-8")
    diagnostics = Diagnostics()
    templates = load_templates(folder, diagnostics)
    assert templates is not None and templates.back == DEFAULT_BACK
    (message,) = [str(d).removeprefix(f"{folder}/") for d in diagnostics.sorted()]
    assert message.startswith("back.html:3: warning[templates]: refused: ") and what in message
    assert message.endswith(
        "which could run or load code in every card; nothing is stripped from a template: "
        "the default back.html is used instead"
    )


def test_a_template_with_a_plain_comment_is_read() -> None:
    """A comment, commented-out markup included, ends where a browser ends it."""
    template = '<!-- the front -->\n<!-- <div class="old">x</div> -->\n<div>x</div>'
    assert active_html(template) is None


@pytest.mark.parametrize(
    ("css", "what"),
    [
        ('@import url("file:///etc/passwd");', "a file: URL"),
        (".card { background: u\\72l(javascript:alert(1)) }", "a javascript: URL"),
        ("/* </style><script>alert(1)</script> */", "'</style'"),
        (".card { width: expression(alert(1)) }", "script in CSS"),
    ],
)
def test_active_content_in_the_css_is_refused(tmp_path: Path, css: str, what: str) -> None:
    folder = tmp_path / "cards"
    shutil.copytree(DEFAULT_TEMPLATES, folder)
    (folder / "style.css").write_text(".card { color: red; }\n" + css, encoding="utf-8")
    diagnostics = Diagnostics()
    templates = load_templates(folder, diagnostics)
    assert templates is not None and templates.css.startswith(DEFAULT_CSS)
    (message,) = [str(d).removeprefix(f"{folder}/") for d in diagnostics.sorted()]
    assert message.startswith("style.css:2: warning[templates]: refused: ") and what in message
    assert message.endswith("the default style.css is used instead")


def test_a_front_left_open_cannot_take_in_the_back(tmp_path: Path) -> None:
    """The back shows the front first ({{FrontSide}}): a front ending inside a tag would
    make the back's text its attributes."""
    folder = tmp_path / "cards"
    shutil.copytree(DEFAULT_TEMPLATES, folder)
    (folder / "front.html").write_text('{{Question}}<img src="x" alt="', encoding="utf-8")
    (folder / "back.html").write_text('{{FrontSide}}" onerror="alert(1)">', encoding="utf-8")
    diagnostics = Diagnostics()
    templates = load_templates(folder, diagnostics)
    assert templates is not None and "<img" not in templates.front
    (message,) = [str(d).removeprefix(f"{folder}/") for d in diagnostics.sorted()]
    assert message.startswith("front.html:1: warning[templates]: refused: a tag left unfinished")


def test_only_assets_a_card_can_use_without_script_are_packed(write_tree, tmp_path) -> None:
    content = content_with_templates(write_tree)
    (content / "cards/_font.woff2").write_bytes(b"wOF2\x00\x01\x00\x00" + bytes(40))
    (content / "cards/_tool.js").write_text("alert(1)", encoding="utf-8")
    (content / "cards/_more.css").write_text("@import 'file:///etc/passwd';", encoding="utf-8")
    result = build(BuildOptions(paths=(content,), out=tmp_path / "o"))
    assert shown(result.diagnostics, content) == [
        "cards/_more.css: warning[templates]: asset refused: a style sheet with a file: URL (line "
        "1); "
        "not packed",
        "cards/_tool.js: warning[templates]: asset refused: a script or a page, which a card "
        "could only "
        "use through a script; not packed",
    ]
    assert [asset.name[:6] for asset in result.note_types[content].assets] == ["_font-"]


def test_no_value_reaches_a_card_as_markup(write_tree, tmp_path: Path) -> None:
    """Raw text stays text: every special a template may show ({{Deck}}, {{Subdeck}},
    {{Tags}}, {{Type}}, {{Card}}) holding a hostile title, tags, note type name and card
    template name, rendered by Anki itself. {{Type}} and {{Card}} showed the note type's
    and card template's names as HTML."""
    hostile = "<img src=x onerror=alert(1)>"
    content = content_with_templates(write_tree, f'note_type: "{hostile}"\n')
    front = "{{Question}}|{{Deck}}|{{Subdeck}}|{{Tags}}|{{Type}}|{{Card}}|{{CardFlag}}"
    (content / "cards/front.html").write_text(front, encoding="utf-8")
    (content / "cards/<b onclick=alert(2)>.front.html").write_text(front, encoding="utf-8")
    (content / "cards/<b onclick=alert(2)>.back.html").write_text("{{FrontSide}}", "utf-8")
    book = f'---\ntitle: "{hostile}"\ntags: ["onerror=alert(3)", "<script>"]\n---\n' + BOOK
    (content / "vision.md").write_text(book.replace("Transformers", hostile), encoding="utf-8")
    result = build(BuildOptions(paths=(content,), out=tmp_path / "o"))
    assert result.diagnostics.error_count == 0, shown(result.diagnostics, content)
    col = open_collection(tmp_path / "anki")
    import_packages(col, sorted((tmp_path / "o").rglob("*.apkg")))
    sides = []
    for card_id in col.find_cards(""):
        card = col.get_card(card_id)
        sides += [card.question(), card.answer()]
    assert len(sides) == 12
    for html in sides:
        tags = re.findall(r"<[^>]*>", html)
        assert not [tag for tag in tags if re.search(r"(?i)onerror|onclick|<script|<img", tag)]
        assert "‹img src=x onerror=alert(1)›" in html  # the title, the note type, the chapter
    assert any("‹b onclick=alert(2)›" in html for html in sides)  # the card template's name


def image_site(write_tree, tmp_path: Path) -> tuple[Path, bytes]:  # type: ignore[no-untyped-def]
    image = b"\x89PNG\r\n\x1a\nfig"
    content = write_tree({"book.md": "<h2>What is x?</h2>\n\n![fig](fig.png)\n", "fig.png": image})
    return content, image


def test_the_preview_never_writes_through_a_symlink(run_cli, write_tree, tmp_path) -> None:
    """Case 5: an image's bytes went through a symlink already in the preview folder to a
    path outside it; index.html and the MathJax folder likewise."""
    content, image = image_site(write_tree, tmp_path)
    outside = tmp_path / "outside"
    (outside / "mathjax").mkdir(parents=True)
    (outside / "index.html").write_text("mine", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    name = hashlib.sha256(image).hexdigest()[:16] + ".png"
    (site / name).symlink_to(outside / "stolen.png")  # leads nowhere yet
    (site / "index.html").symlink_to(outside / "index.html")
    result = run_cli("preview", str(content), "-o", str(site), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in outside.rglob("*")) == ["index.html", "mathjax"]
    assert (outside / "index.html").read_text(encoding="utf-8") == "mine"
    assert not (site / name).is_symlink() and (site / name).read_bytes() == image
    assert not (site / "index.html").is_symlink() and (site / "deck-001.html").is_file()

    # The MathJax folder a link out: its script would run in every page, so none is written.
    shutil.rmtree(site / "_mathjax")
    (site / "deck-001.html").unlink()
    (site / "_mathjax").symlink_to(outside / "mathjax")
    result = run_cli("preview", str(content), "-o", str(site), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "site/_mathjax: error[io]: the preview's MathJax cannot be written there; no page written\n"
        "site/_mathjax/tex-svg.js: warning[io]: not written: a symlink or a file stands where a "
        "folder should be; not written through it\n"
    )
    assert sorted(p.name for p in outside.rglob("*")) == ["index.html", "mathjax"]
    assert not (site / "deck-001.html").exists()


def test_the_preview_deletes_and_replaces_only_its_own_pages(run_cli, write_tree, tmp_path) -> None:
    """Case 5: the preview deleted every deck-*.html in its folder, written by it or not."""
    content = write_tree({"a.md": "<h2>A?</h2>\n\nA.\n", "b.md": "<h2>B?</h2>\n\nB.\n"})
    site = tmp_path / "site"
    assert run_cli("preview", str(content), "-o", str(site), cwd=tmp_path).exit_code == 0
    assert sorted(p.name for p in site.glob("deck-*.html")) == ["deck-001.html", "deck-002.html"]
    (site / "deck-900.html").write_text("my own page", encoding="utf-8")
    (content / "b.md").unlink()
    result = run_cli("preview", str(content), "-o", str(site), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in site.glob("deck-*.html")) == ["deck-001.html", "deck-900.html"]
    assert (site / "deck-900.html").read_text(encoding="utf-8") == "my own page"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "index.html").write_text("my index", encoding="utf-8")
    result = run_cli("preview", str(content), "-o", str(mine), cwd=tmp_path)
    assert (mine / "index.html").read_text(encoding="utf-8") == "my index"
    assert (
        "mine/index.html: warning[io]: not replaced: the preview did not write this file; move it "
        "away"
    ) in result.stderr


def test_a_build_never_writes_through_a_symlink_in_its_output(write_tree, tmp_path) -> None:
    """Case 5, for packages: a symlinked folder in the output folder sent a package outside
    it; a symlink where a package goes is not the tool's: left as it is, never written
    through."""
    content = write_tree({"vision.md": BOOK})
    elsewhere, precious = tmp_path / "elsewhere", tmp_path / "precious.apkg"
    elsewhere.mkdir()
    precious.write_bytes(b"precious")
    out = tmp_path / "o"
    out.mkdir()
    (out / "vision").symlink_to(elsewhere)
    result = build(BuildOptions(paths=(content,), out=out))
    assert list(elsewhere.iterdir()) == []
    assert [str(d).removeprefix(f"{tmp_path}/") for d in result.diagnostics.sorted()] == [
        "o/vision/01-Transformers.apkg: error[io]: cannot write: a symlink or a file stands where "
        "a folder should be; not written through it"
    ]
    (out / "vision").unlink()
    (out / "vision").mkdir()
    (out / "vision/01-Transformers.apkg").symlink_to(precious)
    result = build(BuildOptions(paths=(content,), out=out))
    assert [d.message for d in result.diagnostics.sorted()] == [
        "a package of this build goes here, and this symlink was not written by ankipress: "
        "nothing written; move it away or choose another output folder (-o)"
    ]
    assert precious.read_bytes() == b"precious"
    assert (out / "vision/01-Transformers.apkg").is_symlink()  # not the tool's: left as is


def test_a_default_output_folder_that_is_a_symlink_is_not_written_through(
    run_cli, tmp_path: Path
) -> None:
    """A repository that commits ``decks`` or ``preview`` as a link would choose where the
    build writes: refused, unless the user names it with -o."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content/a.md").write_text("# A\n\n## Why?\n\nBecause.\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for command, folder in (("build", "decks"), ("preview", "preview")):
        (tmp_path / folder).symlink_to(elsewhere)
        result = run_cli(command, cwd=tmp_path)
        assert result.exit_code == 1
        assert result.stderr == (
            f"{folder}: error[outside]: the default output folder is a symlink (to {elsewhere}); "
            "nothing written through it: give -o to write there\n"
        )
        assert list(elsewhere.iterdir()) == []
        assert run_cli(command, "-o", folder, cwd=tmp_path).exit_code == 0
        assert list(elsewhere.iterdir())
        for child in elsewhere.iterdir():
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def test_a_template_asset_over_the_size_of_an_image_is_not_packed(tmp_path: Path) -> None:
    """An asset is packed into every deck: one of 2.5 GB cost as much memory, and more."""
    folder = tmp_path / "cards"
    shutil.copytree(DEFAULT_TEMPLATES, folder)
    with (folder / "_big.woff").open("wb") as big:
        big.truncate(2_500_000_000)  # sparse: no disk
    (folder / "_small.woff").write_bytes(b"wOFF\x00\x01\x00\x00" + bytes(32))
    diagnostics = Diagnostics()
    templates = load_templates(folder, diagnostics)
    assert templates is not None
    assert [m.name.split("-")[0] for m in templates.assets] == ["_small"]
    assert [str(d).removeprefix(f"{folder}/") for d in diagnostics.sorted()] == [
        "_big.woff: warning[templates]: asset refused: 2.5 GB, over the 20 MB limit; not packed"
    ]


def test_a_script_planted_in_the_previews_mathjax_folder_is_deleted(
    run_cli, write_tree, tmp_path
) -> None:
    """Third round: only the extensions the preview ships were replaced; a file of another
    name there (``html.js``, or any) stayed, for MathJax to load if anything asked."""
    content = write_tree({"a.md": "<h2>A?</h2>\n\n$x$\n"})
    site = tmp_path / "site"
    extensions = site / "_mathjax/input/tex/extensions"
    extensions.mkdir(parents=True)
    (extensions / "html.js").write_text("document.title = 'planted'", encoding="utf-8")
    (extensions / "evil.js").write_text("document.title = 'planted'", encoding="utf-8")
    outside = tmp_path / "mine.js"
    outside.write_text("mine", encoding="utf-8")
    (extensions / "link.js").symlink_to(outside)
    assert run_cli("preview", str(content), "-o", str(site), cwd=tmp_path).exit_code == 0
    names = {p.name for p in extensions.iterdir()}
    assert not names & {"html.js", "evil.js", "link.js"} and "cancel.js" in names
    assert outside.read_text(encoding="utf-8") == "mine"


def test_a_symlinked_mathjax_folder_holding_the_same_files_is_not_emptied(
    run_cli, write_tree, tmp_path
) -> None:
    """Review: with the files there already the preview's own bytes, nothing was written,
    so the link was never refused, and the clearing walked through it."""
    content = write_tree({"a.md": "<h2>A?</h2>\n\n$x$\n"})
    assert run_cli("preview", str(content), "-o", str(tmp_path / "first")).exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "first/_mathjax", elsewhere)
    (elsewhere / "precious.txt").write_text("mine", encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    (site / "_mathjax").symlink_to(elsewhere)
    result = run_cli("preview", str(content), "-o", str(site), cwd=tmp_path)
    assert result.exit_code == 1 and "no page written" in result.stderr
    assert (elsewhere / "precious.txt").read_text(encoding="utf-8") == "mine"
    assert not (site / "deck-001.html").exists()
