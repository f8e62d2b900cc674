"""What makes a line of notes a question: it ends in a question mark, or it carries a
``Q:`` / ``Q1.`` / ``Question:`` prefix; and what is left of it as a card's question."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ankipress.identity.guids import normalise_question, strip_numbering, without_trailing

# Q: / Q： / Q1. / Q5.1) / QX) / Question: / Question 2: at the start of a line: marks a
# question ("Q1 is the 25th percentile" and "Q3 2024" do not)
_Q_MARK = r"[Qq](?:uestion)?\s*+(?:[0-9０-９]+(?:[.．][0-9０-９]+)*|X)?\s*+[:：.．)）]"
_Q_PREFIX = re.compile(rf"^\s*{_Q_MARK}\s*")
# ...and what comes off a line known to ask: also "Q3 What is ...?"
_Q_LABEL = re.compile(rf"^\s*(?:{_Q_MARK}|[Qq][0-9０-９]+(?:[.．][0-9０-９]+)*\s)\s*")
# (A) / (1) / [Q] before a question
_BRACKETED = re.compile(r"^\s*[(（\[【](?:[A-Za-z]|[0-9]{1,2}|Q)[)）\]】]\s*")
# A: / A： / 答： / Answer: / A1: at the start of an answer
ANSWER_MARKER = re.compile(  # a colon: "A. Dropout" is an option of a choice, kept
    # (one run of spaces between any two marks: linear on long runs of spaces)
    r"^(\s*(?:(?:\*\*|__)\s*)?)(?:(?:A|[Aa](?i:nswer|ns))\s*(?:[0-9０-９]+(?:[.．][0-9０-９]+)*\s*)?"
    r"[:：]|答\s*[:：])(\s*(?:(?:\*\*|__)\s*)?)"
)
# a question mark at the end, before closing marks and a citation ([src], [1], (2019))
_QUESTION_MARK = re.compile(  # (no two runs of spaces side by side: linear)
    r"[?？](?:\s*[)）\]】\"'”’*_`#])*\s*(?:[\[(（【][^\])）】]{0,40}[\])）】]\s*)?$"
)
# a question bank's tag before a question: [E] easy, [M] medium, [H] hard
_DIFFICULTY = re.compile(r"^\s*[\[【][EMH][\]】]\s+\S")
# an imperative that asks: 简述 X, 介绍一下 X, Explain X, Describe X
_ASKING_VERB = re.compile(
    r"^(?:请(?:问|讲|说|简述|介绍|解释|谈|描述|列举|比较|分析|写出|推导|证明|回答|举例)|简述|"
    r"简要(?:说明|介绍|分析)|简单介绍|介绍一下|介绍下|说说|谈谈|讲讲|讲一讲|解释一下|阐述|描述一下|"
    r"(?:详细|大致|简单)?(?:聊一下|聊一聊|聊聊|说一下|说一说|讲一下)|"
    r"列举|(?:explain|describe|compare|define|discuss|derive)\b)",
    re.IGNORECASE,
)
# a Chinese question word first asks, question mark or not (如何评估词向量的好坏), when the
# line is that one sentence: "为什么相加？拼接也可以，只是..." answers itself
_QUESTION_WORD = re.compile(r"^(?:如何|为什么|为何|怎么|怎样|是否|有没有|什么是|哪些)\S")
_SENTENCE_END = re.compile(r"[?？。!！;；]")
# 一、 / 十三、 / （二） before a question: numbering in Chinese ("第一章" is a chapter's)
_CHINESE_ORDINAL = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]{1,4}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）])\s*(?=\S)"
)
_PADDED = re.compile(r"^0[0-9]+\s+(?=\S)")  # "001 什么是回环检测？": a zero-padded number
_CLOSING_HASHES = re.compile(r"(?<=[?？])#+\s*$")  # "Q15: ...?###": closed with no space
# 1.13.6, 3. or 3、 alone (not a year: "## 2017" is a title)
_NUMBER_ONLY = re.compile(r"^\s*[0-9０-９]+(?:(?:[.．][0-9０-９]+)+[.．]?|[.．、)）])\s*$")


def has_q_prefix(text: str) -> bool:
    return bool(_Q_PREFIX.match(text))


_PAIRS = {")": "(", "）": "（", "]": "[", "】": "【"}


def _aside(text: str, mark: re.Match[str]) -> str | None:
    """The text before a bracketed aside that holds the line's last question mark
    (``Compare DNS results from both devices (same network?)``), or None when the mark
    is not in one (or the brackets wrap the whole line: ``(Why?)``)."""
    closing = mark[0][1:].lstrip()[:1]
    if closing not in _PAIRS:
        return None
    opening, depth = _PAIRS[closing], 0
    for index in range(mark.start() - 1, -1, -1):
        char = text[index]
        if char == closing:
            depth += 1
        elif char == opening and depth:
            depth -= 1
        elif char == opening:
            before = text[:index].strip()
            return before or None
    return None


# an English question's first word: "Why is TCP slow at first (on a new connection?)"
_ENGLISH_ASKING = re.compile(
    r"(?:why|what|how|when|where|which|who|whom|whose|is|are|was|were|do|does|did|can|"
    r"could|should|would|will|shall|may|might|must|have|has|had)\b",
    re.IGNORECASE,
)


def asks(text: str) -> bool:
    """Whether a line of plain text is written as a question. A question mark in an aside
    at its end asks only the aside: the line asks if the text before it does (once: an
    aside before it counts as its end), or opens as an English question does."""
    mark = _QUESTION_MARK.search(text)
    if mark is None:
        return _asks_unmarked(text)
    before = _aside(text, mark)
    if before is None:
        return True
    plain = strip_numbering(before)
    return (
        _QUESTION_MARK.search(before) is not None
        or _asks_unmarked(before)
        or _ENGLISH_ASKING.match(plain) is not None
    )


def _asks_unmarked(text: str) -> bool:
    """Whether a line that does not end in a question mark is written as a question."""
    if has_q_prefix(text) or _DIFFICULTY.match(text):
        return True
    text = strip_numbering(text)
    if _QUESTION_WORD.match(text) and not _SENTENCE_END.search(text.rstrip(" \t。.!！")):
        return True
    verb = _ASKING_VERB.match(text)  # and what it asks about: "简单介绍" alone asks nothing
    return verb is not None and len(text[verb.end() :].strip(" \t:：.。,，")) >= 2


def question_text(text: str) -> str:
    """``Q5.1) 3. 为什么?`` -> ``为什么?``: prefixes and numbering go, and a trailing colon
    (``Lora：`` -> ``Lora``)."""
    text = _Q_LABEL.sub("", text, count=1)
    text = _BRACKETED.sub("", text, count=1)
    text = _CHINESE_ORDINAL.sub("", text, count=1)
    text = _CLOSING_HASHES.sub("", _PADDED.sub("", strip_numbering(text), count=1))
    return text.rstrip(" \t:：") or text


def question_key(text: str) -> str:
    """What identifies a line written as a question: its question text, normalised (as
    ``normalise_question`` makes GUIDs of)."""
    return normalise_question(question_text(text))


def is_number_only(text: str) -> bool:
    """A heading that is only a number (``1.13.6``): its title is on the next line."""
    return bool(_NUMBER_ONLY.match(text))


_OPTION = re.compile(r"^\s*(?:(?:\*\*|__)\s*)?(?P<letter>[A-D])\s*[:：.)）]")


def lists_options(lines: Sequence[str]) -> bool:
    """Whether lines that open with ``A:`` go on with ``B:``: the options of a choice
    (``A: 4`` / ``B: 5``), not an answer marked ``A:``."""
    letters = [m["letter"] for line in lines if (m := _OPTION.match(line))]
    return letters[:2] == ["A", "B"]


def without_answer_marker(line: str) -> str:
    """``A: because`` -> ``because`` (``**A:** because`` too); other lines unchanged."""
    match = ANSWER_MARKER.match(line)
    if match is None:
        return line
    opening, closing = match[1].strip(), match[2].strip()
    rest = line[match.end() :]
    if opening and closing:  # **A:** rest: the bold held only the marker
        return rest
    return opening + rest


# a line that is one bold phrase, a colon after it allowed: its phrase is group 2
# (spaces after the colon only where there is one: no two runs of spaces side by side)
WHOLE_BOLD = re.compile(r"(\*\*|__)((?:(?!\1).)+?)\1\s*([:：]?)(?:(?<=[:：])\s*)?")
# anything inline markdown reads: text without it is its own plain text and its own HTML
MARKUP = re.compile(r"[*_`\[\]<>$!\\&~|{}=^]|https?:|www\.")
# **Q:** / **Question 2.** / **Question**: before a question, the mark inside the bold or after
_BOLD_PREFIX = re.compile(
    r"^(\*\*|__)\s*+Q(?:uestion)?\s*+[0-9０-９.．]*\s*+(?:[:：.．)）]\s*+\1|\1\s*+[:：.．)）])\s*",
    re.I,
)


def question_markdown(source: str) -> str:
    """A question line's markdown without what ``question_text`` drops from its text:
    ``**Q：** 3. What is $R^2$?`` -> ``What is $R^2$?`` (a bold line loses its bold)."""
    text = source.strip()
    whole = WHOLE_BOLD.fullmatch(text)
    if whole:
        text = whole[2]
    text = strip_numbering(text)  # "1. **Q:** What is **bias**?"
    lead = _BOLD_PREFIX.match(text)
    if lead:
        text = text[lead.end() :]
    return question_text(text)


# A word that names a container, not a question: a <details> summary or a front that says
# only "expand", "answer", "show" (点击展开, 查看答案, Click to expand, Show answer...).
_GENERIC_LABEL = re.compile(
    r"^(?:(?:点击|点我|单击|click(?:\s+(?:here|me))?(?:\s+to)?|tap(?:\s+to)?|"
    r"(?:see|view|show|reveal|toggle)(?:\s+the)?)\s*)?"
    r"(?:展开|展开答案|展开查看|查看|查看答案|查看解析|显示|显示答案|答案|参考答案|答案解析|解析|解答|"
    r"题解|详情|详细|更多|提示|示例|例子|代码|思路|收起|折叠|"
    r"expand|answers?|solutions?|explanation|details?|more|hints?|examples?|code|output|"
    r"result|spoiler|show|here|me)"
    r"(?:\s*(?:answers?|solutions?|details?|more|code|here))?$",
    re.IGNORECASE,
)
_DECORATION = re.compile(r"[\s\W_]+$|^[\s\W_]+")  # ▶, 👉, arrows, colons, brackets
_LABEL_AT_MOST = 100  # characters of a line that names a container, decoration and all


def is_generic_label(text: str) -> bool:
    """Whether a line names a container rather than asking or naming anything: ``展开``,
    ``Answer``, ``Click to expand``, ``👉 查看答案``."""
    text = text.strip()
    if len(text) > _LABEL_AT_MOST:  # (and its decoration is stripped in linear time)
        return False
    core = _DECORATION.sub("", text)
    return bool(core) and len(core) <= 30 and bool(_GENERIC_LABEL.match(core))


# A name for one aspect of the thing above it (its definition, pros, cons, how it works,
# an example): a part of that thing's answer, never a question of its own.
_ASPECT_WORDS = """
概念 定义 含义 简介 介绍 特点 特性 特征 优点 缺点 优缺点 优势 劣势 好处 坏处 原理 基本原理
实现 具体实现 实现层面 实现机制 实现方式 实现原理 适用场景 应用场景 使用场景 场景 应用 作用
用途 目的 原因 影响 区别 联系 步骤 流程 过程 方法 解决方法 解决方案 解决办法 如何解决 如何避免
如何使用 产生的条件 条件 分类 类型 种类 举例 例子 示例 总结 小结 注意 注意事项 背景 动机 结构
输入 输出 公式 代码 复杂度 时间复杂度 空间复杂度 参考 备注 补充 问题 缺陷 改进 思路
挑战 核心思想 主要思想 基本思想 思想 模型结构 网络结构 创新点 创新 贡献 主要贡献 局限 局限性
不足 改进方向 关键点 要点 细节 实现细节 损失函数 训练 推理 效果 实验 结论 评价 对比 意义 作用机制
"""
_ASPECTS = {
    *_ASPECT_WORDS.split(),
    "definition",
    "concept",
    "concepts",
    "key concepts",
    "overview",
    "summary",
    "in summary",
    "advantages",
    "disadvantages",
    "limitations",
    "pros",
    "cons",
    "pros and cons",
    "advantages and disadvantages",
    "advantages and limitations",
    "strengths",
    "weaknesses",
    "example",
    "examples",
    "inputs",
    "outputs",
    "input",
    "output",
    "process",
    "steps",
    "how it works",
    "motivation",
    "intuition",
    "use cases",
    "applications",
    "usage",
    "implementation",
    "complexity",
    "time complexity",
    "space complexity",
    "notes",
    "note",
    "remarks",
    "background",
    "purpose",
    "formula",
    "properties",
    "characteristics",
    "types",
    "variants",
    "idea",
    "key idea",
    "key ideas",
    "solution",
    "problem",
    "problems",
}


def names_an_aspect(text: str) -> bool:
    """Whether a heading or term names an aspect of what is above it (``概念：``,
    ``Advantages``, ``如何解决？``, ``创新点和优势``), not a topic of its own."""
    core = _without_end_marks(strip_numbering(text))
    parts = [p.strip() for p in _JOINED.split(core.casefold())]
    return all(part in _ASPECTS for part in parts) and bool(parts)


_JOINED = re.compile(r"和|与|及|、|/|&|\band\b")  # 优点和缺点, pros and cons


# A heading that names the file's introduction, not a topic of it.
_INTRODUCTION_WORDS = (
    "前言 简介 简单介绍 写在前面 写在最前面 序 序言 引言 导言 导读 说明 本文说明 开篇"
)
_INTRODUCTIONS = {
    *_INTRODUCTION_WORDS.split(),
    "introduction",
    "intro",
    "preface",
    "foreword",
    "motivation",
    "about",
    "about this",
    "about this page",
    "about this repo",
    "about this repository",
    "read me first",
}


# A heading that names the questions under it: "Easy Questions", "Common Interview
# Questions About IBM", "面试题", "常见问题", "FAQ"
_QUESTIONS_NAMED = re.compile(
    r"(?:\bquestions|\bfaqs?|面试题|面试问题|常见问题|问题汇总|问题集|题库|习题|练习题)"
    r"(?:\s+(?:about|on|for)\s+.{1,40})?$",
    re.IGNORECASE,
)


# an interview task set as a question ("Design a global CDN", "Implement a rate limiter"):
# a question only in a section named for questions, else a step of instructions
_TASK_VERB = re.compile(
    r"^(?:design|implement|build|create|write|code|solve|model)\s+\S", re.IGNORECASE
)


def asks_as_task(text: str) -> bool:
    """Whether a line sets a task, as interview questions do (``Design a global CDN``)."""
    return bool(_TASK_VERB.match(strip_numbering(text.strip(" *_"))))


_SCENE = 400  # characters of a heading that sets a scene, at most
_TRAILING = " \t\n:：.。!！*_`"  # after a heading's name
_END_MARKS = ":：?？.。!！*_`"  # (and whitespace) after what a line names
_CLAUSES = re.compile(r"[，,；;：:]")


def _without_end_marks(text: str) -> str:
    """``text`` without the whitespace it starts with and the whitespace and marks it ends
    with."""
    return without_trailing(text, _END_MARKS).strip()


def _named(heading: str) -> str:
    """What a heading names: its text without numbering and the marks after it."""
    return strip_numbering(heading).strip().rstrip(_TRAILING).strip()


_SENTENCES = re.compile(r"[^.。!！]+[.。!！](?:\s|$)")
_ASKS_WITHIN = re.compile(  # a request inside a sentence: "Okay, now explain how..."
    r"\b(?:explain|describe|compare|list|name|give|show|how|what|why|which|when|where|who)\b|"
    r"如何|为什么|为何|怎么|怎样|是否|什么|哪些|请",
    re.IGNORECASE,
)


def sets_a_scene(text: str) -> bool:
    """Whether a heading tells, not names: two sentences or more, none asking (``The
    following is a dataset of boba teas. Alex rates each drink.``), asking nothing
    within them (``Okay, the data is loaded. Now explain how...`` asks): it sets up the
    questions under it."""
    if len(text) > _SCENE:  # (a heading of a page's length sets no scene)
        return False
    return len(_SENTENCES.findall(text.strip())) >= 2 and not _ASKS_WITHIN.search(text)


def names_questions(text: str) -> bool:
    """Whether a heading names a set of questions (``Easy Questions``, ``面试题``): its own
    text leads into them, and it asks nothing itself."""
    core = _named(text)
    return bool(_QUESTIONS_NAMED.search(core)) and not asks(core)


def names_introduction(text: str) -> bool:
    """Whether a heading names an introduction (``前言``, ``写在前面``, ``Motivation``)."""
    return _named(text).casefold() in _INTRODUCTIONS


# The steps an interview log records besides its questions: one's own questions for the
# interviewer, afterthoughts. Not knowledge to learn: never cards. (A self-introduction
# is: the seeds rehearse theirs.)
_INTERVIEW_STEPS = {
    "反问",
    "反问环节",
    "反思",
    "复盘",
    "面试总结",
    "面试感受",
    "面试感想",
    "面试心得",
    "questions for the interviewer",
    "questions to ask the interviewer",
    "reverse questions",
}


# the coding round: how many problems were set ("三道算法题，给了三十分钟"), or its name
# alone ("手撕代码："), not a question the notes answer ("算法题：如何判断链表有环？" is one)
_CODING_ROUND = re.compile(  # a count of problems, or the round's name alone
    r"^[一二三四五六七八九十两0-9]+道(?:算法题|代码题|编程题)|"
    r"^(?:算法题|代码题|编程题|手撕代码|(?:live )?coding round)$",
    re.IGNORECASE,
)


def names_interview_step(text: str) -> bool:
    """Whether an item of an interview log names one of its steps (``反问？``, ``反思：``,
    the coding round ``三道算法题…``) rather than a question asked in it."""
    core = _without_end_marks(question_text(text))
    return core.casefold() in _INTERVIEW_STEPS or bool(_CODING_ROUND.match(core))


# A line that leads into what follows it: "其核心创新包括", "主要步骤如下：", "includes:"
_LEAD_IN = re.compile(
    r"(?:包括|包含|如下|以下.{0,12}|有以下.{0,8}|分为|\binclud(?:es?|ing)|\bare|\bfollowing)"
    r"\s*+[:：]?\s*+$",
    re.IGNORECASE,
)


def leads_in(text: str) -> bool:
    """Whether a line only leads into the text after it (``其核心创新包括``, ``Steps are:``)
    or names an aspect of what is above it (``影响``, ``Advantages``): a sub-label of an
    answer, never a question for being among lines that ask."""
    return bool(_LEAD_IN.search(text.strip())) or names_an_aspect(text)


# "那么…呢？", "那…？": a question that points back at the text before it
_FOLLOW_UP = re.compile(r"^(?:那么|那)(?!些|个|里|样|种|时|边|儿)")


def follows_up(text: str) -> bool:
    """Whether a line opens, or its last clause does, by pointing back at the text before
    it (``那么 WebSocket 连接是怎么建立的呢？``, ``这里用了 PP，那么 PP 能与 ZeRO 一起用吗？``):
    after an answer's own text, it goes on with that answer (a follow-up the author asks
    and answers there), not a question of its own."""
    clauses = _CLAUSES.split(question_text(text))
    return any(_FOLLOW_UP.match(clause.strip(" *_`")) for clause in (clauses[0], clauses[-1]))
