"""Note shapes found in single top-level blocks: ``**Q：...**`` paragraphs, lists of terms
with indented bodies, group labels, bold-only lines, and blocks that are not content."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from markdown_it.token import Token

from ankipress.identity.guids import strip_numbering
from ankipress.notes.blocks import Block, indent_width, inline_text, reparse
from ankipress.notes.markdown import markdown


@dataclass(frozen=True)
class Asked:
    """A question found in the notes, with the answer it brings along."""

    text: str  # plain text, numbering and any "Q:" removed
    line: int
    shape: str  # h2 | details | q | term
    answer: tuple[Block, ...]
    absorbs: str  # which following blocks join the answer: none | chapter | heading | trailing


_Q_PREFIX = re.compile(r"^\s*Q\s*[:：]\s*", re.IGNORECASE)
_LABEL = re.compile(r"^[0-9０-９]+(?:[.．][0-9０-９]+)+[.．]?\s*\S.{0,80}[:：]\s*$")
_TERM_END = re.compile(r"[:：?？]\s*$")
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]+|$)")
_BADGE_HOSTS = ("shields.io", "badge", "badgen.net")
_REPO_HOSTS = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org")
MAX_TERM = 80  # characters: a longer first line is a sentence, not a term


def question_text(text: str) -> str:
    """``Q： 3. 为什么?`` -> ``为什么?``; a trailing colon goes too (``Lora：`` -> ``Lora``)."""
    text = strip_numbering(_Q_PREFIX.sub("", text, count=1))
    return text.rstrip(" \t:：") or text


def q_paragraph(block: Block, lines: Sequence[str], env: dict) -> Asked | None:
    """``**Q： question**`` alone on a paragraph's first line; later lines begin the answer."""
    if block.kind != "paragraph_open":
        return None
    first_line = lines[block.first - 1].strip()
    match = re.fullmatch(r"(\*\*|__)(.+?)\1\s*", first_line)
    if not match or not _Q_PREFIX.match(match[2]):
        return None
    text = question_text(_plain(match[2]))
    if not text:
        return None
    rest = reparse(lines, block.first + 1, block.last, env) if block.last > block.first else []
    return Asked(text, block.first, "q", tuple(rest), "heading")


def term_list(block: Block, lines: Sequence[str], env: dict) -> list[Asked] | None:
    """A list every item of which is a term with an indented body; None for other lists.
    Every item's first line is checked before any body is parsed."""
    if block.kind not in ("bullet_list_open", "ordered_list_open"):
        return None
    items = [t for t in block.tokens if t.type == "list_item_open" and t.level == 1]
    heads = [_term_head(item, block, lines) for item in items]
    if not heads or any(head is None for head in heads):
        return None
    asked = [_term_item(head, lines, env) for head in heads if head is not None]
    if any(a is None for a in asked):
        return None
    return [a for a in asked if a is not None]


_TermHead = tuple[int, int, str, int]  # first and last line, the term, the content column


def _term_head(item: Token, block: Block, lines: Sequence[str]) -> _TermHead | None:
    if item.map is None:
        return None
    first, last = item.map[0] + 1, min(item.map[1], block.last)
    head = lines[first - 1]
    marker = _LIST_MARKER.match(head)
    if marker is None:
        return None
    term = head[marker.end() :].strip()
    bold = re.fullmatch(r"(\*\*|__)(.+?)\1\s*[:：]?", term)
    if not term or len(term) > MAX_TERM or not (bold or _TERM_END.search(term)):
        return None
    if not any(line.strip() for line in lines[first:last]):
        return None
    # the item's content column: the marker and its spaces (tabs to the next multiple of 4)
    width = indent_width(re.sub(r"\S", " ", marker[0]))
    if marker.end() == len(head):  # a term alone on its line: content is one space past it
        width = indent_width(re.sub(r"\S", " ", head.rstrip())) + 1
    return first, last, bold[2] if bold else term, width


def _term_item(head: _TermHead, lines: Sequence[str], env: dict) -> Asked | None:
    first, last, term, width = head
    answer = reparse(lines, first + 1, last, env, strip=width)
    text = question_text(_plain(term))
    return Asked(text, first, "term", tuple(answer), "trailing") if text and answer else None


def group_label(block: Block) -> str | None:
    """``1.2.1 DDPM算法原理部分：`` alone on a line: it names the group of cards below it."""
    if block.kind != "paragraph_open" or block.first != block.last:
        return None
    text = block.text
    return text.rstrip(" \t:：") if _LABEL.match(text) else None


def is_bold_line(block: Block) -> bool:
    """A paragraph that is one bold phrase (``**网络结构**``): a sub-heading in prose."""
    if block.kind != "paragraph_open" or len(block.tokens) < 2:
        return False
    children = [c for c in block.inline if not _blank_text(c)]
    if children and children[-1].type == "text" and children[-1].content.strip() in (":", "："):
        children = children[:-1]
    return (
        len(children) >= 3
        and children[0].type == "strong_open"
        and children[-1].type == "strong_close"
        and sum(c.type == "strong_open" for c in children) == 1
    )


def not_content(block: Block) -> str | None:
    """Why a block is never on a card (style sheet, badge, rule, comment), or None."""
    if block.kind == "hr":
        return "horizontal rule"
    if block.is_comment:
        return "comment"
    if block.kind == "html_block" and re.match(r"\s*<style[\s>]", block.tokens[0].content, re.I):
        return "style sheet"
    if block.kind == "paragraph_open" and _is_badge_line(block.inline):
        return "badge"
    return None


def _is_badge_line(children: Sequence[Token]) -> bool:
    """Only links, each wrapping one remote badge image or pointing at a repository."""
    links, index = 0, 0
    meaningful = [c for c in children if not _blank_text(c) and c.type != "softbreak"]
    while index < len(meaningful):
        group = meaningful[index : index + 3]
        if [c.type for c in group] != ["link_open", "image", "link_close"]:
            return False
        src = urlsplit(str(group[1].attrGet("src") or ""))
        href = urlsplit(str(group[0].attrGet("href") or ""))
        badge = any(host in src.netloc for host in _BADGE_HOSTS) or "badge" in src.path
        if src.scheme not in ("http", "https") or not (badge or href.netloc in _REPO_HOSTS):
            return False
        links += 1
        index += 3
    return links > 0


def _blank_text(token: Token) -> bool:
    return token.type == "text" and not token.content.strip()


def _plain(fragment: str) -> str:
    """Plain text of one line of inline markdown."""
    tokens = markdown().parseInline(fragment, {})
    return inline_text(tokens[0].children or []) if tokens else fragment.strip()
