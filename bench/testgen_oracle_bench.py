"""Hidden tests per problem: generation time and oracle calls, against baselines
measured in the same run.

    .venv/bin/python bench/testgen_oracle_bench.py [--count N] [--repeat R] [--batch B]

For each judgeable problem of the fake contest (tests/data/leetcode/contest/), one
round does:

(a) generation: `agent.testgen.generate_inputs` (constraints parsed from the
    statement, then seeded inputs) and the validation of every input; baseline:
    the fake LeetCode's hand-written generator for that problem
    (tests/fakes/leetcode_judge.py SPECS) making the same number of inputs;
(b) the `leetcode` oracle against the fake LeetCode on loopback (its "Run code"
    runs the fake's own reference solution in a subprocess): inputs batched
    (`--batch`, default 10, as the daemon does); baseline: one input per run, as
    a client without batching would. Oracle calls per problem and wall time for
    both. LeetCode paces runs (`testgen.min_interval_s`, 5 s by default), so the
    calls decide the real wall time: it is printed as calls x 5 s too.

`--repeat R` prints the median of each metric over R rounds. The machine is shared:
compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.oracle.hidden import InputSource, default_inputs, make_hidden_tests  # noqa: E402
from agent.oracle.leetcode import LeetCodeOracle  # noqa: E402
from agent.sources.leetcode_client import LeetCodeClient  # noqa: E402
from agent.sources.leetcode_judge import LeetCodeJudgeAPI  # noqa: E402
from agent.sources.leetcode_parse import question_to_problem  # noqa: E402
from judge import harness  # noqa: E402
from tests.fakes.leetcode_judge import SPECS, FakeJudge  # noqa: E402
from tests.fakes.leetcode_server import FakeLeetCode  # noqa: E402

LEETCODE_PACE_S = 5.0


def hand_written(count: int) -> InputSource:
    """The baseline generator: the fake's per-problem code, no constraint parsing."""

    def generate(problem: Any, *, seed: int, count: int = count, max_input_bytes: int = 0) -> Any:
        spec = SPECS[problem.slug]
        rng = random.Random(f"{seed}:{problem.slug}")
        inputs = [harness.format_input(spec.generate(rng, i % 8 == 7)) for i in range(count)]
        return type("Generated", (), {"inputs": inputs, "constraints": spec, "skipped_reason": None,
                                      "unknown_clauses": []})()

    def validate(spec: Any, text: str, signature: Any) -> list[str]:
        reason = spec.validate(harness.split_input(text))
        return [reason] if reason else []

    return InputSource(generate, validate, "hand-written")


def one_round(lc: FakeLeetCode, judge: FakeJudge, slugs: list[str], count: int, batch: int, seed: int) -> dict:
    out: dict[str, dict[str, float]] = {}
    client = LeetCodeClient(base_url=lc.url, min_interval_s=0, attempts=3, backoff_s=0, timeout_s=60, **judge.cookies)  # type: ignore[arg-type]
    api = LeetCodeJudgeAPI(client, min_interval_s=0, poll_interval_s=0.01, poll_timeout_s=300)
    try:
        for slug in slugs:
            problem = question_to_problem(lc.questions[slug])
            m: dict[str, float] = {}
            for name, source, size in (("testgen", default_inputs(), batch), ("baseline", hand_written(count), 1)):
                t0 = time.perf_counter()
                result = make_hidden_tests(problem, LeetCodeOracle(api, batch_size=size), seed=seed, count=count,
                                           source=source)
                m[f"{name} wall (s)"] = time.perf_counter() - t0
                st = result.stats
                m[f"{name} generate (s)"] = st.get("generate_s", 0.0)
                m[f"{name} oracle (s)"] = st.get("oracle_s", 0.0)
                m[f"{name} oracle calls"] = st.get("oracle_calls", 0)
                m[f"{name} tests kept"] = len(result.tests)
                m[f"{name} invalid"] = st.get("invalid", 0)
                if result.state != "done":
                    print(f"  {slug} [{name}]: skipped: {result.reason}")
            out[slug] = m
    finally:
        client.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=40, help="inputs generated per problem")
    ap.add_argument("--batch", type=int, default=10, help="inputs per LeetCode run (the daemon's default)")
    ap.add_argument("--repeat", type=int, default=1, help="rounds; medians are printed")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    slugs = sorted(SPECS)
    load = os.getloadavg()[0]
    rounds = []
    with FakeLeetCode.from_fixtures() as lc:
        judge = FakeJudge.attach(lc, pending_polls=0, started_polls=0, time_limit_s=10.0)
        for r in range(args.repeat):
            print(f"round {r + 1}/{args.repeat}", file=sys.stderr)
            rounds.append(one_round(lc, judge, slugs, args.count, args.batch, args.seed + r))

    def med(slug: str, key: str) -> float:
        return statistics.median(rd[slug][key] for rd in rounds)

    print(f"hidden tests per problem: {args.count} inputs, batch {args.batch}, {args.repeat} round(s), "
          f"{os.cpu_count()} CPUs, load {load:.1f} -> {os.getloadavg()[0]:.1f}")
    header = ("problem", "gen s", "base gen s", "gen ratio", "kept", "calls", "base calls", "call ratio",
              "oracle s", "base oracle s", "oracle ratio", f"paced s @{LEETCODE_PACE_S:g}s")
    print(" | ".join(header))
    totals = {k: 0.0 for k in ("g", "bg", "c", "bc", "o", "bo")}
    for slug in slugs:
        g, bg = med(slug, "testgen generate (s)"), med(slug, "baseline generate (s)")
        c, bc = med(slug, "testgen oracle calls"), med(slug, "baseline oracle calls")
        o, bo = med(slug, "testgen oracle (s)"), med(slug, "baseline oracle (s)")
        for k, v in zip(totals, (g, bg, c, bc, o, bo), strict=True):
            totals[k] += v
        print(" | ".join([slug, f"{g:.3f}", f"{bg:.3f}", f"{g / bg:.2f}" if bg else "-",
                          f"{med(slug, 'testgen tests kept'):.0f}", f"{c:.0f}", f"{bc:.0f}",
                          f"{c / bc:.2f}" if bc else "-", f"{o:.2f}", f"{bo:.2f}", f"{o / bo:.2f}" if bo else "-",
                          f"{c * LEETCODE_PACE_S:.0f} vs {bc * LEETCODE_PACE_S:.0f}"]))
    n = len(slugs)
    t = totals
    print(f"per problem (mean): generation {t['g'] / n:.3f} s vs baseline {t['bg'] / n:.3f} s "
          f"(ratio {t['g'] / t['bg']:.2f}); oracle calls {t['c'] / n:.1f} vs baseline {t['bc'] / n:.1f} "
          f"(ratio {t['c'] / t['bc']:.2f}); oracle wall {t['o'] / n:.2f} s vs baseline {t['bo'] / n:.2f} s "
          f"(ratio {t['o'] / t['bo']:.2f}); at LeetCode's pace {t['c'] / n * LEETCODE_PACE_S:.0f} s vs "
          f"{t['bc'] / n * LEETCODE_PACE_S:.0f} s per problem")


if __name__ == "__main__":
    main()
