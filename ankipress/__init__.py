"""ankipress: turn markdown study notes into Anki decks that update in place."""

__version__ = "0.1.0"
