"""The style of highlighted code: Pygments' rules, light and night. A module of its own,
without markdown-it: every build's note type holds it, a parse happens only when a file
changed."""

from __future__ import annotations

from functools import lru_cache

from pygments.formatters import HtmlFormatter

CODE_CSS_CLASS = "highlight"  # on highlighted code blocks; code_css() styles it


@lru_cache(maxsize=1)
def code_css() -> str:
    """Pygments rules for highlighted code: a light theme, and a dark one in night mode."""
    light = HtmlFormatter(style="default").get_style_defs(f".{CODE_CSS_CLASS}")
    dark = HtmlFormatter(style="monokai").get_style_defs(
        [f".nightMode .{CODE_CSS_CLASS}", f".night_mode .{CODE_CSS_CLASS}"]
    )
    return f"/* code: light */\n{light}\n/* code: night mode */\n{dark}\n"
