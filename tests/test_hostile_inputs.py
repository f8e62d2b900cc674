"""Inputs that once gave an internal error (issue 17, case 13): each is now a diagnostic
with its place, and every other file still builds."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from pathlib import Path

import pytest

from tests.ankitools import import_packages, notes, open_collection
from tests.apkgdump import dump_package

GOOD = "## Why?\n\nBecause.\n"

PNG_HEAD = b"\x89PNG\r\n\x1a\n"  # what tells a PNG by its content


def build(run_cli, root: Path, tmp_path: Path, *more: str) -> tuple[int, list[str], list[Path]]:
    result = run_cli("build", str(root), "-o", str(tmp_path / "out"), *more, cwd=tmp_path)
    assert "internal error" not in result.output and "Traceback" not in result.output
    return result.exit_code, result.stderr.splitlines(), packages_in(tmp_path / "out")


def packages_in(folder: Path) -> list[Path]:
    """The .apkg files under ``folder``, found with a stack: rglob recurses a level at a time."""
    found, stack = [], [folder] if folder.is_dir() else []
    while stack:
        for entry in os.scandir(stack.pop()):
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.name.endswith(".apkg"):
                found.append(Path(entry.path))
    return sorted(found)


@pytest.mark.parametrize(
    ("image", "why"),
    [
        ("a%00b.png", "cannot be read (embedded null byte); not packaged"),
        ("loop.png", "cannot be read"),
        ("x" * 300 + ".png", "cannot be read (File name too long); not packaged"),
    ],
)
def test_images_that_cannot_be_read_are_warned(
    run_cli, write_tree, tmp_path: Path, image: str, why: str
) -> None:
    root = write_tree({"a.md": f"## What?\n\n![x]({image})\n\nText.\n", "b.md": GOOD})
    os.symlink("loop.png", root / "loop.png")
    code, errors, packages = build(run_cli, root, tmp_path)
    assert code == 0 and len(packages) == 2
    assert len(errors) == 1 and errors[0].startswith("content/a.md:3: warning[image]: image ")
    assert why in errors[0]


def test_a_raw_image_with_a_bad_url_is_warned(run_cli, write_tree, tmp_path: Path) -> None:
    root = write_tree({"a.md": '## What?\n\n<img src="http://[::1">\n\nText.\n'})
    code, errors, packages = build(run_cli, root, tmp_path)
    assert code == 0 and len(packages) == 1
    assert errors == [
        "content/a.md:3: warning[image]: image 'http://[::1' cannot be read (Invalid IPv6 URL); "
        "not packaged"
    ]


def test_yaml_nested_too_deep_is_an_error_of_its_file(run_cli, write_tree, tmp_path: Path) -> None:
    root = write_tree({"a.md": "---\ntitle: " + "[" * 3000 + "\n---\n" + GOOD, "b.md": GOOD})
    code, errors, packages = build(run_cli, root, tmp_path)
    assert code == 1 and [p.stem for p in packages] == ["b"]
    assert errors == ["content/a.md:2: error[config]: front matter nests too deep to read"]


def test_project_settings_nested_too_deep_are_an_error(run_cli, write_tree, tmp_path: Path) -> None:
    root = write_tree({"ankipress.yaml": "tags: " + "[" * 3000 + "\n", "a.md": GOOD})
    code, errors, _ = build(run_cli, root, tmp_path)
    assert code == 1
    assert errors == [
        "content/ankipress.yaml:1: error[config]: project settings nests too deep to read"
    ]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            lambda h, e: ({"ankipress_lock": 1, "note_type": "x"}, e),
            "1: error[lock]: unreadable lock",
        ),
        (
            lambda h, e: ({**h, "note_type": {"hash": "a", "changed": float("inf")}}, e),
            "1: error[lock]: unreadable lock",
        ),
        (lambda h, e: (h, {**e, "changed": 1e400}), "2: error[lock]: unreadable lock"),
        (lambda h, e: (h, {**e, "tags": ["a b"]}), "2: error[lock]: unreadable lock"),
        (
            lambda h, e: (h, {**e, "tags": ["<img/src=x/onerror=y>"]}),
            "2: error[lock]: unreadable lock",
        ),
        (lambda h, e: (h, {**e, "deck": 10**30}), "2: error[lock]: unreadable lock"),
        (lambda h, e: (h, {**e, "at": "/etc/passwd:1"}), "2: error[lock]: unreadable lock"),
        (lambda h, e: (h, {**e, "guid": "a b"}), "2: error[lock]: unreadable lock"),
        (lambda h, e: (h, {**e, "text": ["x"]}), "2: error[lock]: unreadable lock"),
        (lambda h, e: (h, {**e, "at": "a.md:²"}), "2: error[lock]: unreadable lock"),
        (lambda h, e: (h, {**e, "at": ".:3"}), "2: error[lock]: unreadable lock"),
        (lambda h, e: ({"ankipress_lock": 3}, e), "1: error[lock]: unreadable lock"),
    ],
)
def test_hostile_lock_values_are_errors_naming_their_line(
    run_cli, write_tree, tmp_path: Path, change, why: str
) -> None:
    root = write_tree({"a.md": GOOD})
    build(run_cli, root, tmp_path)
    header, entry = (
        json.loads(line) for line in (root / "ankipress.lock").read_text().split("\n")[:2]
    )
    header, entry = change(header, entry)
    lock = json.dumps(header) + "\n" + json.dumps(entry) + "\n"
    (root / "ankipress.lock").write_text(lock.replace("Infinity", "1e400"))
    _, errors, _ = build(run_cli, root, tmp_path)
    assert any(e.startswith(f"content/ankipress.lock:{why}") for e in errors), errors


def test_a_thousand_nested_folders_build(run_cli, tmp_path: Path) -> None:
    deep = tmp_path / "content"
    deep.mkdir()
    try:
        for _ in range(990):  # one at a time: pathlib's mkdir(parents=True) recurses too
            deep = deep / "d"
            deep.mkdir()
        (deep / "deep.md").write_text(GOOD)  # its own title: decks Anki keeps apart
        (tmp_path / "content" / "a.md").write_text(GOOD)
        code, errors, packages = build(run_cli, tmp_path / "content", tmp_path)
        assert code == 0 and errors == [] and len(packages) == 2
    finally:  # pytest's own clean-up of old temporary folders recurses: leave it nothing deep
        remove_tree(tmp_path / "content")
        remove_tree(tmp_path / "out")


def remove_tree(top: Path) -> None:
    folders, stack = [], [top] if top.is_dir() else []
    while stack:
        folder = stack.pop()
        folders.append(folder)
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            else:
                os.unlink(entry.path)
    for folder in reversed(folders):
        folder.rmdir()


def test_two_lock_entries_with_one_guid_are_an_error(run_cli, write_tree, tmp_path: Path) -> None:
    """Two notes with one GUID: importing the second package would replace the first note."""
    root = write_tree({"a.md": GOOD + "\n## How?\n\nSo.\n"})
    build(run_cli, root, tmp_path)
    header, first, second = (root / "ankipress.lock").read_text().split("\n")[:3]
    twin = json.dumps({**json.loads(second), "guid": json.loads(first)["guid"]})
    (root / "ankipress.lock").write_text("\n".join([header, first, twin]) + "\n")
    _, errors, _ = build(run_cli, root, tmp_path)
    guid = json.loads(first)["guid"]
    assert errors == [
        "content/ankipress.lock:3: error[lock]: unreadable lock, so nothing is built from its "
        "folder: "
        f"its guid {guid!r} is also on line 2"
    ]


def test_a_removed_notes_fields_from_the_lock_are_sanitised(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Issue 17, case 2: a retired note is shipped with the fields the lock gives, and the
    lock comes with the notes: what it says is untrusted, like an answer."""
    root = write_tree({"a.md": GOOD + "\n## Gone?\n\nSoon.\n"})
    build(run_cli, root, tmp_path)
    lines = (root / "ankipress.lock").read_text().split("\n")
    (at,) = [i for i, line in enumerate(lines) if '"question":"gone"' in line]
    entry = first_format(json.loads(lines[at]))  # which held fields
    entry["fields"][0] = '<img src="x" onerror="alert(3)">Gone?'
    entry["fields"][1] = '<p>x<script>alert(1)</script><img src="x" onerror="alert(2)"></p>'
    lines[0] = lines[0].replace('"ankipress_lock":2', '"ankipress_lock":1')
    lines[at] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    (root / "ankipress.lock").write_text("\n".join(lines))
    (root / "a.md").write_text(GOOD)  # the question is gone: its note is retired
    code, _, packages = build(run_cli, root, tmp_path, "--no-cache")  # as in a fresh clone
    assert code == 0
    col = open_collection(tmp_path / "anki")
    import_packages(col, packages)
    answers = {n.fields["Question"]: n.fields["Answer"] for n in notes(col)}
    col.close()
    (retired,) = [(q, a) for q, a in answers.items() if "Gone" in q]
    assert not any(bad in f for f in retired for bad in ("script", "onerror", "alert")), retired


def test_a_title_of_markup_is_text_in_the_deck_name(run_cli, write_tree, tmp_path: Path) -> None:
    """Issue 17, case 7: a template's {{Deck}} shows the deck name as HTML."""
    root = write_tree({"a.md": '---\ntitle: "<img src=x onerror=alert(1)>"\n---\n' + GOOD})
    code, _, packages = build(run_cli, root, tmp_path)
    assert code == 0
    col = open_collection(tmp_path / "anki")
    import_packages(col, packages)
    (deck,) = {n.deck for n in notes(col)}
    col.close()
    assert deck == "‹img src=x onerror=alert(1)›"


def test_an_html_element_left_open_swallows_nothing(run_cli, write_tree, tmp_path: Path) -> None:
    """Issue 17, case 11: an unclosed <script>, <textarea> or comment is shown as text, with a
    warning, and what follows it stays on the cards (questions and all)."""
    root = write_tree(
        {
            "a.md": "## Q1?\n\nBefore.\n\n<script>\n\nAfter the script.\n\n"
            "## Q2?\n\nText <textarea> inside\n\nMore answer.\n\n"
            "## Q3?\n\n<!-- TODO: write\n\nStill here.\n"
        }
    )
    code, errors, packages = build(run_cli, root, tmp_path)
    assert code == 0
    assert errors == [
        "content/a.md:1: warning[html]: '<script>' is never closed; shown as text, not as HTML",
        "content/a.md:9: warning[html]: '<textarea>' is never closed; shown as text, not as HTML",
        "content/a.md:17: warning[html]: '<!-- TODO: write' is never closed; read as text",
    ]
    col = open_collection(tmp_path / "anki")
    import_packages(col, packages)
    answers = {n.fields["Question"]: n.fields["Answer"] for n in notes(col)}
    col.close()
    assert answers == {
        "Q1?": "<p>Before.</p>\n<p>&lt;script&gt;</p>\n<p>After the script.</p>",
        "Q2?": "<p>Text &lt;textarea&gt; inside</p>\n<p>More answer.</p>",
        "Q3?": "<p>&lt;!-- TODO: write</p>\n<p>Still here.</p>",
    }


def test_an_image_replaced_under_its_old_size_and_time_is_shipped_anew(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """Issue 17, case 12: the cache knew an image by its size and modification time."""
    root = write_tree(
        {"a.md": "## What?\n\n![x](fig.png)\n\nText.\n", "fig.png": PNG_HEAD + b"A" * 56}
    )
    build(run_cli, root, tmp_path)
    old = (root / "fig.png").stat()
    (root / "fig.png").write_bytes(PNG_HEAD + b"B" * 56)
    os.utime(root / "fig.png", ns=(old.st_atime_ns, old.st_mtime_ns))
    build(run_cli, root, tmp_path)
    (package,) = packages_in(tmp_path / "out")
    with zipfile.ZipFile(package) as archive:
        media = json.loads(archive.read("media"))
        shipped = {archive.read(number) for number in media}
    assert shipped == {PNG_HEAD + b"B" * 56}
    (name,) = media.values()
    assert name.startswith(hashlib.sha256(PNG_HEAD + b"B" * 56).hexdigest()[:16])


def test_a_commented_out_section_stays_hidden_and_a_pre_keeps_its_hash_lines(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """A block closed anywhere after it is a block: a comment may hide whole sections."""
    root = write_tree(
        {
            "a.md": "## Live?\n\nYes.\n\n<!--\n### Old question?\n\nOld answer.\n-->\n\n"
            "## Shell?\n\n<pre>\n# install it\npip install x\n</pre>\n"
        }
    )
    code, errors, packages = build(run_cli, root, tmp_path)
    assert code == 0 and errors == []
    col = open_collection(tmp_path / "anki")
    import_packages(col, packages)
    questions = sorted(n.fields["Question"] for n in notes(col))
    col.close()
    assert questions == ["Live?", "Shell?"]


def test_a_retired_notes_deck_name_from_the_lock_is_checked(
    run_cli, write_tree, tmp_path: Path
) -> None:
    """A lock of the first format kept deck names: one holding markup is text in a deck's
    name, as a title's is (a template's {{Deck}} shows it as HTML)."""
    root = write_tree({"a.md": GOOD + "\n## Gone?\n\nSoon.\n"})
    build(run_cli, root, tmp_path)
    lines = (root / "ankipress.lock").read_text().split("\n")
    (at,) = [i for i, line in enumerate(lines) if '"question":"gone"' in line]
    entry = first_format(json.loads(lines[at]))
    entry["deck"][1] = "Evil<img src=x onerror=alert(1)>::x"
    lines[0] = lines[0].replace('"ankipress_lock":2', '"ankipress_lock":1')
    lines[at] = json.dumps(entry, ensure_ascii=False)
    (root / "ankipress.lock").write_text("\n".join(lines))
    (root / "a.md").write_text(GOOD)  # the question is gone: its note is retired
    code, errors, packages = build(run_cli, root, tmp_path, "--no-cache")
    assert (code, errors) == (0, [])
    names = {name for p in packages for name in dump_package(p)["decks"].values()}
    assert names == {"Evil‹img src=x onerror=alert(1)›::x", "a"}, names


def first_format(entry: dict) -> dict:
    """A lock line as the first format wrote it: with the deck's name, package and fields."""
    at = entry.pop("at")
    entry |= {"source": at.rpartition(":")[0], "deck": [1, "Deck", "a/01-x.apkg"]}
    entry["fields"] = [entry.pop("text"), "<p>Answer.</p>", "", f"content/{at}", ""]
    del entry["answer"]
    return entry


def test_a_markdown_file_that_is_a_symlink_loop_is_warned(
    run_cli, write_tree, tmp_path: Path
) -> None:
    root = write_tree({"a.md": GOOD})
    os.symlink("loop.md", root / "loop.md")
    code, errors, packages = build(run_cli, root, tmp_path)
    assert code == 0 and len(packages) == 1
    assert errors == ["content/loop.md: warning[outside]: symlink loop; not read"]
