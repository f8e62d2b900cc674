"""How fast a large personal collection builds: 40 books x 10 chapters x 50 questions.

    python3 bench/perf.py [--corpus every|four|both] [--books 40] [--keep DIR] [--repeat 3]

Generates the corpus from the seeds' own answers (bench/corpus.py): under every question
shape a reader writes, with the seeds' figures as files (``every``), or under the four
shapes of the tests (``four``). Then it measures, each
in a fresh process: a cold build, a no-op rebuild, a rebuild after one file changed, their
peak memory, ``build_deck.py --help``, and genanki itself packaging the same notes into the
same number of decks (same run, so the ratios hold on a noisy machine). Each measure runs
``--repeat`` times, interleaved with the others; the fastest run counts (the least
disturbed by the rest of the machine). Last, the time per stage of a cold build, from a
profile.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.corpus import EVERY_SHAPE, SHAPES, clean_answers, write_corpus  # noqa: E402

GENANKI = """
import glob, json, os, sqlite3, sys, tempfile, time, zipfile
import genanki
decks = []
for path in sorted(glob.glob(sys.argv[1] + "/**/*.apkg", recursive=True)):
    with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory() as d:
        z.extract("collection.anki2", d)
        db = sqlite3.connect(os.path.join(d, "collection.anki2"))
        decks.append(db.execute("select guid, flds from notes").fetchall())
        db.close()
model = genanki.Model(1607392319, "m", fields=[{"name": n} for n in
    ("Question", "Answer", "Context", "Source", "Extra")],
    templates=[{"name": "Recall", "qfmt": "{{Question}}", "afmt": "{{FrontSide}}{{Answer}}"}])
out = tempfile.mkdtemp()
start = time.perf_counter()
for i, notes in enumerate(decks):
    deck = genanki.Deck(2059400110 + i, f"deck {i}")
    for guid, fields in notes:
        deck.add_note(genanki.Note(model=model, fields=fields.split("\\x1f"), guid=guid))
    genanki.Package(deck).write_to_file(os.path.join(out, f"{i}.apkg"), timestamp=1)
print(time.perf_counter() - start, sum(map(len, decks)), len(decks))
"""


def run(args: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in MB, and stdout of one process."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    start = time.perf_counter()
    with subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as p:
        out = p.stdout.read().decode() if p.stdout else ""
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss // 1024, out


def stage_times(work: Path) -> dict[str, float]:
    """Cumulative seconds (under the profiler) of each stage of a cold build."""
    from ankipress.assemble.pipeline import BuildOptions, build

    os.cpu_count = lambda: 1  # one process (no workers), so the profile sees every stage

    (work / "content/ankipress.lock").unlink(missing_ok=True)
    profile = cProfile.Profile()
    profile.runcall(
        build,
        BuildOptions(
            paths=(work / "content",), out=work / "profiled", timestamp=1_700_000_000, cache=False
        ),
    )
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    wanted = {
        "parse": ("parse.py", "parse_book"),
        "render": ("render.py", "render_note"),
        "package": ("package.py", "_collection"),
        "write": ("package.py", "write_deck"),  # less the package: the zip and the file
        "lock": ("apply_lock.py", "apply_locks"),
    }
    found = dict.fromkeys(wanted, 0.0)
    for (file, _line, name), (_cc, _nc, _tt, cumulative, _callers) in stats.items():
        for stage, (suffix, function) in wanted.items():
            if file.endswith(suffix) and name == function:
                found[stage] += cumulative
    found["write"] -= found["package"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=40)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measure; the fastest counts"
    )
    parser.add_argument(
        "--corpus",
        choices=("every", "four", "both"),
        default="both",
        help="every: each shape a reader writes, figures included; four: the tests' shapes",
    )
    options = parser.parse_args()
    corpora = ("every", "four") if options.corpus == "both" else (options.corpus,)
    works = [measure(options, name) for name in corpora]
    for name, work in zip(corpora, works, strict=True):  # last: the profile runs in here
        print(f"\nStages of a cold build of corpus {name!r} (profiled, so slower than above):")
        for stage, seconds in stage_times(work).items():
            print(f"  {stage:10} {seconds:8.2f}")
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def measure(options: argparse.Namespace, corpus: str) -> Path:
    """Time the builds of one corpus; the folder it is in."""
    work = options.keep / corpus if options.keep else Path(tempfile.mkdtemp(prefix="ankipress-"))
    shutil.rmtree(work / "content", ignore_errors=True)
    shapes, figures = (EVERY_SHAPE, True) if corpus == "every" else (SHAPES, False)
    answers = clean_answers(REPO / "content", shapes, figures)
    count = write_corpus(work / "content", answers, books=options.books, shapes=shapes)
    build = [sys.executable, str(REPO / "build_deck.py"), "build", "content", "-o", "decks", "-q"]
    changed = work / "content/book01.md"
    original = changed.read_text(encoding="utf-8")
    runs: dict[str, list[tuple[float, int, str]]] = {}
    for attempt in range(options.repeat):  # interleaved, so a slow spell hits every measure
        shutil.rmtree(work / "decks", ignore_errors=True)  # the cache lives there too
        (work / "content/ankipress.lock").unlink(missing_ok=True)
        changed.write_text(original, "utf-8")
        runs.setdefault("cold build", []).append(run(build, work))
        runs.setdefault("no-op rebuild", []).append(run(build, work))
        changed.write_text(original + f"\n追加的第{attempt + 1}段说明。\n", "utf-8")
        runs.setdefault("rebuild, one file changed", []).append(run(build, work))
        genanki = [sys.executable, "-c", GENANKI, str(work / "decks")]
        runs.setdefault("genanki", []).append(run(genanki, work))
    help_time = min(run([*build[:2], "--help"], work)[0] for _ in range(3))
    base = min(runs.pop("genanki"), key=lambda r: float(r[2].split()[0]))
    genanki_s, notes, decks = base[2].split()
    reference = float(genanki_s)
    what = "every shape, with figures" if corpus == "every" else "the tests' four shapes"
    print(
        f"\nCorpus ({what}): {count} questions -> {notes} notes in {decks} decks; "
        f"{os.cpu_count()} CPUs"
    )
    print(f"Fastest of {options.repeat} runs of each measure, interleaved")
    print(f"{'measure':28} {'seconds':>8} {'x genanki':>10} {'peak MB':>8}")
    print(f"{'genanki packaging alone':28} {reference:8.2f} {1.0:10.2f} {base[1]:8}")
    for name, results in runs.items():
        seconds = min(r[0] for r in results)
        peak = max(r[1] for r in results)
        print(f"{name:28} {seconds:8.2f} {seconds / reference:10.2f} {peak:8}")
    print(f"{'build_deck.py --help':28} {help_time:8.2f}")
    return work


if __name__ == "__main__":
    main()
