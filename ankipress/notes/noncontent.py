"""Blocks that are never on a card: rules, comments, style sheets, badges, ``[TOC]``
markers, bare anchors, Obsidian's inline metadata fields, and lists of nothing but links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from markdown_it.token import Token

from ankipress.notes.asking import question_key
from ankipress.notes.blocks import Block
from ankipress.notes.markdown import ensure_inline
from ankipress.notes.shapes import blank_text

# Sections of a notes file that are its back matter, not notes: never cards.
BACK_MATTER = (
    "参考资料",
    "参考文献",
    "参考",
    "参考链接",
    "相关链接",
    "相关资料",
    "推荐阅读",
    "延伸阅读",
    "致谢",
    "references",
    "reference",
    "further reading",
    "see also",
    "resources",
    "learning resources",
    "additional resources",
    "useful resources",
    "further resources",
    "related topics",
    "useful links",
    "学习资源",
    "相关资源",
    "contributions",
    "contributing",
    "contributors",
    "license",
    "acknowledgements",
    "acknowledgments",
)


INTERVIEW_STEP = "a step of the interview, not notes"
BACK_MATTER_WHY = "references, not notes"
_BACK_MATTER_ENDS = ("参考", "参考资料", "参考文献", "参考链接", "相关链接", "推荐阅读", "延伸阅读")
_LABEL_LENGTH = 30  # characters: a paragraph naming back matter is a short label


def names_back_matter(block: Block) -> bool:
    """Whether a paragraph opens back matter: its first line a label naming it
    (``参考链接：``, ``References:``, ``本面试题词向量资源参考：``), its links after it."""
    if block.kind != "paragraph_open" or len(block.tokens) < 2:
        return False
    text = block.tokens[1].content.split("\n", 1)[0].strip().strip("*_ \t")
    core = text.rstrip(" :：").casefold()
    if not core or len(core) > _LABEL_LENGTH:
        return False
    alone = block.first == block.last
    if core in BACK_MATTER and (alone or text.endswith((":", "："))):
        return True
    return text.endswith((":", "：")) and core.endswith(_BACK_MATTER_ENDS)


def skipped_sections(settings: Iterable[str]) -> dict[str, str]:
    """The headings whose sections are not content (by ``section_name``), each with why."""
    skip = {section_name(b): BACK_MATTER_WHY for b in BACK_MATTER}
    return skip | {section_name(s): "skipped by settings" for s in settings}


def _decoration(char: str) -> bool:
    """Emoji, marks, spaces and punctuation around a name; not ``#`` or ``+`` (``C#``)."""
    kind = unicodedata.category(char)
    return kind in ("So", "Sk", "Cf", "Mn", "Zs") or (kind[0] == "P" and char != "#")


def section_name(heading: str) -> str:
    """What names a section: its heading's question key without the emoji or marks
    around it (``Learning Resources 📚`` is ``learning resources``; ``C#`` stays)."""
    key = question_key(heading)
    start, end = 0, len(key)
    while start < end and _decoration(key[start]):
        start += 1
    while end > start and _decoration(key[end - 1]):
        end -= 1
    return key[start:end] or key


_BADGE_HOSTS = ("shields.io", "badge", "badgen.net")
_REPO_HOSTS = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org")
_TOC_MARKER = re.compile(r"^\s*\[{1,2}\s*toc\s*\]{1,2}\s*$", re.IGNORECASE)
# Obsidian's inline fields (Dataview): "**Status** :: #draft", "tags:: a, b" — metadata
# (a bold key, or a lowercase one written against its '::'; "map :: a -> b" is code, and
# "Term:: its meaning" a spaced-repetition card)
_INLINE_FIELD = re.compile(
    r"^\s*(?:(\*\*|__)[\w \t-]{1,40}\1\s*::|[a-z][a-z0-9_-]{0,39}::(?:\s|$))"
)  # (a bold key's value may touch it: "**Previous** ::[[note]]")
_STYLE = re.compile(r"\s*<style[\s>]", re.I)
_ANCHOR = re.compile(  # (possessive: a run of spaces is never split two ways, so linear)
    r"^\s*+(?:<a(?:\s++(?:name|id)\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s'\">]*+))++"
    r"\s*+/?>\s*+(?:</a>\s*+)?)++$",
    re.I,
)


def not_content(block: Block) -> str | None:
    """Why a block is never on a card, or None."""
    if block.kind == "hr":
        return "horizontal rule"
    if block.is_comment:
        return "comment"
    if block.kind == "html_block":
        content = block.tokens[0].content
        if _STYLE.match(content):
            return "style sheet"
        return "anchor" if _ANCHOR.match(content) else None
    if block.kind != "paragraph_open":
        return None
    source = block.tokens[1].content if len(block.tokens) > 1 else ""
    if _TOC_MARKER.match(source):
        return "table of contents marker"
    if all(_INLINE_FIELD.match(line) for line in source.splitlines()):
        return "metadata fields"
    if _ANCHOR.match(source):
        return "anchor"
    if source.lstrip().startswith("[") and _is_badge_line(block.inline):
        return "badge"
    return None


def is_link_list(tokens: Sequence[Token]) -> bool:
    """A list whose items are only links (an index of other pages): not a card. In a long
    one, an item or two broken by the markup inside their link text may be forgiven."""
    verdicts: list[bool] = []  # per item: nothing but one line of links
    level = tokens[0].level + 1 if tokens else 1  # of the list's own items
    for token in tokens:
        if token.type == "list_item_open" and token.level == level:
            verdicts.append(True)
        elif token.type == "inline" and verdicts:
            if token.content.lstrip()[:1] not in ("[", "<"):  # no link first: not parsed
                if len(verdicts) == 1:
                    return False
                verdicts[-1] = False
                continue
            ensure_inline([token])
            verdicts[-1] = verdicts[-1] and _only_links(token.children or [])
        elif token.type not in _LIST_TOKENS and verdicts:
            verdicts[-1] = False
    linked, items = sum(verdicts), len(verdicts)
    return items > 0 and (linked == items or (items >= 10 and linked >= 0.9 * items))


_LIST_TOKENS = {"bullet_list_close", "ordered_list_close", "list_item_close"}
_LIST_TOKENS |= {"paragraph_open", "paragraph_close", "bullet_list_open", "ordered_list_open"}


def _only_links(children: Sequence[Token]) -> bool:
    """Links, and beside them at most a short note (``by Larry Wasserman``, ``(2019)``)."""
    depth, links, beside = 0, 0, 0
    for child in children:
        if child.type == "link_open":
            depth, links = depth + 1, links + 1
        elif child.type == "link_close":
            depth -= 1
        elif depth == 0 and child.type != "softbreak" and not _SEPARATOR.match(child.content):
            beside += len(child.content)
    return links > 0 and beside <= _BESIDE


_BESIDE = 40  # characters of text beside the links of an item of a reading list
_SEPARATOR = re.compile(r"^[\s,，、|/:：;；.。()（）\-–—]*$")


def _is_badge_line(children: Sequence[Token]) -> bool:
    """Only links, each wrapping one remote badge image or pointing at a repository."""
    links, index = 0, 0
    meaningful = [c for c in children if not blank_text(c) and c.type != "softbreak"]
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
