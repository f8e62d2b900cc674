"""What CI uses: ``check`` and ``plan``, the manifest, and one combined package."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.ankitools import import_packages, open_collection
from tests.test_lock import BOOK

OTHER = (
    "# Other\n\n## 第一章 One\n\n<h2>Q1?</h2>\n\nA1 ![x](missing.png)\n\n"
    "## 第二章 Two\n\n<h2>Q2?</h2>\n\nA2\n"
)


def test_check_exit_codes_and_json(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    clean = run_cli("check", str(content), cwd=tmp_path)
    assert clean.exit_code == 0
    assert clean.stdout == "Checked 1 file: 1 deck, 3 cards; 0 warnings, 0 errors\n"
    assert not (content / "ankipress.lock").exists() and not (tmp_path / "decks").exists()

    (content / "other.md").write_text(OTHER, encoding="utf-8")
    warned = run_cli("check", str(content), "--format", "json", cwd=tmp_path)
    assert warned.exit_code == 0
    report = json.loads(warned.stdout)
    assert report == {
        "files": 2,
        "errors": 0,
        "warnings": 1,
        "diagnostics": [
            {
                "path": "content/other.md",
                "line": 7,
                "severity": "warning",
                "code": "image",
                "message": "image 'missing.png' not found",
            }
        ],
        "decks": [
            {"name": "Other::01 One", "file": "other/01-One.apkg", "cards": 1},
            {"name": "Other::02 Two", "file": "other/02-Two.apkg", "cards": 1},
            {
                "name": "Vision Notes::01 Transformers",
                "file": "vision/01-Transformers.apkg",
                "cards": 3,
            },
        ],
        "unanswered": [],
        "introductions": [],
        "nested_questions": [],
    }
    assert run_cli("check", str(content), "--strict", cwd=tmp_path).exit_code == 1
    allowed = run_cli("check", str(content), "--strict", "--allow", "image", cwd=tmp_path)
    assert allowed.exit_code == 0
    (content / "bad.md").write_text("---\nid: [\n---\n", encoding="utf-8")
    broken = run_cli("check", str(content), "--format", "json", cwd=tmp_path)
    assert broken.exit_code == 1 and json.loads(broken.stdout)["errors"] == 1


def test_plan_shows_each_kind_of_change(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK})
    first = run_cli("plan", str(content), cwd=tmp_path)
    assert "Vision Notes::01 Transformers: 3 new" in first.stdout
    assert run_cli("build", str(content), "-o", str(tmp_path / "o"), cwd=tmp_path).exit_code == 0

    edited = (
        BOOK.replace("Weights from softmax.", "Weights from a softmax.")
        .replace("What is a patch?", "What exactly is a patch?")
        .replace('<h2 id="3">3.Why LayerNorm?</h2>\n\nIt is batch-size independent.\n', "")
        + '\n<h2 id="4">4.What is RMSNorm?</h2>\n\nLayerNorm without the mean.\n'
    )
    (content / "vision.md").write_text(edited, encoding="utf-8")
    text = run_cli("plan", str(content), cwd=tmp_path).stdout.splitlines()
    assert text == [
        "Vision Notes::01 Transformers: 1 new, 1 changed, 1 matched, 1 removed",
        "  changed  content/vision.md:5: What is attention?",
        "  matched  content/vision.md:9: 'What is a patch?' -> 'What exactly is a patch?'",
        "  new      content/vision.md:14: What is RMSNorm?",
        "  removed  content/vision.md:13: Why LayerNorm?",
        "Total: 1 new, 1 changed, 1 matched, 1 removed, 0 unchanged",
    ]
    plan = json.loads(run_cli("plan", str(content), "--format", "json", cwd=tmp_path).stdout)
    deck = plan["decks"]["Vision Notes::01 Transformers"]
    assert [item["question"] for item in deck["new"]] == ["What is RMSNorm?"]
    assert deck["matched"][0]["before"] == "What is a patch?"
    assert deck["unchanged"] == 0
    assert plan["totals"] == {"new": 1, "changed": 1, "matched": 1, "removed": 1, "unchanged": 0}
    lock = (content / "ankipress.lock").read_text()
    assert "rmsnorm" not in lock  # plan writes nothing


def test_manifest_lists_every_deck_and_note(run_cli, write_tree, tmp_path: Path) -> None:
    content = write_tree({"vision.md": BOOK, "other.md": OTHER})
    run_cli("build", str(content), "-o", str(tmp_path / "o"), cwd=tmp_path)
    manifest = json.loads((tmp_path / "o/manifest.json").read_text())
    files = [deck["file"] for deck in manifest["decks"]]
    assert files == ["other/01-One.apkg", "other/02-Two.apkg", "vision/01-Transformers.apkg"]
    vision = manifest["decks"][2]
    assert vision["name"] == "Vision Notes::01 Transformers" and vision["cards"] == 3
    package = (tmp_path / "o/vision/01-Transformers.apkg").read_bytes()
    assert vision["sha256"] == hashlib.sha256(package).hexdigest()
    assert [(n["question"], n["source"]) for n in vision["notes"]] == [
        ("What is attention?", "content/vision.md:5"),
        ("What is a patch?", "content/vision.md:9"),
        ("Why LayerNorm?", "content/vision.md:13"),
    ]
    assert all(len(n["guid"]) == 10 for n in vision["notes"])


def test_combined_package_over_per_chapter_imports_adds_nothing(
    run_cli, write_tree, tmp_path: Path
) -> None:
    content = write_tree({"vision.md": BOOK, "other.md": OTHER})
    col = open_collection(tmp_path / "anki")
    run_cli("build", str(content), "-o", str(tmp_path / "split"), epoch=1_000_000, cwd=tmp_path)
    first = import_packages(col, sorted((tmp_path / "split").rglob("*.apkg")))
    assert len(first.new) == 5
    (content / "vision.md").write_text(BOOK.replace("softmax", "a softmax"), encoding="utf-8")
    combined = run_cli(
        "build", str(content), "-o", str(tmp_path / "one"), "--combined", epoch=2_000_000
    )
    assert combined.exit_code == 0
    written = sorted(p.name for p in (tmp_path / "one").iterdir() if not p.name.startswith("."))
    assert written == ["all-decks.apkg", "manifest.json"]
    log = import_packages(col, [tmp_path / "one/all-decks.apkg"])
    assert log.new == [] and log.conflicting == [] and len(log.updated) == 1
    assert sorted(col.decks.all_names()) == [
        "Default",
        "Other",
        "Other::01 One",
        "Other::02 Two",
        "Vision Notes",
        "Vision Notes::01 Transformers",
    ]
