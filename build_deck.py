#!/usr/bin/env python3
"""Build Anki decks from the markdown notes in content/ (see README.md)."""

from ankipress.cli.main import main

if __name__ == "__main__":
    main()
