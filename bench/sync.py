"""How fast ``ankipress sync --collection`` brings a collection up to date.

    python3 bench/sync.py [--books 10] [--keep DIR]

Generates the corpus of bench/perf.py (``--books`` x 10 chapters x 50 questions), then
measures, each in a fresh process against one collection file: the first sync (every
note new), a sync with nothing changed, one after an answer was edited in one file, one
after a chapter was renamed (its cards move), a dry run, and, as the floor, Anki's own
import of the same packages into a fresh collection (what File > Import costs). Then
``ankipress pull``: one note edited in Anki, and a hundred (a character of each answer's
text changed), their dry runs, and the sync after (every note unchanged).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.corpus import clean_answers, write_corpus  # noqa: E402
from bench.perf import run  # noqa: E402

IMPORT = """
import glob, sys, time
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
col = Collection(sys.argv[2])
start = time.perf_counter()
for path in sorted(glob.glob(sys.argv[1] + "/**/*.apkg", recursive=True)):
    options = ImportAnkiPackageOptions(with_scheduling=True)
    col.import_anki_package(ImportAnkiPackageRequest(package_path=path, options=options))
print(time.perf_counter() - start)
col.close()
"""

EDIT = """
import re, sys
from anki.collection import Collection
col = Collection(sys.argv[1])
for nid in col.find_notes("")[: int(sys.argv[2])]:
    note = col.get_note(nid)
    found = re.search(r">[^<>]*?([\u4e00-\u9fff])", note["Answer"])
    if found:
        at = found.start(1)
        note["Answer"] = note["Answer"][:at] + "澳" + note["Answer"][at + 1 :]
        col.update_note(note)
col.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=10)
    parser.add_argument("--keep", type=Path, help="work here, and leave it (default: a temp dir)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="ankipress-sync-bench-"))
    notes, profile = work / "notes", work / "profile"
    shutil.rmtree(work / "notes", ignore_errors=True)
    shutil.rmtree(profile, ignore_errors=True)
    made = write_corpus(notes, clean_answers(REPO / "content"), books=args.books)
    profile.mkdir(parents=True)
    collection = profile / "collection.anki2"
    python = sys.executable
    new = f"from anki.collection import Collection; Collection({str(collection)!r}).close()"
    run([python, "-c", new], work)
    sync = [python, str(REPO / "build_deck.py"), "sync", "notes", "--collection", str(collection)]
    sync += ["--format", "json"]
    print(f"corpus: {made} questions in {args.books} books, {args.books * 10} decks")

    def measure(label: str, *extra: str) -> None:
        seconds, peak, out = run([*sync, *extra], work)
        totals = json.loads(out)["totals"] if out.strip() else {}
        shown = ", ".join(f"{n} {k}" for k, n in totals.items() if n)
        print(f"{label:<34} {seconds:7.2f} s  {peak:5d} MB  {shown}")

    measure("first sync (all new)")
    measure("sync, nothing changed")
    book = notes / "book01.md"
    text = book.read_text(encoding="utf-8")
    book.write_text(text.replace("的原理是什么", "的原理是什么呢", 1), encoding="utf-8")
    measure("sync, one question reworded")
    book.write_text(text.replace("## 第1章", "## 第1章（新版）", 1), encoding="utf-8")
    measure("dry run, one chapter renamed", "--dry-run")
    measure("sync, one chapter renamed")
    pull = [python, str(REPO / "build_deck.py"), "pull", "notes", "--collection", str(collection)]
    for edited in (1, 100):
        run([python, "-c", EDIT, str(collection), str(edited)], work)
        for dry in (["--dry-run"], []):
            label = f"pull{' --dry-run' if dry else ''}, {edited} edited"
            seconds, peak, out = run([*pull, *dry], work)
            said = next((line for line in out.splitlines() if line.startswith("Pulled")), "")
            print(f"{label:<34} {seconds:7.2f} s  {peak:5d} MB  {said}")
        measure(f"sync after pulling {edited}")
    fresh = work / "import-floor.anki2"
    run([python, "-c", new.replace(str(collection), str(fresh))], work)
    _, _, out = run([python, "-c", IMPORT, str(work / "decks"), str(fresh)], work)
    print(f"{'floor: Anki importing the packages':<34} {float(out or 'nan'):7.2f} s")
    if args.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
