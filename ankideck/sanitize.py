"""Sanitise: rendered HTML through nh3 (ammonia), keeping only what cards need.

No script, style sheet, event handler, form or ``javascript:`` URL reaches a card.
Image sources are rewritten on the way: only packaged media names and remote URLs survive.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

import nh3

_TAGS = set(nh3.ALLOWED_TAGS)
_ATTRIBUTES: dict[str, set[str]] = copy.deepcopy(nh3.ALLOWED_ATTRIBUTES)
_ATTRIBUTES.setdefault("*", set()).update({"class", "title", "lang", "dir", "align"})
for _tag, _extra in {
    "img": {"title"},
    "th": {"style"},
    "td": {"style"},
    "details": {"open"},
    "ol": {"start", "type"},
    "a": {"title"},
}.items():
    _ATTRIBUTES.setdefault(_tag, set()).update(_extra)


def sanitize(html: str, image_sources: Mapping[str, str | None]) -> str:
    """``html`` made safe; each ``<img src>`` replaced by ``image_sources[src]``, or dropped
    (so the image shows its alt text) when the map has no usable value for it."""

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            return image_sources.get(value)
        return value

    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=attribute_filter,
        filter_style_properties={"text-align"},
        url_schemes={"http", "https", "mailto"},
        strip_comments=True,
    ).strip()
