"""Card templates users customise: validation, the schema guard, assets, re-imports in Anki."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ankipress.assemble.pipeline import BuildOptions, build
from ankipress.cards.notetype import (
    CARD_TEMPLATE_NAME,
    DEFAULT_TEMPLATES,
    FIELDS,
    NOTE_TYPE_ID,
    NOTE_TYPE_NAME,
    note_type,
)
from ankipress.cards.templates import load_templates
from ankipress.diagnostics import Diagnostics
from tests.ankitools import import_packages, open_collection
from tests.apkgdump import dump_package
from tests.test_lock import BOOK


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "my-templates"
    shutil.copytree(DEFAULT_TEMPLATES, copy)
    return copy


def messages(folder: Path, **files: str) -> list[str]:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    load_templates(folder, diagnostics)
    return [str(d).removeprefix(f"{folder}/") for d in diagnostics.sorted()]


def test_the_note_type_schema_is_frozen() -> None:
    """Changing these makes every re-import of existing notes 'conflicting' (anki-facts.md)."""
    diagnostics = Diagnostics()
    templates = load_templates(DEFAULT_TEMPLATES, diagnostics)
    assert templates is not None and diagnostics.sorted() == []
    model = note_type(templates)
    assert (NOTE_TYPE_NAME, NOTE_TYPE_ID) == ("ankipress", 2130055049)
    assert [f["name"] for f in model.fields] == ["Question", "Answer", "Context", "Source", "Extra"]
    assert FIELDS == ("Question", "Answer", "Context", "Source", "Extra")
    assert [t["name"] for t in model.templates] == [CARD_TEMPLATE_NAME] == ["Recall"]


def test_field_references_are_checked_with_file_and_line(folder: Path) -> None:
    assert messages(
        folder,
        **{
            "front.html": "<div>{{Question}}</div>\n{{Anser}}\n{{type:Qestion}}\n",
            "back.html": "{{FrontSide}}\n{{#Extra}}\n{{Extra}}\n{{/Source}}\n{{#Tags}}{{Tags}}",
        },
    ) == [
        "back.html:2: error[templates]: {{#Extra}} is never closed with {{/Extra}}",
        "back.html:4: error[templates]: {{/Source}} closes a section never opened here (expected "
        "{{/Extra}})",
        "back.html:5: error[templates]: {{#Tags}} is never closed with {{/Tags}}",
        "front.html:2: error[templates]: {{Anser}} names no field of the note type (did you "
        "mean {{Answer}}? fields: Question, Answer, Context, Source, Extra; or FrontSide, "
        "Tags, Type, Deck, Subdeck, Card, CardFlag, CardID)",
        "front.html:3: error[templates]: {{type:Qestion}} names no field of the note type (did "
        "you mean {{Question}}? fields: Question, Answer, Context, Source, Extra; or "
        "FrontSide, Tags, Type, Deck, Subdeck, Card, CardFlag, CardID)",
    ]


def test_a_front_without_a_field_and_network_loads(folder: Path) -> None:
    assert messages(
        folder,
        **{
            "front.html": '<img src="https://cdn.example.org/logo.png">\n',
            "style.css": '@import url("https://fonts.example.org/x.css");\n',
        },
    ) == [
        "front.html: error[templates]: the front shows no field: Anki refuses such a card template",
        "front.html:1: warning[templates]: loads something from the network: it breaks offline "
        "and on "
        "AnkiDroid",
        "style.css:1: warning[templates]: loads something from the network: it breaks offline and "
        "on "
        "AnkiDroid",
    ]


def test_missing_files_say_how_to_get_them(folder: Path) -> None:
    (folder / "style.css").unlink()
    assert messages(folder) == [
        "style.css: error[templates]: missing; a templates folder holds front.html, back.html, "
        "style.css "
        "(the 'templates init DIR' command writes the defaults)"
    ]


def test_another_card_template_is_refused_for_the_frozen_note_type(folder: Path) -> None:
    (folder / "reverse.front.html").write_text("{{Answer}}", encoding="utf-8")
    (folder / "reverse.back.html").write_text("{{Question}}", encoding="utf-8")
    (message,) = messages(folder)
    assert message.startswith(
        "reverse.front.html: error[templates]: another card template would change the note type "
        "'ankipress': Anki would then mark every existing note 'conflicting' on re-import"
    )
    assert "'note_type: NAME' in ankipress.yaml" in message


def test_a_note_type_of_its_own_may_have_more_cards(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree(
        {
            "vision.md": BOOK,
            "ankipress.yaml": "note_type: vision-both-ways\ntemplates: cards\n",
        }
    )
    shutil.copytree(DEFAULT_TEMPLATES, content / "cards")
    (content / "cards/Reverse.front.html").write_text("{{Answer}}", encoding="utf-8")
    (content / "cards/Reverse.back.html").write_text("{{FrontSide}}<hr>{{Question}}", "utf-8")
    result = run_cli("build", str(content), "-o", str(tmp_path / "o"), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    dump = dump_package(tmp_path / "o/vision/01-Transformers.apkg")
    assert dump["note_type"]["name"] == "vision-both-ways"
    assert dump["note_type"]["templates"] == ["Recall", "Reverse"]
    assert dump["cards"] == 6
    col = open_collection(tmp_path / "anki")
    import_packages(col, sorted((tmp_path / "o").rglob("*.apkg")))
    (content / "ankipress.yaml").write_text("", encoding="utf-8")
    (content / "ankipress.lock").unlink()
    run_cli("build", str(content), "-o", str(tmp_path / "o2"), cwd=tmp_path)
    log = import_packages(col, sorted((tmp_path / "o2").rglob("*.apkg")))
    assert len(log.new) == 3 and log.conflicting == []  # other notes, not a conflict


def test_templates_setting_must_stay_inside_the_content_root(write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK, "ankipress.yaml": "templates: ../elsewhere\n"})
    shutil.copytree(DEFAULT_TEMPLATES, tmp_path / "elsewhere")
    result = build(BuildOptions(paths=(content,), out=tmp_path / "o"))
    assert [str(d).removeprefix(f"{content}/") for d in result.diagnostics.sorted()] == [
        "ankipress.yaml: error[config]: templates '../elsewhere' is not a folder inside the "
        "content root"
    ]
    assert result.decks == []


def test_assets_ship_under_content_hashed_names(run_cli, write_tree, folder, tmp_path) -> None:
    (folder / "_ankipress.woff2").write_bytes(b"wOF2\x00\x01\x00\x00 font v1")
    with (folder / "style.css").open("a") as css:
        css.write('\n@font-face { font-family: x; src: url("_ankipress.woff2"); }\n')
    content = write_tree({"vision.md": BOOK})
    args = ("build", str(content), "--templates", str(folder))
    run_cli(*args, "-o", str(tmp_path / "o1"), cwd=tmp_path)
    (folder / "_ankipress.woff2").write_bytes(b"wOF2\x00\x01\x00\x00 font v2")
    run_cli(*args, "-o", str(tmp_path / "o2"), cwd=tmp_path)
    names = []
    for out in ("o1", "o2"):
        dump = dump_package(tmp_path / out / "vision/01-Transformers.apkg")
        (font,) = [name for name in dump["media"] if name.endswith(".woff2")]
        assert font.startswith("_ankipress-") and len(font) == len("_ankipress-") + 12 + 6
        names.append(font)
    assert names[0] != names[1]


def test_templates_init_copies_the_defaults(run_cli, tmp_path: Path) -> None:
    result = run_cli("templates", "init", "mine", cwd=tmp_path)
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == [
        "back.html",
        "front.html",
        "style.css",
    ]
    again = run_cli("templates", "init", "mine", cwd=tmp_path)
    assert again.exit_code == 2 and "use --force to overwrite" in again.output
    assert run_cli("templates", "init", "mine", "--force", cwd=tmp_path).exit_code == 0


@pytest.mark.parametrize("link", ["file", "folder", "parent", "absolute"])
def test_templates_init_never_writes_through_a_link(run_cli, tmp_path: Path, link: str) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "ankipress.lock").write_text("precious", encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "notes").mkdir(parents=True)
    if link == "absolute":  # the parent link, named by an absolute path
        (repo / "notes").rmdir()
        (repo / "notes").symlink_to(other)
    elif link == "file":
        (repo / "notes" / "templates").mkdir()
        (repo / "notes" / "templates" / "front.html").symlink_to(other / "ankipress.lock")
    elif link == "folder":
        (repo / "notes" / "templates").symlink_to(other)
    elif link == "parent":
        (repo / "notes").rmdir()
        (repo / "notes").symlink_to(other)
    target = str(repo / "notes" / "templates") if link == "absolute" else "notes/templates"
    result = run_cli("templates", "init", target, "--force", cwd=repo)
    assert result.exit_code == 2 and "is a link" in result.output
    assert (other / "ankipress.lock").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in other.iterdir()) == ["ankipress.lock"]


@pytest.mark.parametrize("lock", ["--lock", "--no-lock"])
def test_a_css_only_change_reaches_anki(run_cli, write_tree, folder, tmp_path, lock) -> None:
    content = write_tree({"vision.md": BOOK})
    col = open_collection(tmp_path / "anki")
    args = ("build", str(content), "--templates", str(folder), lock)
    run_cli(*args, "-o", str(tmp_path / "o1"), epoch=1_000_000, cwd=tmp_path)
    import_packages(col, sorted((tmp_path / "o1").rglob("*.apkg")))
    with (folder / "style.css").open("a") as css:
        css.write("\n.card { letter-spacing: 0.02em; }\n")
    run_cli(*args, "-o", str(tmp_path / "o2"), epoch=2_000_000, cwd=tmp_path)
    log = import_packages(col, sorted((tmp_path / "o2").rglob("*.apkg")))
    col.close()
    col = open_collection(tmp_path / "anki")  # the note type as stored, not a cached copy
    model = col.models.by_name("ankipress")
    assert model is not None and "letter-spacing: 0.02em" in model["css"]
    assert log.conflicting == [] and log.new == []
    # With the lock the notes are unchanged, so Anki keeps them (and any edit made in it);
    # without, every note is newer and updated.
    assert len(log.updated if lock == "--no-lock" else log.duplicate) == 3
