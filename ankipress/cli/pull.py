"""``pull``: edits made in Anki since the last sync, back into the markdown they came from."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ankipress.cli.shared import (
    DEFAULT_OUT,
    chosen_out,
    options_for,
    print_diagnostics,
    run,
    say,
    source_options,
)
from ankipress.cli.summary import count
from ankipress.cli.sync import UNREACHABLE, anki_options, open_anki
from ankipress.diagnostics import Diagnostics, one_line
from ankipress.identity.owners import prints_elsewhere
from ankipress.sync.live import AnkiUnreachable
from ankipress.sync.pull import PullPlan, find_pulls
from ankipress.sync.pullwrite import write_pulls, write_rejects
from ankipress.sync.recognise import recognise
from ankipress.sync.record import read_record
from ankipress.sync.wanted import locks_before, wanted


@click.command("pull")
@source_options
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="The output folder of build and sync (its cache is read; nothing is written there).",
)
@anki_options
@click.option("--dry-run", is_flag=True, help="Print the diff of what a pull would write; "
              "write nothing.")  # fmt: skip
@click.option(
    "--write-rejects",
    is_flag=True,
    help="Leave each edit not pulled next to its file, as FILE.md.rej (a unified diff).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def pull_command(
    paths: tuple[Path, ...],
    media_roots: tuple[Path, ...],
    templates: Path | None,
    out: Path,
    url: str | None,
    api_key: str | None,
    timeout: float,
    collection: Path | None,
    dry_run: bool,
    write_rejects: bool,
    quiet: bool,
) -> None:
    """Carry edits made in Anki since the last sync back into the markdown of PATHS
    (default content/): a typo fixed while studying, a number corrected, a clearer word.

    Each edit is written into the note's own lines, in place of the words it changed,
    keeping the markup around them (bold, math, list markers, indentation, line endings,
    the file's encoding); every other byte stays. It is kept only if the note then renders
    exactly as Anki holds it. An edited question keeps its note (the lock learns the new
    wording), and the next sync finds the notes pulled unchanged on both sides.

    What cannot be carried back unambiguously (a change across markup, a new paragraph,
    a note whose markdown changed since the last sync) is not written: it is printed
    with path:line as a diff to apply by hand (--write-rejects: FILE.md.rej).

    Exit status: 0 pulled (or nothing to pull), 1 some edit not pulled, or a file had
    errors, 2 usage error, 3 Anki could not be reached or refused.
    """
    if url is not None and collection is not None:
        raise click.UsageError("--anki-connect and --collection exclude each other")
    if dry_run and write_rejects:
        raise click.UsageError("--dry-run writes nothing, --write-rejects a file: not both")
    out = chosen_out(out)
    options = options_for(paths, out, media_roots, templates, write=False)
    anki = open_anki(url, api_key, timeout, collection)
    try:
        before = locks_before(options.paths)
        result = run(options, quiet)
        print_diagnostics(result, errors_only=True)
        roots = {source.root for source in result.sources}
        goal = wanted(result, before, out, int(options.timestamp), prints_elsewhere(roots))
        record, warning = read_record(anki.target)
        live = recognise(anki.snapshot(goal.note_types), goal, record.note_ids())
    except AnkiUnreachable as exc:
        say(one_line(str(exc)), err=True)
        sys.exit(UNREACHABLE)
    finally:
        anki.close()
    if warning:
        say(one_line(warning), err=True)
    found = find_pulls(result, goal, live, record, result.settings, options.media_roots, before)
    if dry_run:
        for pull in found.files:
            say(pull.diff().rstrip("\n"))
    diagnostics = Diagnostics()
    if not dry_run:
        for warning in write_pulls(found, record, int(options.timestamp), diagnostics):
            say(one_line(warning), err=True)
    _refusals(found, write_rejects)
    for diagnostic in diagnostics.sorted():  # (a lock that cannot be read or saved)
        say(str(diagnostic), err=True)
    if not quiet:  # (a dry run's on stderr: its stdout is the patch alone)
        for line in _summary(found, dry_run, anki.shown):
            say(line, err=dry_run)
    failed = bool(found.refused) or bool(result.diagnostics.error_count)
    sys.exit(1 if failed or diagnostics.error_count else 0)


def _refusals(found: PullPlan, leave: bool) -> None:
    for refused in found.refused:
        say(f"{refused.where}: error[pull]: not pulled: {refused.question}: {refused.why}",
            err=True)  # fmt: skip
        say(refused.diff.rstrip("\n"), err=True)
    if leave:
        for path in write_rejects(found):
            say(f"{path}: the edits not pulled, as a diff", err=True)


def _summary(found: PullPlan, dry_run: bool, shown: str) -> list[str]:
    notes = found.pulled
    verb = "Would pull" if dry_run else "Pulled"
    if not notes and not found.refused:
        lines = [f"Nothing to pull: no note of these notes was edited in {shown} since the last "
                 "sync."]  # fmt: skip
    elif not notes:
        lines = ["Nothing pulled."]
    else:
        files = count(len(found.files), "file")
        lines = [f"{verb} {count(len(notes), 'note')} edited in {shown} into {files}."]
        for note in notes[:10]:
            lines.append(f"  {note.where}: {note.question}")
        if len(notes) > 10:
            lines.append(f"  and {len(notes) - 10} more")
    if found.refused:
        lines.append(f"{count(len(found.refused), 'edit')} not pulled (above): exit status 1.")
    if found.extra:
        lines.append(f"{count(found.extra, 'note')} with an Extra field of your own, kept in "
                     "Anki (nothing of the markdown).")  # fmt: skip
    if found.alike:
        verb = "differs" if found.alike == 1 else "differ"
        lines.append(
            f"{count(found.alike, 'note')} {verb} in {shown} only in spacing or the colours "
            "of code: nothing to pull, kept there."
        )
    if found.gone:
        places = ", ".join(found.gone[:3]) + (", ..." if len(found.gone) > 3 else "")
        lines.append(
            f"{count(len(found.gone), 'note')} removed from the notes "
            f"{'was' if len(found.gone) == 1 else 'were'} edited in {shown}: nothing to pull "
            f"into, kept there ({places})."
        )
    if found.unknown:
        verb = "differs" if len(found.unknown) == 1 else "differ"
        lines.append(
            f"{count(len(found.unknown), 'note')} {verb} in {shown}, with no sync record to "
            "tell an edit from an older import: left alone (sync once, then pull)."
        )
    return lines
