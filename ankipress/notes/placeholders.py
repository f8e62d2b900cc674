"""Answers that are not answers yet: nothing, ``TODO``, ``待补充``, a lone ``<br>``, or only
a link to somewhere else. Their questions are listed as unanswered, never carded."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ankipress.notes.blocks import Block
from ankipress.notes.editors import wikilink_labels
from ankipress.notes.markdown import ensure_inline
from ankipress.notes.questions import plain_text

_PLACEHOLDER = re.compile(
    r"^[\[(（【]?(?:todo|tbd|tbc|tba|wip|fixme|to ?do|to be (?:added|done|continued|written)|"
    r"coming soon|placeholder|answer placeholder|answer here|your answer(?: here)?|"
    r"xxx+|\?+|\.{2,}|…+|-+|"
    r"待补充|待完善|待更新|待续|未完待续|待定|待填|待写|暂无|略|占位|补充中|更新中|"
    # a remark that the question is left out: "too specialist", "skip", "不考"
    r"skip(?:ped)?|too (?:specialist|specialised|specialized|advanced|niche)|out of scope|"
    r"跳过|不考|"
    r"(?:todo|to do|tbd|fixme)\b.{0,60})[\])）】]?$",
    re.IGNORECASE,
)
_TRIM = " \t\n\r.,;:!。，；：！、*_~`>-"
_MARKER_ONLY = re.compile(r"^(?:answers?|a|答案?|解答)\s*[:：]$", re.IGNORECASE)  # "Answer:"
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")  # zero-width: nothing to read
_SHORT = 60  # characters beside a link that only point to it ("see more in this")
_FEW = 3  # blocks
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")  # a link's target: not text a reader reads
_LONG = 200  # characters of prose no placeholder reaches
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_CHECKBOX = re.compile(r"^\s*\[[ xX]\](?:\s+|$)")  # a task list's box ("[]" is an empty list)
_POINTERS = re.compile(
    r"^(?:see(?: also)?|refer to|read|links?|references?|further reading|sources?|"
    r"related(?: references?| links?| reading)?|"
    r"参考资料|参考文献|参考链接|相关链接|参见|详见|见|参考|请看|链接)\s*[:：]?\s*",
    re.IGNORECASE,
)
# Blocks whose presence makes an answer real, whatever its text.
_SUBSTANCE = {"fence", "code_block", "table_open", "math_block", "math_block_label", "image"}
_EMBEDS = re.compile(r"<(?:img|video|audio|svg|table|iframe)\b", re.I)
_PICTURE = re.compile(r"<(?:img|video|svg)\b", re.I)


def why_unanswered(blocks: Iterable[Block]) -> str | None:
    """Why an answer made of ``blocks`` is no answer, or None when it is one."""
    blocks = list(blocks)
    if len(blocks) > _FEW:
        return None  # a placeholder is a line or two: "- [ ] TODO", "参考资料" and its links
    raw = "".join(t.content for b in blocks for t in b.tokens if t.type == "inline")
    if len(raw) > _LONG and ("](" not in raw or len(_LINK_TARGET.sub("", raw)) > _LONG):
        return None  # long prose: an answer, no need to parse it here
    texts: list[str] = []
    links = 0
    for block in _without_dangling_lead_in(blocks):
        for token in block.tokens:
            if token.type in _SUBSTANCE and (token.content.strip() or token.type == "table_open"):
                return None
            if token.type == "inline":
                ensure_inline([token])
                outside, found, image = _outside_links(token.children or [])
                if image:
                    return None
                for label in wikilink_labels(token.content):  # links to another page
                    outside, found = outside.replace(label, "", 1), found + 1
                texts.append(outside)
                links += found
            elif token.type == "html_block":
                if _EMBEDS.search(token.content):
                    return None
                texts.append(plain_text(token.content))
    text = " ".join(_INVISIBLE.sub("", " ".join(texts)).split())
    core = _CHECKBOX.sub("", text).strip(_TRIM)
    pointer = _POINTERS.sub("", core).strip(_TRIM)
    pointed = links and pointer != core.strip(_TRIM) and len(pointer) <= _SHORT  # "See [this]"
    if (links and not pointer) or pointed or _URL.match(pointer):
        return "the answer is only a link"
    if not core or _MARKER_ONLY.match(text):
        return "no answer"
    if not pointer:  # "参考资料", "See also", its links elsewhere
        return f"placeholder answer {_short(text)!r}"
    if _PLACEHOLDER.match(core):
        return f"placeholder answer {_short(text)!r}"
    return None


def _without_dangling_lead_in(blocks: list[Block]) -> list[Block]:
    """The answer without a last line that leads into nothing (``Methods specific to
    it:`` and no method after it, a ``<br>`` at most): it says nothing yet."""
    end = len(blocks)
    while end > 1 and blocks[end - 1].kind == "html_block":
        if plain_text(blocks[end - 1].tokens[0].content).strip():
            break
        end -= 1  # nothing to read: a <br>
    last = blocks[end - 1] if end > 1 else None
    if last is not None and last.kind in ("paragraph_open", "heading_open"):
        text = last.text.strip()
        return blocks[: end - 1] if "\n" not in text and text.endswith(_COLONS) else blocks
    return blocks


_COLONS = (":", "：")


def _outside_links(children: list[Any]) -> tuple[str, int, bool]:
    """Text outside links (and code, even as a link's text: ``[`df.duplicated()`](url)``
    shows the answer), the number of links, and whether there is an image."""
    parts: list[str] = []
    depth = links = 0
    for child in children:
        if child.type in ("image", "html_inline") and (
            child.type == "image" or _PICTURE.match(child.content)
        ):
            return "", 0, True
        if child.type == "link_open":
            depth, links = depth + 1, links + 1
        elif child.type == "link_close":
            depth -= 1
        elif child.type == "code_inline" or (depth == 0 and child.type in _TEXT):
            parts.append(child.content)  # (code, a link's text or not: the answer itself)
        elif depth == 0 and child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts), links, False


_TEXT = ("text", "math_inline", "math_inline_double")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"
