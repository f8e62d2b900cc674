"""What the commands share: the options naming the sources, and running the pipeline."""

from __future__ import annotations

import inspect
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from traceback import format_exc
from typing import Any, TextIO, TypeVar

import click

from ankipress.assemble.outcome import Progress
from ankipress.assemble.pipeline import BuildOptions, BuildResult
from ankipress.assemble.pipeline import build as run_build
from ankipress.cli.summary import count
from ankipress.diagnostics import Diagnostic, Diagnostics, Severity
from ankipress.folders import walk
from ankipress.identity.lockcheck import MAX_TIME
from ankipress.limits import DEFAULT_LIMITS, Limits, parse_size, shown_size

DEFAULT_CONTENT = Path("content")
DEFAULT_OUT = Path("decks")
F = TypeVar("F", bound=Callable[..., Any])
_LIMITS = "ankipress.limits"  # where --note-limit and --image-limit are kept (Context.meta)
PROG = "%(prog)s"  # in a help text: the program as the user ran it


def chosen_out(out: Path) -> Path:
    """The output folder, unless it is the default and a symlink: a repository that commits
    ``decks`` (or ``preview``) as a link would choose where the build writes (exit 1)."""
    source = click.get_current_context().get_parameter_source("out")
    if source == click.core.ParameterSource.DEFAULT and out.is_symlink():
        message = (
            f"the default output folder is a symlink (to {os.readlink(out)}); "
            "nothing written through it: give -o to write there"
        )
        say(str(Diagnostic(str(out), 0, Severity.ERROR, message, "outside")), err=True)
        sys.exit(1)
    return out


class NamesProgram(click.Command):
    """A command whose help text may say %(prog)s: ``ankipress``, or ``build_deck.py`` when
    run as ``python build_deck.py``."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = inspect.cleandoc(self.help or "").partition("\f")[0]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text.replace(PROG, ctx.find_root().info_name or "ankipress"))


def say(text: str = "", err: bool = False) -> None:
    """``click.echo``; when the reader has gone (``| head -1``), the rest of that stream's
    output goes to /dev/null, quietly, and the command carries on to its own exit status."""
    try:
        click.echo(text, err=err)
    except BrokenPipeError:
        _silence(sys.stderr if err else sys.stdout)


def _silence(stream: TextIO) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())  # what is still buffered is flushed there at exit
    finally:
        os.close(devnull)


def tally(diagnostics: Diagnostics) -> str:
    """``1 warning, 2 errors``."""
    return (
        f"{count(diagnostics.warning_count, 'warning')}, {count(diagnostics.error_count, 'error')}"
    )


def source_options(command: F) -> F:
    """PATHS, --media-root, --templates and the size limits: what a command reads."""
    for option in reversed(
        [
            click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path)),
            click.option(
                "--media-root",
                "media_roots",
                multiple=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path),
                help="A folder outside the content root that images may also come from "
                "(repeatable).",
            ),
            click.option(
                "--templates",
                type=click.Path(exists=True, file_okay=False, path_type=Path),
                default=None,
                help="Folder of the card templates (front.html, back.html, style.css); "
                "default: 'templates' in ankipress.yaml, else the built-in ones.",
            ),
            _limit_option("note", "A note file larger than SIZE is an error, and not built"),
            _limit_option("image", "An image larger than SIZE is not packaged, with a warning"),
        ]
    ):
        command = option(command)
    return command


def options_for(
    paths: tuple[Path, ...],
    out: Path,
    media_roots: tuple[Path, ...],
    templates: Path | None,
    **extra: Any,
) -> BuildOptions:
    if not paths:
        if not DEFAULT_CONTENT.is_dir():
            raise click.UsageError(f"no PATH given and no content/ folder here{_nearby()}")
        paths = (DEFAULT_CONTENT,)
    context = click.get_current_context(silent=True)
    limits = Limits(**context.meta.get(_LIMITS, {})) if context is not None else DEFAULT_LIMITS
    return BuildOptions(
        paths, out, timestamp(), templates, media_roots=media_roots, limits=limits, **extra
    )


def _nearby() -> str:
    """A hint naming the notes folders just below this one (holding settings or a lock)."""
    try:
        found = sorted(
            entry.name
            for entry in Path.cwd().iterdir()
            if entry.is_dir()
            and not entry.is_symlink()
            and any((entry / name).is_file() for name in ("ankipress.yaml", "ankipress.lock"))
        )
    except OSError:
        return ""
    shown = " ".join(found[:3])
    return f"; notes folders here: {shown} (give one: ankipress build {found[0]})" if found else ""


def _limit_option(kind: str, text: str) -> Callable[[F], F]:
    """``--<kind>-limit SIZE``, kept aside for ``options_for`` (no command takes it)."""

    def keep(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
        if value is not None:
            try:
                ctx.meta.setdefault(_LIMITS, {})[kind] = parse_size(value)
            except ValueError as exc:
                raise click.BadParameter(str(exc)) from None

    default = shown_size(getattr(DEFAULT_LIMITS, kind)).replace(" ", "")
    return click.option(
        f"--{kind}-limit",
        metavar="SIZE",
        expose_value=False,
        callback=keep,
        help=f"{text} (default: {default}; e.g. 50MB, 1GB).",
    )


def timestamp() -> float:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return time.time()
    try:
        seconds = int(value)
    except ValueError:
        seconds = -1
    if not 0 <= seconds <= MAX_TIME:  # a note's id is its time in ms: a signed 64-bit number
        raise click.UsageError(
            f"SOURCE_DATE_EPOCH must be whole seconds from 0 to {MAX_TIME}, not {value!r}"
        )
    return float(seconds)


def run(options: BuildOptions, quiet: bool = False, verbose: bool = False) -> BuildResult:
    """The pipeline; a bug outside any one file's stages is one line (exit 1), its
    traceback only with --verbose."""
    try:
        result = run_build(options, progress=progress_bars(quiet))
    except Exception as exc:
        if verbose:
            say(format_exc(), err=True)
        say(f"error: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    if result.no_notes:
        print_diagnostics(result)
        say(f"error: {nothing_to_read(options.paths)}", err=True)
        sys.exit(2)
    if verbose:
        for read in result.read:
            chapters = count(read.chapters, "chapter")
            say(
                f"{read.path}: {read.encoding}, {chapters}, {count(read.questions, 'question')}",
                err=True,
            )
        for text in result.tracebacks:
            say(text, err=True)
    return result


def nothing_to_read(paths: Iterable[Path], shown: int = 5) -> str:
    """Why a build read nothing: no markdown file under ``paths``, and what was there."""
    skipped: list[str] = []
    for given in paths:
        if not given.is_dir():
            skipped.append(str(given))
        else:
            for folder, dirs, files in walk(given):
                dirs[:] = [name for name in dirs if not name.startswith(".")]
                skipped.extend(str(Path(folder, name)) for name in files)
    where = ", ".join(str(path) for path in paths)
    message = f"no markdown notes (*.md, *.markdown) in {where}"
    if not skipped:
        return f"{message}: it is empty"
    more = f" and {len(skipped) - shown} more" if len(skipped) > shown else ""
    return f"{message}; not read: {', '.join(skipped[:shown])}{more}"


def print_diagnostics(result: BuildResult, errors_only: bool = False) -> None:
    """Every diagnostic on stderr: the errors first (what stopped a file, or the build,
    is never lost under a page of warnings), then the warnings; each in file and line
    order."""
    found = result.diagnostics.sorted()
    errors = [d for d in found if d.severity is Severity.ERROR]
    warnings = [] if errors_only else [d for d in found if d.severity is not Severity.ERROR]
    for diagnostic in errors + warnings:
        say(str(diagnostic), err=True)


def progress_bars(quiet: bool) -> Progress:
    """A progress bar on stderr for a stage of 20 items or more, when it is a terminal."""

    def show(items: list[Any], label: str) -> Iterable[Any]:
        if quiet or not sys.stderr.isatty() or len(items) < 20:
            yield from items
            return
        with click.progressbar(
            items, label=label, file=sys.stderr, item_show_func=_item_name
        ) as bar:
            yield from bar

    return show


def _item_name(item: Any) -> str:
    return "" if item is None else str(getattr(item, "display", getattr(item, "name", "")))


def components(folder: Path) -> list[Path]:
    """The folders a path names below the working folder, from the first to itself (above
    it, the system's own links are not the notes'; a path outside it: itself only)."""
    here = Path.cwd()
    if folder.is_absolute():
        if not folder.is_relative_to(here):
            return [folder]
        folder = folder.relative_to(here)
    parts = folder.parts
    return [here / Path(*parts[: i + 1]) for i in range(len(parts))]
