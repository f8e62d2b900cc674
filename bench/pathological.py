"""Time the build of each pathological note at three sizes: linear cost doubles with size.

    python3 bench/pathological.py [--scale 1.0] [--only growth|limits]

Prints, per case, the note's size and the build time (parse, render, package, write) at
1/4, 1/2 and 1 times the size the tests use, and the growth of the time when the size
doubles: about 2 is linear, about 4 quadratic.

Then the size limits: a 50 MB note file, notes just under the 10 MB limit, and a 2.5 GB
image (a sparse file: no disk), each built by ``build_deck.py`` in a process of its own,
with its time, peak memory (the build's and its workers') and the packages' size.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ankipress.assemble.pipeline import BuildOptions, build
from tests.hostile import CASES


def timed_build(text: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "content")
        root.mkdir()
        (root / "note.md").write_text(text, encoding="utf-8")
        start = time.perf_counter()
        build(BuildOptions(paths=(root,), out=Path(tmp, "decks"), timestamp=0))
        return time.perf_counter() - start


REPO = Path(__file__).resolve().parent.parent
_ANSWER = "Some **bold** text, `code`, $x^2$ and a [link](https://example.com).\n\n"


def note_of_questions(size: int) -> str:
    """A note of ``size`` bytes: chapters of 50 questions, each with a few lines."""
    parts, total, n = ["# A big book\n\n"], 0, 0
    while total < size - 200:
        chapter = f"# Chapter {n // 50 + 1}\n\n" if n % 50 == 0 else ""
        parts.append(f"{chapter}## Question {n}?\n\n{_ANSWER * 3}")
        total += len(parts[-1])
        n += 1
    return "".join(parts)


def note_of_one_answer(size: int) -> str:
    """A note of ``size`` bytes: one question, its answer the rest of the file."""
    return "## The question?\n\n" + _ANSWER * ((size - 200) // len(_ANSWER))


def _note(make: Callable[[int], str], size: int) -> Callable[[Path], None]:
    return lambda root: (root / "note.md").write_text(make(size), encoding="utf-8")


def _image(size: int) -> Callable[[Path], None]:
    def write(root: Path) -> None:
        (root / "note.md").write_text("## What?\n\n![a plot](big.png)\n", encoding="utf-8")
        with (root / "big.png").open("wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n")
            f.truncate(size)  # a hole: no disk

    return write


LIMIT_CASES: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "note 50 MB (over the limit)": (_note(note_of_questions, 50_000_000), ()),
    "note 9.9 MB, 50 questions a chapter": (_note(note_of_questions, 9_900_000), ()),
    "note 9.9 MB, one answer": (_note(note_of_one_answer, 9_900_000), ()),
    "image 2.5 GB (over the limit)": (_image(2_500_000_000), ()),
    "image 2.5 GB, --image-limit 3GB": (_image(2_500_000_000), ("--image-limit", "3GB")),
}


# Runs build_deck.py, then prints its peak memory: the most any one process of the build
# held (its own since it started, from /proc; its workers', from getrusage). Not wait4's
# figure: a process started with vfork inherits its parent's peak, here the inputs made.
_MEASURED = """
import atexit, resource, runpy, sys
def peak():
    try:
        with open("/proc/self/status") as f:
            own = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except OSError:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("peak-kb", max(own, workers), file=sys.__stderr__, flush=True)
atexit.register(peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def limited_build(write: Callable[[Path], None], args: tuple[str, ...]) -> tuple[str, ...]:
    """Exit status, seconds, peak MB and packages' MB of one build in a process of its own."""
    with tempfile.TemporaryDirectory() as tmp:
        root, out = Path(tmp, "content"), Path(tmp, "decks")
        root.mkdir()
        write(root)
        size = sum(p.stat().st_size for p in root.iterdir())
        command = [sys.executable, "-c", _MEASURED, "build_deck.py", "-q", str(root)]
        start = time.perf_counter()
        build = subprocess.run([*command, "-o", str(out), *args], cwd=REPO, capture_output=True)
        seconds = time.perf_counter() - start
        peak = int(build.stderr.split(b"peak-kb ")[-1])
        packed = sum(p.stat().st_size for p in out.rglob("*.apkg")) if out.is_dir() else 0
    return (
        f"{size / 1e6:,.1f} MB",
        str(build.returncode),
        f"{seconds:.2f}s",
        f"{peak / 1024:,.0f} MB",
        f"{packed / 1e6:,.2f} MB",
    )


def limits() -> None:
    print(f"\n{'size limit case':38} {'input':>10} {'exit':>4} {'time':>7} {'peak':>8} {'apkg':>9}")
    for name, (write, args) in LIMIT_CASES.items():
        size, code, seconds, peak, packed = limited_build(write, args)
        print(f"{name:38} {size:>10} {code:>4} {seconds:>7} {peak:>8} {packed:>9}")


def growth(scale: float) -> None:
    print(f"{'case':34} {'size':>9} {'1/4':>7} {'1/2':>7} {'1':>7} {'x2 growth':>9}")
    for name, (make, size) in CASES.items():
        n = int(size * scale)
        times = [timed_build(make(n // k)) for k in (4, 2, 1)]
        ratio = (times[2] / times[1] + times[1] / times[0]) / 2 if min(times) > 0 else 0.0
        chars = len(make(n))
        print(
            f"{name:34} {chars:>9,} {times[0]:>6.2f}s {times[1]:>6.2f}s {times[2]:>6.2f}s "
            f"{ratio:>9.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    parser.add_argument("--only", choices=("growth", "limits"), help="one of the two tables")
    arguments = parser.parse_args()
    if arguments.only != "limits":
        growth(arguments.scale)
    if arguments.only != "growth":
        limits()


if __name__ == "__main__":
    main()
