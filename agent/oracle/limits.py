"""Time limits from a local reference's measured CPU time (issue 19, item 4).

A problem's default limits (10 s per test, 120 s in all) let a solution of the
wrong complexity pass: on LeetCode an O(n^2) answer to an n = 10^5 problem is Time
Limit Exceeded, here it would finish within 10 s. Where a local reference ran the
generated tests -- the problem's reference solution, or the fastest agreeing
community post -- its CPU time on them sets the limits, as EvalPlus and DMOJ do:

    per test = max(FLOOR_MS, FACTOR x the reference's slowest test), at most the default
    in all   = max(FLOOR_TOTAL_MS, FACTOR x the reference's total), at most the default

FACTOR is large on purpose: a correct solution may be several times slower than
the reference (another language idiom, recursion instead of a loop) and the CPU
it is charged inflates up to ~3x on a loaded machine; a wrong complexity at the
largest sizes is hundreds of times slower. The floor keeps small problems from
limits a slow interpreter start-up could break. Without a local reference (the
LeetCode oracle) the defaults stay.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from judge.problem import Limits

FACTOR = 10
FLOOR_MS = 2_000
FLOOR_TOTAL_MS = 10_000


def derive_limits(default: Limits, reference_cpu_ms: Sequence[float | None]) -> tuple[Limits, dict[str, Any]] | None:
    """The limits for a test set whose every test a local reference answered in
    `reference_cpu_ms` (ms per test), and the record of how they were set; None
    when some test has no measurement (nothing to derive from)."""
    if not reference_cpu_ms or any(c is None or not math.isfinite(c) or c < 0 for c in reference_cpu_ms):
        return None
    cpu = [float(c) for c in reference_cpu_ms if c is not None]
    slowest, total = max(cpu), sum(cpu)
    per_test = min(default.time_ms, max(FLOOR_MS, math.ceil(FACTOR * slowest)))
    in_all = min(default.total_time_ms, max(FLOOR_TOTAL_MS, per_test, math.ceil(FACTOR * total)))
    limits = default.model_copy(update={"time_ms": per_test, "total_time_ms": in_all})
    record = {"rule": f"max({FLOOR_MS} ms, {FACTOR} x the reference's slowest test) per test, "
                      f"max({FLOOR_TOTAL_MS} ms, {FACTOR} x its total) in all, at most the defaults",
              "reference_slowest_ms": round(slowest, 3), "reference_total_ms": round(total, 3),
              "tests_measured": len(cpu), "default": default.model_dump(mode="json")}
    return limits, record
