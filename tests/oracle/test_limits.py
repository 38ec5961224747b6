"""Time limits from a local reference's measured CPU time: the rule (pure), and a
generated test set that records the derived limits and how they were set (the
reference oracle through the real Docker judge, a real database)."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from agent.oracle.hidden import InputSource
from agent.oracle.limits import FACTOR, FLOOR_MS, FLOOR_TOTAL_MS, derive_limits
from agent.oracle.reference import ReferenceOracle
from agent.oracle.runner import TestGenOptions, generate_hidden_tests
from agent.problem_store import store_problems
from judge.judging import DockerJudge
from judge.problem import Limits
from judge.verdict import Verdict
from storage import repo
from storage.engine import session_scope
from tests.support import function_problem

DEFAULT = Limits()  # 10 s per test, 120 s in all


@pytest.mark.parametrize(("cpu", "per_test", "in_all"), [
    ([5.0, 12.0, 3.0], FLOOR_MS, FLOOR_TOTAL_MS),  # quick references: the floors
    ([300.0, 10.0], 3_000, FLOOR_TOTAL_MS),  # 10 x the slowest test
    ([900.0] * 3, 9_000, 27_000),  # 10 x the total beyond the floor
    ([2_500.0], DEFAULT.time_ms, DEFAULT.time_ms * 2.5),  # never above the default per test
    ([1_500.0] * 10, DEFAULT.time_ms, DEFAULT.total_time_ms),  # nor in all
])
def test_the_rule(cpu: list[float], per_test: int, in_all: float) -> None:
    limits, record = derive_limits(DEFAULT, cpu) or (None, None)
    assert limits is not None and record is not None
    assert (limits.time_ms, limits.total_time_ms) == (per_test, int(in_all))
    assert limits.memory_mb == DEFAULT.memory_mb
    assert record["reference_slowest_ms"] == max(cpu) and record["tests_measured"] == len(cpu)
    assert f"{FACTOR} x" in record["rule"]


@pytest.mark.parametrize("cpu", [[], [1.0, None], [float("nan")], [-1.0], [float("inf")]])
def test_nothing_is_derived_without_a_measurement_of_every_test(cpu: list[Any]) -> None:
    assert derive_limits(DEFAULT, cpu) is None


def test_a_stricter_default_stays_the_ceiling() -> None:
    tight = Limits(time_ms=1_500, total_time_ms=4_000, memory_mb=256)
    limits, _ = derive_limits(tight, [400.0, 300.0]) or (None, None)
    assert limits == tight


# ------------------------------------------------------------------ stored with the set

REFERENCE = """
class Solution:
    def total(self, n: int) -> int:
        return sum(i * i % 7 for i in range(n))
"""
SUM_PROBLEM = function_problem("total", [("n", "integer")], "integer", [("3", 5)], slug="limits-sum",
                               limits={"time_ms": 10_000, "total_time_ms": 120_000, "memory_mb": 256})


def fixed_inputs(inputs: list[str]) -> InputSource:
    def generate(problem: Any, *, seed: int, count: int, max_input_bytes: int) -> SimpleNamespace:
        return SimpleNamespace(inputs=inputs, constraints=None, skipped_reason=None, unknown_clauses=[])

    return InputSource(generate, lambda constraints, text, signature: [], name="fixed")


@pytest.mark.docker
def test_a_generated_set_carries_limits_from_its_reference(engine: Engine, judge: DockerJudge) -> None:
    problem = SUM_PROBLEM.model_copy(update={"reference_solution": REFERENCE})
    assert store_problems(engine, [problem]) == (1, [])
    with session_scope(engine) as s:
        pid = repo.get_problem(s, problem.slug).id
    report = generate_hidden_tests(engine, ReferenceOracle(judge), TestGenOptions(seed=1, count=4),
                                   problem_ids=[pid], inputs=fixed_inputs(["10", "1000", "200000"]))
    assert report.done == [problem.slug], report
    with session_scope(engine) as s:
        ts = repo.current_test_set(s, pid)  # type: ignore[arg-type]
        stored = repo.load_problem(s, pid)  # type: ignore[arg-type]
    record = ts.origin["limits"]
    assert record is not None and record["tests_measured"] == 3
    slowest = record["reference_slowest_ms"]
    assert slowest > 0
    assert ts.limits["time_ms"] == stored.limits.time_ms == max(FLOOR_MS, math.ceil(FACTOR * slowest))
    assert ts.origin["answers"]["distinct"] == 3
    # the reference itself, judged on its own set under those limits: no false rejection
    assert judge.judge(stored, REFERENCE).verdict is Verdict.ACCEPTED
