"""Each notes folder owns its notes: a note new to a folder takes its GUID in the folder's
own namespace, and this machine's record of which folder each GUID is from lets no build
or sync of another folder ship, move, retire or delete that note, whatever its lock or
front matter says. Through the real Anki backend, both ways in (the ``target`` fixture)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from anki.collection import Collection

from ankipress.identity.guids import in_namespace, note_guid
from ankipress.identity.lockfile import namespace_in
from tests.ankitools import import_packages, notes, open_collection
from tests.apkgdump import dump_package
from tests.synctools import Target, cards, review, synced

MINE = """\
# Mine

## What is overfitting?

A model that learns the noise of its training data.

## What is a tensor?

An array of any number of axes.
"""
THEIRS = """\
# Theirs

## What is overfitting?

Fitting the sample, not the population.

## What is a gradient?

The slope of the loss.
"""


def _folder(base: Path, name: str, text: str) -> Path:
    folder = base / name
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(text, encoding="utf-8")
    return folder


def _overfitting(col: Collection) -> dict[str, tuple[str, str, int]]:
    """Each note asking 'What is overfitting?': its GUID -> its deck, answer, reviews."""
    found = {}
    for nid in col.find_notes('"Question:What is overfitting?"'):
        note = col.get_note(nid)
        (cid,) = note.card_ids()
        deck = col.decks.name(col.get_card(cid).did)
        reviews = col.db.scalar("select count() from revlog where cid = ?", cid)
        found[note.guid] = (deck, note["Answer"], reviews)
    return found


def test_two_folders_asking_one_question_in_a_readme_keep_two_notes(
    run_cli, tmp_path: Path, target: Target
) -> None:
    mine = _folder(tmp_path / "a", "notes", MINE)
    theirs = _folder(tmp_path / "b", "notes", THEIRS)
    synced(run_cli, mine, target, epoch=1_000_000, out=tmp_path / "a" / "decks")
    with target.anki() as col:
        review(col, "What is overfitting?")
    for step, folder in enumerate((theirs, mine, theirs), start=1):
        synced(run_cli, folder, target, epoch=1_000_000 + step, out=folder.parent / "decks")
    with target.anki() as col:
        found = _overfitting(col)
    assert sorted(found.values()) == [
        ("Mine", "<p>A model that learns the noise of its training data.</p>", 1),
        ("Theirs", "<p>Fitting the sample, not the population.</p>", 0),
    ]


def test_a_forks_lock_retiring_a_folders_notes_leaves_them_alone(
    run_cli, tmp_path: Path, target: Target
) -> None:
    """A stranger's repository whose lock names the user's notes (a fork of the user's
    notes, its questions since replaced) synced with ``--removed delete``: the user's
    notes, cards, history and deck stay as they were."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    synced(run_cli, mine, target, epoch=1_000_000, out=tmp_path / "a" / "decks")
    with target.anki() as col:
        review(col, "What is overfitting?")
        review(col, "What is a tensor?")
        before = {q: cards(col, q) for q in ("What is overfitting?", "What is a tensor?")}
        decks = sorted(col.decks.all_names())
    fork = tmp_path / "b" / "notes"
    shutil.copytree(mine, fork)
    (fork / "README.md").write_text("# Fork\n\n## What is a gradient?\n\nA slope.\n", "utf-8")
    report = run_cli(
        "sync", str(fork), *target.args, "-o", str(tmp_path / "b" / "decks"),
        "--removed", "delete", "--format", "json", epoch=2_000_000,
    )  # fmt: skip
    assert report.exit_code == 0, report.output
    data = json.loads(report.stdout)
    assert data["totals"]["retired"] == 0 and data["totals"]["new"] == 1
    with target.anki() as col:
        after = {q: cards(col, q) for q in ("What is overfitting?", "What is a tensor?")}
        assert after == before and before["What is a tensor?"][0].reviews == 1
        assert set(decks) <= set(col.decks.all_names())
        assert [col.get_note(n)["Question"] for n in col.find_notes("tag:ankipress::removed")] == []
    lock = str(tmp_path / "a" / "notes")
    assert f"holds 2 GUIDs of notes of another notes folder, {lock}" in report.stderr


def test_a_live_lock_entry_of_another_folders_note_ships_no_note(run_cli, tmp_path: Path) -> None:
    """A plain build of a copy of the user's notes (its lock gives their GUIDs) ships no
    note of those GUIDs, so no File > Import overwrites the user's note; each is said, at
    its line, with both folders."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    done = run_cli("build", str(mine), "-o", str(tmp_path / "a" / "decks"), cwd=tmp_path)
    assert done.exit_code == 0, done.output
    copy = tmp_path / "b" / "notes"
    shutil.copytree(mine, copy)
    text = MINE.replace("A model that learns", "Anything but").replace("# Mine", "# Copy")
    (copy / "README.md").write_text(text, "utf-8")
    out = tmp_path / "b" / "decks"
    result = run_cli("build", str(copy), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert list(out.rglob("*.apkg")) == []
    ours = mine.resolve()
    expected = [
        f"b/notes/README.md:{line}: warning[foreign]: {question!r} has the GUID {guid!r} that "
        "b/notes/ankipress.lock gives it, the GUID of a note of another notes folder, "
        f"{ours} (built on this machine first): left out, and that folder's note left as it "
        "is. If that folder is a copy of this one, build that one (or delete it); if these "
        "notes are others now, delete b/notes/ankipress.lock, and they get GUIDs of their own"
        for line, question, guid in (
            (3, "What is overfitting?", _guid(mine, "What is overfitting?")),
            (7, "What is a tensor?", _guid(mine, "What is a tensor?")),
        )
    ]
    assert [line for line in result.stderr.splitlines() if "warning" in line] == expected
    # Its lock deleted, the copy's notes are its own: a namespace of its own, though the
    # one its questions make is the first folder's.
    lock = copy / "ankipress.lock"
    lock.unlink()
    again = run_cli("build", str(copy), "-o", str(out), cwd=tmp_path)
    assert again.exit_code == 0 and "warning" not in again.stderr, again.output
    (package,) = out.rglob("*.apkg")
    made = {n["fields"][0]: n["guid"] for n in dump_package(package)["notes"]}
    namespace = namespace_in(lock.read_bytes())
    assert namespace != namespace_in((mine / "ankipress.lock").read_bytes())
    assert made == {
        q: in_namespace(namespace, note_guid("README", q))
        for q in ("What is overfitting?", "What is a tensor?")
    }


def _guid(folder: Path, question: str) -> str:
    """The GUID ``folder``'s lock gives ``question``."""
    for line in (folder / "ankipress.lock").read_text("utf-8").splitlines()[1:]:
        entry = json.loads(line)
        if entry["text"] == question:
            return entry["guid"]
    raise AssertionError(question)


def test_front_matter_naming_another_folders_book_takes_no_note_of_it(
    run_cli, tmp_path: Path
) -> None:
    """Front matter ``id:`` naming the user's book, asking the user's question: the note is
    the stranger folder's own (its namespace), not the user's."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    run_cli("build", str(mine), "-o", str(tmp_path / "a" / "decks"), cwd=tmp_path)
    strange = _folder(tmp_path / "b", "notes", "---\nid: README\n---\n" + THEIRS)
    out = tmp_path / "b" / "decks"
    result = run_cli("build", str(strange), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output
    col = open_collection(tmp_path / "anki")
    import_packages(col, sorted((tmp_path / "a" / "decks").rglob("*.apkg")))
    import_packages(col, sorted(out.rglob("*.apkg")))
    held = {(n.fields["Question"], n.deck) for n in notes(col)}
    col.close()
    assert held == {
        ("What is overfitting?", "Mine"),
        ("What is a tensor?", "Mine"),
        ("What is overfitting?", "Theirs"),
        ("What is a gradient?", "Theirs"),
    }


def test_a_folder_moved_keeps_its_notes(run_cli, tmp_path: Path) -> None:
    """A folder moved (or deleted) gives its GUIDs up: the same notes built from where they
    are now are not another folder's."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    run_cli("build", str(mine), "-o", str(tmp_path / "decks"), cwd=tmp_path)
    first = {p.name: dump_package(p)["notes"] for p in (tmp_path / "decks").rglob("*.apkg")}
    moved = tmp_path / "c" / "notes"
    moved.parent.mkdir()
    mine.rename(moved)
    result = run_cli("build", str(moved), "-o", str(tmp_path / "decks"), cwd=tmp_path)
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output
    again = {p.name: dump_package(p)["notes"] for p in (tmp_path / "decks").rglob("*.apkg")}
    guids = [[n["guid"] for n in v] for v in again.values()]
    assert guids == [[n["guid"] for n in v] for v in first.values()] and guids != [[]]


def test_a_lock_written_before_namespaces_keeps_its_guids(run_cli, write_tree, tmp_path) -> None:
    """A lock with no namespace: its notes keep the GUIDs it gives them (their questions'
    own); the build gives it a namespace, which a note new since takes its GUID in."""
    content = write_tree({"vision.md": "## What is a patch?\n\nPixels.\n"})
    old = note_guid("vision", "What is a patch?")
    entry = {
        "guid": old, "book": "vision", "question": "what is a patch", "text": "What is a patch?",
        "at": "vision.md:1", "deck": "000000000000", "hash": "0" * 16, "answer": "0" * 16,
        "changed": 1,
    }  # fmt: skip
    header = {"ankipress_lock": 2, "note_type": {"hash": "", "changed": 0}}
    lock = content / "ankipress.lock"
    lock.write_text(f"{json.dumps(header)}\n{json.dumps(entry)}\n", "utf-8")
    (content / "vision.md").write_text(
        "## What is a patch?\n\nPixels.\n\n## What is a token?\n\nA unit.\n", "utf-8"
    )
    result = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    namespace = namespace_in(lock.read_bytes())
    (package,) = (tmp_path / "out").rglob("*.apkg")
    guids = {n["fields"][0]: n["guid"] for n in dump_package(package)["notes"]}
    assert guids == {
        "What is a patch?": old,
        "What is a token?": in_namespace(namespace, note_guid("vision", "What is a token?")),
    }
    assert len(namespace) == 32


def test_a_lock_with_a_bad_namespace_is_an_error(run_cli, write_tree, tmp_path) -> None:
    content = write_tree({"vision.md": "## What is a patch?\n\nPixels.\n"})
    header = {"ankipress_lock": 2, "namespace": "../x", "note_type": {"hash": "", "changed": 0}}
    (content / "ankipress.lock").write_text(json.dumps(header) + "\n", "utf-8")
    result = run_cli("build", str(content), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "content/ankipress.lock:1: error[lock]: unreadable lock, so nothing is built from its "
        "folder: its namespace is not 32 hexadecimal digits"
    )


def test_two_folders_of_the_same_questions_take_two_namespaces(run_cli, tmp_path: Path) -> None:
    """Two folders that ask all the same questions (a file each, of one name) make the same
    namespace of them: the second to be built on this machine makes one of its own."""
    first = _folder(tmp_path / "a", "notes", "## What is overfitting?\n\nNoise learnt.\n")
    second = _folder(tmp_path / "b", "notes", "## What is overfitting?\n\nToo close a fit.\n")
    for folder in (first, second, first, second):
        done = run_cli("build", str(folder), "-o", str(folder.parent / "decks"), cwd=tmp_path)
        assert done.exit_code == 0 and "warning" not in done.stderr, done.output
    col = open_collection(tmp_path / "anki")
    for folder in (first, second):
        import_packages(col, sorted((folder.parent / "decks").rglob("*.apkg")))
    answers = sorted(n.fields["Answer"] for n in notes(col))
    col.close()
    assert answers == ["<p>Noise learnt.</p>", "<p>Too close a fit.</p>"]


def test_the_record_forgets_a_folder_that_is_gone(run_cli, tmp_path: Path) -> None:
    gone = _folder(tmp_path / "a", "notes", MINE)
    kept = _folder(tmp_path / "b", "notes", THEIRS)
    for folder in (gone, kept):
        run_cli("build", str(folder), "-o", str(folder.parent / "decks"), cwd=tmp_path)
    record = tmp_path / "state" / "ankipress" / "owners.json"
    assert set(json.loads(record.read_text("utf-8"))["folders"]) == {str(gone), str(kept)}
    shutil.rmtree(gone)
    (kept / "README.md").write_text(THEIRS + "\n## What is a loss?\n\nA number.\n", "utf-8")
    run_cli("build", str(kept), "-o", str(kept.parent / "decks"), cwd=tmp_path)
    assert set(json.loads(record.read_text("utf-8"))["folders"]) == {str(kept)}


def test_a_lock_copying_another_folders_fingerprints_under_guids_of_its_own(
    run_cli, tmp_path: Path, target: Target
) -> None:
    """Fifth round: through AnkiConnect, which tells no GUID, a note is recognised by the
    fields and tags the lock says ankipress wrote into it. A stranger's lock with the
    user's lines under GUIDs of its own, synced with --removed delete, deleted the user's
    notes. The record knows those notes as the user's: no fingerprint takes them."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    synced(run_cli, mine, target, epoch=1_000_000, out=tmp_path / "a" / "decks")
    with target.anki() as col:
        review(col, "What is overfitting?")
        before = {q: cards(col, q) for q in ("What is overfitting?", "What is a tensor?")}
    report = _forged_and_synced(run_cli, tmp_path, target, mine, "EVILGUID0")
    assert json.loads(report.stdout)["totals"].get("retired", 0) == 0
    with target.anki() as col:
        assert {q: cards(col, q) for q in before} == before
        assert col.find_notes("tag:ankipress::removed") == []


def test_a_strangers_templates_never_restyle_another_folders_cards(
    run_cli, tmp_path: Path, target: Target
) -> None:
    """Fifth round: a stranger's folder with templates of its own on the note type
    'ankipress' restyled the user's cards ('NOT ' before every answer, a pixel loaded at
    each review). The first folder built here owns the note type's looks: another folder
    with other looks is an error, and nothing is built from it; one with the same looks
    (the defaults) builds."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    synced(run_cli, mine, target, epoch=1_000_000, out=tmp_path / "a" / "decks")
    with target.anki() as col:
        css = col.models.by_name("ankipress")["css"]
    strange = _folder(tmp_path / "b", "notes", THEIRS)
    run_cli("templates", "init", str(strange / "tpl"), cwd=tmp_path)
    (strange / "ankipress.yaml").write_text("templates: tpl\n", "utf-8")
    with (strange / "tpl" / "style.css").open("a", encoding="utf-8") as f:
        f.write('\n.answer p:first-child::before { content: "NOT "; }\n')
    result = run_cli(
        "sync", str(strange), *target.args, "-o", str(tmp_path / "b" / "decks"), epoch=2_000_000
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == (
        "b/notes/ankipress.yaml: error[templates]: the note type 'ankipress' has other templates "
        "or CSS "
        f"here than {mine.resolve()} builds it with (built on this machine first): its cards "
        "would take these looks; give these notes a note type of their own ('note_type:' in "
        "ankipress.yaml), or the same templates"
    )
    with target.anki() as col:
        assert col.models.by_name("ankipress")["css"] == css
    (strange / "ankipress.yaml").write_text("templates: tpl\nnote_type: theirs\n", "utf-8")
    done = synced(run_cli, strange, target, epoch=3_000_000, out=tmp_path / "b" / "decks")
    assert done["totals"]["new"] == 2
    with target.anki() as col:
        assert col.models.by_name("ankipress")["css"] == css
        assert "NOT " in col.models.by_name("theirs")["css"]


def test_a_file_in_a_subfolder_naming_another_files_book_is_refused(
    run_cli, tmp_path: Path
) -> None:
    """Fifth round: a stranger's file unpacked into a subfolder of the user's notes, its
    front matter ``id:`` naming the user's book, built alone (the subfolder given): it took
    that book's note. Its lock records the key for the user's file: the same error a build
    of the whole folder gives."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    run_cli("build", str(mine), "-o", str(tmp_path / "decks"), cwd=tmp_path)
    (mine / "stranger").mkdir()
    evil = "---\nid: README\n---\n## What is overfitting?\n\nEVIL.\n"
    (mine / "stranger" / "evil.md").write_text(evil, "utf-8")
    result = run_cli("build", str(mine / "stranger"), "-o", str(tmp_path / "decks"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "a/notes/stranger/evil.md:1: error[duplicate-book]: book id 'README' is already used by "
        "README.md "
        "(its lock says so; not read in this build); give one of them its own 'id:' (front "
        "matter, or files: in ankipress.yaml)"
    )
    assert [p for p in (tmp_path / "decks").rglob("*.apkg") if "stranger" in str(p)] == []


def _forged_and_synced(run_cli, tmp_path: Path, target: Target, mine: Path, prefix: str):
    """A stranger's folder whose lock holds every line of ``mine``'s under GUIDs of its own
    (``prefix`` and a digit), retired, synced with --removed delete: its report."""
    strange = _folder(tmp_path / "b", "notes", "# Chem\n\n## What is an atom?\n\nSmall.\n")
    run_cli("build", str(strange), "-o", str(tmp_path / "b" / "decks"), cwd=tmp_path)
    lock = strange / "ankipress.lock"
    theirs = (mine / "ankipress.lock").read_text("utf-8").splitlines()[1:]
    forged = [
        json.dumps({**json.loads(line), "guid": f"{prefix}{n}", "removed": 5})
        for n, line in enumerate(theirs)
    ]
    lock.write_text(lock.read_text("utf-8") + "\n".join(forged) + "\n", "utf-8")
    report = run_cli(
        "sync", str(strange), *target.args, "-o", str(tmp_path / "b" / "decks"),
        "--removed", "delete", "--format", "json", epoch=2_000_000,
    )  # fmt: skip
    assert report.exit_code == 0, report.output
    return report


def test_fingerprints_another_folders_lock_holds_recognise_nothing_without_a_record(
    run_cli, tmp_path: Path, target: Target
) -> None:
    """Sixth round: the user synced with --collection, then a stranger's folder through
    AnkiConnect into the same collection: no record of that Anki, so the forged lock's
    fingerprints (the user's, under GUIDs of its own) took the user's notes, and deleted
    them. What another folder's lock holds recognises no note of this build's."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    synced(run_cli, mine, target, epoch=1_000_000, out=tmp_path / "a" / "decks")
    with target.anki() as col:
        review(col, "What is overfitting?")
        before = {q: cards(col, q) for q in ("What is overfitting?", "What is a tensor?")}
    shutil.rmtree(tmp_path / "state" / "ankipress" / "anki")  # no record of this Anki
    report = _forged_and_synced(run_cli, tmp_path, target, mine, "AAAAAAAAA")
    assert json.loads(report.stdout)["totals"]["retired"] == 0
    with target.anki() as col:
        assert {q: cards(col, q) for q in before} == before


def test_a_guid_a_stranger_computed_for_a_question_yet_to_come_is_not_theirs(
    run_cli, tmp_path: Path
) -> None:
    """Sixth round: a stranger's lock named the GUID the user's folder would give a question
    it did not have yet (its namespace is public), and the first build here took it: the
    user's note, when it came, was left out of every build. A folder owns only the notes it
    ships alive, and a copy of another folder's namespace owns nothing."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    run_cli("build", str(mine), "-o", str(tmp_path / "a" / "decks"), cwd=tmp_path)
    header = (mine / "ankipress.lock").read_text("utf-8").splitlines()[0]
    namespace = namespace_in(header.encode())
    future = in_namespace(namespace, note_guid("README", "What is a gradient?"))
    entry = json.loads((mine / "ankipress.lock").read_text("utf-8").splitlines()[1])
    for name, first in (("b", header), ("c", None)):  # the user's namespace; one of its own
        strange = _folder(tmp_path / name, "notes", "# Chem\n\n## What is an atom?\n\nSmall.\n")
        run_cli("build", str(strange), "-o", str(tmp_path / name / "decks"), cwd=tmp_path)
        lock = strange / "ankipress.lock"
        lines = lock.read_text("utf-8").splitlines()
        squat = {**entry, "guid": future, "question": "what is a gradient", "removed": 5}
        lines = [first or lines[0], *lines[1:], json.dumps(squat)]
        lock.write_text("\n".join(lines) + "\n", "utf-8")
        done = run_cli("build", str(strange), "-o", str(tmp_path / name / "decks"), cwd=tmp_path)
        assert done.exit_code == 0, done.output
    (mine / "README.md").write_text(MINE + "\n## What is a gradient?\n\nA slope.\n", "utf-8")
    result = run_cli("build", str(mine), "-o", str(tmp_path / "a" / "decks"), cwd=tmp_path)
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output
    (package,) = (tmp_path / "a" / "decks").rglob("*.apkg")
    assert future in [n["guid"] for n in dump_package(package)["notes"]]


def test_a_note_type_named_with_a_control_character_is_an_error(run_cli, tmp_path: Path) -> None:
    """Sixth round: ``note_type: "\\u0000"`` was taken as a name Anki would show."""
    folder = _folder(tmp_path / "a", "notes", MINE)
    (folder / "ankipress.yaml").write_text('note_type: "a\\u0000b"\n', "utf-8")
    result = run_cli("build", str(folder), "-o", str(tmp_path / "decks"), cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "a/notes/ankipress.yaml:1: error[config]: setting 'note_type' must be a name of at most "
        "100 "
        "characters, without control characters"
    )


def test_a_folder_dropped_from_the_build_retires_nothing(
    run_cli, tmp_path: Path, target: Target
) -> None:
    """Review: a copy of the user's folder retiring their notes, dropped from the build by
    an error (other templates), was never checked for whose notes its lock retires; synced
    beside a folder that builds, with --removed delete, it deleted them."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    synced(run_cli, mine, target, epoch=1_000_000, out=tmp_path / "a" / "decks")
    with target.anki() as col:
        review(col, "What is a tensor?")
        before = {q: cards(col, q) for q in ("What is overfitting?", "What is a tensor?")}
    fork = tmp_path / "b" / "fork"
    shutil.copytree(mine, fork)
    lines = (fork / "ankipress.lock").read_text("utf-8").splitlines()
    retired = [json.dumps({**json.loads(x), "removed": 5}) for x in lines[1:]]
    (fork / "ankipress.lock").write_text("\n".join([lines[0], *retired]) + "\n", "utf-8")
    run_cli("templates", "init", str(fork / "tpl"), cwd=tmp_path)
    (fork / "ankipress.yaml").write_text("templates: tpl\n", "utf-8")
    with (fork / "tpl" / "style.css").open("a", encoding="utf-8") as f:
        f.write("\n.card { color: red; }\n")
    other = _folder(tmp_path / "b", "other", "# Chem\n\n## What is an atom?\n\nSmall.\n")
    result = run_cli(
        "sync", str(fork), str(other), *target.args, "-o", str(tmp_path / "b" / "decks"),
        "--removed", "delete", "--format", "json", epoch=2_000_000,
    )  # fmt: skip
    assert result.exit_code == 1 and "error[templates]: the note type 'ankipress'" in result.stderr
    assert json.loads(result.stdout)["totals"]["retired"] == 0
    with target.anki() as col:
        assert {q: cards(col, q) for q in before} == before


def test_a_folder_that_leaves_a_note_type_gives_up_its_looks(run_cli, tmp_path: Path) -> None:
    """Review: a folder that went over to a note type of its own still held the looks of
    the one it left, so the user's other folder, on the defaults, stayed an error."""
    styled = _folder(tmp_path / "a", "notes", MINE)
    run_cli("templates", "init", str(styled / "tpl"), cwd=tmp_path)
    (styled / "ankipress.yaml").write_text("templates: tpl\n", "utf-8")
    with (styled / "tpl" / "style.css").open("a", encoding="utf-8") as f:
        f.write("\n.card { color: red; }\n")
    plain = _folder(tmp_path / "b", "notes", THEIRS)
    run_cli("build", str(styled), "-o", str(tmp_path / "a" / "decks"), cwd=tmp_path)
    refused = run_cli("build", str(plain), "-o", str(tmp_path / "b" / "decks"), cwd=tmp_path)
    assert refused.exit_code == 1 and "other templates or CSS" in refused.stderr
    (styled / "ankipress.yaml").write_text("templates: tpl\nnote_type: mine\n", "utf-8")
    run_cli("build", str(styled), "-o", str(tmp_path / "a" / "decks"), cwd=tmp_path)
    done = run_cli("build", str(plain), "-o", str(tmp_path / "b" / "decks"), cwd=tmp_path)
    assert done.exit_code == 0 and "error" not in done.stderr, done.output


def test_a_lock_lost_gets_its_namespace_back_on_this_machine(run_cli, tmp_path: Path) -> None:
    """Review: a lock lost (a merge gone wrong, deleted) made a namespace of the notes as
    they are now, so every GUID changed. This machine's record gives it back."""
    mine = _folder(tmp_path / "a", "notes", MINE)
    run_cli("build", str(mine), "-o", str(tmp_path / "decks"), cwd=tmp_path)
    first = {p.name: dump_package(p)["notes"] for p in (tmp_path / "decks").rglob("*.apkg")}
    (mine / "ankipress.lock").unlink()
    (mine / "README.md").write_text(MINE + "\n## What is a loss?\n\nA number.\n", "utf-8")
    result = run_cli("build", str(mine), "-o", str(tmp_path / "decks"), cwd=tmp_path)
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output
    again = {p.name: dump_package(p)["notes"] for p in (tmp_path / "decks").rglob("*.apkg")}
    before = {n["fields"][0]: n["guid"] for notes in first.values() for n in notes}
    after = {n["fields"][0]: n["guid"] for notes in again.values() for n in notes}
    assert {q: after[q] for q in before} == before


def test_a_second_clone_builds_the_notes_it_has_as_the_first_has_them(
    run_cli, tmp_path: Path
) -> None:
    """A second clone of one's notes on the same machine: a note it has as the first folder
    has it (fields, tags and deck) changes nothing there, and ships; one it has otherwise
    is left out, said at its line."""
    first = _folder(tmp_path / "a", "notes", MINE)
    run_cli("build", str(first), "-o", str(tmp_path / "a" / "decks"), cwd=tmp_path)
    clone = tmp_path / "b" / "notes"
    shutil.copytree(first, clone)
    done = run_cli("build", str(clone), "-o", str(tmp_path / "b" / "decks"), cwd=tmp_path)
    assert done.exit_code == 0 and done.stderr == "", done.output
    (package,) = (tmp_path / "b" / "decks").rglob("*.apkg")
    assert len(dump_package(package)["notes"]) == 2
    text = MINE.replace("An array of any number of axes.", "An array.")
    (clone / "README.md").write_text(text, "utf-8")
    done = run_cli("build", str(clone), "-o", str(tmp_path / "b" / "decks"), cwd=tmp_path)
    assert [line.split(": warning[")[0] for line in done.stderr.splitlines()] == [
        "b/notes/README.md:7"
    ]
    (package,) = (tmp_path / "b" / "decks").rglob("*.apkg")
    assert [n["fields"][0] for n in dump_package(package)["notes"]] == ["What is overfitting?"]
