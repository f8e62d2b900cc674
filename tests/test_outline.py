"""``outline``: each file as the build understands it, in text and JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

GARDEN = """\
# Kitchen Garden

## Soil

### What makes loam good for vegetables?

It drains well yet holds moisture.

**Why does organic matter help?**

It feeds the soil life and keeps the crumb open.

### How often should compost be turned?

### What is the ideal pH for most crops?

TODO

## Watering

### When is the best time to water?

Early morning, before the sun is strong.

![a watering can](can.png)

## Pests

### Which pests chew kale leaves?
"""

GARDEN_OUTLINE = [
    "content/garden.md: 2 cards in 2 decks",
    "  Kitchen Garden::01 Soil  (chapter at L3)",
    "    L5-L11  What makes loam good for vegetables?  [topic]",
    "      L9  (kept in the answer of line 5) Why does organic matter help?",
    "    L13  How often should compost be turned?  [topic]  (unanswered: no answer)",
    "    L15  What is the ideal pH for most crops?  [topic]"
    "  (unanswered: placeholder answer 'TODO')",
    "  Kitchen Garden::02 Watering  (chapter at L19)",
    "    L21-L25  When is the best time to water?  [topic]",
    "  Pests  (L27; no deck: no question answered)",
    "    L29  Which pests chew kale leaves?  [topic]  (unanswered: no answer)",
    "content/garden.md:25: warning[image]: image 'can.png' not found",
]


def test_outline_text(run_cli, write_tree, tmp_path: Path) -> None:
    write_tree({"garden.md": GARDEN})
    result = run_cli("outline", "content/garden.md", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == GARDEN_OUTLINE
    assert result.stderr == ""


def test_outline_json(run_cli, write_tree, tmp_path: Path) -> None:
    write_tree({"garden.md": GARDEN})
    result = run_cli("outline", "--format", "json", "content/garden.md", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["errors"] == 0 and report["diagnostics"] == []
    (file,) = report["files"]
    assert (file["path"], file["title"], file["cards"], file["decks"]) == (
        "content/garden.md",
        "Kitchen Garden",
        2,
        2,
    )
    chapters = [(c["title"], c["line"], c["deck"]) for c in file["chapters"]]
    assert chapters == [
        ("Soil", 3, "Kitchen Garden::01 Soil"),
        ("Watering", 19, "Kitchen Garden::02 Watering"),
        ("Pests", 27, None),
    ]
    soil = file["chapters"][0]["questions"]
    assert soil[0] == {
        "first": 5,
        "last": 11,
        "text": "What makes loam good for vegetables?",
        "section": "",
        "shape": "topic",
        "answered": True,
        "why": "",
    }
    assert [(q["first"], q["last"], q["answered"], q["why"]) for q in soil[1:]] == [
        (13, 13, False, "no answer"),
        (15, 15, False, "placeholder answer 'TODO'"),
    ]
    assert file["nested"] == [{"line": 9, "text": "Why does organic matter help?", "host": 5}]
    assert [(d["line"], d["severity"], d["code"]) for d in file["diagnostics"]] == [
        (25, "warning", "image")
    ]


def test_settings_from_front_matter_and_project_file(run_cli, write_tree, tmp_path: Path) -> None:
    """The file's front matter over the content folder's ankipress.yaml, as in a build."""
    notes = "---\ntitle: Allotment\n---\n" + GARDEN.replace("## Pests", "## Scratch")
    write_tree({"garden.md": notes, "ankipress.yaml": "title: Ignored\nskip_sections: [Scratch]\n"})
    result = run_cli("outline", "content", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "content/garden.md: 2 cards in 2 decks",
        "  Allotment::01 Soil  (chapter at L6)",
        "    L8-L14  What makes loam good for vegetables?  [topic]",
    ]
    assert not any("kale" in line or "Scratch" in line for line in lines)


def test_sections_change(run_cli, write_tree, tmp_path: Path) -> None:
    notes = (
        "## Herbs\n\n### Annual\n\n#### Is basil tender?\n\nYes.\n\n#### And dill?\n\nHardy.\n\n"
    )
    notes += "### Perennial\n\n#### Does mint spread?\n\nFar.\n\n## Fruit\n\n### Pips?\n\nSome.\n"
    write_tree({"herbs.md": notes})
    result = run_cli("outline", "content/herbs.md", cwd=tmp_path)
    assert result.stdout.splitlines()[1:] == [
        "  herbs::01 Herbs  (chapter at L1)",
        "    § Annual",
        "    L5-L7  Is basil tender?  [topic]",
        "    L9-L11  And dill?  [topic]",
        "    § Perennial",
        "    L15-L17  Does mint spread?  [topic]",
        "  herbs::02 Fruit  (chapter at L19)",
        "    L21-L23  Pips?  [topic]",
    ]


def test_missing_paths_and_errors(run_cli, write_tree, tmp_path: Path) -> None:
    """Each problem is a path:line: error line and exit 1; the other files are outlined."""
    write_tree({"garden.md": GARDEN, "seeds.md": b"\x00\x01binary"})
    (tmp_path / "empty").mkdir()
    result = run_cli("outline", "nowhere.md", "empty", "content", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "empty: warning[io]: no markdown files here",
        "nowhere.md: error[io]: no such file or folder",
    ]
    lines = result.stdout.splitlines()
    assert lines[: len(GARDEN_OUTLINE)] == GARDEN_OUTLINE
    assert lines[len(GARDEN_OUTLINE) :] == [
        "content/seeds.md: 0 cards in 0 decks",
        "content/seeds.md: error[encoding]: binary file, not markdown (it holds NUL bytes); not "
        "read",
    ]
    bad = write_tree({"ankipress.yaml": "chapter_level: 9\n"})
    result = run_cli("outline", "--format", "json", str(bad), cwd=tmp_path)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["files"] == [] and report["errors"] == 1
    assert report["diagnostics"][0]["text"] == (
        "content/ankipress.yaml:1: error[config]: setting 'chapter_level' must be a heading level "
        "from 1 to 6, not 9"
    )


def test_help_and_build_deck_entry_point(write_tree, tmp_path: Path) -> None:
    write_tree({"garden.md": GARDEN})
    script = str(REPO / "build_deck.py")
    shown = subprocess.run(
        [sys.executable, script, "outline", "--help"], capture_output=True, text=True
    )
    assert "build_deck.py outline notes/vision.md" in shown.stdout
    done = subprocess.run(
        [sys.executable, script, "outline", "content/garden.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == GARDEN_OUTLINE
