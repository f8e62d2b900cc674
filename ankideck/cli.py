"""The command line: parse options, run the pipeline, print diagnostics and a summary."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from traceback import format_exc

import click

from ankideck import __version__
from ankideck.build import BuildOptions
from ankideck.build import build as run_build
from ankideck.notetype import DEFAULT_TEMPLATES
from ankideck.records import SourceFile
from ankideck.summary import summary_lines

DEFAULT_CONTENT = Path("content")
DEFAULT_OUT = Path("decks")


class _BuildByDefault(click.Group):
    """``build`` is the command when none is named: ``build_deck.py -q notes/`` builds."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = next((a for a in args if a not in ("-h", "--help", "--version")), None)
        if args and first is not None and first not in self.commands:
            args = ["build", *args]
        return super().parse_args(ctx, args)


@click.group(
    cls=_BuildByDefault,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="ankideck")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Turn markdown study notes into Anki decks (.apkg) that update in place.

    With no command, builds every note under content/ into decks/ (build's options and
    paths work without naming it: build_deck.py -q notes/).
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(build)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder the .apkg files go to.",
)
@click.option(
    "--media-root",
    "media_roots",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder outside the content root that images may also come from (repeatable).",
)
@click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_TEMPLATES,
    show_default="templates/",
    help="Folder of the card templates (front.html, back.html, style.css).",
)
@click.option(
    "--lock/--no-lock",
    default=True,
    help="Keep identities and change times in ankideck.lock at the top of each content folder.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option(
    "-v", "--verbose", is_flag=True, help="Also print each file read and internal tracebacks."
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) if any line of the notes is on no card.",
)
def build(
    paths: tuple[Path, ...],
    out: Path,
    media_roots: tuple[Path, ...],
    templates: Path,
    lock: bool,
    quiet: bool,
    verbose: bool,
    strict: bool,
) -> None:
    """Build one .apkg per chapter from PATHS (markdown files or folders; default content/).

    Folders are walked recursively for *.md and *.markdown. Each deck is written to
    OUT/<file path without extension>/<NN>-<chapter>.apkg, through a temporary file, so a
    failed build leaves the previous decks intact. Set SOURCE_DATE_EPOCH to pin the notes'
    modification time.

    Notes are data, not code: raw HTML is sanitised (no scripts, frames, forms or event
    handlers), and no file outside the content folder, or a --media-root, is read or
    packaged, whatever a path or symlink says. Files that are not UTF-8 are decoded as
    GB18030, Big5 or Windows-1252 when detected, with a warning ('encoding' in
    ankideck.yaml names one for sure).

    Every line of the notes lands on a card, or a warning says where and why not; the
    summary counts them. Settings for the cases a rule gets wrong go in each file's YAML
    front matter or in ankideck.yaml at the top of the content folder.

    Exit status: 0 built (warnings allowed), 1 some file had errors (or, with --strict,
    some line is on no card), 2 usage error.
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    if not paths:
        if not DEFAULT_CONTENT.is_dir():
            raise click.UsageError("no PATH given and no content/ folder here")
        paths = (DEFAULT_CONTENT,)
    options = BuildOptions(paths, out, _timestamp(), templates, media_roots=media_roots, lock=lock)
    try:
        result = run_build(options, progress=_progress(quiet))
    except Exception as exc:  # a bug outside any one file's stages: one line, not a traceback
        if verbose:
            click.echo(format_exc(), err=True)
        click.echo(f"error: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    if verbose:
        for read in result.read:
            click.echo(
                f"{read.path}: {read.encoding}, {read.chapters} chapters, "
                f"{read.questions} questions",
                err=True,
            )
        for text in result.tracebacks:
            click.echo(text, err=True)
    for diagnostic in result.diagnostics.sorted():
        if not quiet or diagnostic.severity.value == "error":
            click.echo(str(diagnostic), err=True)
    if not quiet:
        for line in summary_lines(result, out):
            click.echo(line)
    failed = result.diagnostics.error_count or (strict and result.uncovered_lines)
    if strict and result.uncovered_lines:
        lines = result.uncovered_lines
        click.echo(f"error: --strict: {lines} line{'s' * (lines != 1)} on no card", err=True)
    sys.exit(1 if failed else 0)


def _timestamp() -> float:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return time.time()
    try:
        return float(int(value))
    except ValueError:
        raise click.UsageError(f"SOURCE_DATE_EPOCH must be whole seconds, not {value!r}") from None


def _progress(quiet: bool):  # type: ignore[no-untyped-def]
    def wrap(sources: Iterable[SourceFile]) -> Iterable[SourceFile]:
        items = list(sources)
        if quiet or not sys.stderr.isatty() or len(items) < 20:
            yield from items
            return
        with click.progressbar(
            items,
            label="Reading notes",
            file=sys.stderr,
            item_show_func=lambda s: s.display if s else "",
        ) as bar:
            yield from bar

    return wrap
