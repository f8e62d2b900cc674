"""``check`` and ``plan``: everything a build does but writing, for CI and for review."""

from __future__ import annotations

import json
import sys
from collections import Counter
from html import unescape
from pathlib import Path
from typing import Any

import click

from ankipress.cli.shared import (
    DEFAULT_OUT,
    chosen_out,
    options_for,
    print_diagnostics,
    run,
    say,
    source_options,
    tally,
)
from ankipress.cli.summary import changes_by_deck, check_report, count, skipped_lines
from ankipress.diagnostics import CODES, one_line
from ankipress.identity.reconcile import Change

KINDS = ("new", "changed", "matched", "removed", "unchanged")
FORMAT = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one object on stdout, for machines.",
)


@click.command()
@source_options
@FORMAT
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option(
    "--allow",
    "allowed",
    multiple=True,
    type=click.Choice(CODES),
    metavar="CODE",
    help="With --strict, warnings of this code (see --format json) do not fail (repeatable): "
    f"{', '.join(CODES)}.",
)
def check(
    paths: tuple[Path, ...],
    media_roots: tuple[Path, ...],
    templates: Path | None,
    output_format: str,
    strict: bool,
    allowed: tuple[str, ...],
) -> None:
    """Run everything a build does but writing: parse, check, render, package.

    Exit status: 0 fine, 1 errors (or, with --strict, warnings other than --allow'ed
    ones), 2 usage error. Nothing is written, not even the lock.
    """
    result = run(options_for(paths, DEFAULT_OUT, media_roots, templates, write=False))
    diagnostics = result.diagnostics
    if output_format == "json":  # the decks a build would write
        say(json.dumps(check_report(result), ensure_ascii=False, indent=2))
    else:
        print_diagnostics(result)
        for line in skipped_lines(result):
            say(one_line(line))
        say(
            f"Checked {count(result.files, 'file')}: {count(len(result.decks), 'deck')}, "
            f"{count(result.cards, 'card')}; {tally(diagnostics)}"
        )
    failing = [
        d for d in diagnostics.sorted() if d.severity.value == "error" or d.code not in allowed
    ]
    sys.exit(1 if diagnostics.error_count or (strict and failing) else 0)


@click.command()
@source_options
@FORMAT
def plan(
    paths: tuple[Path, ...],
    media_roots: tuple[Path, ...],
    templates: Path | None,
    output_format: str,
) -> None:
    """What the next build changes against each content folder's ankipress.lock: new,
    changed, matched (renamed or reworded, keeping their GUID) and removed notes, per deck.

    Nothing is written. Exit status: 0, or 1 if some file has errors.
    """
    result = run(options_for(paths, DEFAULT_OUT, media_roots, templates, write=False))
    by_deck = changes_by_deck(result.changes)
    if output_format == "json":
        report = {deck: _deck_plan(changes) for deck, changes in sorted(by_deck.items())}
        totals = Counter(change.kind for change in result.changes)
        payload = {"decks": report, "totals": {kind: totals[kind] for kind in KINDS}}
        say(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print_diagnostics(result)
        for line in _plan_lines(by_deck):
            say(one_line(line))
    sys.exit(1 if result.diagnostics.error_count else 0)


@click.command()
@source_options
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("preview"),
    show_default=True,
    help="Folder the site goes to.",
)
def preview(
    paths: tuple[Path, ...], media_roots: tuple[Path, ...], templates: Path | None, out: Path
) -> None:
    """Write a static site of every card, front and back, through the card templates and
    CSS: OUT/index.html lists the decks. Images shown, math typeset, a night-mode switch;
    it opens offline. Nothing else is written.
    """
    from ankipress.cards.preview import write_preview  # here: every build starts faster

    out = chosen_out(out)
    options = options_for(paths, DEFAULT_OUT, media_roots, templates, write=False, lock=False)
    result = run(options)
    if {source.root for source in result.sources} - set(result.note_types):
        print_diagnostics(result)  # a folder's templates or settings are wrong: its cards
        say(f"No preview written: {out}/ is as it was (the errors above say why)")
        sys.exit(1)  # would be gone from a new preview; the last one is kept whole
    index = write_preview(result.decks, result.note_types, out, result.diagnostics)
    print_diagnostics(result)
    decks, cards = count(len(result.decks), "deck"), count(result.cards, "card")
    say(f"Wrote a preview of {decks} ({cards}): {index}")
    sys.exit(1 if result.diagnostics.error_count else 0)


def _deck_plan(changes: list[Change]) -> dict[str, Any]:
    plan: dict[str, Any] = {kind: [] for kind in KINDS if kind != "unchanged"}
    for change in changes:
        if change.kind == "unchanged":
            continue
        item = {"guid": change.guid, "question": unescape(change.question), "where": change.where}
        if change.kind == "matched":
            item["before"] = unescape(change.before)
        plan[change.kind].append(item)
    plan["unchanged"] = sum(change.kind == "unchanged" for change in changes)
    return plan


def _plan_lines(by_deck: dict[str, list[Change]]) -> list[str]:
    lines = []
    totals: Counter[str] = Counter()
    for deck, changes in sorted(by_deck.items()):
        counts = Counter(change.kind for change in changes)
        totals.update(counts)
        lines.append(f"{deck}: " + ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k]))
        for change in changes:
            if change.kind == "unchanged":
                continue
            text = unescape(change.question)
            if change.kind == "matched":
                text = f"{unescape(change.before)!r} -> {text!r}"
            lines.append(f"  {change.kind:<8} {unescape(change.where)}: {text}")
    lines.append("Total: " + ", ".join(f"{totals[k]} {k}" for k in KINDS))
    return lines
