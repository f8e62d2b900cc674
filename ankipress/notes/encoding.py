"""Decode: a note file's bytes -> text, never silently garbled, never binary.

UTF-8 (with or without a byte order mark) is read as is. UTF-16 and UTF-32 are read only
with their byte order mark. Anything else is detected by charset-normalizer among the
legacy encodings Chinese notes come in (GB18030, a superset of GBK and GB2312; Big5) and
Windows-1252, and read with a warning naming the encoding. A file with NUL bytes or mostly
control characters is binary: an error. Stray control characters are removed, with a warning.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Legacy encodings tried, most likely first: a tie in charset-normalizer's "chaos" goes to
# the earlier one. Japanese and Korean encodings are left out on purpose: on short Chinese
# text they win as often as the right answer. ``encoding`` in ankipress.yaml names any other.
CANDIDATES = ("gb18030", "big5", "cp1252")
_NAMES = {"gb18030": "GB18030", "big5": "Big5", "cp1252": "Windows-1252"}
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WIDE_BOMS = tuple(bom for bom, name in _BOMS if name != "utf-8-sig")  # NUL bytes are text
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # keeps tab, newlines, form feed
_SURROGATE = re.compile("[\ud800-\udfff]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")  # embeddings, overrides, isolates
_BINARY_SHARE = 0.1  # more control characters than this share of the text: binary


class Undecodable(Exception):
    """The file is not text this tool can read; ``line`` is 0 for the whole file."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python's codec name
    warnings: tuple[tuple[int, str], ...] = ()  # (line, message), line 0: the whole file


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """``data`` as text; ``encoding`` (from the settings) skips detection."""
    warnings: list[tuple[int, str]] = []
    if b"\x00" in data and not data.startswith(_WIDE_BOMS):
        raise Undecodable("binary file, not markdown (it holds NUL bytes); not read")
    if encoding is not None:
        text, used = _strict(data, encoding, f"as {encoding} (the 'encoding' setting)"), encoding
    else:
        text, used = _detect(data, warnings)
    lone = _SURROGATE.search(text)
    if lone is not None:  # (``unicode_escape`` reads "\ud800" so): no character a card shows
        line = text.count("\n", 0, lone.start()) + 1
        raise Undecodable(f"decodes to a lone surrogate (U+{ord(lone[0]):04X}), no character", line)
    _reordering(text, warnings)
    return Decoded(_without_controls(text, warnings), used, tuple(warnings))


def _detect(data: bytes, warnings: list[tuple[int, str]]) -> tuple[str, str]:
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data, name, f"as {name.upper().removesuffix('-SIG')} (byte order mark)")
            if name != "utf-8-sig":
                warnings.append((0, f"read as {name.upper()} (byte order mark); {_CONVERT}"))
            return text, name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        failure = exc
    from charset_normalizer import from_bytes  # slow to import; only legacy files need it

    found = sorted(
        from_bytes(data, cp_isolation=list(CANDIDATES), threshold=1.0),
        key=lambda m: (round(m.chaos, 2), CANDIDATES.index(m.encoding)),
    )
    if not found:
        line = _line_at(data, failure.start)
        raise Undecodable(
            f"cannot decode: not UTF-8 (byte 0x{data[failure.start]:02x} at line {line}) and not "
            f"{', '.join(_NAMES.values())} text either; if you know its encoding, set "
            "'encoding' in ankipress.yaml"
        )
    best = found[0].encoding
    warnings.append((0, f"not UTF-8; read as {_NAMES[best]} (detected); {_CONVERT}"))
    return data.decode(best), best


_CONVERT = "save it as UTF-8 to silence this warning"


def _strict(data: bytes, encoding: str, how: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        wide = data.startswith(_WIDE_BOMS)  # lines of bytes mean nothing there
        line = 0 if wide else _line_at(data, exc.start)
        raise Undecodable(f"cannot decode {how}: {exc.reason}", line) from None
    except LookupError:
        raise Undecodable(f"unknown encoding {encoding!r}") from None
    except (UnicodeError, ValueError, TypeError) as exc:  # a codec that fails its own way
        raise Undecodable(f"cannot decode {how}: {exc}") from None


def _reordering(text: str, warnings: list[tuple[int, str]]) -> None:
    """Warn of each line holding a bidirectional override or isolate: a card shows the
    text around it in another order than it is written (``5 ton si ti`` reads "it is
    not 5"). It stays: right-to-left notes may need it."""
    for found in _BIDI.finditer(text):
        line = text.count("\n", 0, found.start()) + 1
        if warnings and warnings[-1][0] == line and "reorders" in warnings[-1][1]:
            continue
        warnings.append(
            (
                line,
                f"U+{ord(found[0]):04X} reorders the text shown after it (a card shows it "
                "in another order than it is written)",
            )
        )


def _without_controls(text: str, warnings: list[tuple[int, str]]) -> str:
    found = CONTROL.search(text)
    if found is None:
        return text
    if "\x00" in text or len(CONTROL.findall(text)) > _BINARY_SHARE * len(text):
        raise Undecodable("binary file, not markdown (it holds control characters); not read")
    line = text.count("\n", 0, found.start()) + 1
    char = f"U+{ord(found[0]):04X}"
    warnings.append((line, f"control characters removed (the first, {char}, here)"))
    return CONTROL.sub("", text)


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
