"""``ankipress init``: a notes folder's settings file, a .gitignore, and what to do next."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ankipress.atomic import write_bytes
from ankipress.cli.shared import DEFAULT_OUT, components, say
from ankipress.notes.discover import PROJECT_FILE

PREVIEW = Path("preview")  # where `ankipress preview` writes by default

# Every setting, commented out: uncommenting a line (and its block) gives a working file.
SETTINGS = """\
# ankipress settings for the notes in this folder (and its subfolders).
# Every setting is optional: the defaults read notes as they are usually written.
# A file's own YAML front matter (between --- lines at its top) overrides these.
# All settings: docs/settings.md in ankipress's repository.

# Tags on every note (a/b nests, as a::b in Anki); a file's own tags add to these.
# tags: [interview, ml/vision]

# A parent deck for every book of this folder ("A::B" nests decks).
# deck: "Study::Machine learning"

# Heading levels, where the guess is wrong: chapters are ## and questions ### , say.
# chapter_level: 2
# question_level: 3

# Shapes of question recognised (drop one that misreads your notes):
#   h2       <h2> questions
#   details  <details><summary>Question?</summary> answer </details>
#   q        "Q:" lines, and bold lines leading a paragraph
#   term     term lists, numbered questions
#   topic    headings (and a section's own text) as cards of their own
# shapes: [h2, details, q, term, topic]

# Headings whose sections are not notes to study (back matter like References is
# skipped without it).
# skip_sections: [About me, Reading list]

# Files that are not UTF-8 (the guess is usually right; this makes it sure).
# encoding: gb18030

# Your own card templates (ankipress templates init card-templates), in this folder.
# templates: card-templates

# Settings for files you cannot or will not edit: a path or glob (* also crosses
# folders), then any of the settings above that a file's front matter may hold.
# files:
#   "interview/*.md":
#     deck: Interview
#   "2024-notes.md":
#     title: Linear algebra
#   "journal/*":
#     exclude: true
"""

GITIGNORE = f"""\
# ankipress: built decks and previews (rebuilt from the notes; commit ankipress.lock)
/{DEFAULT_OUT.as_posix()}/
/{PREVIEW.as_posix()}/
"""


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("content"))
@click.option("--force", is_flag=True, help=f"Overwrite the folder's {PROJECT_FILE}.")
def init_command(folder: Path, force: bool) -> None:
    """Start a notes folder: FOLDER/ankipress.yaml with every setting explained (commented
    out), and a .gitignore here for the decks and previews that builds write.

    FOLDER (default: content) is made if it is not there; notes already in it are left as
    they are. A .gitignore here gets the lines it lacks, and nothing else changes in it.
    """
    settings = folder / PROJECT_FILE
    ignore = Path(".gitignore")
    for path in (*components(folder), settings, ignore):
        if path.is_symlink():  # a repository's link would take the file elsewhere
            raise click.UsageError(f"{path} is a link; nothing written through it")
    if settings.exists() and not (force and settings.is_file()):
        why = "use --force to overwrite it" if settings.is_file() else "it is not a file"
        raise click.UsageError(f"{settings} exists; {why}")
    ignored = _ignored(ignore)  # (read first: a bad one leaves nothing written)
    folder.mkdir(parents=True, exist_ok=True)
    write_bytes(settings, SETTINGS.encode())
    say(f"Wrote {settings.as_posix()}")
    if ignored is not None:
        write_bytes(ignore, ignored)
        say("Wrote .gitignore (decks/ and preview/ are built; the notes and the lock are not)")
    notes = shlex.quote(folder.as_posix())
    say("")
    say("Next:")
    say(f"  1. Put your markdown notes in {folder.as_posix()}/ (a heading or bold line that")
    say("     asks, then its answer; any editor: Obsidian, Typora, VS Code...).")
    say(f"  2. ankipress preview {notes}   # every card in a browser: preview/index.html")
    say(f"  3. ankipress build {notes}     # decks/*.apkg to import into Anki (File > Import),")
    say(f"     or: ankipress sync {notes}  # straight into the Anki open on this computer")
    say(f"  Commit {folder.as_posix()}/ with its ankipress.lock: it keeps each card's identity.")


def _ignored(path: Path) -> bytes | None:
    """The .gitignore at ``path`` with the lines it lacks added, in its own line ending;
    None if it lacks none."""
    try:
        existing = path.read_bytes() if path.exists() else b""
        text = existing.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"{path} cannot be read ({exc}); nothing written") from None
    have = {line.strip() for line in text.splitlines()}
    wanted = GITIGNORE.splitlines()
    rules = [line for line in wanted[1:] if line not in have and line.lstrip("/") not in have]
    if not rules:
        return None
    end = "\r\n" if "\r\n" in text else "\n"
    lead = "" if not text or text.endswith(("\n", "\r")) else end
    gap = end if text.strip() else ""
    return (text + lead + gap + end.join([wanted[0], *rules]) + end).encode("utf-8")
