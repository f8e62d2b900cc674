"""Markdown as the editors people write notes in show it, where CommonMark does not:

- Typora: ``![alt](img/Mask R-CNN.png)``, an image whose path has spaces (CommonMark wants
  ``<...>`` around it), is an image when it is exactly that: the path without brackets,
  parentheses or quotes, ending in a file extension;
- Obsidian: the embed ``![[fig.png]]`` (``![[fig.png|450]]``: 450 pixels wide) is an image
  (its token's meta says ``EMBED``: the build looks for the file by name under the content
  root when it is not next to the note); ``![[Other note]]`` and the wikilinks ``[[page]]``,
  ``[[page|alias]]``, ``[[page#heading|alias]]`` are their text: the alias, else the page.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

EMBED = "ankipress_embed"  # image token meta: an Obsidian embed, found by name
IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".avif", ".tif", ".tiff"}
)
_SPACED_IMAGE = re.compile(
    r"!\[([^\[\]\n]*)\]\(([^\s()<>\"'\[\]](?=[^()<>\"'\[\]\n]* )[^()<>\"'\[\]\n]*\.\w{1,5})\)"
)
# [[target#heading|alias]]: no bracket inside, so a run of "[" is refused at once.
_WIKI = re.compile(r"\[\[([^\[\]\n|#]*)(?:#([^\[\]\n|]*))?(?:\|([^\[\]\n]*))?\]\]")
_SIZE = re.compile(r"\s*(\d{1,5})(?:x(\d{1,5}))?\s*")


def editors_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("image", "wiki_embed", _wiki_embed)
    md.inline.ruler.after("image", "spaced_image", _spaced_image)
    md.inline.ruler.before("link", "wikilink", _wikilink)


def _spaced_image(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("![", state.pos):
        return False
    found = _SPACED_IMAGE.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    href = state.md.normalizeLink(found[2])
    if not state.md.validateLink(href):
        return False
    if not silent:
        children: list[Token] = []
        state.md.inline.parse(found[1], state.md, state.env, children)
        _image(state, href, children)
    state.pos = found.end()
    return True


def _wiki_embed(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("![[", state.pos):
        return False
    found = _WIKI.match(state.src, state.pos + 1, state.posMax)
    if found is None or state.src.startswith("(", found.end()):  # ![[x]](url): an image
        return False
    target, heading, alias = found[1].strip(), found[2], found[3]
    if not silent:
        if PurePosixPath(target).suffix.lower() in IMAGE_SUFFIXES:
            size = _SIZE.fullmatch(alias or "")
            alt = PurePosixPath(target).name if alias is None or size else alias.strip()
            token = _image(state, state.md.normalizeLink(target), [_text(alt)])
            token.meta[EMBED] = True
            if size:
                token.attrSet("width", size[1])
                if size[2]:
                    token.attrSet("height", size[2])
        else:
            state.pending += _label(target, heading, alias)
    state.pos = found.end()
    return True


def _wikilink(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    found = _WIKI.match(state.src, state.pos, state.posMax)
    if found is None or state.src.startswith("(", found.end()):  # [[x]](url) is a link
        return False
    label = _label(found[1], found[2], found[3])
    if not label:
        return False
    if not silent:
        state.pending += label
    state.pos = found.end()
    return True


def wikilink_labels(content: str) -> list[str]:
    """What each wikilink of a line of markdown shows (``[[page|here]]``: ``here``); not
    the embeds (``![[picture.png]]``)."""
    labels = []
    for found in _WIKI.finditer(content):
        embed = found.start() > 0 and content[found.start() - 1] == "!"
        link = content.startswith("(", found.end())  # [[x]](url): a markdown link
        label = _label(found[1], found[2], found[3])
        if label and not embed and not link:  # as _wikilink reads them
            labels.append(label)
    return labels


def _label(target: str, heading: str | None, alias: str | None) -> str:
    """What Obsidian shows for a link: its alias, else the page (a heading of this page)."""
    if alias is not None and alias.strip():
        return alias.strip()
    return target.strip() or (heading or "").strip()


def _image(state: StateInline, href: str, children: list[Token]) -> Token:
    token = state.push("image", "img", 0)
    token.attrs = {"src": href, "alt": ""}
    token.children = children
    token.content = "".join(child.content for child in children)
    return token


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token
