"""Preview: a static site of every card, front and back, through the real templates and CSS.

``index.html`` lists the decks; each deck's page shows every card as Anki would (its
note type's CSS, images from the media, math typeset by a local copy of MathJax, as
Anki's own MathJax does), with a night-mode switch. Everything is local: it opens offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape, unescape
from importlib.resources import files
from pathlib import Path

from ankipress.cards.cardrender import render_card
from ankipress.cards.notetype import FIELDS, Templates, shown_name
from ankipress.cards.previewfiles import GENERATOR, SiteFiles
from ankipress.diagnostics import Diagnostics, display_path
from ankipress.records import Deck, Note

MATHJAX = "_mathjax/tex-svg.js"
# Anki configures MathJax with noerrors, mathtools and mhchem, and autoloads the rest on
# first use: the preview ships them beside tex-svg.js (it opens offline), but not those
# that link, load or style (their commands are taken out of every card's math anyway).
EXTENSIONS = "input/tex/extensions"
_UNSAFE = frozenset({"html.js", "require.js", "unicode.js", "all-packages.js"})
_PAGE = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
{generator}
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title}</title>
<style>
body {{ margin: 0; padding: 16px; font-family: system-ui, sans-serif; background: #f6f8fa; }}
body.nightMode {{ background: #0d1117; color: #e6edf3; }}
.bar {{ display: flex; gap: 12px; align-items: center; margin-bottom: 16px; }}
.bar h1 {{ font-size: 1.2em; margin: 0; flex: 1; }}
.preview-card {{ margin: 0 0 24px; }}
.preview-card h2 {{ font-size: 0.8em; font-weight: normal; color: #6e7781; margin: 0 0 6px; }}
.sides {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px; }}
.side {{ display: flex; flex-direction: column; min-width: 0; overflow: hidden;
  border: 1px solid #d0d7de; border-radius: 8px; }}
.side-label {{ font-size: 0.7em; color: #6e7781; padding: 4px 10px;
  border-bottom: 1px solid #d0d7de; }}
.side > .card {{ flex: 1; max-width: none; margin: 0; padding: 12px; }}
body.nightMode .side, body.nightMode .side-label {{ border-color: #3d444d; }}
body.nightMode .bar a, body.nightMode .decks a {{ color: #4493f8; }}
</style>
<style>
{css}
</style>
<script>
window.MathJax = {{
  tex: {{
    inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]],
    processEscapes: false, processEnvironments: false, processRefs: false,
    packages: {{ "[+]": ["noerrors", "mathtools", "mhchem"], "[-]": ["textmacros"] }},
    autoload: {{ html: [], unicode: [] }}
  }},
  loader: {{ load: ["[tex]/noerrors", "[tex]/mathtools", "[tex]/mhchem"] }},
  svg: {{ fontCache: "global" }}
}};
</script>
<script src="{mathjax}" defer></script>
</head>
<body>
<div class="bar"><h1>{title}</h1>{links}
<button id="night" type="button">Night mode</button></div>
{body}
<script>
document.getElementById("night").addEventListener("click", function () {{
  document.body.classList.toggle("nightMode");
  document.body.classList.toggle("night_mode");
}});
</script>
</body>
</html>
"""


def write_preview(
    decks: list[Deck], note_types: Mapping[Path, Templates], out: Path, diagnostics: Diagnostics
) -> Path:
    """The site of ``decks`` (each shown through its content root's ``note_types``) in
    ``out``; its index. What it leaves alone in ``out`` is said in ``diagnostics``."""
    out.mkdir(parents=True, exist_ok=True)
    site = SiteFiles(out, diagnostics)
    mathjax = files("mathjax") / "static/mathjax/es5"
    copied = site.copy(MATHJAX, (mathjax / "tex-svg.js").read_bytes())
    shipped = {MATHJAX}
    for extension in (mathjax / EXTENSIONS).iterdir() if copied else ():  # as in Anki
        if extension.name.endswith(".js") and extension.name not in _UNSAFE:
            name = f"_mathjax/{EXTENSIONS}/{extension.name}"
            copied = copied and site.copy(name, extension.read_bytes())
            shipped.add(name)
    if not copied:  # the pages would load whatever is there in its place
        message = "the preview's MathJax cannot be written there; no page written"
        diagnostics.error(display_path(out / "_mathjax"), 0, message, "io")
        return out / "index.html"
    site.clear("_mathjax", shipped)
    rows, pages = [], set()
    for number, deck in enumerate(sorted(decks, key=lambda d: d.name), start=1):
        templates = note_types.get(deck.book.root)
        if templates is None:
            continue
        page = f"deck-{number:03}.html"
        for media in (*deck.media, *templates.assets):
            site.copy(media.name, media.path.read_bytes())
        cards = "\n".join(_card(deck, note, templates) for note in deck.notes)
        links = '<a href="index.html">All decks</a>'
        site.page(page, _page(deck.name, cards, templates.css, links))
        pages.add(page)
        cards_of = f"{len(deck.notes)} card{'s' * (len(deck.notes) != 1)}"
        rows.append(f'<li><a href="{page}">{escape(deck.name)}</a> ({cards_of})</li>')
    site.prune("deck-*.html", pages)  # only pages the preview wrote
    body = f'<ul class="decks">\n{chr(10).join(rows)}\n</ul>'
    site.page("index.html", _page("ankipress preview", body, "", ""))
    return out / "index.html"


def _page(title: str, body: str, css: str, links: str) -> str:
    return _PAGE.format(
        title=escape(title), css=css, mathjax=MATHJAX, body=body, links=links, generator=GENERATOR
    )


def _card(deck: Deck, note: Note, templates: Templates) -> str:
    values = dict(zip(FIELDS, note.fields, strict=True))
    values.update(Tags=" ".join(note.tags), Deck=deck.name, Subdeck=deck.name.split("::")[-1])
    sides = []
    for card in templates.cards:
        values["Card"] = shown_name(card.name)
        front = render_card(card.front, values)
        back = render_card(card.back, {**values, "FrontSide": front})
        for label, html in (("Front", front), ("Back", back)):
            sides.append(
                f'<div class="side"><div class="side-label">{label} · {escape(card.name)}</div>'
                f'<div class="card">{html}</div></div>'
            )
    where = escape(unescape(note.source))
    return (
        f'<section class="preview-card"><h2>{note.question} · {where}</h2>'
        f'<div class="sides">{"".join(sides)}</div></section>'
    )
