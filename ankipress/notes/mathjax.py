"""What a note's math may not hold: MathJax commands that link, load, run or style (issue
17, case 6). A module of its own, without markdown-it: the sanitiser uses it in every
build, a parse only when a file changed."""

from __future__ import annotations

import re

UNSAFE_TEX = re.compile(
    r"\\(?:href|url|style|class|cssId|unicode|require|data|toggle|mmlToken|bbox|"
    r"htmlData|htmlClass|htmlStyle|htmlId|texttip|statusline|mathtip)(?![A-Za-z])"
)
