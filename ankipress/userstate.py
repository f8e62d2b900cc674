"""The user's own state folder (``$XDG_STATE_HOME/ankipress``, else
``~/.local/state/ankipress``): what this machine's builds and syncs record, trusted
because no notes repository writes there."""

from __future__ import annotations

import os
from pathlib import Path


def state_folder() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "ankipress"
