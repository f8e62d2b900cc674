"""Active content in card templates: what would run code, or load it, in every card.

A template is judged as Anki will use it, whatever its fields hold. Each ``{{...}}`` is
read as a word, so that ``<{{X}}script>`` opens a tag; one anywhere but in text (in a
tag's name or attributes, a comment, a ``<style>`` or ``<textarea>``) is refused, since
a field or a section there writes markup: ``<scr{{#Extra}}{{/Extra}}ipt>``,
``<img {{Tags}}>``, a deck name holding a quote inside ``title="{{Deck}}"``. Refused
besides: elements that run or embed (``<script>``, ``<iframe>``, ``<object>``,
``<embed>``...), foreign content (``<svg>``, ``<math>``, which a browser parses by other
rules), event handler attributes (``on...=``), ``srcdoc``, a script URL
(``javascript:``...) in any attribute, a URL attribute with a scheme other than http(s)
or mailto (``data:`` only for an image), a tag left unfinished at the end (it would take
in what follows it, the back after ``{{FrontSide}}``), ``{{text:...}}`` (Anki decodes
the field's escaped ``&lt;`` into ``<``), and in CSS: script (``expression(``,
``-moz-binding``, ``behavior:``), a ``url(``/``@import`` of any scheme but http(s) and
``data:`` (``file:``, ``javascript:``), and ``</style`` (Anki puts the CSS in a
``<style>`` element; ``activecss``). Remote loads stay warnings
(``templates._warn_remote``), as remote images in notes do. Refused before the parse,
where Python's parser and a browser read a template differently: a markup declaration
other than a plain comment, and ``<xmp>``, ``<noscript>``, ``<textarea>``, ``<title>``...;
a MathJax command that links, loads or styles, read as MathJax reads the card (fields and
sections empty, comments and ``<wbr>`` gone); a path out of the media folder.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

from ankipress.cards.activecss import Found, active_css
from ankipress.cards.cardrender import TEMPLATE_TAG, TemplateTag
from ankipress.cardtext import UNSAFE_TEX

WORD = "ankipressfield"  # what a {{...}} is read as: letters, so '<' before it opens a tag
ELEMENTS = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta"}
    | {"portal"}
)
# Foreign content: a browser parses inside <svg> and <math> by other rules than Python's
# parser does (there a <style> holds markup), so what is checked is not what runs.
FOREIGN = frozenset({"svg", "math"})
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "background"}
    | {"cite", "ping", "srcset", "lowsrc", "dynsrc", "longdesc", "manifest", "codebase"}
)
SCHEMES = frozenset({"http", "https", "mailto"})
_SCRIPT_URL = re.compile(r"(?:java|vb|live)script:|data:text/html")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_SPACE = re.compile(r"[\x00-\x20\x7f]+")  # what a browser skips in a URL
_INSIDE = "a {{...}} inside a tag, a comment or <style> (a field or section there writes markup)"
# Elements whose content a browser reads as text up to their end tag (script and iframe
# are refused anyway): a section there could leave one open or close it early.
_RAW_TEXT = frozenset({"style", "textarea", "title", "xmp", "noscript", "noembed", "noframes"})
# Belt and braces, for where a browser and Python's HTML parser read a tag differently.
_BELT = re.compile(
    r"<\s*+/?\s*+(?:script|iframe|frame|object|embed|applet|base|meta|svg|math)\b", re.I
)
_TAG_SPAN = re.compile(r"<[^<>]*>")
_HANDLER = re.compile(r"[\s/\"']on[a-z-]+\s*=", re.I)
_TAG_START = re.compile(r"<[A-Za-z/!?]")


def active_html(text: str) -> Found | None:
    """Where ``text`` (a card template) first holds active content, and what; None if
    it holds none."""
    for tag in TEMPLATE_TAG.finditer(text):
        filters = [part.strip().lower() for part in tag[1].split(":")][:-1]
        if "text" in filters:
            what = f"{tag[0]} (Anki decodes the field's escaped '<' into markup)"
            return _line(text, tag.start()), what
    marked = TEMPLATE_TAG.sub(lambda tag: WORD + "\n" * tag[0].count("\n"), text)
    found = _unread(marked, text)
    if found is not None:
        return found
    checker = _Checker()
    try:
        checker.feed(marked)
    except Exception:  # Python's parser gives up on some '<![' sections: refused
        checker.say("markup Python's HTML parser cannot read (a '<![' section)")
    if checker.found is None and _TAG_START.search(checker.rawdata):
        checker.say("a tag left unfinished at the end (it would take in what follows)")
    if checker.found is not None:
        return checker.found
    belt = _BELT.search(marked)
    if belt:
        return _line(marked, belt.start()), belt[0]
    for span in _TAG_SPAN.finditer(marked):
        handler = _HANDLER.search(span[0])
        if handler:
            return _line(marked, span.start()), f"the event handler {handler[0][1:].strip()}"
    return None


# What Python's parser and a browser read differently, refused before the parse: a markup
# declaration other than a plain comment (a browser ends '<!-->', '<!--->' and one at
# '--!>' early; Python's parser ends one at '-- >', earlier than a browser, which only
# makes it check more), '<?', and elements whose content a browser reads as text but
# Python's parser as markup. And MathJax's commands: it typesets templates too.
# One scan: a comment (to its first end, '--!>' included, as a browser ends it) or any
# other '<!' or '<?'; only a comment that starts as one and ends at '-->' is read.
_MARKUP = re.compile(r"<!--(?![->]).*?(?:--!>|-->)|<[!?]", re.DOTALL)
_TEXT_ELEMENTS = re.compile(r"<\s*(xmp|plaintext|noscript|noembed|noframes|textarea|title)\b", re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_WBR = re.compile(r"<\s*wbr\b[^>]*>", re.I)


def _lines(found: re.Match[str] | TemplateTag) -> str:
    """What replaces a removed span: its line breaks, so lines keep their numbers."""
    return "\n" * found[0].count("\n")


def _unread(text: str, template: str) -> Found | None:
    """``text``: the template with each ``{{...}}`` a word; ``template``: as written."""
    for found in _MARKUP.finditer(text):
        if not found[0].endswith("-->") or found[0].endswith("--!>"):
            what = "a markup declaration other than a plain comment (browsers end some early)"
            return _line(text, found.start()), what
    element = _TEXT_ELEMENTS.search(text)
    if element:
        what = f"<{element[1].lower()}> (a browser reads its content as text, the check as markup)"
        return _line(text, element.start()), what
    # As MathJax reads the card: fields and sections may be empty, comments and <wbr> gone.
    seen = unescape(_WBR.sub("", _COMMENT.sub(_lines, TEMPLATE_TAG.sub(_lines, template))))
    command = UNSAFE_TEX.search(seen)
    if command:
        return _line(seen, command.start()), f"the MathJax command {command[0]}"
    return None


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: Found | None = None
        self._raw: str | None = None  # the raw-text element the parser is in

    def say(self, what: str, line: int | None = None) -> None:
        if self.found is None:
            self.found = (line or self.getpos()[0], what)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Any]]) -> None:
        if WORD in (self.get_starttag_text() or "").lower():
            self.say(_INSIDE)
        if tag in ELEMENTS:
            self.say(f"<{tag}>")
        if tag in FOREIGN:
            self.say(f"<{tag}> (a browser parses it by other rules; use an image asset)")
        for name, value in attrs:
            self._attribute(tag, name, str(value or ""))
        if tag in _RAW_TEXT and self._raw is None:
            self._raw = tag

    def _attribute(self, tag: str, name: str, value: str) -> None:
        plain = _SPACE.sub("", value).lower()
        scheme = _SCHEME.match(plain)
        if name.startswith("on"):
            self.say(f"the event handler {name}=")
        elif name == "srcdoc" or _SCRIPT_URL.search(plain):
            self.say("srcdoc=" if name == "srcdoc" else f"a script URL in {name}=")
        elif name == "style" and (css := active_css(value)) is not None:
            self.say(f"{css[1]} in style=")
        elif name in URL_ATTRIBUTES and not scheme and plain.startswith(("/", "\\", "..")):
            self.say(f"a path out of the media folder in {name}=")
        elif name in URL_ATTRIBUTES and scheme and scheme[1] not in SCHEMES:
            image = scheme[1] == "data" and (tag, name) == ("img", "src")
            if not image:
                self.say(f"a {scheme[1]}: URL in {name}=")

    def handle_endtag(self, tag: str) -> None:
        if WORD in tag:
            self.say(_INSIDE)
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw is None:
            return
        if WORD in data.lower():
            self.say(_INSIDE)
        css = active_css(data) if self._raw == "style" else None
        if css is not None:
            self.say(css[1], self.getpos()[0] + css[0] - 1)

    def handle_comment(self, data: str) -> None:
        if WORD in data.lower():
            self.say(_INSIDE)

    handle_decl = unknown_decl = handle_pi = handle_comment
