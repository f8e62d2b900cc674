"""The ``ankideck`` note type: frozen fields, templates from a folder, stable id.

Anki makes every re-import ``conflicting`` once a note type's fields change, so the
fields below are frozen for good. ``Extra`` is the room left for the future.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import genanki
from pygments.formatters import HtmlFormatter

from ankideck.markdown import CODE_CSS_CLASS

NOTE_TYPE_NAME = "ankideck"
NOTE_TYPE_ID = 2130055049  # stable_id("ankideck note type"); never change it
FIELDS = ("Question", "Answer", "Context", "Source", "Extra")
CARD_TEMPLATE_NAME = "Recall"
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE_FILES = ("front.html", "back.html", "style.css")


@dataclass(frozen=True)
class Templates:
    front: str
    back: str
    css: str


def load_templates(folder: Path = DEFAULT_TEMPLATES) -> Templates:
    front, back, css = ((folder / name).read_text(encoding="utf-8") for name in TEMPLATE_FILES)
    return Templates(front, back, css + "\n" + code_css())


@lru_cache(maxsize=1)
def code_css() -> str:
    """Pygments rules for highlighted code: a light theme, and a dark one in night mode."""
    light = HtmlFormatter(style="default").get_style_defs(f".{CODE_CSS_CLASS}")
    dark = HtmlFormatter(style="monokai").get_style_defs(
        [f".nightMode .{CODE_CSS_CLASS}", f".night_mode .{CODE_CSS_CLASS}"]
    )
    return f"/* code: light */\n{light}\n/* code: night mode */\n{dark}\n"


def note_type(templates: Templates) -> genanki.Model:
    return genanki.Model(
        NOTE_TYPE_ID,
        NOTE_TYPE_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": CARD_TEMPLATE_NAME, "qfmt": templates.front, "afmt": templates.back}],
        css=templates.css,
        sort_field_index=0,
    )
