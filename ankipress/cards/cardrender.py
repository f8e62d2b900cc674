"""Anki's card template language, enough to preview cards as Anki shows them.

``{{Field}}``, ``{{filter:Field}}`` (``text:`` strips HTML; others show the field),
``{{#Field}}...{{/Field}}`` (shown if the field is not empty), ``{{^Field}}...{{/Field}}``
(shown if it is), and the specials ``FrontSide``, ``Tags``, ``Deck``, ``Subdeck``, ``Card``
and ``Type``. Templates are validated first (``templates.check_template``), so every
section here is balanced.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import unescape

TEMPLATE_TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)  # {{...}}, its inside as group 1
_HTML_TAG = re.compile(r"<[^>]*>")


def render_card(template: str, values: Mapping[str, str]) -> str:
    """``template`` with its tags replaced by ``values`` (fields and specials by name)."""
    out: list[str] = []
    _render(template, values, out)
    return "".join(out)


def _render(template: str, values: Mapping[str, str], out: list[str]) -> None:
    position = 0
    while True:
        tag = TEMPLATE_TAG.search(template, position)
        if tag is None:
            out.append(template[position:])
            return
        out.append(template[position : tag.start()])
        body = tag[1].strip()
        if body[:1] in "#^":
            name = body[1:].strip()
            end = _section_end(template, tag.end(), name)
            filled = bool(_HTML_TAG.sub("", values.get(name, "")).strip())
            if filled == (body[0] == "#"):
                _render(template[tag.end() : end.start()], values, out)
            position = end.end()
            continue
        out.append(_field(body, values))
        position = tag.end()


def _section_end(template: str, start: int, name: str) -> re.Match[str]:
    """The ``{{/name}}`` closing the section opened just before ``start``."""
    depth = 0
    for tag in TEMPLATE_TAG.finditer(template, start):
        body = tag[1].strip()
        if body[:1] in "#^" and body[1:].strip() == name:
            depth += 1
        elif body[:1] == "/" and body[1:].strip() == name:
            if depth == 0:
                return tag
            depth -= 1
    raise ValueError(f"section {name!r} is never closed")  # validated templates never are


def _field(body: str, values: Mapping[str, str]) -> str:
    *filters, name = (part.strip() for part in body.split(":"))
    value = values.get(name, "")
    if "type" in filters:
        return ""  # typing the answer is a review-time feature
    if "text" in filters:
        return unescape(_HTML_TAG.sub("", value))
    return value
