"""Chapter headings (``第N章 ...``, ``Chapter N ...``) and tables of contents."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ankipress.notes.markdown import ensure_inline

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = "[0-9０-９零〇一二两三四五六七八九十百千]+"

_CHAPTER = re.compile(
    rf"^第\s*(?P<cn>{_CN_NUMBER})\s*章(?P<rest>.*)$|^chapter\s+(?P<en>[0-9０-９]+)(?P<rest2>\W.*)?$",
    re.IGNORECASE,
)
_TOC_TITLES = {"目录", "目錄", "contents", "table of contents", "toc"}
_BODY_SUFFIX = "正文"
_TITLE_SEPARATORS = " \t:：.．、-—|"


@dataclass(frozen=True)
class ChapterHeading:
    number: int
    title: str  # without the number and without a trailing 正文


def parse_chapter_heading(text: str) -> ChapterHeading | None:
    """``第二章 DiT基础正文`` -> ChapterHeading(2, "DiT基础"); None if not a chapter."""
    match = _CHAPTER.match(text.strip())
    if not match:
        return None
    number = chinese_number(match["cn"] or match["en"])
    rest = (match["rest"] if match["cn"] else match["rest2"]) or ""
    title = _without_body_suffix(rest.strip(_TITLE_SEPARATORS)).strip(_TITLE_SEPARATORS)
    return ChapterHeading(number, title)


def without_body_suffix(heading: str) -> str:
    """``第一章 X正文`` -> ``第一章 X``: the body's repeat of a chapter heading names it too."""
    return _without_body_suffix(heading).strip()


def _without_body_suffix(text: str) -> str:
    """``text`` without a ``正文`` it ends with, and the whitespace around it (no regular
    expression anchored at the end: it tried every start of a run of spaces)."""
    stripped = text.rstrip()
    return stripped.removesuffix(_BODY_SUFFIX).rstrip() if stripped.endswith(_BODY_SUFFIX) else text


def chinese_number(text: str) -> int:
    """``十二`` -> 12, ``二十`` -> 20, ``一百零五`` -> 105, ``12`` -> 12."""
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            total += (digit or 1) * _CN_UNITS[char]
            digit = 0
        elif char.isdigit():
            digit = digit * 10 + int(char)
    return total + digit


def is_toc_heading(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().casefold() in _TOC_TITLES


def is_toc_list(tokens: Sequence[Any]) -> bool:
    """A list whose items are nothing but links, at least one to an anchor in the page,
    or short labels over nested lists of such links (fewer labels than links).

    (Tables of contents written by hand often have a target or two missing its ``#``.)
    """
    items, anchors, labels = 0, 0, 0
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            items += 1
        elif token.type == "inline":
            if token.content.lstrip()[:1] not in ("[", "<"):  # no link first: not parsed
                if not _groups_links(tokens, index):
                    return False
                labels += 1
                continue
            ensure_inline([token])
            hrefs = _link_only_hrefs(token.children or [])
            if not hrefs:
                return False
            anchors += sum(href.startswith("#") for href in hrefs)
        elif token.type not in _LIST_STRUCTURE:
            return False
    return items > 0 and anchors > 0 and anchors > labels


def _groups_links(tokens: Sequence[Any], index: int) -> bool:
    """Whether the inline at ``index`` is a short label over a nested list (``* 传输层``
    over its links): a group of a table of contents."""
    text = tokens[index].content.strip()
    if not text or len(text) > _GROUP_LABEL or "\n" in text:
        return False
    after = tokens[index + 1 : index + 3]
    return len(after) == 2 and after[1].type in ("bullet_list_open", "ordered_list_open")


_GROUP_LABEL = 40  # characters: a longer line is content, not the name of a group


_LIST_STRUCTURE = {
    "bullet_list_open",
    "bullet_list_close",
    "ordered_list_open",
    "ordered_list_close",
    "list_item_open",
    "list_item_close",
    "paragraph_open",
    "paragraph_close",
}


def _link_only_hrefs(children: Sequence[Any]) -> list[str]:
    """The targets of an inline run made only of links; [] if it holds anything else."""
    depth, hrefs = 0, []
    for child in children:
        if child.type == "link_open":
            depth += 1
            hrefs.append(str(child.attrGet("href") or ""))
        elif child.type == "link_close":
            depth -= 1
        elif depth == 0 and not (child.type in ("softbreak", "hardbreak") or _blank(child)):
            return []
    return hrefs


def _blank(child: Any) -> bool:
    return child.type == "text" and not child.content.strip()
