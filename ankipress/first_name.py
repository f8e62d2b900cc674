"""The tool's first name, ankideck, and what notes repositories made with it still hold.

GUIDs and ids keep the first name for good (``identity.guids.SALT``). Its lock and settings
file are read, with a warning, while the files of the new name are not there; a
``note_type`` setting of its own name means the tool's note type, as it did then.
"""

from __future__ import annotations

from pathlib import Path

FIRST_NAME = "ankideck"
LEGACY_LOCK_FILE = f"{FIRST_NAME}.lock"
LEGACY_PROJECT_FILE = f"{FIRST_NAME}.yaml"
LEGACY_NOTE_TYPE = FIRST_NAME


def current_or_legacy(folder: Path, name: str, legacy: str) -> Path:
    """``folder/name``, or ``folder/legacy`` while only that is there."""
    path, old = folder / name, folder / legacy
    return old if not path.exists() and old.is_file() else path
