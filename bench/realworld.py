"""How the tool does on real notes: per file, the cards, decks and unanswered questions a
build finds, answers that are empty or only a link, and the lines on no card; with
``--expected``, a score against hand-written labels (``<label dir>/<folder name>/<file>.json``,
``{"cards": [{"question", "line", "first", "last"}], "unanswered": [{"question", "line"}]}``;
a "level" above 1 marks a question inside the answer of the one before it).

    python bench/realworld.py DIR... [--expected DIR] [--json OUT]

Nothing is written but ``--json``: no packages, no lock, no cache.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

from ankipress.assemble.outcome import BuildOptions, BuildResult
from ankipress.assemble.pipeline import build
from ankipress.identity.guids import normalise_question
from ankipress.records import Note

_TAG = re.compile(r"<[^>]+>")
_LINK = re.compile(r"<a\b[^>]*>.*?</a>", re.S)
_WORD = re.compile(r"\w")
_MATH = re.compile(r"\$|\\[()\[\]]")  # math delimiters, written or rendered
# Numbering and prefixes the project's normalisation leaves: "Q1:", "1)", "16.1", "（1）",
# "一、", "[E]", and a trailing "[src]" link.
_PREFIX = re.compile(
    r"^(?:q\s*\d+\s*[:：.)]?|\d+(?:\.\d+)*\s*[.)、:：]?|[(（]\d+[)）]|[一二三四五六七八九十]+[、.,]"
    r"|\[[emh]\])\s*"
)
_SUFFIX = re.compile(r"\s*\[\[?src\]?(?:\([^)]*\))?\]?$")
COLUMNS = ("cards", "decks", "one-card", "unanswered", "nested", "empty/link", "longest", "uncov")
SCORES = ("expected", "present", "wrong-answer", "absent", "junk", "unans-found", "unans-exp")


def question_key(text: str) -> str:
    """A question as the project identifies it, without the numbering it leaves."""
    key = normalise_question(_MATH.sub("", unescape(text)))
    for _ in range(3):
        key = _SUFFIX.sub("", _PREFIX.sub("", key, count=1)).rstrip(" ?!.:;,")
    return key


def flat(text: str) -> str:
    """Text for containment: no markup, no case, no whitespace."""
    plain = unescape(_TAG.sub(" ", text))
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", plain).casefold())


def bare(text: str) -> str:
    """``flat`` text without punctuation: a heading's text and the answer after it meet."""
    return re.sub(r"\W", "", flat(text))


def runs_into(answer: str, question: str, start: str) -> bool:
    """Whether an answer holds the next question (a short one only with its answer's start)."""
    return bool(question) and (question if len(question) >= 12 else question + start) in answer


def answer_kind(html: str) -> str:
    """'empty', 'link' (only links), or '' for an answer with content."""
    if "<img" in html:
        return ""
    if not _WORD.search(unescape(_TAG.sub("", html))):
        return "empty"
    return "link" if not _WORD.search(unescape(_TAG.sub("", _LINK.sub("", html)))) else ""


def line_of(note: Note) -> int:
    return int(unescape(note.source).rsplit(":", 1)[1])


def measure(folder: Path) -> tuple[BuildResult, dict[str, dict[str, Any]]]:
    """Build ``folder`` writing nothing; the measures of each file, by relative path."""
    with tempfile.TemporaryDirectory() as out:
        options = BuildOptions(paths=(folder,), out=Path(out), write=False, lock=False, cache=False)
        result = build(options)
    files: dict[str, dict[str, Any]] = {}
    by_display = {s.display: s.rel.as_posix() for s in result.sources}
    for source in result.sources:
        coverage = result.coverage.get(source.display)
        files[source.rel.as_posix()] = {
            "cards": [], "decks": 0, "one-card": 0, "unanswered": [], "nested": 0,
            "empty/link": [], "longest": 0, "uncov": coverage.uncovered if coverage else 0,
        }  # fmt: skip
    for deck in result.decks:
        row = files[deck.book.rel.as_posix()]
        row["decks"] += 1
        row["one-card"] += len(deck.notes) == 1
        for note in deck.notes:
            text = unescape(_TAG.sub("", note.answer)).strip()
            question = unescape(_TAG.sub("", note.question))  # the field is HTML
            card = {"line": line_of(note), "question": question, "chars": len(text)}
            row["cards"].append(card | {"answer": flat(note.answer)})
            row["longest"] = max(row["longest"], len(text))
            if kind := answer_kind(note.answer):
                row["empty/link"].append({"line": card["line"], "kind": kind})
    for u in result.unanswered:
        reason = getattr(u, "reason", "no answer")
        entry = {"line": u.line, "question": u.question, "reason": reason}
        files[by_display.get(u.path, u.path)]["unanswered"].append(entry)
    for d in result.diagnostics.sorted():
        if d.code == "nested-question" and d.path in by_display:
            files[by_display[d.path]]["nested"] += 1
    return result, files


def labels_of(expected: Path, rel: str) -> dict[str, Any] | None:
    for path in (expected / f"{rel}.json", (expected / rel).with_suffix(".json")):
        if path.is_file():
            return dict(json.loads(path.read_text(encoding="utf-8")))
    return None


def score(row: dict[str, Any], labels: dict[str, Any]) -> dict[str, Any]:
    """Expected cards present (right question, answer from first to last snippet, not
    running into the next question), with a wrong answer, or absent; junk cards."""
    wanted = labels.get("cards", [])
    ordered = sorted(wanted + labels.get("unanswered", []), key=lambda q: q["line"])
    after: dict[int, tuple[str, str]] = {}  # the next question of the same or a higher level
    for i, q in enumerate(ordered):
        later = (n for n in ordered[i + 1 :] if n.get("level", 1) <= q.get("level", 1))
        n = next(later, {"question": ""})
        after[id(q)] = bare(question_key(n["question"])), bare(n.get("first", ""))
    cards: dict[str, list[dict[str, Any]]] = {}
    for card in row["cards"]:
        cards.setdefault(question_key(card["question"]), []).append(card)
    result: dict[str, Any] = {"present": [], "wrong-answer": [], "absent": []}
    for q in wanted:
        found = cards.get(question_key(q["question"]), [])
        stop, start = after[id(q)]
        good = [
            c for c in found
            if flat(q["first"]) in c["answer"] and flat(q["last"]) in c["answer"]
            and not runs_into(bare(c["answer"]), stop, start)
        ]  # fmt: skip
        kind = "present" if good else "wrong-answer" if found else "absent"
        result[kind].append({"line": q["line"], "question": q["question"]})
    keys = {question_key(q["question"]) for q in wanted}
    result["junk"] = [
        {"line": c["line"], "question": c["question"]}
        for c in row["cards"]
        if question_key(c["question"]) not in keys
    ]
    found_unanswered = {question_key(u["question"]) for u in row["unanswered"]}
    expected_unanswered = labels.get("unanswered", [])
    hits = [u for u in expected_unanswered if question_key(u["question"]) in found_unanswered]
    return result | {"unans-exp": expected_unanswered, "unans-found": hits, "expected": wanted}


def table(title: str, columns: tuple[str, ...], rows: dict[str, dict[str, Any]]) -> None:
    width = max([len(title), *map(len, rows)])
    print(f"{title:<{width}}  " + " ".join(f"{c:>12}" for c in columns))
    totals: Counter[str] = Counter()
    for name, row in rows.items():
        values = {c: len(row[c]) if isinstance(row[c], list) else int(row[c]) for c in columns}
        totals.update(values)
        print(f"{name:<{width}}  " + " ".join(f"{values[c]:>12}" for c in columns))
    if "longest" in columns and rows:
        totals["longest"] = max(r["longest"] for r in rows.values())
    print(f"{'TOTAL':<{width}}  " + " ".join(f"{totals[c]:>12}" for c in columns) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", type=Path, metavar="DIR")
    parser.add_argument("--expected", type=Path, help="labels: DIR/<folder name>/<file>.json")
    parser.add_argument("--json", type=Path, dest="json_out", help="write every measure here")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {}
    for folder in args.dirs:
        result, files = measure(folder.resolve())
        scores = {}
        if args.expected:
            for rel, row in files.items():
                labels = labels_of(args.expected / folder.resolve().name, rel)
                if labels is not None:
                    scores[rel] = score(row, labels)
        print(f"== {folder} ({result.files} files, {result.diagnostics.error_count} errors)")
        table("file", COLUMNS, files)
        if scores:
            table("labelled file", SCORES, scores)
        report[folder.name] = {"files": files, "scores": scores}
    if args.json_out:
        text = json.dumps(report, ensure_ascii=False, indent=1)
        args.json_out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
