"""The structure model on shapes of notes the parser was not written for (docs/structure.md),
in our own words: built by the CLI, imported into the real Anki backend, and every card a
reader might dispute reported as ``suspect``."""

from __future__ import annotations

import subprocess

import pytest

from tests.ankitools import AnkiNote, build_and_import
from tests.conftest import PYTHON, REPO

FILES = {
    # a heading asks; a <details> named only "展开" / "Answer" holds its answer
    "folded.md": (
        "# 网络\n\n### 什么是三次握手？\n\n客户端与服务器交换三个报文。\n\n"
        "##### 为什么不是两次？\n<details>\n<summary>展开</summary>\n\n"
        "服务器无法确认客户端收到了它的序列号。\n</details>\n\n"
        "##### What happens when the last ACK is lost?\n\n<details><summary>Answer</summary>\n\n"
        "The server resends its SYN-ACK.\n\n</details>\n"
    ),
    # a <details> after a heading's own answer text is a fold in that answer
    "inline-folds.md": (
        "# Transport\n\n### TCP compared with UDP\n\n1. TCP sets up a connection first;\n"
        "<details>\n<summary>What does connectionless mean?</summary>\n\n"
        "UDP sends without any setup.\n</details>\n\n2. TCP retransmits lost segments.\n\n"
        "### Why does TCP need a handshake?\n\nBoth sides agree on sequence numbers.\n"
    ),
    # a table of contents of in-page links, grouped by plain labels
    "contents.md": (
        "# Systems\n\n<!-- TOC -->\n* Processes\n    * [What is a process?](#what-is-a-process)\n"
        "    * [What is a thread?](#what-is-a-thread)\n* Memory\n"
        "    * [What is paging?](#what-is-paging)\n<!-- TOC -->\n\n"
        "## What is a process?\n\nA program in execution.\n\n## What is a thread?\n\n"
        "A unit of scheduling inside a process.\n\n"
        "## What is paging?\n\nFixed-size memory blocks.\n"
    ),
    # bold numbers lead each task, the answer is code; and a bold question with a remark
    "tasks.md": (
        "# Queries\n\n## SQL\n\nWrite queries for the following:\n\n"
        "**1)** The number of users.\n\n```sql\nSELECT count(*) FROM users;\n```\n\n<br/>\n\n"
        "**2)** The newest order.\n\n```sql\nSELECT max(created) FROM orders;\n```\n\n"
        "## Theory\n\n**Why index a column?**（see the chapter on trees）\n\n"
        "Lookups stop scanning the whole table.\n\n**Why not index every column?**\n\n"
        "Every write must update each index.\n"
    ),
    # an interview written up as a list: items ask, answers nested, some left bare
    "interview.md": (
        "# Interview notes\n\n# Round one\n\n- Arrays compared with linked lists?\n"
        "  - arrays index in constant time\n  - lists insert cheaply\n"
        "- heap and stack, the difference\n  - the stack holds frames\n"
        "- sorting, which algorithms are stable\n- 快排什么时候最坏？\n  - 选到最大或最小的基准\n"
        "- B+ trees in indexes\n  - leaves hold the rows, linked in order\n"
        "- 反问？\n  - 部门做什么？\n  - 新人怎么培养？\n- 反思：\n  - 答题先说结论\n\n"
        "## 自我介绍\n\n我做过两个检测项目。\n"
    ),
    # a topic heading whose list names its aspects: one card, not one per aspect
    "aspects.md": (
        "# Locks\n\n## Deadlock\n\n- 概念：\n  - two transactions wait on each other\n"
        "- 产生的条件：\n  - mutual exclusion, hold and wait\n"
        "- 如何避免？\n  - lock in one order\n\n"
        "## Optimistic locking\n\n- Definition:\n  - check a version when committing\n"
        "- Advantages:\n  - no waiting readers\n"
    ),
    # a task list of terms, each with its answer
    "tasklist.md": (
        "# Coding round\n\n### Algorithm questions\n\n- [x] **Square root of a number**\n\n"
        "  Binary search between 1 and the number.\n\n- [ ] **Square root to two decimals**\n\n"
        "  **To Do**\n\n- [x] **Find the single number**\n\n  XOR every element.\n"
    ),
    # the first heading, named as the file is, stands apart from its numbered peers
    "inference-notes.md": (
        "# Inference notes\n\n> Translated from a talk.\n\nThis page collects what I read.\n\n"
        "# 1. Batching\n\nGroup requests to fill the device.\n\n"
        "# 2. Caching\n\nKeep the keys and values of earlier tokens.\n"
    ),
    # the settings: a question level, and <details> as answers whatever their summary
    "levels.md": (
        "---\nquestion_level: 3\n---\n# Networking\n\n## Transport\n\n### TCP handshake\n\n"
        "Three messages.\n\n#### Why not two?\n\nThe server could not confirm the client.\n\n"
        "### Congestion control\n\nSlow start, then avoidance.\n"
    ),
    "wrappers.md": (
        "---\ndetails: answer\n---\n# Quiz\n\n## What is a port?\n\n"
        "<details><summary>Reveal it</summary>\n\nA number naming an endpoint.\n\n</details>\n"
    ),
    # answers that are notes to self: a to-do with a remark, a labelled pointer elsewhere
    "to-self.md": (
        "# Vision\n\n### How do detectors differ?\n\n**TO DO** read the survey first\n\n"
        "### What is a flex layout?\n\n> - Related Reference : [a guide](https://example.org/f)\n\n"
        "### What is a receptive field?\n\nThe input region one unit sees.\n\n"
        "### What is a corpus?\n\ntoo specialist\n<br>\n\n"
        "### How is class imbalance handled?\n\nSee [[Sampling#Imbalance|this note]].\n\n"
        "Methods specific to **trees**:\n\n<br>\n\n"
        "### What is a stride?\n\nThe step of the kernel:\n\n- one pixel by default\n"
    ),
    # topic headings at three levels, none asking: a heading over sub-headings that have
    # sub-headings of their own is not one question; each topic with text is a card
    "topics.md": (
        "# Launch modes\n\n## Tasks\n\nA task is a stack of screens.\n\n"
        "## Modes\n\nEach mode places a new screen differently.\n\n"
        "### standard\n\nA new instance every time.\n\n### singleTask\n\n"
        "One instance, in its own task.\n\n#### reparenting\n\nA screen may move tasks.\n\n"
        "### singleTop\n\nReused when already on top.\n\n## Uses\n\nMost apps use standard.\n\n"
        "## History\n\nThe modes date from the first release.\n"
    ),
    # Obsidian inline fields (Dataview metadata) under a heading of their own
    "fields.md": (
        "# Metadata\n\n**Title** :: Persistence layer\n\n**Status** :: #draft\n\n"
        "tags:: java, orm\n\n# Persistence layer\n\n## 1.1 Why not plain JDBC?\n\n"
        "Connections and statements are repeated in every call.\n"
    ),
    # numbered alike: a bold 1.2 after a heading 1.1 is its sibling, not its answer
    "numbered.md": (
        "# Attention\n\n### 1. Basics\n\n#### **1.1 What is attention?**\n\n"
        "Weights over the inputs.\n\n**1.2 How is it computed?**\n\n"
        "Scores, a softmax, then a weighted sum.\n\n#### 1.3 Why scale the scores?\n\n"
        "To keep the softmax out of saturation.\n"
    ),
    # a heading that names the introduction, before the first question: on no card
    "preface.md": (
        "# Transformer questions\n\n### 写在前面\n\n这些问题来自一次面试，答案是我自己的整理。\n\n"
        "### 正文\n\n#### 1. 为什么要做多头注意力？\n\n让模型在不同子空间里关注不同信息。\n"
    ),
    # a list item that asks and holds its answer is its own card, ending the heading's
    "contained.md": (
        "# Locks\n\n## 2.1 Table locks\n\n- Two kinds:\n  - shared\n  - exclusive\n"
        "- Cheap to take.\n- Why do they suit read-heavy tables?\n"
        "  - writers wait, readers never block each other\n\n## 2.2 Row locks\n\n"
        "Finer grained, more overhead.\n"
    ),
    # a claim, then items that ask over their answers: the claim stays in the answer
    "claims.md": (
        "# Isolation\n\n## Isolation levels\n\nFour levels, from weakest to strongest.\n\n"
        "- The default level is repeatable read, which prevents dirty and non-repeatable "
        "reads.\n  - `SELECT @@transaction_isolation;`\n- How are phantom reads avoided?\n"
        "  - next-key locks\n- Why is the default cheap?\n  - it takes few locks\n\n"
        "## Locks\n\nRows or whole tables.\n"
    ),
    # a bold "Question" label with its colon after the bold: not on the front
    "labelled.md": (
        "# Node\n\n## Timers\n\n**Question**: what does `setImmediate` do?\n\n"
        "It runs after the I/O callbacks.\n\n**Q**: what does `nextTick` do?\n\n"
        "It runs before the next phase.\n"
    ),
    # a bold question with a request joined to it heads its paragraph
    "joined.md": (
        "# Attention\n\n**Why scale the scores?**\n\nTo keep the softmax soft.\n\n"
        "**Why divide by √d?**，并使用公式推导进行讲解\n\n- the variance of q·k is d\n\n"
        "**Why mask padding?**\n\nPadding must get no weight.\n"
    ),
    # a bank of questions, then its sources under a label: no card of the sources
    "sources.md": (
        "# Word vectors\n\n1. 如何评估词向量的好坏\n2. 为什么用负采样？\n3. 有没有用过 GloVe\n\n"
        "本题资源参考：\n\nA post on sampling\nhttps://example.org/a\n\n"
        "## Notes\n\nVectors of words.\n\n参考：\n\nhttps://example.org/b\n"
    ),
    # terms named as an interview's steps, in notes that are no interview log: terms
    "diary.md": (
        "# Week 3\n\n## Retrospective\n\n- **反思：**\n\n  先写测试再写代码。\n\n"
        "- **复盘：**\n\n  每天记录一次。\n"
    ),
    # group labels over their questions (none asking itself); references with a label
    # line and sub-sections of their own: none of them a card
    "labels-and-sources.md": (
        "# Review\n\n- Group one, about networks\n  - What is TCP?\n- Group two, about disks\n"
        "  - What is a disk?\n\n## References\n\n参考链接：\n\n### Papers\n\n"
        "[A paper](https://example.org/p)\n\n### Blogs\n\nA blog post.\n"
    ),
    # what the rules must not take for questions (from a review of them)
    "not-questions.md": (
        "# Setup\n\n## Steps\n\n**1.** Download the installer.\n\n**2.** Run it.\n\n"
        "**3.** Restart.\n\n## Notation\n\n**X:** the inputs.\n\n**y:** the targets.\n\n"
        "## Plan\n\n- [x] Explain the handshake\n  - done\n- [ ] Review the JVM\n  - by Friday\n"
        "- [ ] Practise\n  - daily\n- [x] Describe CAP\n  - read\n- [ ] Read chapter five\n"
        "  - weekend\n\n## Types\n\n### What is the type of map?\n\n"
        "map :: (a -> b) -> [a] -> [b]\n"
    ),
    # questions the rules must keep: <details> siblings after a section's text, a wrapper
    # after a <details> question, aspects of several things in one list
    "keep-questions.md": (
        "# Trees\n\n## Binary trees\n\nCommon questions on binary trees.\n\n"
        "<details><summary>What is a search tree?</summary>\n\nLeft smaller, right larger.\n\n"
        "</details>\n\n<details><summary>What is a balanced tree?</summary>\n\n"
        "Heights differ by one at most.\n\n</details>\n\n<details><summary>Code</summary>\n\n"
        "```python\ndef height(t): ...\n```\n\n</details>\n\n## Caches\n\n"
        "- **What is cache penetration?**\n  Lookups of keys that never exist.\n"
        "- **如何解决？**\n  A bloom filter.\n- **What is a cache avalanche?**\n"
        "  Many keys expire at once.\n- **如何解决？**\n  Random expiry times.\n"
    ),
    # suspect: a shallower heading after a question, at a level where no heading asks
    "shallower.md": (
        "##### What is softmax?\n\nIt turns scores into probabilities.\n\n"
        "### A worked case\n\nScores 1, 2 and 3 give 0.09, 0.24 and 0.67.\n\n"
        "##### What is argmax?\n\nThe index of the largest score.\n"
    ),
    # rules between the questions: a shallower heading before the next rule goes on
    # answering (suspect), one right above a question groups it
    "ruled.md": (
        "##### What is argmax?\n\nThe index of the largest value.\n\n### How it works\n\n"
        "It scans the values once.\n\n### Example\n\nFor 1, 5, 3 it gives 1.\n\n---\n\n"
        "##### What is softmax?\n\nScores into probabilities.\n\n---\n\n"
        "### More questions\n\n##### What is a logit?\n\nA raw score.\n\n---\n"
    ),
    # a section's text that only leads into its questions is its introduction: a quoted
    # remark, bold labels, a line of one clause ending in a colon, a zero-width space
    "section-intros.md": (
        "# Interview\n\n## 一、Coding\n\n> Tips: written up a week later\n\n"
        "- **Reverse a list?**\n\n  Walk it once, turning each link.\n\n"
        "## 二、Basics\n\n**Python**\n\n- **list or tuple?**\n\n  A tuple cannot change.\n\n"
        "**Systems**\n\n\u200b\n\n- **process or thread?**\n\n  Threads share memory.\n\n"
        "## 三、Caches\n\nBoth keep data in memory, with these differences:\n\n"
        "### Types\n\nOne holds strings only.\n\n## 四、Topics\n\nTopics to cover:\n\n"
        "- sampling\n- bias\n"
    ),
    # Chinese ordinals number questions and chapters as digits do: not on the front
    "ordinals.md": (
        "# Redis\n\n# 一、概述\n\nRedis 是内存数据库。\n\n# 二、数据类型\n\n## STRING\n\n"
        "字符串。\n\n## LIST\n\n列表。\n\n### （一）为什么快？\n\n单线程加多路复用。\n"
    ),
    # bold questions whose answers have bold sub-labels: a label is no question
    "sublabels.md": (
        "# Models\n\n**What is T5?**\n\nA text-to-text transformer.\n\n**其核心创新包括**\n\n"
        "- 统一的文本到文本格式\n\n**创新点和优势**\n\n迁移方便。\n\n**What is BERT?**\n\n"
        "An encoder pretrained by masking.\n\n**What is GPT?**\n\n"
        "A decoder trained left to right.\n\n**What is CLIP?**\n\n**Two encoders**\n\n"
        "- one for images\n- one for text\n"
    ),
    # suspect: a numbered heading question that takes three plain sub-headings (not
    # numbered) as its answer
    "metrics.md": (
        "# Metrics\n\n## 1. Confusion matrix\n\nCounts of right and wrong.\n\n"
        "## 2. Key metrics\n\n### Precision\n\nRight among predicted.\n\n### Recall\n\n"
        "Found among actual.\n\n### F1\n\nTheir harmonic mean.\n\n## 3. Thresholds\n\n"
        "Move them by cost.\n\n## 4. Calibration\n\nScores that mean probabilities.\n\n"
        "## 5. Drift\n\nData that moves.\n"
    ),
    # sub-headings that are topics of their own ask, under a heading with its own text
    "strategies.md": (
        "# Strategies\n\n## Two pointers\n\nWalk from both ends.\n\n## Sliding window\n\n"
        "Grow and shrink a range.\n\n## Dynamic programming\n\nSolve each overlapping "
        "sub-problem once.\n\n### Memoization\n\nCache a recursive function, top down.\n\n"
        "### Tabulation\n\nFill a table bottom up.\n\n## Greedy\n\nTake the best step now.\n"
    ),
    # suspect: a front that names a box, a run of unanswered headings
    "suspect.md": (
        "---\ndetails: question\n---\n# Quiz\n\n<details><summary>展开</summary>\n\n"
        "A protocol.\n</details>\n\n## What is a socket?\n\n## What is a port?\n\n"
        "## What is a packet?\n"
    ),
    # a section named for its questions: its own text leads into them, and under a
    # heading asking nothing, interview tasks ask; a heading that tells sets a scene
    "question-sections.md": (
        "# Interview prep\n\n## Warm-up Questions\n\nrough jottings, to sort later\n\n"
        "### What is a heap?\n\nA tree kept in order.\n\n"
        "### The table lists three routers. Each forwards by prefix.\n\n"
        "| router | prefix |\n| --- | --- |\n| r1 | 10/8 |\n\n"
        "#### ↳ Which router takes 10.1.2.3?\n\nr1.\n\n"
        "## Common Interview Questions\n\n### Systems\n\n- Design a chat service\n"
        "- Implement a cache\n\n## Steps\n\n- Create a folder\n- Write the notes\n"
    ),
    # terms over lists of topic names are the checklist of the heading above them; terms
    # whose bodies say something are a card each
    "checklists.md": (
        "# Study plan\n\n## Topics for seniors\n\n1. **Storage**\n   - Index design\n"
        "   - Replication lag\n2. **Networks**\n   - Load balancing\n   - Rate limits\n\n"
        "## Glossary\n\n- **Latency**\n  - The time one request takes, end to end.\n"
        "- **Throughput**\n  - Requests served per second.\n"
    ),
    # a list of one plain "label：" after a section's text is part of that text; after a
    # group label it is a card (the seeds' "- Lora：")
    "lone-labels.md": (
        "# Framework\n\n## Design\n\nThe client writes two files.\n\n1. Read them\n"
        "2. Parse them\n\n - Patterns used：\n\t\tBuilder, factory and proxy\n\n"
        "## Tuning\n\n2.1 Methods：\n\n- Lora：\n  low-rank updates\n"
    ),
    # suspect: a section's text that ends leading into the questions right after it
    "set-up.md": (
        "# Queries\n\n## What is an ad?\n\nA paid placement.\n\n"
        "## Tables\n\nAds(ad_id, status) and Events(event_id, ad_id).\n\n"
        "Write a query for each of these:\n\n**1)** The number of active ads.\n\n"
        "```sql\nSELECT count(*) FROM ads WHERE status = 'active';\n```\n\n"
        "**2)** The events per ad.\n\n```sql\nSELECT ad_id, count(*) FROM events GROUP BY 1;\n"
        "```\n"
    ),
    # suspect: a "**Question**:" line right under a heading that asks nothing
    "question-label.md": (
        '# Runtime\n\n## Tasks\n\n### 1. Ordering\n**Question**: "What does this print?"\n\n'
        "**Approach**:\n- Trace the phases\n\n### 2. Debugging\n"
        '**Question**: "How do you find a slow handler?"\n\n**Approach**:\n- Profile it\n'
    ),
    # numbered sections written as a list of headings ("1. ### Title", as Typora does)
    "typora-sections.md": (
        "## 第二章 物理层\n\n1. ### 基本概念\n\n   物理层考虑怎样传输比特流。\n\n"
        "2. ### 传输媒体\n\n   - 双绞线\n\n     ![](twisted.png)\n\n   - 光纤\n\n"
        "     ![](fibre.png)\n"
    ),
    # headings over recurring parts (Idea, Code) are questions, not chapters; a title
    # over sections numbered 01-, 02- is the file's
    "sword-offer.md": (
        "# Sword offer notes\nwritten for the online judge\n\n# 01-Find in a matrix\n\n"
        "> Given a sorted matrix, find a value.\n\n## Idea\nStart at the top right.\n\n"
        "## Code\n\n```\nreturn true;\n```\n\n# 02-Replace spaces\n\n"
        "> Replace each space.\n\n## Idea\nScan from the end.\n\n## Code\n\n```\n"
        "return s;\n```\n"
    ),
    # terms that count (第一次握手, Step 2) are the steps of their heading's answer
    "counted-steps.md": (
        "# Handshakes\n\n## Why does TLS need a handshake?\n\nTo agree on keys.\n\n"
        "## The RSA handshake\n\nIt takes four messages.\n\n- **第一次握手**\n\n"
        "  客户端发送 ClientHello。\n\n- **第二次握手**\n\n  服务器回 ServerHello。\n\n"
        "## Tracing\n\ntraceroute has two uses:\n\n- **Step 1: probe with rising TTLs**\n"
        "  Each router answers in turn.\n- **Step 2: forbid fragments**\n  The path MTU shows.\n"
    ),
    # suspect: a file's "introduction" (before its first question) holding questions
    "asking-intro.md": (
        "Interview list\nNetworks\n1. What happens when you open a page\n2. Where DNS lives\n"
        "3. How is TCP set up?\n4. Why is UDP faster?\n5. Routing basics\n"
        "6. Is ICMP a transport?\n\nQ: What is a port?\nA: An endpoint of a host.\n"
    ),
    # a section named like back matter that asks questions is notes; a skipped section's
    # name is matched with its own marks (C# is not C); a <br> that spaces answers out
    # after their questions ends nothing
    "named-like-back-matter.md": (
        '---\nskip_sections: ["C#"]\n---\n# OS\n\n## Deadlock\n\nFour conditions.\n\n'
        "## Resources\n\n### What is starvation?\n\nNever scheduled.\n\n## C\n\nA language.\n\n"
        "## C++\n\nMore of it.\n\n## C#\n\nManaged.\n"
    ),
    "br-spacing.md": (
        "# Letters\n\n## What is A?\n<br>\nA is a letter.\n\n## What is B?\n<br>\n"
        "B is a letter.\n\n## What is C?\n<br>\nC is a letter.\n"
    ),
    # a lone <br> right above a heading, in a file that ends its answers with <br>;
    # a question whose answer is only that mark; tags among unanswered questions; a
    # link whose text is code
    "breaks.md": (
        "# Frames\n\n##### How do you read a CSV file?\n\n`pd.read_csv(path)`\n\n<br>\n"
        "##### ↳ How do you show its first rows?\n\n`df.head()`\n\n<br>\n\n"
        "##### What is a Series?\n\n<br>\n\nloose words\nto look up later\n\n"
        "##### How do you drop duplicates?\n\n[`df.drop_duplicates()`](https://example.org)\n\n"
        "<br>\n\n##### How do you sort rows?\n##### How do you fill gaps?\n\nFill gaps\n"
        "##### How do you group rows?\n\nGrouping\n##### How do you join frames?\n"
    ),
    # the file's sources after its last answer, set apart from it: not that answer's
    "last-sources.md": (
        "# Norms\n\n## Metadata\n\n**Up** ::[[index]]\n\n"
        "## Why normalise a batch?\n\nIt steadies training.\n\n"
        "## Where does it fail?\n\nOn tiny batches.\n\n\n\n参考资料：\n\n"
        "A post on norms https://example.org/n\n"
    ),
    # suspect: a heading over questions with no answer only; a reading list; an answer
    # written on the question's line
    "prompts.md": (
        "# Design review\n\n## Caching\n\nKeep hot data near the reader.\n\n"
        "## Performance\n\n- How do you avoid jank?\n- Where are the bottlenecks?\n\n"
        "## Courses\n\n- [Operating Systems: Three Easy Pieces](https://example.org/a)\n"
        "- [Computer Networking: A Top-Down Approach](https://example.org/b)\n"
        "- [Designing Data-Intensive Applications](https://example.org/c)\n\n"
        "For a quick review before interviews:\n\n"
        "- [Systems design cheatsheet](https://example.org/d) (mostly for the storage and "
        "networking rounds)\n- [Flashcards on networking](https://example.org/e)\n\n"
        "## Log\n\n- What is TCP?\n  - A reliable stream.\n"
        "- What happens on a lost ACK？对方会重发它的最后一个报文\n"
        "- What is UDP?\n  - Datagrams.\n"
    ),
    # suspect: many lines ask, but none in a shape that makes a card
    "question-bank.md": (
        "# Bank\n\nThis page lists questions to revise:\n\n"
        + "".join(f"Question {n} asks what part {n} does?\n\n" for n in range(1, 8))
        + "Answers will follow later, once written up in full for every one of them.\n"
    ),
    # topic headings alike: one holds a bold question after its text, still a topic
    "topic-siblings.md": (
        "# Networking\n\n## Transport\n\n### Flow control\n\nThe receiver advertises a window.\n\n"
        "### Congestion control\n\nSlow start, then additive increase.\n\n"
        "### Header compression\n\nBoth ends keep a table of the headers sent before.\n\n"
        "**What does a compressed header look like?**\n\nAn index into the table, or a literal.\n\n"
        "### Retransmission\n\nA timer per segment.\n"
    ),
    # bold follow-ups (那么…呢？) go on with the section's text; other bold questions ask
    "follow-ups.md": (
        "# 网络\n\n## WebSocket 的由来\n\nHTTP 只能由客户端发起请求，服务器无法主动推送。\n\n"
        "**那么 WebSocket 连接是怎么建立的呢？**\n\n先发一个带 Upgrade 头的 HTTP 请求。\n\n"
        "**那么它的消息格式是什么样的呢？**\n\n每个帧有一个操作码和一个长度。\n\n"
        "## 传输层\n\n传输层为两台主机上的进程提供通信。\n\n**TCP 和 UDP 有什么区别？**\n\n"
        "TCP 可靠，UDP 不建立连接。\n\n**什么是端口？**\n\n区分一台主机上的进程的编号。\n"
    ),
    # a question mark in an aside at a step's end asks nothing of the step
    "drills.md": (
        '# On-call drills\n\n## 1) "Pages load on Wi-Fi but not on cellular"\n\n'
        "**Likely causes**\n\n- MTU differences\n- Carrier DNS\n\n**First steps**\n\n"
        "1. Look up the address on both networks (same resolver?)\n"
        "2. Check for a captive proxy\n"
        "3. Capture the handshake and see where it stalls (DNS? TCP? TLS?)\n\n"
        '## 2) "Why do retries make it worse?"\n\nEach retry adds load to a busy server.\n'
    ),
    # an interview log: the coding round is a step of the interview, not a question
    "coding-round.md": (
        "# Interview at a search company\n\n- What is a B+ tree?\n"
        "  - a balanced tree whose leaves hold the rows\n- Why do indexes slow down writes?\n"
        "  - every write updates each index\n- 两道算法题，限时二十分钟\n  - 反转链表\n"
        "  - 二叉树的层序遍历\n- How does a hash map grow?\n  - it doubles and rehashes\n"
        "- 手撕代码\n  - 写一个 LRU\n- 算法题：如何判断链表有环？\n  - 快慢指针相遇即有环\n"
    ),
    # suspect: an answer with an empty code block, a slot left to fill
    "unfinished.md": (
        "# Sword offer\n\n## 11-Odd numbers first\n\n"
        "> Reorder an array so that odd numbers come before even ones.\n\n```java\n```\n\n"
        "## 12-Print a list backwards\n\nPush every node on a stack, then pop them.\n"
    ),
    # suspect: a list of topics to read, asking by its links' text, gives two cards
    "reading-topics.md": (
        "# Operating systems: topics to prepare\n\nStudy each topic below before an interview."
        "\n\n### How to use this list\n\nOpen each link and read it twice.\n\n### Topics\n\n"
        + "".join(
            f"{n}. [{topic}](https://example.org/operating-systems/chapter-{n}/notes.html)\n"
            for n, topic in enumerate(
                [
                    "What is a process?",
                    "What is a thread?",
                    "Process vs thread?",
                    "What is paging?",
                    "Segmentation?",
                    "What is thrashing?",
                    "Scheduling algorithms",
                ],
                1,
            )
        )
    ),
    # suspect: the title's own text holds a list and a figure, as notes do
    "notes-under-title.md": (
        "# Computer networks\n\n- LAN: a small area, your own equipment\n"
        "- WAN: long distances, leased lines\n- Internet: many ISPs joined together\n\n"
        "Router: forwards packets between networks\n\nIP address: says where a packet goes\n\n"
        "MAC address: 48 bits, the next hop\n\n![](figure.png)\n\n"
        "### The OSI model\n\nSeven layers, each serving the one above.\n\n"
        "### Performance measures\n\nRate, bandwidth, throughput, delay.\n"
    ),
    # rules end each answer: sub-headings set apart by them are questions of their own
    "ruled-parts.md": (
        "# Metrics\n\n## Confusion matrix\n\nCounts of right and wrong predictions.\n\n---\n\n"
        "## Key metrics\n\n### Precision\n\nTP over all flagged.\n\n---\n\n### Recall\n\n"
        "TP over all positives.\n\n---\n\n## Summary\n\nChoose by the cost of errors.\n\n"
        "---\n\n## Thresholds\n\nMove it to trade one error for the other.\n"
    ),
    # a line of whole HTML elements is a block of its own: the heading or fence under it
    # is one (Typora's reading)
    "figures-inline.md": (
        "# Store\n\n## LIST\n\nAn ordered list of strings.\n\n"
        '<div align="center"> <img src="list.png" width="400"/> </div><br>\n'
        '```text\n> rpush key item\n(integer) 1\n\n> lpop key\n"item"\n```\n\n## SET\n\n'
        "Unordered unique strings.\n\n"
        '<div align="center"> <img src="set.png" width="400"/> </div><br>\n'
        "## HASH\n\nField-value pairs under one key.\n"
    ),
    # a short paragraph after the file's last rule is its closing remark
    "closing-remark.md": (
        "# Systems\n\n## What is a deadlock?\n\nTwo tasks wait on each other forever.\n\n"
        "## How does a file system work?\n\nIt maps names to blocks on a disk.\n\n"
        "- **Journaling**: writes intent first\n\n---\n\n"
        "*Add more questions as you meet them in interviews.*\n"
    ),
    # each answer after a rule: the last one is an answer, not a closing remark
    "ruled-answers.md": (
        "# Locks\n\n## What is a mutex?\n\n---\n\nA lock one thread holds.\n\n"
        "## What is a semaphore?\n\n---\n\nA counter that guards N slots.\n"
    ),
    # "A: 4 / B: 5" are a choice's options, not a marked answer
    "choice.md": "# Quiz\n\n## Which of these is prime?\n\nA: 4\nB: 5\nC: 6\n",
    # an English question with an aside at its end still asks
    "english-aside.md": (
        "# Transport\n\n## Congestion\n\n**Why is TCP slow at first (on a new connection?)**"
        "\n\nSlow start doubles the window each round trip.\n\n**What is a window?**\n\n"
        "How much may be in flight.\n"
    ),
    # a topic's text with many bold questions is a section of them, not one topic
    "many-bolds.md": (
        "# Stores\n\n## Caches\n\n### Memcached\n\nA plain cache.\n\n### Varnish\n\n"
        "An HTTP cache.\n\n### Squid\n\nA proxy cache.\n\n### Redis\n\nAn in-memory store."
        "\n\n**Why is it fast?**\n\nMemory and one thread.\n\n**How does it persist?**\n\n"
        "RDB and AOF.\n\n**How does it expire keys?**\n\nLazily and by sampling.\n"
    ),
    # suspect: a question heading whose answer runs on under sub-headings of its own
    "mvcc.md": (
        "# Databases\n\n### What is MVCC?\n\nReaders see a snapshot; writers add versions."
        "\n\n#### Version chain\n\nEach row links to its older versions.\n\n"
        "#### Read view\n\nWhich transactions a snapshot can see.\n\n"
        "### What is a phantom read?\n\nNew rows appear in a repeated range query.\n\n"
        "### What is a gap lock?\n\nIt locks a range.\n\n#### Next-key lock\n\n"
        "A row lock and the gap before it.\n"
    ),
    # an item of two bold names joined by a word is no term: no markup in a front
    "two-names.md": (
        "# Courses\n\n## Engineering\n\n1. **MLOps short course** or **Made With ML**\n\n"
        "   * covers versioning, tracking and monitoring\n\n2. **Serving**\n\n"
        "   * mixed precision, batching and caches\n"
    ),
    # a box named only "More" after answer text is a fold in that answer, kept folded
    "box-fold.md": (
        "# Trees\n\n## What is a B-tree?\n\nA balanced search tree.\n\n"
        "<details open><summary>More</summary>\n\nNodes hold many keys.\n</details>\n\n"
        "## What is a trie?\n\n<details><summary>展开</summary>\n\nA tree of prefixes.\n"
        "</details>\n"
    ),
    # "ans:" opens an answer as "A:" does: the marker is not on the card
    "ans-marker.md": (
        "# Behavioural\n\n## Tell us about yourself?\n\nans: I build search systems.\n\n"
        "## Why this team?\n\nAns : the problems are hard.\n"
    ),
    # a marked answer (ans:, 答：) makes the line right before it its question
    "marked.md": (
        "Situational questions\n\n1. Tell us about yourself ?`(link the past to this role)`\n\n"
        "ans: I build search systems, and this role grows that.\n\n"
        "2. Which decision was unpopular?\n3. What made you proud, and why?\n\n"
        "ans:\n\nShipping the ranking rewrite on time.\n\n"
        "You are on a tight deadline, how did you handle it ?\n\nans: I cut scope early.\n\n"
        "# 分布式训练\n\n## 多机多卡\n\n"
        "节点间网络慢时，用 PP 与 ZeRO-1 混合并行，那么 PP 能与 ZeRO-3 一起用吗？"
        "\n\n答：不推荐，PP 要累积梯度。\n"
    ),
    # suspect: an answer that ends with a label heading the questions after it
    "labelled-groups.md": (
        "1. Why did you leave your last job?\n\nans: I wanted to build search.\n\n`TEAMWORK`\n\n"
        "2. A time you disagreed with a colleague?\n\nans: We ran both designs for a week."
        "\n\n3. What does `.info()` print?\n\nans: the columns and their types.\n\n`.info()`\n\n"
        "4. And `.describe()`?\n\nans: summary statistics.\n"
    ),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict, list[AnkiNote]]:
    project = tmp_path_factory.mktemp("unseen")
    return build_and_import(project, FILES)


def cards(found: list[AnkiNote], name: str) -> dict[str, str]:
    return {
        n.fields["Question"]: n.fields["Answer"]
        for n in found
        if n.fields["Source"] == f"content/{name}"
    }


def of(report: dict, key: str, name: str) -> list[dict]:
    """The entries of ``check --format json``'s list ``key`` about ``content/name``."""
    return [entry for entry in report[key] if entry["path"] == f"content/{name}"]


def suspects(report: dict, name: str) -> list[tuple[int, str]]:
    return [
        (d["line"], d["message"]) for d in of(report, "diagnostics", name) if d["code"] == "suspect"
    ]


def test_a_details_named_only_expand_holds_the_answer_of_the_heading(built) -> None:
    _, report, found = built
    got = cards(found, "folded.md")
    assert set(got) == {
        "什么是三次握手？",
        "为什么不是两次？",
        "What happens when the last ACK is lost?",
    }
    assert "服务器无法确认客户端收到了它的序列号" in got["为什么不是两次？"]
    assert "resends its SYN-ACK" in got["What happens when the last ACK is lost?"]
    assert "服务器无法确认" not in got["什么是三次握手？"]
    assert not of(report, "unanswered", "folded.md")
    assert suspects(report, "folded.md") == []


def test_a_details_after_answer_text_is_a_fold_in_that_answer(built) -> None:
    _, report, found = built
    got = cards(found, "inline-folds.md")
    assert set(got) == {"TCP compared with UDP", "Why does TCP need a handshake?"}
    answer = got["TCP compared with UDP"]
    assert "What does connectionless mean?" in answer and "without any setup" in answer
    assert "retransmits lost segments" in answer
    nested = of(report, "nested_questions", "inline-folds.md")
    assert [q["line"] for q in nested] == [6]  # the fold asks: said, no card of its own


def test_a_grouped_table_of_contents_is_not_questions(built) -> None:
    _, report, found = built
    got = cards(found, "contents.md")
    assert got == {
        "What is a process?": "<p>A program in execution.</p>",
        "What is a thread?": "<p>A unit of scheduling inside a process.</p>",
        "What is paging?": "<p>Fixed-size memory blocks.</p>",
    }
    assert not of(report, "unanswered", "contents.md")


def test_a_bold_label_at_the_head_of_a_paragraph_is_its_question(built) -> None:
    _, report, found = built
    got = cards(found, "tasks.md")
    remark = "<strong>Why index a column?</strong>（see the chapter on trees）"  # as written
    assert set(got) == {  # the section's own line leads into its questions: no card
        "The number of users.",
        "The newest order.",
        remark,
        "Why not index every column?",
    }
    assert (5, 5) in [(i["first"], i["last"]) for i in of(report, "introductions", "tasks.md")]
    assert ">count<" in got["The number of users."]
    assert "max(created)" not in got["The number of users."]
    assert "scanning the whole table" in got[remark]


def test_an_interview_log_of_list_items_is_one_card_a_question(built) -> None:
    _, report, found = built
    got = cards(found, "interview.md")
    assert set(got) == {
        "Arrays compared with linked lists?",
        "heap and stack, the difference",
        "快排什么时候最坏？",
        "B+ trees in indexes",
        "自我介绍",
    }
    assert "insert cheaply" in got["Arrays compared with linked lists?"]
    assert "the stack holds frames" in got["heap and stack, the difference"]
    bare = [u["question"] for u in of(report, "unanswered", "interview.md")]
    assert bare == ["sorting, which algorithms are stable"]


def test_the_steps_of_an_interview_are_not_questions(built) -> None:
    _, report, found = built
    got = cards(found, "interview.md")
    assert not {"反问？", "反问", "反思"} & set(got)
    assert got["自我介绍"] == "<p>我做过两个检测项目。</p>"  # rehearsed: worth a card
    assert "部门做什么" not in got["B+ trees in indexes"]
    assert "答题先说结论" not in got["B+ trees in indexes"]
    assert not of(report, "nested_questions", "interview.md")
    steps = [d for d in of(report, "diagnostics", "interview.md") if d["code"] == "uncovered"]
    assert steps == []  # not content, said why: no line left unaccounted for


def test_terms_naming_aspects_of_a_topic_are_its_answer(built) -> None:
    _, _, found = built
    got = cards(found, "aspects.md")
    assert set(got) == {"Deadlock", "Optimistic locking"}
    assert "lock in one order" in got["Deadlock"] and "mutual exclusion" in got["Deadlock"]
    assert "no waiting readers" in got["Optimistic locking"]


def test_a_task_list_of_terms_is_a_card_each(built) -> None:
    _, report, found = built
    got = cards(found, "tasklist.md")
    assert set(got) == {"Square root of a number", "Find the single number"}
    assert "XOR every element" in got["Find the single number"]
    reasons = {u["question"]: u["reason"] for u in report["unanswered"]}
    assert reasons["Square root to two decimals"].startswith("placeholder answer")


def test_a_heading_apart_from_its_numbered_peers_titles_the_file(built) -> None:
    _, report, found = built
    got = cards(found, "inference-notes.md")
    assert set(got) == {"Batching", "Caching"}
    assert {n.deck for n in found if n.fields["Source"] == "content/inference-notes.md"} == {
        "Inference notes"
    }
    intros = of(report, "introductions", "inference-notes.md")
    assert intros == [{"path": "content/inference-notes.md", "first": 3, "last": 5}]


def test_question_level_makes_deeper_headings_part_of_the_answer(built) -> None:
    _, _, found = built
    got = cards(found, "levels.md")
    assert set(got) == {"TCP handshake", "Congestion control"}
    assert "could not confirm the client" in got["TCP handshake"]


def test_details_answer_makes_every_summary_a_wrapper(built) -> None:
    _, _, found = built
    got = cards(found, "wrappers.md")
    assert set(got) == {"What is a port?"}
    assert "naming an endpoint" in got["What is a port?"]


def test_a_front_naming_a_box_and_a_run_of_bare_headings_are_suspect(built) -> None:
    output, report, found = built
    assert set(cards(found, "suspect.md")) == {"展开"}
    assert suspects(report, "suspect.md") == [
        (
            6,
            "the front '展开' names no question: set 'details: answer' if each <details> "
            "holds the answer of the line above it",
        ),
        (
            11,
            "3 questions in a row (lines 11-15) have no answer: if their answers are written "
            "in another shape (a <details>, a list), set 'details: answer' or 'shapes'",
        ),
    ]
    assert "content/suspect.md:6: warning[suspect]: the front '展开' names no question" in output
    assert "Suspect: 26 cards in 20 files may be read wrongly" in output


def test_many_asking_lines_and_one_card_is_suspect(built) -> None:
    _, report, found = built
    assert len(cards(found, "question-bank.md")) == 1
    assert suspects(report, "question-bank.md") == [
        (
            1,
            "7 lines read as questions, but the file gives 1 card: its questions may be "
            "written in a shape not recognised ('question_level' or 'shapes' sets what asks)",
        )
    ]


def test_strict_fails_on_a_suspect_card(tmp_path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "quiz.md").write_text(FILES["suspect.md"], encoding="utf-8")
    run = [PYTHON, str(REPO / "build_deck.py")]
    done = subprocess.run(
        [*run, "build", "notes", "-o", "decks", "--strict"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "error: --strict: 2 suspect cards" in done.stderr
    outline = subprocess.run(
        [*run, "outline", "notes"], cwd=tmp_path, capture_output=True, text=True
    )
    assert "      L6  suspect: the front '展开' names no question" in outline.stdout


def test_remarks_pointers_and_lead_ins_to_nothing_are_no_answers(built) -> None:
    _, report, found = built
    got = cards(found, "to-self.md")
    assert set(got) == {"What is a receptive field?", "What is a stride?"}
    assert "one pixel by default" in got["What is a stride?"]  # a colon leading somewhere
    reasons = {u["line"]: u["reason"] for u in of(report, "unanswered", "to-self.md")}
    assert reasons == {
        3: "placeholder answer 'TO DO read the survey first'",
        7: "the answer is only a link",
        15: "placeholder answer 'too specialist'",
        20: "the answer is only a link",  # a wikilink, and a line leading into nothing
    }


def test_topic_headings_over_deeper_topics_are_a_card_each(built) -> None:
    _, _, found = built
    got = cards(found, "topics.md")
    assert got == {
        "Tasks": "<p>A task is a stack of screens.</p>",
        "Modes": "<p>Each mode places a new screen differently.</p>",
        "standard": "<p>A new instance every time.</p>",
        "singleTask": "<p>One instance, in its own task.</p>",
        "reparenting": "<p>A screen may move tasks.</p>",
        "singleTop": "<p>Reused when already on top.</p>",
        "Uses": "<p>Most apps use standard.</p>",
        "History": "<p>The modes date from the first release.</p>",
    }


def test_obsidian_inline_fields_are_metadata_not_a_card(built) -> None:
    _, report, found = built
    assert set(cards(found, "fields.md")) == {"Why not plain JDBC?"}
    assert not of(report, "unanswered", "fields.md")


def test_a_question_numbered_next_is_a_sibling_whatever_its_shape(built) -> None:
    _, report, found = built
    assert cards(found, "numbered.md") == {
        "What is attention?": "<p>Weights over the inputs.</p>",
        "How is it computed?": "<p>Scores, a softmax, then a weighted sum.</p>",
        "Why scale the scores?": "<p>To keep the softmax out of saturation.</p>",
    }
    assert not of(report, "nested_questions", "numbered.md")


def test_a_section_named_as_the_introduction_is_on_no_card(built) -> None:
    _, report, found = built
    assert set(cards(found, "preface.md")) == {"为什么要做多头注意力？"}
    intros = of(report, "introductions", "preface.md")
    assert intros == [{"path": "content/preface.md", "first": 5, "last": 5}]


def test_an_item_that_asks_over_its_own_answer_is_a_card_of_its_own(built) -> None:
    _, report, found = built
    got = cards(found, "contained.md")
    assert set(got) == {"Table locks", "Why do they suit read-heavy tables?", "Row locks"}
    assert "exclusive" in got["Table locks"] and "Cheap to take" in got["Table locks"]
    assert "writers wait" not in got["Table locks"]
    assert "readers never block" in got["Why do they suit read-heavy tables?"]
    assert not of(report, "nested_questions", "contained.md")


@pytest.mark.parametrize(
    ("line", "asking"),
    [
        ("简单介绍", False),
        ("简单介绍一下 LoRA", True),
        ("Explain:", False),
        ("Explain dropout", True),
        ("大致聊一下 word2vec 的两种模型", True),
        ("如何评估词向量的好坏", True),  # a question word first, no question mark
        ("有没有用过负采样", True),
        ("为什么相加？拼接也可以，只是维度更大", False),  # the line answers itself
        ("如何", False),
        ("模型如何做增量训练", False),  # the question word is not first
    ],
)
def test_an_asking_verb_asks_only_about_something(line: str, asking: bool) -> None:
    from ankipress.notes.asking import asks

    assert asks(line) is asking


def test_a_claim_before_items_that_ask_stays_in_the_answer(built) -> None:
    _, _, found = built
    got = cards(found, "claims.md")
    assert set(got) == {
        "Isolation levels",
        "How are phantom reads avoided?",
        "Why is the default cheap?",
        "Locks",
    }
    assert "The default level is repeatable read" in got["Isolation levels"]
    assert "transaction_isolation" in got["Isolation levels"]
    assert "next-key locks" not in got["Isolation levels"]


def test_a_bold_question_label_leaves_the_front(built) -> None:
    _, _, found = built
    assert set(cards(found, "labelled.md")) == {
        "what does <code>setImmediate</code> do?",
        "what does <code>nextTick</code> do?",
    }


def test_a_bold_question_with_a_joined_request_is_its_paragraphs_question(built) -> None:
    _, _, found = built
    got = cards(found, "joined.md")
    joined = "<strong>Why divide by √d?</strong>，并使用公式推导进行讲解"  # as written
    assert set(got) == {"Why scale the scores?", joined, "Why mask padding?"}
    assert "variance" in got[joined] and "variance" not in got["Why scale the scores?"]


def test_a_label_naming_sources_after_questions_opens_back_matter(built) -> None:
    _, report, found = built
    got = cards(found, "sources.md")
    assert set(got) == {"Notes"}  # a section's text keeps its sources
    assert "example.org/b" in got["Notes"]
    bare = [u["question"] for u in of(report, "unanswered", "sources.md")]
    assert bare == ["如何评估词向量的好坏", "为什么用负采样？", "有没有用过 GloVe"]


def test_terms_named_like_interview_steps_outside_a_log_are_cards(built) -> None:
    _, _, found = built
    got = cards(found, "diary.md")
    assert set(got) == {"反思", "复盘"} and "先写测试" in got["反思"]


def test_group_labels_build_and_back_matter_keeps_its_sub_sections(built) -> None:
    _, report, found = built
    assert set(cards(found, "labels-and-sources.md")) == set()  # (unanswered questions)
    assert not [
        d for d in of(report, "diagnostics", "labels-and-sources.md") if d["code"] == "internal"
    ]
    bare = [u["question"] for u in of(report, "unanswered", "labels-and-sources.md")]
    assert bare == ["What is TCP?", "What is a disk?"]


def test_steps_notation_checklists_and_code_are_not_questions(built) -> None:
    _, report, found = built
    got = cards(found, "not-questions.md")
    assert set(got) == {"Steps", "Notation", "Plan", "What is the type of map?"}
    assert "Restart." in got["Steps"] and "the targets." in got["Notation"]
    assert "weekend" in got["Plan"]
    assert "map :: (a -&gt; b)" in got["What is the type of map?"]
    assert not of(report, "unanswered", "not-questions.md")


def test_details_siblings_wrappers_and_aspects_keep_their_questions(built) -> None:
    _, _, found = built
    got = cards(found, "keep-questions.md")
    assert set(got) == {
        "Binary trees",
        "What is a search tree?",
        "What is a balanced tree?",
        "What is cache penetration?",
        "What is a cache avalanche?",
    }
    assert got["Binary trees"] == "<p>Common questions on binary trees.</p>"
    assert "def" in got["What is a balanced tree?"] and "height" in got["What is a balanced tree?"]
    assert "bloom filter" in got["What is cache penetration?"]
    assert "Random expiry" in got["What is a cache avalanche?"]
    assert "Random expiry" not in got["What is cache penetration?"]


def test_a_heading_shallower_than_the_question_before_it_is_suspect(built) -> None:
    _, report, _ = built
    assert suspects(report, "shallower.md") == [
        (
            5,
            "heading 'A worked case' is shallower than the question before it ('What is softmax?', "
            "line 1), at a level where no heading asks: if it goes on answering that "
            "question, make it a deeper heading",
        )
    ]


def test_a_shallower_heading_before_the_rule_goes_on_answering(built) -> None:
    _, report, found = built
    got = cards(found, "ruled.md")
    assert set(got) == {"What is argmax?", "What is softmax?", "What is a logit?"}
    assert "It scans the values once." in got["What is argmax?"]
    assert "For 1, 5, 3 it gives 1." in got["What is argmax?"]
    assert suspects(report, "ruled.md") == [
        (
            5,
            "the answer of 'What is argmax?' goes on under the shallower heading 'How it "
            "works' and 1 more: if they open sections of their own, set 'question_level: 5'",
        )
    ]


def test_a_section_text_that_only_leads_in_is_its_introduction(built) -> None:
    _, report, found = built
    got = cards(found, "section-intros.md")
    assert set(got) == {
        "Reverse a list?",
        "list or tuple?",
        "process or thread?",
        "Caches",  # says something before its colon
        "Types",
        "Topics",  # no question follows: the list is what it leads into
    }
    assert "Threads share memory." in got["process or thread?"]
    assert "Systems" not in got["list or tuple?"]
    intros = [(i["first"], i["last"]) for i in of(report, "introductions", "section-intros.md")]
    assert intros == [(5, 5), (13, 13), (19, 19), (21, 21)]


def test_chinese_ordinals_leave_the_front(built) -> None:
    _, _, found = built
    assert set(cards(found, "ordinals.md")) == {"概述", "STRING", "LIST", "为什么快？"}


def test_bold_sub_labels_of_an_answer_are_not_questions(built) -> None:
    _, _, found = built
    got = cards(found, "sublabels.md")
    assert set(got) == {"What is T5?", "What is BERT?", "What is GPT?", "What is CLIP?"}
    assert "统一的文本到文本格式" in got["What is T5?"] and "迁移方便" in got["What is T5?"]
    assert "Two encoders" in got["What is CLIP?"] and "one for text" in got["What is CLIP?"]


def test_a_question_taking_its_sub_headings_as_answer_is_suspect(built) -> None:
    _, report, found = built
    got = cards(found, "metrics.md")
    assert "F1" not in got  # the plain leaves are its answer: its numbering says so
    assert "Their harmonic mean" in got["Key metrics"]
    assert suspects(report, "metrics.md") == [
        (
            7,
            "'Key metrics' takes its 3 sub-headings as its answer: if each is a question of "
            "its own, set 'question_level: 3'",
        )
    ]


def test_a_section_named_for_questions_holds_them_and_a_told_heading_sets_a_scene(
    built,
) -> None:
    _, report, found = built
    got = cards(found, "question-sections.md")
    assert set(got) == {"What is a heap?", "↳ Which router takes 10.1.2.3?", "Steps"}
    assert "Create a folder" in got["Steps"]  # steps elsewhere
    bare = [u["question"] for u in of(report, "unanswered", "question-sections.md")]
    assert bare == ["Design a chat service", "Implement a cache"]


def test_terms_over_topic_names_are_their_headings_checklist(built) -> None:
    _, _, found = built
    got = cards(found, "checklists.md")
    assert set(got) == {"Topics for seniors", "Latency", "Throughput"}
    assert (
        "Replication lag" in got["Topics for seniors"]
        and "Rate limits" in got["Topics for seniors"]
    )


def test_end_marks_tags_and_code_links_decide_what_is_answered(built) -> None:
    _, report, found = built
    got = cards(found, "breaks.md")
    assert set(got) == {
        "How do you read a CSV file?",
        "↳ How do you show its first rows?",
        "How do you drop duplicates?",
    }
    assert "df.head()" not in got["How do you read a CSV file?"]
    assert "df.drop_duplicates()" in got["How do you drop duplicates?"]
    bare = {u["question"]: u["reason"] for u in of(report, "unanswered", "breaks.md")}
    assert bare == {
        "What is a Series?": "no answer",
        "How do you sort rows?": "no answer",
        "How do you fill gaps?": "only a tag 'Fill gaps' among questions with no answer",
        "How do you group rows?": "only a tag 'Grouping' among questions with no answer",
        "How do you join frames?": "no answer",
    }
    gaps = [d["message"] for d in of(report, "diagnostics", "breaks.md") if d["line"] == 18]
    assert gaps == ["lines 18-19 on no card: text after an answer's end (<br>), under no question"]


def test_the_files_sources_after_its_last_answer_are_back_matter(built) -> None:
    _, _, found = built
    got = cards(found, "last-sources.md")
    assert set(got) == {"Why normalise a batch?", "Where does it fail?"}  # metadata: none
    assert "example.org" not in got["Where does it fail?"]


def test_prompts_reading_lists_and_answers_on_the_question_line_are_suspect(built) -> None:
    _, report, found = built
    assert set(cards(found, "prompts.md")) == {"Caching", "Courses", "What is TCP?", "What is UDP?"}
    assert suspects(report, "prompts.md") == [
        (
            7,
            "heading 'Performance' holds only questions with no answer (lines 9-10): if "
            "they are the points of its card, set 'shapes: [h2, details, q, topic]' (lists "
            "then ask nothing)",
        ),
        (
            12,
            "the answer of 'Courses' is mostly links (5): if it is a list of things to "
            "read, not notes, add 'Courses' to 'skip_sections'",
        ),
        (
            27,
            "'What happens on a lost ACK？对方会重发它的最后一个报文' has no answer, but its "
            "line goes on after the question mark: if '对方会重发它的最后一个报文' is its "
            "answer, put it on a line of its own under it",
        ),
    ]


def test_a_lone_plain_label_after_text_stays_in_that_text(built) -> None:
    _, _, found = built
    got = cards(found, "lone-labels.md")
    assert set(got) == {"Design", "Lora"}
    assert "Builder, factory and proxy" in got["Design"]


def test_a_section_text_leading_into_its_questions_is_suspect(built) -> None:
    _, report, found = built
    got = cards(found, "set-up.md")
    assert set(got) == {
        "What is an ad?",
        "Tables",
        "The number of active ads.",
        "The events per ad.",
    }
    assert suspects(report, "set-up.md") == [
        (
            7,
            "the text of 'Tables' ends leading into the questions after it ('Write a query "
            "for each of these:'): if it only sets them up, quote it ('> ') to keep it off "
            "the cards",
        )
    ]


def test_a_question_label_under_a_heading_is_the_front_and_suspect(built) -> None:
    _, report, found = built
    got = cards(found, "question-label.md")
    assert set(got) == {'"What does this print?"', '"How do you find a slow handler?"'}
    assert "Trace the phases" in got['"What does this print?"']
    assert suspects(report, "question-label.md") == [
        (
            6,
            "the front '\"What does this print?\"' is the 'Question' line under the heading "
            "'1. Ordering': if the heading is the question, set 'shapes: [h2, details, term, "
            "topic]'",
        ),
        (
            12,
            "the front '\"How do you find a slow handler?\"' is the 'Question' line under the "
            "heading '2. Debugging': if the heading is the question, set 'shapes: [h2, "
            "details, term, topic]'",
        ),
    ]


def test_a_list_of_headings_is_numbered_sections(built) -> None:
    _, report, found = built
    got = cards(found, "typora-sections.md")
    assert set(got) == {"基本概念", "传输媒体"}
    assert "比特流" in got["基本概念"] and "光纤" in got["传输媒体"]
    assert not suspects(report, "typora-sections.md")  # (figures are no reading list)


def test_headings_over_recurring_parts_are_questions_not_chapters(built) -> None:
    _, _, found = built
    got = cards(found, "sword-offer.md")
    assert set(got) == {"01-Find in a matrix", "02-Replace spaces"}
    assert (
        "top right" in got["01-Find in a matrix"] and "return true;" in got["01-Find in a matrix"]
    )
    assert {n.deck for n in found if n.fields["Source"] == "content/sword-offer.md"} == {
        "Sword offer notes"
    }


def test_terms_that_count_are_the_steps_of_one_answer(built) -> None:
    _, _, found = built
    got = cards(found, "counted-steps.md")
    assert set(got) == {"Why does TLS need a handshake?", "The RSA handshake", "Tracing"}
    assert "ServerHello" in got["The RSA handshake"] and "MTU" in got["Tracing"]


def test_an_introduction_holding_questions_is_suspect(built) -> None:
    _, report, found = built
    assert set(cards(found, "asking-intro.md")) == {"What is a port?"}
    assert suspects(report, "asking-intro.md") == [
        (
            1,
            "lines 1-8, taken for the file's introduction (on no card), hold 3 lines that "
            "read as questions: if they are questions, write them as headings, or as a list "
            "with a question mark on each",
        )
    ]


def test_names_like_back_matter_and_spacing_breaks_keep_their_cards(built) -> None:
    _, _, found = built
    got = cards(found, "named-like-back-matter.md")
    assert set(got) == {"Deadlock", "What is starvation?", "C", "C++"}
    letters = cards(found, "br-spacing.md")
    assert set(letters) == {"What is A?", "What is B?", "What is C?"}
    assert "B is a letter." in letters["What is B?"]


def test_a_heading_among_topic_siblings_keeps_its_bold_question(built) -> None:
    _, report, found = built
    got = cards(found, "topic-siblings.md")
    assert set(got) == {
        "Flow control",
        "Congestion control",
        "Header compression",
        "Retransmission",
    }
    assert "An index into the table" in got["Header compression"]
    nested = of(report, "nested_questions", "topic-siblings.md")
    assert [q["line"] for q in nested] == [17]  # kept in the answer, and said so


def test_bold_follow_ups_go_on_with_the_sections_text(built) -> None:
    _, report, found = built
    got = cards(found, "follow-ups.md")
    assert set(got) == {"WebSocket 的由来", "传输层", "TCP 和 UDP 有什么区别？", "什么是端口？"}
    origin = got["WebSocket 的由来"]
    assert "Upgrade" in origin and "操作码" in origin
    assert "那么 WebSocket 连接是怎么建立的呢？" in origin
    assert "UDP 不建立连接" not in got["传输层"]
    nested = of(report, "nested_questions", "follow-ups.md")
    assert [q["line"] for q in nested] == [7, 11]
    assert [line for line, _ in suspects(report, "follow-ups.md")] == [3]  # a reader may
    # take them for questions of their own: said


def test_a_question_mark_in_an_aside_leaves_the_step_a_step(built) -> None:
    _, report, found = built
    got = cards(found, "drills.md")
    assert set(got) == {
        '"Pages load on Wi-Fi but not on cellular"',
        '"Why do retries make it worse?"',
    }
    assert "captive proxy" in got['"Pages load on Wi-Fi but not on cellular"']
    assert not of(report, "unanswered", "drills.md")


def test_the_coding_round_of_an_interview_log_is_a_step(built) -> None:
    _, report, found = built
    got = cards(found, "coding-round.md")
    assert set(got) == {
        "What is a B+ tree?",
        "Why do indexes slow down writes?",
        "How does a hash map grow?",
        "算法题：如何判断链表有环？",  # a coding question, answered: a card
    }
    assert "快慢指针" in got["算法题：如何判断链表有环？"]
    assert not any("反转链表" in answer or "LRU" in answer for answer in got.values())
    assert not of(report, "unanswered", "coding-round.md")


def test_an_empty_code_block_in_an_answer_is_suspect(built) -> None:
    _, report, found = built
    assert set(cards(found, "unfinished.md")) == {
        "11-Odd numbers first",
        "12-Print a list backwards",
    }
    assert suspects(report, "unfinished.md") == [
        (
            3,
            "the answer of '11-Odd numbers first' holds an empty code block (line 7): the "
            "answer may be unfinished, and the card with it",
        )
    ]


def test_a_list_of_links_that_ask_in_a_file_of_one_card_is_suspect(built) -> None:
    _, report, _ = built
    assert suspects(report, "reading-topics.md") == [
        (
            5,
            "6 lines read as questions, but the file gives 1 card: its questions may be "
            "written in a shape not recognised ('question_level' or 'shapes' sets what asks)",
        )
    ]


def test_an_introduction_holding_notes_is_suspect(built) -> None:
    _, report, found = built
    assert set(cards(found, "notes-under-title.md")) == {"The OSI model", "Performance measures"}
    assert suspects(report, "notes-under-title.md") == [
        (
            3,
            "lines 3-13, taken for the file's introduction (on no card), hold a list and "
            "figures, as notes do: if they are notes to study, put a heading over them to "
            "make them a card",
        )
    ]


def test_sub_headings_set_apart_by_rules_are_questions_of_their_own(built) -> None:
    _, report, found = built
    got = cards(found, "ruled-parts.md")
    assert set(got) == {"Confusion matrix", "Precision", "Recall", "Summary", "Thresholds"}
    assert "all positives" not in got["Precision"]
    assert not suspects(report, "ruled-parts.md")


def test_sub_headings_that_are_topics_of_their_own_ask(built) -> None:
    _, report, found = built
    got = cards(found, "strategies.md")
    assert set(got) == {
        "Two pointers",
        "Sliding window",
        "Dynamic programming",
        "Memoization",
        "Tabulation",
        "Greedy",
    }
    assert "top down" not in got["Dynamic programming"]
    assert "overlapping" in got["Dynamic programming"]
    assert not suspects(report, "strategies.md")
    # a question with questions under it, among questions: no chapters, one deck
    assert {n.deck for n in found if n.fields["Source"] == "content/strategies.md"} == {
        "Strategies"
    }


def test_a_line_of_whole_html_elements_is_a_block_of_its_own(built) -> None:
    _, _, found = built
    got = cards(found, "figures-inline.md")
    assert set(got) == {"LIST", "SET", "HASH"}
    assert "<code" in got["LIST"] or "<pre" in got["LIST"]  # the fence is code, not text
    assert "rpush key item" in got["LIST"] and "SET" not in got["LIST"]
    assert "Field-value pairs" in got["HASH"]


def test_a_short_paragraph_after_the_last_rule_closes_the_file(built) -> None:
    _, _, found = built
    got = cards(found, "closing-remark.md")
    assert set(got) == {"What is a deadlock?", "How does a file system work?"}
    assert "Journaling" in got["How does a file system work?"]
    assert "Add more questions" not in got["How does a file system work?"]
    ruled = cards(found, "ruled-answers.md")
    assert ruled == {
        "What is a mutex?": "<p>A lock one thread holds.</p>",
        "What is a semaphore?": "<p>A counter that guards N slots.</p>",
    }


def test_a_choices_options_keep_their_letters(built) -> None:
    _, _, found = built
    assert cards(found, "choice.md") == {"Which of these is prime?": "<p>A: 4\nB: 5\nC: 6</p>"}


def test_an_english_question_with_an_aside_still_asks(built) -> None:
    _, _, found = built
    got = cards(found, "english-aside.md")
    assert set(got) == {
        "Why is TCP slow at first (on a new connection?)",
        "What is a window?",
    }
    assert "Slow start" in got["Why is TCP slow at first (on a new connection?)"]


def test_a_topic_holding_many_bold_questions_is_a_section_of_them(built) -> None:
    _, report, found = built
    got = cards(found, "many-bolds.md")
    assert {"Why is it fast?", "How does it persist?", "How does it expire keys?"} <= set(got)
    assert "RDB and AOF" in got["How does it persist?"]
    assert not of(report, "nested_questions", "many-bolds.md")


def test_a_question_heading_over_its_own_sub_headings_is_suspect(built) -> None:
    _, report, found = built
    got = cards(found, "mvcc.md")
    assert set(got) == {"What is MVCC?", "What is a phantom read?", "What is a gap lock?"}
    assert "older versions" in got["What is MVCC?"]
    assert suspects(report, "mvcc.md") == [
        (
            3,
            "'What is MVCC?' takes its 2 sub-headings ('Version chain'...) as its answer: if "
            "each is a question of its own, write it as one (a question mark), or make it a "
            "heading of the question's level",
        ),
        (
            19,
            "'What is a gap lock?' takes its sub-heading 'Next-key lock' as its answer: if it "
            "is a question of its own, write it as one (a question mark), or make it a "
            "heading of the question's level",
        ),
    ]


def test_two_bold_names_joined_by_a_word_are_no_term(built) -> None:
    _, _, found = built
    got = cards(found, "two-names.md")
    # one item is no term, so the list is no list of terms: the section's text, one card
    assert set(got) == {"Engineering"}
    assert "Made With ML" in got["Engineering"] and "mixed precision" in got["Engineering"]


def test_a_box_after_answer_text_stays_a_fold(built) -> None:
    _, _, found = built
    got = cards(found, "box-fold.md")
    assert set(got) == {"What is a B-tree?", "What is a trie?"}
    b_tree = got["What is a B-tree?"]
    assert "<details open" in b_tree and "<summary>More</summary>" in b_tree
    assert "Nodes hold many keys" in b_tree
    assert "<details" not in got["What is a trie?"]  # right after it: the answer itself
    assert "A tree of prefixes" in got["What is a trie?"]


def test_an_ans_marker_is_dropped_from_the_answer(built) -> None:
    _, _, found = built
    got = cards(found, "ans-marker.md")
    assert got == {
        "Tell us about yourself?": "<p>I build search systems.</p>",
        "Why this team?": "<p>the problems are hard.</p>",
    }


def test_a_marked_answer_makes_the_line_before_it_its_question(built) -> None:
    _, report, found = built
    got = cards(found, "marked.md")
    assert set(got) == {
        "Tell us about yourself ?<code>(link the past to this role)</code>",
        "What made you proud, and why?",
        "You are on a tight deadline, how did you handle it ?",
        "多机多卡",
    }
    assert got["What made you proud, and why?"] == "<p>Shipping the ranking rewrite on time.</p>"
    assert (
        got["You are on a tight deadline, how did you handle it ?"] == "<p>I cut scope early.</p>"
    )
    assert "不推荐" in got["多机多卡"]  # a follow-up inside an answer stays in it
    unanswered = [q["question"] for q in of(report, "unanswered", "marked.md")]
    assert unanswered == ["Which decision was unpopular?"]
    assert not [d for d in of(report, "diagnostics", "marked.md") if d["code"] == "uncovered"]


def test_an_answer_ending_with_a_label_before_the_next_question_is_suspect(built) -> None:
    _, report, _ = built
    assert suspects(report, "labelled-groups.md") == [
        (
            1,
            "the answer of 'Why did you leave your last job?' ends with the label '`TEAMWORK`', "
            "right before the next question: if it heads the questions after it, make it a "
            "heading",
        )
    ]  # ("`.info()`" is code: an answer, no label)
