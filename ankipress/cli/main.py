"""The command line: parse options, run the pipeline, print diagnostics and a summary."""

from __future__ import annotations

import sys
from difflib import get_close_matches
from pathlib import Path

import click

from ankipress import __version__
from ankipress.assemble.outcome import COMBINED_FILE
from ankipress.atomic import write_bytes
from ankipress.cards.notetype import DEFAULT_TEMPLATES
from ankipress.cards.templates import REQUIRED
from ankipress.cli.init import init_command
from ankipress.cli.outline import outline
from ankipress.cli.pull import pull_command
from ankipress.cli.review import check, plan, preview
from ankipress.cli.shared import (
    DEFAULT_OUT,
    NamesProgram,
    chosen_out,
    components,
    options_for,
    print_diagnostics,
    run,
    say,
    source_options,
)
from ankipress.cli.summary import count, summary_lines
from ankipress.cli.sync import sync_command
from ankipress.diagnostics import one_line


class _BuildByDefault(NamesProgram, click.Group):
    """``build`` is the command when none is named: ``ankipress -q notes/`` builds. A first
    word that is no path but close to a command's name is a mistyped command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((a for a in args if a not in ("-h", "--help", "--version")), None)
        if args and first is not None and first not in self.commands:
            close = get_close_matches(first, sorted(self.commands), n=1)
            if close and not first.startswith("-") and not Path(first).exists():
                raise click.UsageError(
                    f"No such command {first!r}. Did you mean {close[0]!r}?", ctx
                )
            args = ["build", *args]
        return super().parse_args(ctx, args)


@click.group(
    cls=_BuildByDefault,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="ankipress")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Turn markdown study notes into Anki decks (.apkg) that update in place.

    With no command, builds every note under content/ into decks/ (build's options and
    paths work without naming it: %(prog)s -q notes/).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(build)


@main.command()
@source_options
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder the .apkg files go to.",
)
@click.option(
    "--lock/--no-lock",
    default=True,
    help="Keep identities and change times in ankipress.lock at the top of each content folder.",
)
@click.option(
    "--combined",
    is_flag=True,
    help=f"Write every deck into one package, OUT/{COMBINED_FILE} (sub-decks, same GUIDs).",
)
@click.option(
    "--cache/--no-cache",
    default=True,
    help="Reuse unchanged files' cards and packages from OUT/.ankipress-cache.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Also print each file read and internal tracebacks."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) if any line of the notes is on no card, or a card is suspect.",
)
def build(
    paths: tuple[Path, ...],
    media_roots: tuple[Path, ...],
    templates: Path | None,
    out: Path,
    lock: bool,
    combined: bool,
    cache: bool,
    quiet: bool,
    verbose: bool,
    strict: bool,
) -> None:
    """Build one .apkg per chapter from PATHS (markdown files or folders; default content/).

    Folders are walked recursively for *.md and *.markdown. Each deck is written to
    OUT/<file path without extension>/<NN>-<chapter>.apkg, through a temporary file, so a
    failed build leaves the previous decks intact; OUT/manifest.json lists them.

    ankipress.lock, at the top of each content folder, keeps each note's GUID through a
    renamed file or a reworded question, and the time its content last changed: that is
    the note's modification time, so an unchanged note never overwrites a user's edits in
    Anki. A changed note gets SOURCE_DATE_EPOCH, or now. Commit the lock with the notes.

    Notes are data, not code: raw HTML is sanitised (no scripts, frames, forms or event
    handlers), and no file outside the content folder, or a --media-root, is read or
    packaged, whatever a path or symlink says. Files that are not UTF-8 are decoded as
    GB18030, Big5 or Windows-1252 when detected, with a warning ('encoding' in
    ankipress.yaml names one for sure).

    Every line of the notes lands on a card, or a warning says where and why not; the
    summary counts them. Settings for the cases a rule gets wrong go in each file's YAML
    front matter or in ankipress.yaml at the top of the content folder.

    A card that may be read wrongly (a front like 'Answer', an answer holding questions,
    a run of unanswered headings) gets a 'suspect' warning naming the setting that helps;
    'ankipress outline FILE' shows each in place.

    Exit status: 0 built (warnings allowed), 1 some file had errors (or, with --strict,
    some line is on no card or some card is suspect), 2 usage error.
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    out = chosen_out(out)
    options = options_for(
        paths, out, media_roots, templates, lock=lock, combined=combined, cache=cache
    )
    result = run(options, quiet, verbose)
    print_diagnostics(result, errors_only=quiet)
    if result.refused:
        say(f"Nothing written to {out}/ (the errors above say why)")
    elif not quiet:
        for line in summary_lines(result, out):
            say(one_line(line))
    suspect = sum(d.code == "suspect" for d in result.diagnostics.sorted())
    failed = result.diagnostics.error_count or (strict and (result.uncovered_lines or suspect))
    if strict and result.uncovered_lines:
        say(f"error: --strict: {count(result.uncovered_lines, 'line')} on no card", err=True)
    if strict and suspect:
        say(f"error: --strict: {count(suspect, 'suspect card')}", err=True)
    sys.exit(1 if failed else 0)


@main.group()
def templates() -> None:
    """Card templates: copy the defaults to a folder to customise them."""


@templates.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite the files if the folder has them.")
def templates_init(folder: Path, force: bool) -> None:
    """Copy the default templates (front.html, back.html, style.css) to FOLDER.

    Edit the HTML and CSS freely, keep the field names, and build with --templates FOLDER
    (or 'templates: FOLDER' in ankipress.yaml, for a folder inside the content folder).
    Files named _something (fonts, images, CSS) ship with the cards under a
    content-hashed name, so a changed file reaches every user.
    """
    targets = [folder / name for name in REQUIRED]
    linked = next((p for p in [*components(folder), *targets] if p.is_symlink()), None)
    if linked is not None:  # a notes repository's link would take the files elsewhere
        raise click.UsageError(f"{linked} is a link; templates are written into a real folder")
    folder.mkdir(parents=True, exist_ok=True)
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise click.UsageError(f"{existing[0]} exists; use --force to overwrite")
    for target in targets:
        write_bytes(target, (DEFAULT_TEMPLATES / target.name).read_bytes())
    say(f"Wrote {', '.join(t.as_posix() for t in targets)}")


main.add_command(init_command)
main.add_command(check)
main.add_command(plan)
main.add_command(preview)
main.add_command(outline)
main.add_command(sync_command)
main.add_command(pull_command)
