"""``sync``: build, then bring the user's Anki up to date, through AnkiConnect or straight
into a closed collection file."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ankipress.cli.review import FORMAT
from ankipress.cli.shared import (
    DEFAULT_OUT,
    chosen_out,
    options_for,
    print_diagnostics,
    progress_bars,
    run,
    say,
    source_options,
)
from ankipress.cli.summary import summary_lines
from ankipress.cli.syncreport import report, report_lines
from ankipress.diagnostics import one_line
from ankipress.identity.owners import prints_elsewhere
from ankipress.sync import run as syncing
from ankipress.sync.connect import DEFAULT_URL
from ankipress.sync.live import Anki, AnkiUnreachable
from ankipress.sync.packages import NotBuilt
from ankipress.sync.plan import PREFER, REMOVED_MODES
from ankipress.sync.wanted import locks_before, wanted

UNREACHABLE = 3  # the exit status when Anki cannot be reached or refuses
F = TypeVar("F", bound=Callable[..., Any])


def anki_options(command: F) -> F:
    """--anki-connect, --api-key, --timeout and --collection: which Anki, and how."""
    for option in reversed(
        [
            click.option(
                "--anki-connect",
                "url",
                metavar="URL",
                default=None,
                help=f"Where Anki's AnkiConnect add-on listens (default: {DEFAULT_URL}).",
            ),
            click.option(
                "--api-key",
                envvar="ANKIPRESS_API_KEY",
                default=None,
                metavar="KEY",
                help="AnkiConnect's apiKey, if its config sets one (or ANKIPRESS_API_KEY).",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(min=1),
                default=60.0,
                show_default=True,
                metavar="SECONDS",
                help="How long to wait for each AnkiConnect answer.",
            ),
            click.option(
                "--collection",
                type=click.Path(dir_okay=False, path_type=Path),
                default=None,
                help="Work on this collection file (collection.anki2) itself, Anki closed; "
                "needs the anki package: pip install 'anki>=25.2'.",
            ),
        ]
    ):
        command = option(command)
    return command


@click.command("sync")
@source_options
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder the .apkg files go to (and are imported from).",
)
@anki_options
@click.option(
    "--removed",
    type=click.Choice(REMOVED_MODES),
    default="suspend",
    show_default=True,
    help="Notes gone from the notes: tagged ankipress::removed; suspended too, "
    "history kept; or deleted, history and all.",
)
@click.option(
    "--prefer",
    type=click.Choice(PREFER),
    default=None,
    help="A note edited in Anki and changed in the notes since the last sync (a conflict): "
    "write the notes' copy, or keep Anki's. Without it, Anki's is kept and the sync exits 1.",
)
@click.option("--dry-run", is_flag=True, help="Say what a sync would change; change nothing.")
@FORMAT
@click.option("--ankiweb", is_flag=True, help="Then ask Anki to sync with AnkiWeb.")
@click.option("--combined", is_flag=True, help="Build one package of every deck (as build does).")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def sync_command(
    paths: tuple[Path, ...],
    media_roots: tuple[Path, ...],
    templates: Path | None,
    out: Path,
    url: str | None,
    api_key: str | None,
    timeout: float,
    collection: Path | None,
    removed: str,
    prefer: str | None,
    dry_run: bool,
    output_format: str,
    ankiweb: bool,
    combined: bool,
    quiet: bool,
) -> None:
    """Build PATHS (default content/), then bring Anki up to date with them: import every
    package (as File > Import does: changed notes updated, review history kept), move the
    cards of renamed chapters to their new decks, and retire the notes removed from the
    notes (--removed). Only notes of ankipress's note type whose GUID the lock knows are
    ever touched; a note unchanged in the notes is never rewritten, so edits made in Anki
    stay. A note edited in Anki that also changed in the notes since the last sync is a
    conflict: Anki's copy stays, both are shown, and the sync exits 1 (--prefer decides).

    Through AnkiConnect (Anki running with the add-on 2055492159), or with --collection
    straight into a collection file while Anki is closed. --dry-run says what would change,
    note by note, with path:line.

    Exit status: 0 synced, 1 some file had errors (the others are synced), a conflict was
    left for --prefer, or a package changed after the build (nothing imported), 2 usage
    error, 3 Anki could not be reached or refused (before every import succeeded: nothing
    moved or retired).
    """
    if url is not None and collection is not None:
        raise click.UsageError("--anki-connect and --collection exclude each other")
    if ankiweb and collection is not None:
        raise click.UsageError("--ankiweb asks a running Anki to sync; not with --collection")
    out = chosen_out(out)
    options = options_for(paths, out, media_roots, templates, write=not dry_run, combined=combined)
    anki = open_anki(url, api_key, timeout, collection)
    try:
        before = locks_before(options.paths)
        result = run(options, quiet)
        print_diagnostics(result, errors_only=quiet)
        roots = {source.root for source in result.sources}
        goal = wanted(result, before, out, int(options.timestamp), prints_elsewhere(roots))
        if dry_run:
            outcome = syncing.dry_run(anki, goal, removed, prefer)
        else:
            outcome = syncing.sync(anki, goal, removed, ankiweb, progress_bars(quiet), prefer)
    except AnkiUnreachable as exc:
        say(one_line(str(exc)), err=True)
        sys.exit(UNREACHABLE)
    except NotBuilt as exc:
        say(one_line(str(exc)), err=True)
        sys.exit(1)
    finally:
        anki.close()
    for warning in outcome.warnings:
        say(one_line(warning), err=True)
    if output_format == "json":
        say(json.dumps(report(outcome, anki, dry_run, removed), ensure_ascii=False, indent=2))
    elif not quiet:
        if not dry_run:
            say(one_line(summary_lines(result, out)[0]))
        for line in report_lines(outcome, anki, dry_run):
            say(one_line(line))
    if outcome.ankiweb_failed:
        why = outcome.ankiweb_failed.removeprefix("error: ")
        say(f"error: the sync into Anki is done, but its sync with AnkiWeb failed: {why}; "
            "sync from Anki itself", err=True)  # fmt: skip
        sys.exit(1)
    conflicts = len(outcome.plan.conflicts)
    if conflicts and prefer is None:
        what = "conflict" if conflicts == 1 else "conflicts"
        say(f"error: {conflicts} {what}: edited in Anki and in the notes since the last sync; "
            "Anki's copy kept. Sync with --prefer notes to write the notes' copy, or "
            "--prefer anki to keep Anki's", err=True)  # fmt: skip
        sys.exit(1)
    sys.exit(1 if result.diagnostics.error_count else 0)


def open_anki(url: str | None, key: str | None, timeout: float, collection: Path | None) -> Anki:
    try:
        if collection is not None:
            from ankipress.sync.collectionfile import CollectionFile

            return CollectionFile(collection)
        from ankipress.sync.connect import AnkiConnect

        return AnkiConnect(url or DEFAULT_URL, key, timeout)
    except AnkiUnreachable as exc:
        say(one_line(str(exc)), err=True)
        sys.exit(UNREACHABLE)
