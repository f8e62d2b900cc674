"""The ``ankipress`` note type: frozen fields, templates from a folder, stable id.

Anki makes every re-import ``conflicting`` once a note type's fields change, so the
fields below are frozen for good. ``Extra`` is the room left for the future.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from ankipress.cardtext import card_text
from ankipress.identity.guids import SALT, stable_id
from ankipress.records import MediaFile

if TYPE_CHECKING:
    from genanki import Model

NOTE_TYPE_NAME = "ankipress"
NOTE_TYPE_ID = 2130055049  # stable_id("ankideck note type"); never change it
FIELDS = ("Question", "Answer", "Context", "Source", "Extra")
CARD_TEMPLATE_NAME = "Recall"
# Shipped inside the package, so an installed tool finds them wherever it runs.
DEFAULT_TEMPLATES = Path(str(files("ankipress.cards") / "default_templates"))


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


def shown_name(name: str) -> str:
    """A note type's or card template's name as Anki may show it: ``{{Type}}`` and
    ``{{Card}}`` put it in a card as HTML, so its ``<`` and ``>`` are ‹ › (as a deck's)."""
    return card_text(name)


def note_type_id(name: str) -> int:
    """The frozen id of ``ankipress``; another name (``note_type`` setting), its own."""
    return NOTE_TYPE_ID if name == NOTE_TYPE_NAME else stable_id(f"{SALT} note type", name)


def note_type(templates: Templates) -> Model:
    from genanki import Model

    return Model(
        note_type_id(templates.note_type),
        templates.note_type,
        fields=[{"name": name} for name in FIELDS],
        templates=[
            {"name": shown_name(card.name), "qfmt": card.front, "afmt": card.back}
            for card in templates.cards
        ],
        css=templates.css,
        sort_field_index=0,
    )
