"""Code extraction on degenerate model answers: time per input, and how it grows.

    .venv/bin/python bench/extract_bench.py [--runs 5]

The unit tests check what `agent.generation.extract.extract` returns on these
inputs; how long it takes is measured here (a wall-clock assertion in a unit test
fails on a loaded machine and proves nothing on an idle one). Three shapes of
answer that once made extraction quadratic, each at size 1x and 4x:

- many blocks: 5,000 fenced blocks after a 2.4 MB <think> section;
- unterminated: one fence never closed, 200,000 lines of body (finish "length");
- blank lines: 200,000 newlines between two words and no fence at all.

Printed per shape: the best of `--runs` seconds at 1x and 4x, their ratio (linear: ~4;
quadratic: ~16), and the same ratio for a baseline measured in the same run, one
pass of `str.splitlines` over the same text. Targets: 4x / 1x within 1.5 times
the baseline's growth, and 1x under 2 s (many blocks, unterminated) or 0.25 s
(blank lines), the bounds the unit tests used to assert.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.generation.extract import extract

F = "```"
SOLUTION = "class Solution:\n    def twoSum(self, nums, target):\n        return [0, 1]\n"


def fenced(code: str) -> str:
    return f"{F}python\n{code.rstrip()}\n{F}\n"


def many_blocks(k: int) -> tuple[str, str]:
    noise = "".join(f"Step {i}:\n{fenced(f'x{i} = {i}')}\n" for i in range(5000 * k))
    return f"<think>{'thinking... ' * 200_000 * k}</think>\n{noise}{fenced(SOLUTION)}", "stop"


def unterminated(k: int) -> tuple[str, str]:
    return f"{F}python\n{SOLUTION}" + "        x = 1\n" * 200_000 * k, "length"


def blank_lines(k: int) -> tuple[str, str]:
    return "Let me think." + "\n" * 200_000 * k + "Done.", "length"


SHAPES: dict[str, tuple[Callable[[int], tuple[str, str]], float]] = {
    "many blocks": (many_blocks, 2.0), "unterminated": (unterminated, 2.0), "blank lines": (blank_lines, 0.25)}


def best_s(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    failed = False
    print(f"{'shape':<14} {'1x s':>8} {'4x s':>8} {'growth':>7} {'baseline growth':>16}  verdict")
    for name, (make, bound_s) in SHAPES.items():
        (small, finish), (large, _) = make(1), make(4)
        t1 = best_s(lambda s=small, f=finish: extract(s, None, f, "Solution", "twoSum"), args.runs)
        t4 = best_s(lambda s=large, f=finish: extract(s, None, f, "Solution", "twoSum"), args.runs)
        b1 = best_s(small.splitlines, args.runs)
        b4 = best_s(large.splitlines, args.runs)
        growth, base = t4 / t1, b4 / b1
        ok = t1 < bound_s and growth <= 1.5 * max(base, 4.0)
        failed |= not ok
        print(f"{name:<14} {t1:>8.3f} {t4:>8.3f} {growth:>6.1f}x {base:>15.1f}x  {'ok' if ok else 'SLOW'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
