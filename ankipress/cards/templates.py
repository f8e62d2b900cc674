"""Card templates from a folder, checked before anything is packaged.

A folder holds ``front.html``, ``back.html`` and ``style.css``; files named ``_...`` are
static assets, shipped as media under a content-hashed ``_`` name (Anki never overwrites a
``_`` file once it has one, so a changed asset needs a new name) with every reference in
the templates and CSS rewritten. Any other ``NAME.front.html`` / ``NAME.back.html`` pair
is another card template, which the frozen ``ankipress`` note type refuses (see
``notetype.py``): only a note type of another name may have it.

Each file is read on its own (``templatefiles.py``): one from outside the folder the
templates may come from, one that is not a regular file, or one with active content
(``activecontent.py``) is refused with a warning; the default file of its name stands in
for it (a card template or asset of no default is left out).
"""

from __future__ import annotations

import re
from difflib import get_close_matches
from pathlib import Path

from ankipress.cards.cardrender import TEMPLATE_TAG
from ankipress.cards.notetype import (
    CARD_TEMPLATE_NAME,
    DEFAULT_TEMPLATES,
    FIELDS,
    NOTE_TYPE_NAME,
    CardTemplate,
    Templates,
    shown_name,
)
from ankipress.cards.templatefiles import read_assets, read_template
from ankipress.diagnostics import Diagnostics, display_path

REQUIRED = ("front.html", "back.html", "style.css")
SPECIALS = ("FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID")
_REMOTE = re.compile(
    r"""(?:src|href)\s*+=\s*+["']?\s*+(?:https?:)?//|url\(\s*+["']?\s*+(?:https?:)?//|@import""",
    re.I,
)


def load_templates(
    folder: Path,
    diagnostics: Diagnostics,
    note_type: str = NOTE_TYPE_NAME,
    inside: Path | None = None,
) -> Templates | None:
    """The templates of ``folder``; None, with errors naming file and line, if any is
    wrong. Its files are read only from inside ``inside`` (the content root the setting
    is in; by default the folder itself)."""
    errors = diagnostics.error_count
    inside = (inside or folder).resolve()
    texts: dict[str, str] = {}
    for name in REQUIRED:
        path = folder / name
        instead = f"the default {name} is used instead"
        try:
            text = read_template(path, inside, diagnostics, instead)
            if text is None:  # refused, and warned
                text = (DEFAULT_TEMPLATES / name).read_text(encoding="utf-8")
            texts[name] = text
        except (OSError, UnicodeDecodeError) as exc:
            why = "missing" if isinstance(exc, FileNotFoundError) else f"unreadable: {exc}"
            diagnostics.error(
                display_path(path),
                0,
                f"{why}; a templates folder holds {', '.join(REQUIRED)} "
                "(the 'templates init DIR' command writes the defaults)",
                "templates",
            )
    if diagnostics.error_count > errors:
        return None
    cards = [CardTemplate(CARD_TEMPLATE_NAME, texts["front.html"], texts["back.html"])]
    cards += _more_cards(folder, inside, note_type, diagnostics)
    assets = read_assets(folder, inside, diagnostics)
    css = texts["style.css"]
    for asset_name, media in assets.items():
        css = css.replace(asset_name, media.name)
        cards = [
            CardTemplate(
                c.name,
                c.front.replace(asset_name, media.name),
                c.back.replace(asset_name, media.name),
            )
            for c in cards
        ]
    for card in cards:
        prefix = "" if card.name == CARD_TEMPLATE_NAME else f"{card.name}."
        check_template(folder / f"{prefix}front.html", card.front, diagnostics, front=True)
        check_template(folder / f"{prefix}back.html", card.back, diagnostics, front=False)
    _warn_remote(folder / "style.css", texts["style.css"], diagnostics)
    if diagnostics.error_count > errors:
        return None
    from ankipress.notes.codestyle import code_css  # Pygments: only when templates load

    assets_used = tuple(assets.values())
    return Templates(tuple(cards), css + "\n" + code_css(), assets_used, shown_name(note_type))


def check_template(path: Path, text: str, diagnostics: Diagnostics, front: bool) -> None:
    """Every ``{{...}}`` names a field or an Anki special; sections open and close in order."""
    shown = display_path(path)
    open_sections: list[tuple[str, int]] = []
    fields_shown = 0
    for tag in TEMPLATE_TAG.finditer(text):
        line = text.count("\n", 0, tag.start()) + 1
        body = tag[1].strip()
        if body[:1] in "#^/":
            name = body[1:].strip()
            if body[0] == "/":
                if not open_sections or open_sections[-1][0] != name:
                    expected = f"{{{{/{open_sections[-1][0]}}}}}" if open_sections else "nothing"
                    diagnostics.error(
                        shown,
                        line,
                        f"{{{{{body}}}}} closes a section never opened here (expected {expected})",
                        "templates",
                    )
                else:
                    open_sections.pop()
                continue
            open_sections.append((name, line))
        else:
            name = body.rsplit(":", 1)[-1].strip()
            fields_shown += name in FIELDS
        if name not in FIELDS and name not in SPECIALS:
            close = get_close_matches(name, [*FIELDS, *SPECIALS], n=1, cutoff=0.6)
            hint = f"did you mean {{{{{close[0]}}}}}? " if close else ""
            diagnostics.error(
                shown,
                line,
                f"{{{{{body}}}}} names no field of the note type ({hint}fields: "
                f"{', '.join(FIELDS)}; or {', '.join(SPECIALS)})",
                "templates",
            )
    for name, line in open_sections:
        diagnostics.error(
            shown, line, f"{{{{#{name}}}}} is never closed with {{{{/{name}}}}}", "templates"
        )
    if front and not fields_shown:
        diagnostics.error(
            shown, 0, "the front shows no field: Anki refuses such a card template", "templates"
        )
    _warn_remote(path, text, diagnostics)


def _warn_remote(path: Path, text: str, diagnostics: Diagnostics) -> None:
    found = _REMOTE.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        message = "loads something from the network: it breaks offline and on AnkiDroid"
        diagnostics.warning(display_path(path), line, message, "templates")


def _more_cards(
    folder: Path, inside: Path, note_type: str, diagnostics: Diagnostics
) -> list[CardTemplate]:
    cards = []
    for path in sorted(folder.glob("*.html")):
        if path.name in REQUIRED or path.name.startswith("_") or path.name.endswith(".back.html"):
            continue
        name = path.name.removesuffix(".front.html").removesuffix(".html")
        back = folder / f"{name}.back.html"
        if (
            note_type == NOTE_TYPE_NAME
            or not path.name.endswith(".front.html")
            or not (back.exists() or back.is_symlink())
        ):
            diagnostics.error(
                display_path(path),
                0,
                f"another card template would change the note type '{NOTE_TYPE_NAME}': Anki "
                "would then mark every existing note 'conflicting' on re-import and update "
                "none of them. To add card templates, name them NAME.front.html and "
                "NAME.back.html and give them a note type of their own with 'note_type: "
                "NAME' in ankipress.yaml (its notes are new notes to Anki)",
                "templates",
            )
            continue
        instead = f"the card template {name!r} is left out"
        try:
            sides = [read_template(p, inside, diagnostics, instead) for p in (path, back)]
        except (OSError, UnicodeDecodeError) as exc:
            diagnostics.error(display_path(path), 0, f"unreadable: {exc}", "templates")
            continue
        if sides[0] is not None and sides[1] is not None:
            cards.append(CardTemplate(name, sides[0], sides[1]))
    return cards
