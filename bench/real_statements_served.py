"""How many real contest statements the input generator serves.

    PYTHONPATH=. .venv/bin/python bench/real_statements_served.py [--top N] [--seeds K] [--verbose]

For every problem recorded in tests/data/leetcode/real-contests/ (200 problems of
50 contests before 2025-11, leetcode.cn's `question` responses, see its README):
the product's parser (`question_to_problem`, as the sync calls it), then
`agent.testgen.generate_inputs(problem, seed=0, count=40, max_input_bytes=2_000_000)`.

A problem is served when it gets at least 30 inputs, or fewer when those are every
input there is. "Every input there is" is judged by search, not proved: seeds 1..K
(`--seeds`, default 10) with the same call find no input that seed 0 did not
(examples are never returned, so they count as found).

The others are grouped by the first reason that applies:
  unknown clause  a constraints clause not understood (the clauses are listed, with
                  the number of problems each blocks);
  examples break  one of the problem's examples violates the parsed constraints;
  too few inputs  fewer than 30, and other seeds find more (or none at all found);
  other           any other refusal (no bound, no character set, no constraints
                  section, ...), or an exception.
Nothing here changes agent/testgen; this only measures it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.sources.leetcode_parse import question_to_problem  # noqa: E402
from agent.testgen import generate_inputs  # noqa: E402
from agent.testgen.generate import canonical_text  # noqa: E402
from judge.problem import ContestRef, Problem  # noqa: E402

DATA = ROOT / "tests" / "data" / "leetcode" / "real-contests"
COUNT, SEED, MAX_BYTES, ENOUGH = 40, 0, 2_000_000, 30
GROUPS = ("unknown clause", "examples break", "too few inputs", "other")


@dataclass
class Outcome:
    slug: str
    served: bool
    group: str | None = None
    detail: str = ""
    inputs: int = 0
    exhausted: bool = False
    unknown: list[str] = field(default_factory=list)
    seconds: float = 0.0


def problems() -> list[tuple[str, Problem | Exception]]:
    contests = json.loads((DATA / "contests.json").read_text())["contests"]
    out: list[tuple[str, Problem | Exception]] = []
    for c in contests:
        ref = ContestRef(slug=c["slug"], title=c["title"], duration_s=c["duration_s"],
                         start_time=datetime.fromtimestamp(c["start_time"], UTC))
        for slug in c["question_slugs"]:
            q = json.loads((DATA / f"question-{slug}.json").read_text())["data"]["question"]
            try:
                out.append((slug, question_to_problem(q, site="leetcode.cn", contest=ref)))
            except Exception as e:  # reported as "other"
                out.append((slug, e))
    return out


def exhausted(problem: Problem, found: list[str], seeds: int) -> bool:
    """No other seed finds an input that seed 0 did not (nor an example)."""
    known = {canonical_text(t) for t in found} | {canonical_text(t.input) for t in problem.tests}
    for seed in range(1, seeds + 1):
        more = generate_inputs(problem, seed=seed, count=COUNT, max_input_bytes=MAX_BYTES).inputs
        if any(canonical_text(t) not in known for t in more):
            return False
    return True


def measure(slug: str, problem: Problem | Exception, seeds: int) -> Outcome:
    t0 = time.perf_counter()
    if isinstance(problem, Exception):
        return Outcome(slug, False, "other", f"parser: {type(problem).__name__}: {problem}")
    try:
        r = generate_inputs(problem, seed=SEED, count=COUNT, max_input_bytes=MAX_BYTES)
    except Exception as e:  # reported as "other"
        return Outcome(slug, False, "other", f"generate_inputs raised {type(e).__name__}: {e}",
                       seconds=time.perf_counter() - t0)
    o = Outcome(slug, False, inputs=len(r.inputs), unknown=list(r.constraints.unknown))
    if len(r.inputs) >= ENOUGH:
        o.served = True
    elif r.inputs and exhausted(problem, r.inputs, seeds):
        o.served = o.exhausted = True
    elif r.constraints.unknown:
        o.group, o.detail = "unknown clause", "; ".join(repr(c) for c in r.constraints.unknown)
    elif r.skipped_reason and r.skipped_reason.startswith("the problem's test"):
        o.group, o.detail = "examples break", r.skipped_reason
    elif r.constraints.blocking:
        o.group, o.detail = "other", "; ".join(r.constraints.blocking)
    else:
        o.group = "too few inputs"
        o.detail = f"{len(r.inputs)} inputs" + (f" ({r.skipped_reason})" if r.skipped_reason else
                                                 "; other seeds find more")
    o.seconds = time.perf_counter() - t0
    return o


def _kind(detail: str) -> str:
    """The refusal without its particulars (for grouping "other")."""
    first = detail.split("; ")[0]
    return first.split(":")[0] if ":" in first else first


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--top", type=int, default=25, help="unknown clauses to print")
    ap.add_argument("--seeds", type=int, default=10, help="further seeds tried before calling a small set complete")
    ap.add_argument("--verbose", action="store_true", help="one line per problem")
    a = ap.parse_args()

    t0 = time.perf_counter()
    outcomes = [measure(slug, p, a.seeds) for slug, p in problems()]
    n = len(outcomes)
    served = [o for o in outcomes if o.served]
    print(f"real contest statements: {n} problems ({DATA.relative_to(ROOT)}), "
          f"generate_inputs(seed={SEED}, count={COUNT}, max_input_bytes={MAX_BYTES:_})")
    print(f"served: {len(served)}/{n} = {len(served) / n:.1%}  (>= {ENOUGH} inputs: "
          f"{sum(not o.exhausted for o in served)}; fewer, but every input there is: "
          f"{sum(o.exhausted for o in served)})")
    print(f"problems with at least one unknown clause (served or not): {sum(bool(o.unknown) for o in outcomes)}")
    by_group = Counter(o.group for o in outcomes if not o.served)
    print("refused:", ", ".join(f"{g}: {by_group[g]}" for g in GROUPS))
    clauses = Counter(c for o in outcomes if o.group == "unknown clause" for c in dict.fromkeys(o.unknown))
    print(f"\nunknown clauses ({sum(clauses.values())} in {by_group['unknown clause']} problems, "
          f"{len(clauses)} distinct; top {a.top}):")
    for clause, k in clauses.most_common(a.top):
        print(f"  {k:3d}  {clause}")
    for group in GROUPS[1:]:
        members = [o for o in outcomes if o.group == group]
        if not members:
            continue
        print(f"\n{group} ({len(members)}):")
        if group == "other":
            for kind, k in Counter(_kind(o.detail) for o in members).most_common():
                print(f"  {k:3d}  {kind}")
        for o in members:
            print(f"  {o.slug}: {o.detail[:300]}")
    if a.verbose:
        print("\nper problem:")
        for o in outcomes:
            state = "served" if o.served else o.group
            print(f"  {o.slug:70s} {o.inputs:3d} {state}{' (exhausted)' if o.exhausted else ''} {o.seconds:.2f}s")
    slow = sorted(outcomes, key=lambda o: -o.seconds)[:3]
    print(f"\n{time.perf_counter() - t0:.0f} s in all; slowest: "
          + ", ".join(f"{o.slug} {o.seconds:.1f} s" for o in slow))
    return 0


if __name__ == "__main__":
    sys.exit(main())
