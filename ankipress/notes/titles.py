"""Headings that are only a number (``### 1.13.6``), their title on the next line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ankipress.notes.asking import is_number_only
from ankipress.notes.blocks import reparse
from ankipress.notes.elements import Element


def titled(stream: Sequence[Element], lines: Sequence[str], env: dict) -> list[Element]:
    """``stream`` with each number-only heading given the first line of the paragraph right
    after it as its title; the rest of that paragraph stays prose."""
    out: list[Element] = []
    index = 0
    while index < len(stream):
        element = stream[index]
        after = stream[index + 1] if index + 1 < len(stream) else None
        block = after.block if after is not None else None
        if (
            element.kind == "heading"
            and is_number_only(element.text)
            and after is not None
            and after.kind in ("prose", "bold")
            and block is not None
            and block.kind == "paragraph_open"
        ):
            first = reparse(lines, after.first, after.first, env)
            title = first[0].text if first else ""
            out.append(replace(element, text=f"{element.text} {title}".strip(), last=after.first))
            rest = (
                reparse(lines, after.first + 1, block.last, env) if block.last > after.first else []
            )
            out.extend(Element("prose", b.first, b.last, b) for b in rest)
            index += 2
            continue
        out.append(element)
        index += 1
    return out
