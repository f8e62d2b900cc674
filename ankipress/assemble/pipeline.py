"""The pipeline: discover -> parse -> check -> render -> package -> write."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ankipress.assemble.filecache import FileCache
from ankipress.assemble.filestage import FileOutcome, process_file
from ankipress.assemble.lockmemo import LockStates, Remembered
from ankipress.assemble.lockreuse import relock
from ankipress.assemble.outcome import (
    BuildOptions,
    BuildResult,
    Progress,
    plain,
)
from ankipress.assemble.outfolder import (
    cache_there,
    forget_cache,
    refuse_foreign_packages,
    refuse_output_folder,
)
from ankipress.assemble.outputs import (
    settle_outputs,
    warn_shared_deck_names,
    warn_shared_full_names,
)
from ankipress.assemble.packageindex import Derived
from ankipress.assemble.reading import read_all
from ankipress.assemble.settle import Made, MemoParts
from ankipress.assemble.settle import made as _made
from ankipress.assemble.writing import write_all
from ankipress.cards.notetype import DEFAULT_TEMPLATES, NOTE_TYPE_NAME, Templates
from ankipress.cards.templates import load_templates
from ankipress.diagnostics import display_path
from ankipress.identity.apply_lock import Locked, apply_locks, save_lock
from ankipress.identity.lockfile import Lock, lock_path
from ankipress.identity.owners import (
    Owners,
    owners_held,
    owners_path,
    read_owners,
    refuse_claims,
    save_owners,
)
from ankipress.identity.repeats import (
    reject_keys_held_elsewhere,
    reject_shared_keys,
    reject_shared_outputs,
    roots_sharing_guids,
)
from ankipress.identity.retire import REMOVED_TAG, forgotten
from ankipress.notes.config import Settings, load_project_settings, settings_path
from ankipress.notes.discover import discover, partial_roots
from ankipress.records import Deck, SourceFile


def build(options: BuildOptions, progress: Progress = plain) -> BuildResult:
    """Read and check every file first; write decks only once all of them are rendered."""
    with _without_cycle_collection():
        return _build(options, progress)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """A build makes millions of objects and next to no reference cycles: the collector's
    passes over them cost a tenth of a cold build and find nothing. (Memory is freed as
    before, by reference counting.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(options: BuildOptions, progress: Progress) -> BuildResult:
    result = BuildResult()
    sources = discover(options.paths, diagnostics=result.diagnostics)
    result.files, result.sources = len(sources), sources
    if not sources and not any(lock_path(_folder(path)).is_file() for path in options.paths):
        result.no_notes = True  # a wrong path: nothing is read, so nothing written or pruned
        return result  # (a notes folder whose lock is left, its notes all deleted, retires them)
    result.partial = partial_roots(options.paths, sources)
    if options.write and refuse_output_folder(options, sources, result.diagnostics):
        result.refused = True
        return result  # nothing read, nothing written
    settings = result.settings = _project_settings(sources, result)
    use_cache = options.cache and options.write  # check, plan and preview write nothing
    cache = FileCache(options.out, options.media_roots, options.limits) if use_cache else None
    cache_made = cache is not None and not cache_there(options.out)  # this build makes it
    states = LockStates(options.out) if cache is not None and options.lock else None
    remembered: dict[Path, Remembered] = {}

    def remember(keys: dict[SourceFile, str]) -> None:  # while the files are read
        if states is not None:
            files: dict[Path, dict[str, str]] = {root: {} for root in settings}
            for source, key in keys.items():
                files[source.root][source.rel.as_posix()] = key
            remembered.update(states.take(files))

    outcomes = read_all(
        sources, settings, options, cache, result, progress, remember if states else None
    )
    for outcome in outcomes:
        result.diagnostics.extend(outcome.diagnostics)
        result.unanswered += outcome.unanswered
        if outcome.read is not None:
            result.read.append(outcome.read)
        if outcome.coverage is not None:
            result.coverage[outcome.source.display] = outcome.coverage
    kept = reject_shared_keys([o for o in outcomes if o.key], result.diagnostics)
    kept = reject_keys_held_elsewhere(kept, result.partial, result.diagnostics)
    templates = result.note_types = _templates(settings, options, result)
    now = int(options.timestamp)

    def decks_of(outcome: FileOutcome) -> list[Deck]:
        if cache is not None and not cache.fill(outcome):  # its decks are gone: read again
            root_settings = settings[outcome.source.root]
            outcome.decks = process_file(
                outcome.source, root_settings, options.media_roots, limits=options.limits
            ).decks
        return outcome.decks

    owners = read_owners()  # which folder each note is from, on this machine
    if owners.warning:
        result.diagnostics.warning(display_path(owners_path()), 0, owners.warning, "io")
    looks = {  # what a note type looks like: the defaults (of any version), or these
        root: "default" if options.templates is None and not settings[root].templates else t.digest
        for root, t in templates.items()
    }
    for root in _restyling(templates, looks, owners, result):
        del templates[root]
    digests = {root: t.digest for root, t in templates.items()}
    derived = Derived()  # of the decks, where already made
    whole = states is not None and not result.partial  # (the reuse knows whole roots only)
    reused = relock(kept, digests, remembered, decks_of, now, derived, states) if whole else None
    if reused is None:  # the whole lock stage
        parts: dict[Path, MemoParts] = {}  # by root: book -> file, cache key
        for outcome in kept:
            result.decks.extend(decks_of(outcome))
            file = (outcome.source.rel.as_posix(), outcome.cache_key)
            parts.setdefault(outcome.source.root, MemoParts({})).files[outcome.key] = file
        result.decks = reject_shared_outputs(result.decks, result.diagnostics)
        locked = Locked(decks=result.decks)
        if options.lock:
            built = {root: {file for file, _ in p.files.values()} for root, p in parts.items()}
            # what the last build made of each note: a dry run reads it too (writes nothing)
            memory = states or (LockStates(options.out) if options.cache else None)
            recall = memory.recall if memory is not None else lambda _root: forgotten
            locked = apply_locks(
                result.decks,
                built,
                digests,
                now,
                result.diagnostics,
                recall,
                result.partial,
                owners.taken,
                owners.namespace_of,
            )
    else:
        locked, parts = reused
    result.decks, result.changes = locked.decks, locked.changes
    result.restyled = frozenset(locked.restyled)
    dropped = {deck.book.root for deck in result.decks} - set(templates)  # no templates
    dropped |= roots_sharing_guids(result.decks, result.diagnostics)
    result.decks = [d for d in result.decks if d.book.root not in dropped]  # errors said
    held = {root: p.reconciled.lock for root, p in locked.pending.items() if root not in dropped}
    result.locked = frozenset(held)
    guids = {root: [entry.guid for entry in lock.entries] for root, lock in held.items()}
    result.decks, result.foreign = refuse_claims(result.decks, guids, owners, result.diagnostics)
    warn_shared_deck_names(result.decks, result.diagnostics)
    warn_shared_full_names(result.decks, result.diagnostics)
    if not options.combined:  # else one package holds every deck
        result.decks = settle_outputs(result.decks, result.diagnostics)
    if options.write:
        made: dict[Path, Made] = {}

        def make_locks() -> None:  # while the packages are written
            for root, pending in locked.pending.items():
                if root not in dropped:  # a lock records only what a package carries
                    made[root] = _made(pending, parts.get(root, MemoParts({})), derived)

        if refuse_foreign_packages(options, result.decks, result.diagnostics):
            result.decks, result.locked = [], frozenset()  # none written; a sync retires none
            result.refused = True
            if cache_made:
                forget_cache(options.out)
        elif write_all(result, options, templates, locked, derived, progress, make_locks):
            _save_locks(made, states, result)
            _claim(held, result, owners, looks)  # (also where no lock is kept: the looks)
        for root in dropped:
            if states is not None:
                states.forget(root)
    return result


def _restyling(
    templates: dict[Path, Templates], looks: dict[Path, str], owners: Owners, result: BuildResult
) -> list[Path]:
    """The roots whose note type another notes folder built here first with other looks
    (templates, CSS, assets): an import or sync of theirs would restyle that folder's
    cards (a stranger's templates on the user's notes). Each is an error; nothing is
    built from it."""
    found = []
    for root, kind in templates.items():
        other = owners.styled_by(kind.note_type, root, looks[root])
        if other is not None:
            found.append(root)
            message = (
                f"the note type {kind.note_type!r} has other templates or CSS here than "
                f"{other} builds it with (built on this machine first): its cards would "
                "take these looks; give these notes a note type of their own ('note_type:' "
                "in ankipress.yaml), or the same templates"
            )
            where = settings_path(root)  # the file to add 'note_type:' to; else the folder
            shown = display_path(where if where.is_file() else root)
            result.diagnostics.error(shown, 0, message, "templates")
    return found


def _claim(
    held: dict[Path, Lock], result: BuildResult, owners: Owners, looks: dict[Path, str]
) -> None:
    """This machine's record of which folder each note is from, with each root's own, once
    its lock is written: the notes it ships alive (a GUID a lock only names, a stranger
    may have computed for a note another folder is yet to have), but what another folder
    owns; none of a root whose lock has the namespace of another folder (a copy of it).
    ``owners``: the record as the build read it (one that owns them all already is kept)."""
    alive: dict[Path, set[str]] = {root: set() for root in held}
    for deck in result.decks:
        if deck.book.root in alive:
            alive[deck.book.root].update(n.guid for n in deck.notes if REMOVED_TAG not in n.tags)
    wanted = {
        root: set() if owners.taken(lock.namespace, root) else alive[root] - result.foreign
        for root, lock in held.items()
    }
    kinds = {root: (t.note_type, looks[root]) for root, t in result.note_types.items()}
    if all(owners.styles(root, name, d) for root, (name, d) in kinds.items()) and all(
        owners.owns(root, wanted[root], lock.namespace) for root, lock in held.items()
    ):
        return
    with owners_held():  # read again: a build of another folder may have claimed since
        owners = read_owners()
        claimed = [owners.claim(root, wanted[root], lock.namespace) for root, lock in held.items()]
        claimed += [owners.style(root, name, digest) for root, (name, digest) in kinds.items()]
        why = save_owners(owners) if any(claimed) else ""
    if why:
        result.diagnostics.warning(display_path(owners_path()), 0, why, "io")


def _save_locks(made: dict[Path, Made], states: LockStates | None, result: BuildResult) -> None:
    """Each root's lock, once every package is written; and what the next build can take
    from this one's lock stage (only after a build without errors)."""
    for root, lock in made.items():
        saved = lock.data is None or save_lock(root, lock.data, result.diagnostics)
        if states is None:
            continue
        whole = root not in result.partial  # a build of part of a root: not all it knows
        if saved and whole and lock.state is not None and not result.diagnostics.error_count:
            states.save(root, lock.state, lock.books)
        else:
            states.forget(root)


def _templates(
    settings: dict[Path, Settings], options: BuildOptions, result: BuildResult
) -> dict[Path, Templates]:
    """Each content root's card templates: --templates, else its 'templates' setting (a
    folder inside the root), else the defaults. A root whose templates are wrong is not
    written (the errors name file and line)."""
    found: dict[Path, Templates] = {}
    for root, setting in settings.items():
        folder = options.templates or DEFAULT_TEMPLATES
        if options.templates is None and setting.templates:
            folder = (root / setting.templates).resolve()
            if not folder.is_relative_to(root) or not folder.is_dir():
                where = display_path(settings_path(root))
                why = "is not a folder inside the content root"
                result.diagnostics.error(
                    where, 0, f"templates {setting.templates!r} {why}", "config"
                )
                continue
        inside = root if options.templates is None and setting.templates else folder
        kind = setting.note_type or NOTE_TYPE_NAME
        loaded = load_templates(folder, result.diagnostics, kind, inside)
        if loaded is not None:
            found[root] = loaded
    return found


def _folder(path: Path) -> Path:
    return path if path.is_dir() else path.parent


def _project_settings(sources: list[SourceFile], result: BuildResult) -> dict[Path, Settings]:
    """Each content root's settings file; a root whose file is bad builds nothing."""
    found: dict[Path, Settings] = {}
    for root in dict.fromkeys(source.root for source in sources):
        display = display_path(settings_path(root))
        loaded = load_project_settings(root, display, result.diagnostics)
        if loaded is not None:
            found[root] = loaded
            if root not in result.partial:  # a rule for no file is a mistyped path
                files = [source.rel.as_posix() for source in sources if source.root == root]
                for rule in loaded.files:
                    if not any(rule.matches(rel) for rel in files):
                        message = f"files {rule.pattern!r} names no markdown file here"
                        result.diagnostics.warning(display, rule.line, message, "config")
    return found
