"""Settings for the cases a rule gets wrong: a project file and per-file YAML front matter.

``content/ankipress.yaml`` holds defaults for every file under that content root, and under
``files:`` settings for the files a path or glob names (for notes one cannot or will not
edit); a file's front matter overrides them. Both are read with PyYAML; a mistake is an
error naming the file and line, never ignored. Front matter is shared with the editors and
site generators that wrote it: their keys are theirs, and only a key that looks like a
mistyped setting is warned about.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from ankipress.diagnostics import Diagnostics, display_path
from ankipress.first_name import LEGACY_NOTE_TYPE, LEGACY_PROJECT_FILE, current_or_legacy
from ankipress.identity.lockcheck import TAG_UNSAFE
from ankipress.notes.discover import PROJECT_FILE, outside

SHAPES = ("h2", "details", "q", "term", "topic")
DETAILS = ("answer", "question")  # what a <details> is, where the settings say


@dataclass(frozen=True)
class Settings:
    title: str | None = None  # the book's title (deck names, context)
    id: str | None = None  # the book's key: part of every GUID
    chapter_level: int | None = None  # heading level of chapters, 1-6
    question_level: int | None = None  # heading level of questions, 1-6 (deeper: answer)
    details: str | None = None  # "answer": every <details> wraps the answer above it;
    # "question": its summary is the question; None: a summary that names no question wraps
    shapes: frozenset[str] = frozenset(SHAPES)  # note shapes recognised
    skip_sections: tuple[str, ...] = ()  # headings whose sections are not content
    tags: tuple[str, ...] = ()  # extra tags on every note
    encoding: str | None = None  # of every file under the root (ankipress.yaml only)
    templates: str | None = None  # folder of card templates, inside the root (ankipress.yaml only)
    note_type: str | None = None  # a note type of another name (ankipress.yaml only)
    deck: str | None = None  # a parent deck for the book's decks: ``A::B``
    exclude: bool = False  # the file is not notes to study: no card, no warning
    files: tuple[FileRule, ...] = field(default=(), compare=False)  # ankipress.yaml only

    def for_file(self, rel: str) -> Settings:
        """The settings of the file at ``rel`` (relative to the content root, ``/``-separated):
        these, then every ``files:`` rule whose pattern matches it, in the file's order."""
        found = replace(self, files=()) if self.files else self
        for rule in self.files:
            if rule.matches(rel):
                found = with_changes(found, dict(rule.changes))
        return found


def with_changes(base: Settings, changes: dict[str, Any]) -> Settings:
    """``base`` with ``changes``: each replaces the setting, but tags, which add up (a
    folder's tags reach every note, whatever tags a file adds)."""
    if "tags" in changes:
        changes = {**changes, "tags": tuple(dict.fromkeys((*base.tags, *changes["tags"])))}
    return replace(base, **changes)


@dataclass(frozen=True)
class FileRule:
    """``files:`` in ankipress.yaml: settings for the files ``pattern`` names, a path relative
    to the content root or a glob (``*`` also crosses folders: ``*.md`` is every file)."""

    pattern: str
    changes: tuple[tuple[str, Any], ...]
    line: int  # in ankipress.yaml

    def matches(self, rel: str) -> bool:
        """``rel`` is the path, a file under the folder it names, or matches its glob; ``**/``
        is any folders, none included (``**/*.md`` is every file, as in git)."""
        pattern = self.pattern
        while pattern.startswith("**/") and "/" not in rel:
            pattern = pattern[3:]
        return fnmatchcase(rel, pattern) or fnmatchcase(rel, pattern.rstrip("/") + "/*")


def load_project_settings(root: Path, display: str, diagnostics: Diagnostics) -> Settings | None:
    """The settings of ``root/ankipress.yaml``; defaults if there is none, None if it is bad."""
    path = settings_path(root)
    if path.name == LEGACY_PROJECT_FILE:
        message = f"settings under the tool's old name: rename the file to {PROJECT_FILE}"
        diagnostics.warning(display, 0, message, "config")
    elif (root / LEGACY_PROJECT_FILE).is_file():
        message = f"not read: {PROJECT_FILE} is; delete this file of the tool's old name"
        diagnostics.warning(display_path(root / LEGACY_PROJECT_FILE), 0, message, "config")
    if not path.is_file():
        return Settings()
    refused = outside(path.resolve(), root.resolve())
    if refused is not None:
        diagnostics.error(display, 0, refused, "outside")
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        diagnostics.error(display, 0, f"cannot read project settings: {exc}", "config")
        return None
    settings = parse_settings(text, display, 1, diagnostics, Settings(), "project settings")
    if settings is not None and settings.note_type == LEGACY_NOTE_TYPE:  # the tool's own
        message = f"note_type {LEGACY_NOTE_TYPE!r} is the tool's own, now named ankipress"
        diagnostics.warning(display, 0, message + ": delete the setting", "config")
        return replace(settings, note_type=None)
    return settings


def settings_path(root: Path) -> Path:
    """A content root's settings file: ``ankipress.yaml``, or its old name while only that is."""
    return current_or_legacy(root, PROJECT_FILE, LEGACY_PROJECT_FILE)


def parse_settings(
    text: str,
    path: str,
    first_line: int,
    diagnostics: Diagnostics,
    base: Settings,
    where: str = "front matter",
) -> Settings | None:
    """``base`` updated by the YAML mapping ``text`` (whose line 1 is ``first_line``);
    None, with an error, if the YAML or one of its values is wrong."""
    import yaml  # only files with settings need PyYAML

    lines = text.splitlines()  # (to tell a # that YAML read as a comment)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
        if node is None:
            return base
        changes = _settings(node, path, first_line, diagnostics, where, lines)
    except RecursionError:  # "[[[[..." thousands deep: PyYAML recurses
        diagnostics.error(path, first_line, f"{where} nests too deep to read", "config")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + mark.line if mark is not None else first_line
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if "#" in _line_of(lines, line - first_line):
            problem += " (a # after a space starts a YAML comment: quote a tag like '#math')"
        diagnostics.error(path, line, f"invalid YAML in {where}: {problem}", "config")
        return None
    return None if changes is None else with_changes(base, changes)


def _settings(
    node: Any,
    path: str,
    first_line: int,
    diagnostics: Diagnostics,
    where: str,
    text_lines: list[str],
) -> dict[str, Any] | None:
    """The settings a YAML mapping node changes; None, with an error, if one is wrong."""
    from yaml.constructor import SafeConstructor
    from yaml.nodes import MappingNode

    if not isinstance(node, MappingNode):
        line = first_line + node.start_mark.line
        diagnostics.error(path, line, f"{where} must be a mapping of keys to values", "config")
        return None
    project = where == "project settings"
    ours = where != "front matter"  # ankipress.yaml: every key in it is meant for us
    changes: dict[str, Any] = {}
    SafeConstructor().flatten_mapping(node)  # YAML merge keys (<<: *defaults), as PyYAML reads
    for key_node, value_node in node.value:
        written, line = str(key_node.value), first_line + key_node.start_mark.line
        key = _ALIASES.get(written.casefold(), written.casefold())  # Obsidian writes Tags:
        if key == "files" and project:
            rules = _file_rules(value_node, path, first_line, diagnostics, text_lines)
            if rules is None:
                return None
            changes[key] = rules
            continue
        if key not in _CHECKS:
            names = _CHECKS if ours else [name for name in _CHECKS if name not in _PROJECT_ONLY]
            close = get_close_matches(key, names, n=1, cutoff=_HINTED if ours else _MISTYPED)
            if ours or (close and len(key) >= 4):  # else an editor's own key (aliases, uid)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                message = f"unknown setting {written!r} ignored{hint}"
                diagnostics.warning(path, line, message, "config")
            continue
        if value_node.tag.endswith(":null") and "#" in _line_of(text_lines, line - first_line):
            message = (
                f"setting {key!r} is empty: in YAML a # after a space starts a comment; "
                f'quote a tag that starts with one ({key}: "#math")'
            )
            diagnostics.warning(path, line, message, "config")
            continue
        if key in _PROJECT_ONLY and not project:
            message = (
                f"setting {key!r} only works at the top of {PROJECT_FILE}; ignored here"
                if ours
                else f"setting {key!r} only works in {PROJECT_FILE}; ignored here"
            )
            diagnostics.warning(path, line, message, "config")
            continue
        checked = _CHECKS[key](SafeConstructor().construct_object(value_node, True))
        if isinstance(checked, _Invalid):
            diagnostics.error(path, line, f"setting {key!r} {checked.why}", "config")
            return None
        changes[key] = checked
    return changes


def _file_rules(
    node: Any, path: str, first_line: int, diagnostics: Diagnostics, text_lines: list[str]
) -> tuple[FileRule, ...] | None:
    """``files:``: a mapping of paths or globs to the settings of the files they name."""
    from yaml.constructor import SafeConstructor
    from yaml.nodes import MappingNode, ScalarNode

    line = first_line + node.start_mark.line
    if node.tag.endswith(":null"):  # files: with every entry under it commented out
        return ()
    if not isinstance(node, MappingNode):
        message = "setting 'files' must map paths or globs to settings (files: {'a.md': {...}})"
        diagnostics.error(path, line, message, "config")
        return None
    rules = []
    SafeConstructor().flatten_mapping(node)
    for pattern_node, settings_node in node.value:
        line = first_line + pattern_node.start_mark.line
        pattern = str(pattern_node.value).strip().removeprefix("./")
        if not isinstance(pattern_node, ScalarNode) or not pattern:
            diagnostics.error(path, line, "a key under 'files' must be a path or glob", "config")
            return None
        if settings_node.tag.endswith(":null"):
            continue
        where = f"files {pattern!r}"
        changes = _settings(settings_node, path, first_line, diagnostics, where, text_lines)
        if changes is None:
            return None
        rules.append(FileRule(pattern, tuple(changes.items()), line))
    return tuple(rules)


def _line_of(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


@dataclass(frozen=True)
class _Invalid:
    why: str


def _text(value: Any) -> str | _Invalid | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return _Invalid("must be text")
    return str(value).strip() or None


def _name(value: Any) -> str | _Invalid | None:
    """A note type's name: text Anki shows in its lists, no control character in it."""
    found = _text(value)
    if isinstance(found, str) and (
        len(found) > 100 or any(ch < " " or "\x7f" <= ch < "\xa0" for ch in found)
    ):
        return _Invalid("must be a name of at most 100 characters, without control characters")
    return found


def _level(value: Any) -> int | _Invalid | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 6:
        return value
    return _Invalid(f"must be a heading level from 1 to 6, not {value!r}")


def _details(value: Any) -> str | _Invalid | None:
    if value is None:
        return None
    if value in DETAILS:
        return str(value)
    return _Invalid(f"must be one of {', '.join(DETAILS)}, not {value!r}")


def _texts(value: Any) -> tuple[str, ...] | _Invalid:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if any(isinstance(item, (dict, list)) or item is None for item in items):
        return _Invalid("must be a list of text")
    return tuple(str(item).strip() for item in items if str(item).strip())


def _shapes(value: Any) -> frozenset[str] | _Invalid:
    names = _texts(value)
    if isinstance(names, _Invalid):
        return names
    unknown = [name for name in names if name not in SHAPES]
    if unknown:
        return _Invalid(f"names unknown shape {unknown[0]!r} (known: {', '.join(SHAPES)})")
    return frozenset(names)


def _tags(value: Any) -> tuple[str, ...] | _Invalid:
    """Tags as editors write them: a list, or one text of tags separated by commas or
    spaces; ``#tag`` as Obsidian writes it in text; ``a/b`` nested, as Anki's ``a::b``."""
    if isinstance(value, str):
        value = [part for part in _TAG_SEPARATORS.split(value) if part]
    tags = _texts(value)
    if isinstance(tags, _Invalid):
        return tags
    found = []
    for tag in tags:
        parts = [part.strip() for part in tag.lstrip("#").replace("::", "/").split("/")]
        # Anki tags hold no spaces; {{Tags}} in a template shows them as HTML.
        nested = "::".join(TAG_UNSAFE.sub("_", part) for part in parts if part)
        if nested and nested not in found:
            found.append(nested)
    return tuple(found)


def _flag(value: Any) -> bool | _Invalid:
    if value is None or isinstance(value, bool):
        return bool(value)
    return _Invalid(f"must be true or false, not {value!r}")


def _deck(value: Any) -> str | _Invalid | None:
    """A parent deck: names of decks, each inside the one before, joined by ``::``."""
    found = _text(value)
    if not isinstance(found, str):
        return found
    parts = [" ".join(part.split()) for part in found.split("::")]
    if any(ch < " " or "\x7f" <= ch < "\xa0" for ch in found):
        return _Invalid("must be a deck name without control characters")
    return "::".join(part for part in parts if part) or None


def _encoding(value: Any) -> str | _Invalid | None:
    name = _text(value)
    if not isinstance(name, str):
        return name
    try:
        return codecs.lookup(name).name
    except LookupError:
        return _Invalid(f"names unknown encoding {name!r}")


# A file's front matter is read after decoding it; one root has one note type.
_PROJECT_ONLY = {"encoding", "templates", "note_type", "files"}
_TAG_SEPARATORS = re.compile(r"[\s,]++")
_ALIASES = {"tag": "tags"}  # as Obsidian still reads it
# A key of front matter this close to a setting's name is taken for a mistyped setting;
# in ankipress.yaml, a key this close is named as the setting it may be.
_MISTYPED = 0.8
_HINTED = 0.6
_CHECKS = {
    "title": _text,
    "id": _text,
    "chapter_level": _level,
    "question_level": _level,
    "details": _details,
    "shapes": _shapes,
    "skip_sections": _texts,
    "tags": _tags,
    "encoding": _encoding,
    "templates": _text,
    "note_type": _name,
    "deck": _deck,
    "exclude": _flag,
    "files": _text,  # read by _file_rules
}
