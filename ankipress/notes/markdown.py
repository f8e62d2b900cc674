"""The one markdown-it-py configuration used to parse and render notes.

CommonMark with raw HTML, GitHub's tables and strikethrough, YAML front matter,
``$``/``$$`` math as pandoc reads it (``dollars.py``), and what Typora and Obsidian show
that CommonMark does not: images with spaces in their path, embeds, wikilinks
(``editors.py``) and callouts (``callouts.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache
from html import escape
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, inline, text_join
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ankipress.notes.callouts import callouts_plugin
from ankipress.notes.codestyle import CODE_CSS_CLASS
from ankipress.notes.dollars import dollar_math_plugin
from ankipress.notes.editors import editors_plugin
from ankipress.notes.nesting import nesting_guard_plugin
from ankipress.notes.prose import cjk_prose_plugin
from ankipress.notes.rawblocks import unclosed_html_plugin


def highlight_code(code: str, lang: str, _attrs: Any) -> str:
    """A fenced block as ``<pre class="highlight">`` with Pygments' CSS classes."""
    name = lang.split()[0] if lang else ""
    try:
        lexer = get_lexer_by_name(name) if name else None
    except ClassNotFound:
        lexer = None
    if lexer is None:
        body = escape(code, quote=False)
    else:
        body = pygments_highlight(code, lexer, HtmlFormatter(nowrap=True))
    lang_class = f' class="language-{escape(name)}"' if name else ""
    return f'<pre class="{CODE_CSS_CLASS}"><code{lang_class}>{body}</code></pre>\n'


_PENDING = "ankipress_inline_pending"  # token meta: the env its inline parse is to use


def parse_blocks(text: str, env: dict) -> list[Token]:
    """The file's tokens, the content of each ``inline`` token left unparsed until
    ``ensure_inline`` is called on it. The lines of a term's body are parsed again on
    their own: their inline content, most of a parse, is then never parsed twice."""
    tokens = _block_markdown().parse(text, env)
    for token in tokens:
        if token.type == "inline":
            token.children = None
            token.meta[_PENDING] = env
    return tokens


def ensure_inline(tokens: Iterable[Token]) -> None:
    """Parse the inline content of those ``tokens`` that ``parse_blocks`` left unparsed."""
    pending = [t for t in tokens if t.type == "inline" and _PENDING in t.meta]
    if not pending:
        return
    md = markdown()
    state = StateCore("", md, pending[0].meta[_PENDING])
    for token in pending:
        del token.meta[_PENDING]
    state.tokens = pending
    inline(state)
    text_join(state)


def pending_inline(token: Token, content: str, env: dict) -> Token:
    """A copy of the inline ``token`` holding ``content`` instead, its parse left pending
    (with the file's ``env``: its link references) like the tokens of ``parse_blocks``."""
    twin = Token("inline", "", 0, content=content, map=token.map, level=token.level, block=True)
    twin.children = None
    twin.meta[_PENDING] = env
    return twin


def _without_debug_calls() -> None:
    """markdown-it's block rules log each line they try, at debug level: 150,000 calls of
    ``Logger.debug`` for 2,000 notes, 7% of a parse, all to say nothing (the level is off).
    While it is off, their loggers' ``debug`` does nothing without the call."""
    for name, logger in list(logging.root.manager.loggerDict.items()):
        quiet = isinstance(logger, logging.Logger) and not logger.isEnabledFor(logging.DEBUG)
        if name.startswith("markdown_it.") and quiet:
            logger.debug = _nothing  # type: ignore[method-assign,union-attr]


def _nothing(*_args: object, **_kwargs: object) -> None:
    return None


@lru_cache(maxsize=1)
def _block_markdown() -> MarkdownIt:
    md = _configured()
    md.disable(["inline", "text_join"])
    return md


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    return _configured()


def _configured() -> MarkdownIt:
    _without_debug_calls()
    md = MarkdownIt("commonmark", {"html": True, "highlight": highlight_code})
    md.enable(["table", "strikethrough"])
    cjk_prose_plugin(md)
    nesting_guard_plugin(md)
    front_matter_plugin(md)
    dollar_math_plugin(md)
    editors_plugin(md)
    callouts_plugin(md)
    unclosed_html_plugin(md)
    md.add_render_rule("image", _render_image)
    return md


def _render_image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    """An image whose source was resolved (``meta["media"]``): missing ones show their alt."""
    token = tokens[idx]
    if "media" not in token.meta:
        return str(self.image(tokens, idx, options, env))
    alt = self.renderInlineAsText(token.children or [], options, env)
    target = token.meta["media"]
    if target is None:
        return f'<span class="missing-image">{escape(alt)}</span>'
    extra = "".join(
        f' {name}="{escape(str(value))}"'
        for name in ("title", "width", "height")
        if (value := token.attrGet(name))
    )
    return f'<img src="{escape(target)}" alt="{escape(alt)}"{extra}>'
