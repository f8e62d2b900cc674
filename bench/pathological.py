"""Time the build of each pathological note at three sizes: linear cost doubles with size.

    python3 bench/pathological.py [--scale 1.0]

Prints, per case, the note's size and the build time (parse, render, package, write) at
1/4, 1/2 and 1 times the size the tests use, and the growth of the time when the size
doubles: about 2 is linear, about 4 quadratic.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ankipress.build.pipeline import BuildOptions, build
from tests.hostile import CASES


def timed_build(text: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "content")
        root.mkdir()
        (root / "note.md").write_text(text, encoding="utf-8")
        start = time.perf_counter()
        build(BuildOptions(paths=(root,), out=Path(tmp, "decks"), timestamp=0))
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    scale = parser.parse_args().scale
    print(f"{'case':34} {'size':>9} {'1/4':>7} {'1/2':>7} {'1':>7} {'x2 growth':>9}")
    for name, (make, size) in CASES.items():
        n = int(size * scale)
        times = [timed_build(make(n // k)) for k in (4, 2, 1)]
        growth = (times[2] / times[1] + times[1] / times[0]) / 2 if min(times) > 0 else 0.0
        chars = len(make(n))
        print(
            f"{name:34} {chars:>9,} {times[0]:>6.2f}s {times[1]:>6.2f}s {times[2]:>6.2f}s "
            f"{growth:>9.2f}"
        )


if __name__ == "__main__":
    main()
