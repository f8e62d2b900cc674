"""The ``ankideck`` note type: frozen fields, templates from a folder, stable id.

Anki makes every re-import ``conflicting`` once a note type's fields change, so the
fields below are frozen for good. ``Extra`` is the room left for the future.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ankideck.identity import stable_id
from ankideck.records import MediaFile

if TYPE_CHECKING:
    from genanki import Model

NOTE_TYPE_NAME = "ankideck"
NOTE_TYPE_ID = 2130055049  # stable_id("ankideck note type"); never change it
FIELDS = ("Question", "Answer", "Context", "Source", "Extra")
CARD_TEMPLATE_NAME = "Recall"
CODE_CSS_CLASS = "highlight"  # on highlighted code blocks; the CSS below styles it
DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class CardTemplate:
    name: str
    front: str
    back: str


@dataclass(frozen=True)
class Templates:
    """A note type's card templates and CSS (code highlighting appended), and the assets
    they use."""

    cards: tuple[CardTemplate, ...]
    css: str
    assets: tuple[MediaFile, ...] = ()
    note_type: str = NOTE_TYPE_NAME

    @property
    def front(self) -> str:
        return self.cards[0].front

    @property
    def back(self) -> str:
        return self.cards[0].back

    @property
    def digest(self) -> str:
        """Changes exactly when what Anki holds of the note type would change."""
        parts = [self.note_type, self.css, *FIELDS]
        for card in self.cards:
            parts += [card.name, card.front, card.back]
        parts += [asset.name for asset in self.assets]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def code_css() -> str:
    """Pygments rules for highlighted code: a light theme, and a dark one in night mode."""
    from pygments.formatters import HtmlFormatter

    light = HtmlFormatter(style="default").get_style_defs(f".{CODE_CSS_CLASS}")
    dark = HtmlFormatter(style="monokai").get_style_defs(
        [f".nightMode .{CODE_CSS_CLASS}", f".night_mode .{CODE_CSS_CLASS}"]
    )
    return f"/* code: light */\n{light}\n/* code: night mode */\n{dark}\n"


def note_type_id(name: str) -> int:
    """The frozen id of ``ankideck``; another name (``note_type`` setting), its own."""
    return NOTE_TYPE_ID if name == NOTE_TYPE_NAME else stable_id("ankideck note type", name)


def note_type(templates: Templates) -> Model:
    from genanki import Model

    return Model(
        note_type_id(templates.note_type),
        templates.note_type,
        fields=[{"name": name} for name in FIELDS],
        templates=[
            {"name": card.name, "qfmt": card.front, "afmt": card.back} for card in templates.cards
        ],
        css=templates.css,
        sort_field_index=0,
    )
