"""Note shapes found in single top-level blocks: ``Q:`` and bold lead paragraphs, lists of
terms with indented bodies or of questions, group labels, and blocks that are not content."""

from __future__ import annotations

import re
from collections.abc import Sequence
from copy import copy
from dataclasses import KW_ONLY, dataclass, replace

from markdown_it.token import Token

from ankipress.notes.asking import (
    MARKUP,
    WHOLE_BOLD,
    asks,
    names_an_aspect,
    names_interview_step,
    question_markdown,
    question_text,
)
from ankipress.notes.blocks import Block, indent_width, inline_text, reparse, top_level_blocks
from ankipress.notes.markdown import markdown, pending_inline


@dataclass(frozen=True)
class Asked:
    """A question found in the notes, with the answer it brings along."""

    text: str  # plain text, numbering and any "Q:" removed
    line: int
    shape: str  # h2 | details | q | bold | term | item | bare (an item of a list of them)
    answer: tuple[Block, ...]
    written: str = ""  # the question's line as plain text, for asking and reports
    _: KW_ONLY
    until: int = 0  # a label of a group of questions: its last line
    markdown: str = ""  # the question as written in markdown ('' for HTML: h2, details)
    numbered: bool = False  # led by a bold number (``**1)** ...``): asks among its like
    contained: bool = False  # an item that asks and holds its whole answer nested under it


_LABEL = re.compile(r"^[0-9０-９]+(?:[.．][0-9０-９]+)+[.．]?\s*\S.{0,80}[:：]\s*$")
_MAY_LABEL = re.compile(r"^[\s*_<\[]*[0-9０-９]")  # a label's number, maybe behind markup
_TERM_END = re.compile(r"[:：?？]\s*$")
_TASK = re.compile(r"^\[[ xX]\]\s+")  # - [x] done / - [ ] to do
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]+|$)")
MAX_TERM = 80  # characters: a longer first line is a sentence, not a term
MAX_QUESTION = 300  # characters of a list item that asks
LOG_ITEMS = 5  # a log of questions is longer than a list of points
_ONE_BOLD = re.compile(r"(\*\*|__)((?:(?!\1).)+)\1\s*[:：]?")
_NOT_SPACE = re.compile(r"\S")


def term_list(
    block: Block,
    lines: Sequence[str],
    env: dict,
    groups: bool = True,
    heads: list[ListHead] | None = None,
) -> list[Asked] | None:
    """A list every item of which is a term with an indented body (shape ``term``) or asks
    a question, with or without a body (shape ``item``); or a list most of whose items ask
    (``[E] Write ...`` among them), every item then a question, an item over a list of
    questions naming their group (shape ``label``). None for other lists. Every item's
    first line is checked before any body is parsed (``heads``: if read already)."""
    found = heads or list_heads(block, lines)
    if found is None:
        return None
    aspects = [_names_an_aspect(h.term) for h in found]
    things = [h for h, aspect in zip(found, aspects, strict=True) if not aspect]
    if 2 * sum(aspects) >= len(found) and not any(h.asking for h in things):
        return None  # the aspects of one thing (概念, 优点, 如何解决): one answer's parts
    if any(aspects) and not aspects[0]:  # each aspect is part of the item above it
        found = _with_aspects(found, aspects)
    bare = len(found) > 1 and not any(h.body for h in found)  # none takes what follows
    if not any(h.asking for h in found) and all(_lists_topics(h, lines) for h in found):
        return None  # terms over lists of topic names: a checklist, its heading's answer
    if len(found) > 1 and all(_COUNTS.match(plain_line(h.term)) for h in found):
        return None  # 第一次握手, 第二次握手: the steps of one answer, not questions
    if all(h.asking or (h.is_term and h.body) for h in found):  # (a term is no step)
        asked = [_term_item(h, lines, env, False, bare, steps=h.asking) for h in found]
    elif 2 * sum(h.asking or (groups and h.groups) for h in found) > len(found):
        if _statements_first(found):
            return None  # claims, then questions over their answers: trailing_questions'
        asked = [_term_item(h, lines, env, groups, bare, steps=True) for h in found]
    elif _question_log(found):
        asked = [_term_item(h, lines, env, False, False, logged=True, steps=True) for h in found]
    else:
        return None
    if any(a is None for a in asked):
        return None
    return [one for group in asked if group is not None for one in group]


def _lists_topics(head: ListHead, lines: Sequence[str]) -> bool:
    """Whether a term's body only names topics, an item each (``**System Architecture**``
    over ``- Service mesh implementation``...): no sentence says anything of the term."""
    body = [line for line in lines[head.first : head.last] if line.strip()]
    if not head.is_term or not body:
        return False
    for line in body:
        marker = _LIST_MARKER.match(line)
        text = line[marker.end() :].strip() if marker else ""
        if not text or len(text) > _TOPIC_NAME or _SAYS.search(text):
            return False
    return True


_TOPIC_NAME = 60  # characters: a longer item says something
# a term that counts (第一次握手, 第二个作用是：, Step 2): one of the steps of an answer
_COUNTS = re.compile(
    r"^\s*(?:第\s*[一二三四五六七八九十百0-9]+\s*(?:次|个|步|阶段|点|种|条|层|轮)|"
    r"(?:step|phase|stage|round)\s*[0-9]+\b)",
    re.IGNORECASE,
)
_SAYS = re.compile(r"[.。!！?？:：;；，,]|\s[-–—]\s|`|\$")  # a sentence, a gloss, code, math


def _statements_first(heads: Sequence[ListHead]) -> bool:
    """Whether the items that do not ask all come before the first that does, and each
    makes a claim (a sentence, not a topic named: ``jvm内存划分，堆和栈的区别`` asks in
    other words): the answer the list stands in goes on, then its questions."""
    first = next((index for index, head in enumerate(heads) if head.asking), None)
    if first is None:  # (group labels over questions, none asking itself)
        return False
    leading = heads[:first]
    rest = heads[first:]
    claims = all(_claims(h) and not h.groups for h in leading)  # (a group's label: no claim)
    return bool(leading) and all(h.asking for h in rest) and claims


_TOPIC_LENGTH = 40  # characters: a longer item that does not ask makes a claim


def _claims(head: ListHead) -> bool:
    text = plain_line(head.term)
    return len(text) > _TOPIC_LENGTH or text.rstrip().endswith(("。", "."))


def _question_log(heads: Sequence[ListHead]) -> bool:
    """A log of questions, each with its answer nested under it (an interview written up
    as a list): one-line items, most with a body, enough of them asking that the others
    read as questions put in other words (``jvm内存划分，堆和栈的区别``)."""
    if any(h.task for h in heads):
        return False  # a checklist: things to do, whatever their words
    bodies = sum(h.body for h in heads)
    asking = sum(h.asking for h in heads)
    return len(heads) >= LOG_ITEMS and 2 * bodies >= len(heads) and 4 * asking >= len(heads)


def trailing_questions(
    block: Block, lines: Sequence[str], env: dict, heads: list[ListHead] | None = None
) -> tuple[Block | None, list[tuple[Block, Asked]]] | None:
    """A list whose last items each ask and hold their answer nested under them, after
    items that do not ask (``- 特点：...`` then ``- 为什么X？`` over its answer): the leading
    items as a list of their own (None if there are none), and each asking item, with its
    own list block, as a question. None for other lists."""
    found = heads or list_heads(block, lines)
    if found is None:
        return None
    starts = [head.index for head in found]
    split = len(found)
    while split > 0 and _self_contained(found[split - 1]):
        split -= 1
    if split == len(found) or split == 0:
        return None  # none asks so, or all do (a list of questions: term_list's)
    ends = [*starts[1:], len(block.tokens) - 1]
    opening, closing = block.tokens[0], block.tokens[-1]
    lead = Block(
        (opening, *block.tokens[starts[0] : ends[split - 1]], closing),
        block.first,
        found[split].first - 1,
    )
    questions = []
    for index in range(split, len(found)):
        head = found[index]
        items = block.tokens[starts[index] : ends[index]]
        item_block = Block((opening, *items, closing), head.first, head.last)
        asked = _term_item(head, lines, env, False, False)
        if asked is None or len(asked) != 1:
            return None
        questions.append((item_block, replace(asked[0], shape="item", contained=True)))
    return lead, questions


def _with_aspects(heads: list[ListHead], aspects: list[bool]) -> list[ListHead]:
    """The items, each aspect item (``- 如何解决？``) part of the body of the item above."""
    merged: list[ListHead] = []
    for head, aspect in zip(heads, aspects, strict=True):
        if aspect and merged:
            merged[-1] = replace(merged[-1], last=head.last, body=True, merged=True)
        else:
            merged.append(head)
    return merged


def item_starts(block: Block) -> list[int]:
    """Where each of a list block's own items opens in its tokens (not items of lists
    nested in them)."""
    level = block.tokens[0].level + 1
    return [
        i for i, t in enumerate(block.tokens) if t.type == "list_item_open" and t.level == level
    ]


def list_heads(block: Block, lines: Sequence[str]) -> list[ListHead] | None:
    """The first line of each of the list's own items (not those of lists nested in
    them); None for a block that is no list, or an item that starts no line of its own."""
    if block.kind not in ("bullet_list_open", "ordered_list_open"):
        return None
    heads = [_term_head(index, block, lines) for index in item_starts(block)]
    if not heads or any(head is None for head in heads):
        return None
    return [head for head in heads if head is not None]


def _self_contained(head: ListHead) -> bool:
    """An item that asks a question of its own (not an aspect of what is above it:
    ``如何避免？``) and holds its answer nested under it."""
    return head.asking and head.body and not _names_an_aspect(head.term)


_ASPECT_LENGTH = 60  # characters of markdown: no aspect's name is longer ("优缺点", "Pros")


def _names_an_aspect(term: str) -> bool:
    """Whether an item's first line (markdown) names an aspect (read only when short)."""
    return len(term) <= _ASPECT_LENGTH and names_an_aspect(plain_line(term))


@dataclass(frozen=True)
class ListHead:
    first: int
    last: int
    term: str
    width: int  # the content column
    asking: bool  # written as a question
    is_term: bool  # a bold phrase, or a short line ending in a colon
    body: bool  # lines under it
    groups: bool  # its body starts with an item that asks: it names a group of questions
    tokens: tuple[Token, ...] = ()  # the list's tokens, its body's among them
    index: int = 0  # where its item opens in them
    task: bool = False  # a task list's item ("- [ ] ..."): a to-do, not a question asked
    merged: bool = False  # its body reaches over the aspect items after it


def _term_head(index: int, block: Block, lines: Sequence[str]) -> ListHead | None:
    item = block.tokens[index]
    if item.map is None:
        return None
    first, last = item.map[0] + 1, min(item.map[1], block.last)
    head = lines[first - 1]
    marker = _LIST_MARKER.match(head)
    if marker is None:
        return None
    written = head[marker.end() :].strip()
    term = _TASK.sub("", written, count=1)  # a task list's box too
    task = term != written
    bold = _ONE_BOLD.fullmatch(term)  # one bold phrase
    body = any(line.strip() for line in lines[first:last])
    raw = term.lstrip("*_ \t")
    asking = (
        bool(term) and len(term) <= MAX_QUESTION and asks(plain_line(raw) if "](" in raw else raw)
    )
    is_term = bool(term) and len(term) <= MAX_TERM and bool(bold or _TERM_END.search(term))
    inner = next((line for line in lines[first:last] if line.strip()), "")
    nested = _LIST_MARKER.match(inner)  # a body led by an item that asks: a group of them
    groups = bool(nested) and asks(inner[nested.end() :].strip().lstrip("*_ \t"))
    # the item's content column: the marker and its spaces (tabs to the next multiple of 4)
    width = indent_width(_NOT_SPACE.sub(" ", marker[0]))
    if marker.end() == len(head):  # a term alone on its line: content is one space past it
        width = indent_width(_NOT_SPACE.sub(" ", head.rstrip())) + 1
    text = bold[2] if bold else term
    return ListHead(
        first, last, text, width, asking, is_term, body, groups, block.tokens, index, task
    )


def _parsed_body(
    tokens: Sequence[Token], index: int, first: int, env: dict
) -> tuple[Token, ...] | None:
    """The tokens of the body of the item opened at ``tokens[index]`` (its head on line
    ``first``) from the file's parse, shared with it: only a tight list's top paragraph
    (shown as a paragraph) and a pending inline token are copies. Where the body's first
    lines continue the head's paragraph, they are a paragraph of their own. None where the
    head is not a paragraph."""
    head = tokens[index + 1 : index + 4]
    if [t.type for t in head] != ["paragraph_open", "inline", "paragraph_close"]:
        return None
    if head[0].map is None or head[0].map[0] != first - 1:
        return None
    rest: list[Token] = []
    if head[0].map[1] > first:  # "- **term**" with its answer on the next lines
        cut = head[1].content.find("\n")
        if cut < 0:
            return None
        where = [first, head[0].map[1]]
        opening, closing = copy(head[0]), copy(head[2])
        for twin in (opening, closing):
            twin.map, twin.hidden = where, False
        inline = pending_inline(head[1], head[1].content[cut + 1 :].lstrip(), env)
        inline.map, inline.level = where, head[1].level
        rest = [opening, inline, closing]
    depth, end = 0, index
    for end in range(index, len(tokens)):
        depth += tokens[end].nesting
        if depth == 0:
            break
    top = tokens[index].level + 1  # the level of the body's own blocks (levels are kept:
    # lists are read by the level of their first token)
    body = rest
    for token in tokens[index + 4 : end]:
        if token.type == "inline":  # its parse is its own: the list's stays pending
            token = pending_inline(token, token.content, env) if token.children is None else token
        elif token.hidden and token.level == top:  # a tight list's paragraph, shown as one
            token = copy(token)
            token.hidden = False
        body.append(token)
    return tuple(body)


def _term_item(
    head: ListHead,
    lines: Sequence[str],
    env: dict,
    group: bool,
    bare: bool,
    logged: bool = False,  # an item of a log of questions: asks whatever its form
    steps: bool = False,  # in a list of questions (a log): "反问？", "反思" are its steps
) -> list[Asked] | None:
    if head.merged:  # its body and the aspect items after it: lines no block holds alone
        parsed = None
    else:
        parsed = _parsed_body(head.tokens, head.index, head.first, env) if head.body else ()
    if parsed is not None:  # parsed once, with the file
        answer = top_level_blocks(parsed, lines)
    else:
        answer = reparse(lines, head.first + 1, head.last, env, strip=head.width)
    plain = plain_line(head.term)
    text = question_text(plain)
    if steps and names_interview_step(plain):  # "反问？" in a log: a step, no question
        return [Asked(text, head.first, "step", (), plain, until=head.last)]
    if not text or not (answer or head.asking or group or logged):
        return None
    if group and not head.asking and len(answer) == 1:
        inner = term_list(answer[0], lines, env, groups=False)  # one level of groups
        if inner is not None and any(asks(a.written) for a in inner if a.shape != "label"):
            return [Asked(text, head.first, "label", (), plain, until=head.last), *inner]
    shape = "term" if head.is_term and head.body and not group else "item"
    shape = "bare" if shape == "item" and bare else shape
    markdown = question_markdown(head.term)
    return [Asked(text, head.first, shape, tuple(answer), plain, markdown=markdown)]


def group_label(block: Block) -> str | None:
    """``1.2.1 DDPM算法原理部分：`` alone on a line: it names the group of cards below it."""
    if block.kind != "paragraph_open" or block.first != block.last:
        return None
    if not _MAY_LABEL.match(block.tokens[1].content):  # most paragraphs: no inline parse
        return None
    text = block.text
    return text.rstrip(" \t:：") if _LABEL.match(text) else None


def is_bold_line(block: Block) -> bool:
    """A paragraph that is one bold phrase (``**网络结构**``): a sub-heading in prose."""
    if block.kind != "paragraph_open" or len(block.tokens) < 2:
        return False
    if not block.tokens[1].content.lstrip().startswith(("**", "__")):  # no parse needed
        return False
    children = [c for c in block.inline if not blank_text(c)]
    if children and children[-1].type == "text" and children[-1].content.strip() in (":", "："):
        children = children[:-1]
    return (
        len(children) >= 3
        and children[0].type == "strong_open"
        and children[-1].type == "strong_close"
        and sum(c.type == "strong_open" for c in children) == 1
    )


def blank_text(token: Token) -> bool:
    return token.type == "text" and not token.content.strip()


def plain_line(fragment: str) -> str:
    """Plain text of one line of inline markdown (no parse needed for plain text, bold
    or not: most question lines)."""
    bare = WHOLE_BOLD.fullmatch(fragment.strip())
    inner = bare[2] + bare[3] if bare else fragment  # "**term**：" reads "term："
    if not MARKUP.search(inner):
        return inner.strip()
    tokens = markdown().parseInline(fragment, {})
    return inline_text(tokens[0].children or []) if tokens else fragment.strip()
