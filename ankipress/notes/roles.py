"""Which headings and bold lines ask a file's questions, which group them, and what ends
an answer.

A heading asks a question when it is written as one (``?``, ``Q:``, ``简述``), or when it
is a leaf of the outline holding content and no question of another shape; at the file's
question level (where most headings ask), a heading over plain leaf sub-headings asks one
question too, and a sub-heading that recurs under several headings is a part of each. A
heading that holds questions is a section, and the top level of such sections is the
file's chapter level: its decks. Bold lines are the questions of their section when more
than half of them ask (then all of them are, ``简述...。`` too), else only those that ask;
never where the section's questions are ``Q:`` paragraphs, whose answers they sit in.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

from ankipress.identity.guids import strip_numbering
from ankipress.notes.asking import follows_up, leads_in, names_an_aspect, question_key
from ankipress.notes.chapters import parse_chapter_heading
from ankipress.notes.drafts import Draft
from ankipress.notes.elements import WRAPPER, Element
from ankipress.notes.noncontent import BACK_MATTER, section_name

_NOT_CONTENT = ("toc", "skip")
# The rank of each question shape: an answer runs to the next element of its rank or a
# higher one (a lower number). Headings rank by level (10-60), group labels 65, bold lines
# that are not questions 75, everything else 100.
_RANKS = {"h2": 5, "details": 5, "q": 6, "bold": 72, "term": 80, "item": 80, "bare": 80}


@dataclass(frozen=True)
class Roles:
    questions: frozenset[int]  # first lines of the headings and bold lines that ask
    chapter_level: int  # 0: no heading groups questions, the file is one deck
    title_line: int = 0  # of the heading that titles the file (0: none)
    parts: frozenset[int] = frozenset()  # headings naming a part of the one above them
    # headings ask most of the file's questions: no <h2> or Q: answer runs past a heading
    # that asks one (else those answers may hold headings)
    headings_lead: bool = False
    question_level: int = 0  # set: headings of this level ask, deeper ones are answer
    # <details> questions that may fold into the answer text before them: not next to
    # another <details> question (a run of them are siblings), nor where 'details:
    # question' says every summary asks
    folds: frozenset[int] = frozenset()
    # headings shallower than the heading question before them, at a level where no
    # heading asks: maybe more of that answer (a suspect card where they make one)
    shallower: frozenset[int] = frozenset()
    # of those, the ones that go on answering it: the file puts a rule between its
    # questions and none stands between, and no question follows them right away
    carried: frozenset[int] = frozenset()
    # heading questions whose plain sub-headings are their answer: how many, what level
    promoted: dict[int, tuple[int, int]] = field(default_factory=dict)


@dataclass
class _Heading:
    element: Element
    children: list[_Heading] = field(default_factory=list)
    content: bool = False  # content before its first sub-heading
    holds: bool = False  # a question anywhere below it
    marks: bool = False  # below it, a question of another shape or a heading that asks
    question: bool = False
    bolds: list[int] = field(default_factory=list)  # bold questions in its own text
    shaped: bool = False  # a question of another shape (Q:, <details>...) in its own text
    parted: bool = False  # a sub-heading that recurs under other headings: a part of it
    text: bool = False  # text of its own before its first sub-heading that asks nothing


_COLON = re.compile(r"[:：]")


def assign_roles(
    elements: Sequence[Element],
    title_line: int,
    question_level: int | None = None,
    details: str | None = None,
) -> Roles:
    folds = frozenset(_folds(elements)) if details != "question" else frozenset()
    roles = _assign_roles(elements, title_line, folds)
    return _at_level(roles, elements, question_level) if question_level else roles


def _shallower(
    elements: Sequence[Element], title_line: int, rules: Sequence[int]
) -> Iterator[tuple[int, bool]]:
    """Headings that ask nothing, shallower than the heading question before them, at a
    level where no heading of the file asks (``### Example`` after ``##### What is
    argmax?``): the file's levels say they group questions, its order that they go on
    answering one. Each with whether it does go on answering it: the file puts a rule
    between its questions, none stands between the question and this heading, and no
    question follows the heading right away (it groups none)."""
    content = [e for e in elements if e.kind not in ("toc", "skip")]
    headings = [e for e in content if e.kind == "heading" and e.first != title_line]
    asking = {e.level for e in headings if e.asks}
    questions = [e.first for e in headings if e.asks]
    ruled = _apart(questions, rules)
    after = {e.first: content[i + 1] for i, e in enumerate(content[:-1])}
    question = level = 0  # the line and the level of the last heading that asked
    for heading in headings:
        if heading.asks:
            question, level = heading.first, heading.level
        elif level and heading.level < level and heading.level < min(asking):
            groups = heading.first in after and after[heading.first].asks
            kept = ruled and not _between(rules, question, heading.first)
            yield heading.first, kept and not groups


def _apart(questions: Sequence[int], rules: Sequence[int]) -> bool:
    """Whether a rule stands between most questions and the next: the author's end of
    each answer."""
    gaps = list(pairwise(questions))
    apart = sum(_between(rules, one, other) for one, other in gaps)
    return len(gaps) >= 2 and 2 * apart >= len(gaps)


def _between(lines: Sequence[int], after: int, before: int) -> bool:
    """Whether one of the sorted ``lines`` falls strictly between two lines."""
    index = bisect_right(lines, after)
    return index < len(lines) and lines[index] < before


def _folds(elements: Sequence[Element]) -> Iterator[int]:
    """The ``<details>`` questions that stand alone, no other one right before or after."""
    boxes = [is_details(e) or e.text == WRAPPER for e in elements]  # any <details>
    for index, element in enumerate(elements):
        alone = not (index and boxes[index - 1]) and not (
            index + 1 < len(boxes) and boxes[index + 1]
        )
        if is_details(element) and alone:
            yield element.first


def _at_level(roles: Roles, elements: Sequence[Element], level: int) -> Roles:
    """The roles where the settings name the question level: its headings ask, deeper
    ones are parts of their answers, shallower ones group them."""
    headings = [e for e in elements if e.kind == "heading" and e.first not in (roles.title_line, 0)]
    asking = {e.first for e in headings if e.level == level}
    others = {e.first for e in headings}
    parts = {e.first for e in headings if e.level > level}
    above = [e.level for e in headings if e.level < level]
    return replace(
        roles,
        questions=frozenset((roles.questions - others) | asking),
        chapter_level=min(above, default=0),
        parts=frozenset(parts),
        headings_lead=True,
        question_level=level,
        carried=frozenset(),
    )


def _assign_roles(elements: Sequence[Element], title_line: int, folds: frozenset[int]) -> Roles:
    questions = set(_bold_questions(elements))
    rules = [e.first for e in elements if e.kind == "skip" and e.text == "horizontal rule"]
    shallower = dict(_shallower(elements, title_line, rules))
    carried = {line for line, goes_on in shallower.items() if goes_on}
    parts = _parts(elements, title_line) | carried
    root = _Heading(Element("heading", 0, 0, level=0))
    stack = [root]
    for element in elements:
        if element.kind == "heading" and element.first != title_line and element.first not in parts:
            while stack[-1].element.level >= element.level:
                _close(stack.pop(), stack[-1])
            stack.append(_Heading(element))
        elif element.kind == "heading" and element.first not in parts:
            continue
        elif element.kind not in _NOT_CONTENT:
            if element.kind == "heading":  # a part: of the shallower heading above it
                while len(stack) > 1 and stack[-1].element.level >= element.level:
                    _close(stack.pop(), stack[-1])
                stack[-1].parted = True
            top = stack[-1]
            folded = top.content and top is not root and element.first in folds  # an answer's
            top.content = True
            shaped = element.kind == "question" and not folded
            marked = shaped or element.first in questions
            top.shaped |= shaped
            top.text |= not (marked or top.holds) and element.kind != "heading"  # (not an
            # answer: text before its first question)
            if element.first in questions:
                top.bolds.append(element.first)
            top.holds |= marked
            top.marks |= marked
    while len(stack) > 1:
        _close(stack.pop(), stack[-1])
    _alike(root, questions)
    promoted: dict[int, tuple[int, int]] = {}
    asked, asking_level = _promote(root, promoted, rules)
    explicit = sum(e.kind == "question" and e.asks for e in elements)
    sections: list[int] = []
    texted: list[int] = []  # of those sections, the ones with text of their own
    _collect(root, questions, sections, texted)
    chapter_level = min(sections, default=0)
    if chapter_level == asking_level and texted.count(chapter_level) == sections.count(
        chapter_level
    ):  # "## Dynamic Programming", text and sub-questions, among "## Two pointers"...
        chapter_level = 0  # a question with questions under it, no chapter: one deck
    questions.update(e.first for e in elements if e.kind == "heading" and e.asks)
    questions.discard(title_line)
    lead = asked > explicit
    return Roles(
        frozenset(questions),
        chapter_level,
        title_line,
        frozenset(parts),
        lead,
        folds=folds,
        shallower=frozenset(shallower.keys() - carried),
        carried=frozenset(carried),
        promoted=promoted,
    )


def _close(heading: _Heading, parent: _Heading) -> None:
    if heading.element.asks or (not heading.children and not heading.holds and heading.content):
        heading.question = True
    parent.children.append(heading)
    parent.holds |= heading.question or heading.holds
    parent.marks |= heading.marks or heading.element.asks


_BACK = frozenset(section_name(name) for name in BACK_MATTER)  # "参考": no part of an answer
_FEW_BOLDS = 2  # bold questions a topic's text may hold and still be one topic


def _alike(heading: _Heading, questions: set[int]) -> None:
    """Headings written alike ask alike: a leaf heading among sibling leaves that mostly
    ask topic questions (three or more, two in three) asks one too, though its text holds
    a bold question or two (``**那么为什么要分离网络号和主机号呢？**``): they go on
    discussing its topic, in its answer, not cards of their own."""
    leaves = [c for c in heading.children if not c.children and c.content]
    asking = sum(c.question for c in leaves)
    for child in heading.children:
        _alike(child, questions)
    if asking < 3 or 3 * asking < 2 * len(leaves):
        return
    for child in leaves:
        if not child.question and not child.shaped and 0 < len(child.bolds) <= _FEW_BOLDS:
            child.question = True
            child.holds = child.marks = False
            questions.difference_update(child.bolds)


def _promote(
    root: _Heading, promoted: dict[int, tuple[int, int]], rules: Sequence[int]
) -> tuple[int, int]:
    """The level at which most headings ask questions is the file's question level (the
    deepest of equals): a heading there whose sub-headings are only plain leaves (``10.3
    ... 的区别`` over ``10.3.1 ...：`` and ``10.3.2 ...：``) asks one question, and they
    are its answer when they are parts of it (``_parts_of``). How many headings ask
    (``第N章`` chapters aside), and that level."""
    found: list[_Heading] = []

    def walk(heading: _Heading) -> None:
        for child in heading.children:
            found.append(child)
            if not child.question:
                walk(child)

    walk(root)
    levels = Counter(h.element.level for h in found if h.question)
    level = max(sorted(levels, reverse=True), key=lambda n: levels[n], default=0)
    for heading in found:
        plain = all(not child.children for child in heading.children)  # only leaves
        if heading.element.level == level and heading.children and plain and not heading.marks:
            if not _parts_of(heading, rules):
                continue
            heading.question = True  # with how many sub-headings it takes, and their level
            promoted[heading.element.first] = (
                len(heading.children),
                heading.children[0].element.level,
            )
    asked = sum(1 for h in found if h.question and not parse_chapter_heading(h.element.text))
    return asked, level


def _parts_of(heading: _Heading, rules: Sequence[int]) -> bool:
    """Whether a heading's plain sub-headings are parts of its one answer: one names an
    aspect (``Characteristics``, ``Example: ...``, or recurs under other headings as
    ``思路`` does) or is a label (``4.2.1 Dropout:``, its colon leading into its text), or
    the heading is numbered and they are not (``4.计算感受野`` over ``感受野计算``); back
    matter (``参考``) counts for neither. Sub-headings that are each a topic of their own
    (``Dynamic Programming`` over ``Memoization`` and ``Tabulation``), or that a rule sets
    apart (the author's end of each answer), each ask."""
    children = heading.children
    starts = [child.element.first for child in children]
    if _apart(starts, rules) or (len(starts) == 2 and _between(rules, *starts)):
        return False
    if heading.parted:  # "思路" under "01-查找" as under the other headings
        return True
    texts = [
        text
        for child in children
        if (text := child.element.text.strip("#*_` ")) and section_name(text) not in _BACK
    ]
    numbered = strip_numbering(heading.element.text) != heading.element.text
    return not texts or (
        any(_names_a_part(text) for text in texts)
        or (numbered and all(strip_numbering(text) == text for text in texts))
    )


def _names_a_part(heading: str) -> bool:
    """A sub-heading naming a part of the answer above it: an aspect (``Characteristics``,
    ``Example: Binary File Operations``) or a label (``4.2.1 Dropout:``)."""
    head = _COLON.split(heading, maxsplit=1)[0]
    return (
        names_an_aspect(heading) or names_an_aspect(head) or heading.rstrip().endswith((":", "："))
    )


def _collect(
    heading: _Heading, questions: set[int], sections: list[int], texted: list[int]
) -> None:
    """Questions and question-holding sections below ``heading`` (their levels; in
    ``texted`` those of the sections with text of their own). A heading with nothing
    under it asks a question (left unanswered) where its siblings do."""
    siblings_ask = any(child.question for child in heading.children)
    for child in heading.children:
        empty = not (child.children or child.content)
        if child.question or (empty and siblings_ask):
            questions.add(child.element.first)
        elif child.holds:
            sections.append(child.element.level)
            if child.text:
                texted.append(child.element.level)
        if not child.question:
            _collect(child, questions, sections, texted)


def _bold_questions(elements: Sequence[Element]) -> list[int]:
    """First lines of the bold lines that are questions, section by section."""
    found: list[int] = []
    run: list[Element] = []
    has_q = False
    followed: set[int] = set()  # bold lines with other content after them, before the next
    opening: set[int] = set()  # bold lines right after a bold line that asks: its answer's
    texted = False  # the section has text of its own before the bold line
    previous: Element | None = None
    for element in [*elements, Element("heading", 0, 0)]:
        after = previous is not None and previous.kind == "bold" and previous.asks
        if element.kind == "bold" and after:
            opening.add(element.first)
        previous = element
        if element.kind == "heading":
            asking = [b for b in run if b.asks]
            numbered = [b for b in run if b.asked is not None and b.asked.numbered]
            answered = [b for b in numbered if b.first in followed]
            if len(numbered) >= 2 and 2 * len(answered) >= len(numbered) and not has_q:
                asking = [b for b in run if b.asks or b in numbered]  # numbered alike: they ask
            if asking and not has_q:
                alike = [  # not a sub-label ("X包括") nor the first line of an answer
                    b for b in run if b.asks or not (leads_in(b.written) or b.first in opening)
                ]
                found.extend(b.first for b in (alike if 2 * len(asking) > len(run) else asking))
            run, has_q, texted = [], False, False
        elif element.kind == "bold" and element.asked is not None:
            if not (texted and follows_up(element.written)):  # else a follow-up: answer
                run.append(element)
        elif element.kind == "question" and element.asked and element.asked.shape == "q":
            has_q = True
        elif element.kind not in ("bold", "toc", "skip"):
            texted = True
            if run:  # numbered steps follow each other with nothing between
                followed.add(run[-1].first)
    return found


def rank(element: Element, roles: Roles) -> int:
    if element.kind == "heading":  # a heading that goes on answering is answer text
        return 100 if element.first in roles.carried else element.level * 10
    if element.kind == "label":
        return 65
    if element.kind == "bold":
        return _RANKS["bold"] if element.first in roles.questions else 75
    if element.kind == "question" and element.asked is not None:
        if element.asked.contained:  # it holds its whole answer: it ends any other
            return _RANKS["details"]
        return _RANKS[element.asked.shape]
    return 100


def _parts(elements: Sequence[Element], title_line: int) -> set[int]:
    """Headings that recur under different headings (``Causes:`` and ``Remedies:`` under
    both ``Overfitting`` and ``Underfitting``) name a part of each: no question of their
    own, no section, but content of the heading above them."""
    parents: dict[str, set[int]] = defaultdict(set)
    lines: dict[str, list[int]] = defaultdict(list)
    stack: list[Element] = []
    for element in elements:
        if element.kind != "heading" or element.first == title_line or element.asks:
            continue
        while stack and stack[-1].level >= element.level:
            stack.pop()
        key = question_key(element.text)
        parents[key].add(stack[-1].first if stack else 0)
        lines[key].append(element.first)
        stack.append(element)
    return {line for key, found in lines.items() if len(parents[key]) > 1 for line in found}


def is_question(element: Element, roles: Roles) -> bool:
    if element.kind == "question":
        return element.asked is not None
    return element.kind in ("heading", "bold") and element.first in roles.questions


def ends_answer(element: Element, following: Element | None, draft: Draft, roles: Roles) -> bool:
    """Whether a heading ends an answer that its rank would let it join: it asks, it asks
    one in a file of heading questions, it is no deeper than the section the question was
    asked in, or it stands right above a question of the answer's rank (it groups them)."""
    if element.kind != "heading":
        return False
    if roles.question_level:  # the settings say which headings ask
        return element.level <= roles.question_level
    if element.asks or (roles.headings_lead and element.first in roles.questions):
        return True
    if draft.within and element.level <= draft.within:
        return True
    if following is None or not is_question(following, roles):
        return False
    return rank(following, roles) <= draft.rank


def is_details(element: Element) -> bool:
    """A ``<details>`` question: after a heading's own text, a fold in its answer."""
    return element.asked is not None and element.asked.shape == "details"
