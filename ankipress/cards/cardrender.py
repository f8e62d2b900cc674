"""Anki's card template language, enough to preview cards as Anki shows them.

``{{Field}}``, ``{{filter:Field}}`` (``text:`` strips HTML; others show the field),
``{{#Field}}...{{/Field}}`` (shown if the field is not empty), ``{{^Field}}...{{/Field}}``
(shown if it is), and the specials ``FrontSide``, ``Tags``, ``Deck``, ``Subdeck``, ``Card``
and ``Type``. Templates are validated first (``templates.check_template``), so every
section here is balanced.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from html import unescape

_HTML_TAG = re.compile(r"<[^<>]*>")  # (``<[^>]*>`` scanned to the end from each ``<``)


@dataclass(frozen=True)
class TemplateTag:
    """One ``{{...}}`` of a template, read as Anki reads it: from a ``{{`` to the first
    ``}}`` after it. Indexed as a match is: ``[0]`` the whole tag, ``[1]`` its inside."""

    begin: int
    finish: int
    whole: str

    def __getitem__(self, group: int) -> str:
        return self.whole if group == 0 else self.whole[2:-2]

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish


class _TemplateTags:
    """``{{...}}`` tags, found as the pattern ``\\{\\{(.*?)\\}\\}`` finds them, in linear
    time: that pattern, searched, scanned to the end from every ``{{`` of a template
    that has no ``}}`` left (``{{{{{{...``: quadratic)."""

    def finditer(self, text: str, start: int = 0) -> Iterator[TemplateTag]:
        while True:
            opened = text.find("{{", start)
            closed = text.find("}}", opened + 2) if opened >= 0 else -1
            if closed < 0:  # none after this one: none after any later one either
                return
            yield TemplateTag(opened, closed + 2, text[opened : closed + 2])
            start = closed + 2

    def search(self, text: str, start: int = 0) -> TemplateTag | None:
        return next(self.finditer(text, start), None)

    def sub(self, replace: Callable[[TemplateTag], str], text: str) -> str:
        out, position = [], 0
        for tag in self.finditer(text):
            out += [text[position : tag.start()], replace(tag)]
            position = tag.end()
        out.append(text[position:])
        return "".join(out)


TEMPLATE_TAG = _TemplateTags()


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


def _section_end(template: str, start: int, name: str) -> TemplateTag:
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
