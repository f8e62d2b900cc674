"""YAML front matter: a book's ``title`` and ``id``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ankideck.diagnostics import Diagnostics

KNOWN_KEYS = ("title", "id")


@dataclass(frozen=True)
class FrontMatter:
    title: str | None = None
    id: str | None = None


def load_front_matter(content: str, path: str, diagnostics: Diagnostics) -> FrontMatter | None:
    """The front matter's settings; None (and an error) if it is not valid YAML mapping.

    ``content`` is the text between the ``---`` fences, which start on line 1.
    """
    try:
        data: Any = yaml.safe_load(content) if content.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        diagnostics.error(path, line, f"invalid YAML in front matter: {problem}", "front-matter")
        return None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        diagnostics.error(
            path, 1, "front matter must be a mapping of keys to values", "front-matter"
        )
        return None
    for key in data:
        if key not in KNOWN_KEYS:
            diagnostics.warning(
                path, 1, f"unknown front-matter key {key!r} ignored", "front-matter"
            )
    values = {key: _text(data.get(key)) for key in KNOWN_KEYS}
    return FrontMatter(**values)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
