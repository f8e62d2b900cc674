"""Obsidian callouts (GitHub's alerts are the same with a bare marker line): a quote whose
first line is ``[!type]``, optionally ``-``/``+`` (folded, in Obsidian) and a title::

    > [!warning]- Mind the gap
    > body

becomes ``<div class="callout callout-warning"><div class="callout-title">Mind the
gap</div><p>body</p></div>``; the title is the type's name when none is given. A card shows
it unfolded: it is the answer. Any type is kept as its class (style.css colours the
known ones and gives the rest a neutral style).

markdown-it-py's own ``alerts`` option is not used: it knows GitHub's five types alone,
and only a marker line with nothing after it.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_MARKER = re.compile(r"\[!([A-Za-z][\w-]*)\]([+-]?)(?:[ \t]+(.*))?[ \t]*")


def callouts_plugin(md: MarkdownIt) -> None:
    md.core.ruler.after("block", "callouts", _callouts)


def _callouts(state: StateCore) -> None:
    tokens = state.tokens
    if "[!" not in state.src or not any(t.type == "blockquote_open" for t in tokens):
        return  # no callout marker anywhere: most files
    out: list[Token] = []
    callout: list[bool] = []  # for each quote open here: is it a callout
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "blockquote_close" and callout.pop():
            token.type, token.tag = "callout_close", "div"
        found = _marker(tokens, index) if token.type == "blockquote_open" else None
        if token.type == "blockquote_open":
            callout.append(found is not None)
        out.append(token)
        index += 1
        if found is None:
            continue
        kind, title = found
        token.type, token.tag, token.info = "callout_open", "div", kind
        token.attrSet("class", f"callout callout-{kind}")
        opening, inline, closing = tokens[index : index + 3]
        out.extend(_title(opening, inline, title))
        body = inline.content.partition("\n")[2]
        if body.strip():  # the lines after the marker, in the same paragraph
            inline.content = body
            for part in (opening, inline):
                if part.map is not None:
                    part.map = [part.map[0] + 1, part.map[1]]
            out.extend((opening, inline, closing))
        index += 3
    state.tokens = out


def _marker(tokens: list[Token], index: int) -> tuple[str, str] | None:
    """The type and title of the callout a quote at ``index`` opens, if it is one."""
    kinds = [token.type for token in tokens[index + 1 : index + 4]]
    if kinds != ["paragraph_open", "inline", "paragraph_close"]:
        return None
    found = _MARKER.fullmatch(tokens[index + 2].content.partition("\n")[0])
    if found is None:
        return None
    kind = found[1].lower()
    return kind, (found[3] or "").strip() or kind.capitalize()


def _title(paragraph: Token, inline: Token, title: str) -> tuple[Token, Token, Token]:
    lines = [paragraph.map[0], paragraph.map[0] + 1] if paragraph.map else None
    opening = Token("callout_title_open", "div", 1, map=lines, level=paragraph.level)
    opening.block = True
    opening.attrSet("class", "callout-title")
    text = Token("inline", "", 0, map=lines, level=inline.level, content=title, children=[])
    text.block = True
    closing = Token("callout_title_close", "div", -1, level=paragraph.level)
    closing.block = True
    return opening, text, closing
