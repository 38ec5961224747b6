"""The community oracle against the fake contest's reference solutions.

    .venv/bin/python bench/community_oracle_bench.py [--count N] [--seed S]

For each problem of the fake contest (tests/data/leetcode/contest, with the
community posts of tests/data/leetcode/contest/posts): agent.testgen generates N
inputs from the statement; the community oracle (no login) answers them by
consensus of the posts, run in the real Docker sandbox; the fake's own
reference solution answers them apart, in the same sandbox. Printed per problem
and in all:

- answered: inputs with an agreed output, as a share of the inputs asked;
- agreement: agreed outputs equal to the reference's (the goal: all of them);
- dropped for no agreement, posts used, outliers (which post, first input);
- wall time of the oracle against the time of running the reference alone
  (the baseline, measured in the same run).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.oracle.community import CommunityOracle  # noqa: E402
from agent.sources.leetcode_client import LeetCodeClient  # noqa: E402
from agent.testgen import generate_inputs  # noqa: E402
from judge.checkers import outputs_match  # noqa: E402
from judge.image import image_tag  # noqa: E402
from judge.judging import DockerJudge  # noqa: E402
from judge.sandbox import SandboxConfig, SandboxPool  # noqa: E402
from tests.fakes.leetcode_server import FakeLeetCode  # noqa: E402
from tests.oracle.test_community_fixtures import problem  # noqa: E402
from tests.sources.conftest import solution  # noqa: E402

SLUGS = ["values-with-exact-frequency", "remove-leaves-below-threshold", "sort-even-positions", "ticket-queue",
         "mean-distance-to-origin"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    totals = {"asked": 0, "answered": 0, "right": 0, "no_agreement": 0, "oracle_s": 0.0, "reference_s": 0.0}
    with FakeLeetCode.from_fixtures() as fake, SandboxPool(SandboxConfig(image=image_tag())) as pool:
        judge = DockerJudge(pool)
        with LeetCodeClient(base_url=fake.url, min_interval_s=0, backoff_s=0) as client:
            oracle = CommunityOracle(client, judge, wait_h=0)
            for slug in SLUGS:
                p = problem(slug)
                inputs = generate_inputs(p, seed=args.seed, count=args.count).inputs
                t0 = time.perf_counter()
                report = oracle.answer(p, inputs)
                t1 = time.perf_counter()
                truth = judge.run_outputs(p, solution(slug), inputs)
                t2 = time.perf_counter()
                answered = [(a, o) for a, o in zip(report.answers, truth, strict=True) if a.ok]
                right = sum(o.ok and outputs_match(p.checker, o.value, a.expected) for a, o in answered)
                notes = report.notes
                print(f"{slug}: {len(inputs)} inputs, answered {len(answered)}, agreeing with the reference "
                      f"{right}/{len(answered)}, no agreement {notes['no_agreement']}; "
                      f"{len(notes['trusted'])} solutions used of {len(notes['posts'])} posts "
                      f"({len(notes['not_independent'])} not independent, {len(notes['failed_examples'])} failed "
                      f"an example), outliers {[(o['post'], o['input']) for o in notes['outliers']]}; "
                      f"oracle {t1 - t0:.1f} s vs the reference alone {t2 - t1:.1f} s")
                totals["asked"] += len(inputs)
                totals["answered"] += len(answered)
                totals["right"] += right
                totals["no_agreement"] += notes["no_agreement"]
                totals["oracle_s"] += t1 - t0
                totals["reference_s"] += t2 - t1
    print(f"\nin all: answered {totals['answered']}/{totals['asked']} "
          f"({totals['answered'] / max(1, totals['asked']):.3f}); agreement with the reference "
          f"{totals['right']}/{totals['answered']} ({totals['right'] / max(1, totals['answered']):.3f}); "
          f"dropped for no agreement {totals['no_agreement']}; oracle time / reference time "
          f"{totals['oracle_s'] / max(1e-9, totals['reference_s']):.1f}x")


if __name__ == "__main__":
    main()
