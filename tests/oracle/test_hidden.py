"""make_hidden_tests with agent.testgen's real generator and an in-process oracle
(pure: no server, no Docker): what becomes a test and what is dropped and counted."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from agent.oracle import Answer, OracleReport
from agent.oracle.hidden import InputSource, default_inputs, make_hidden_tests
from agent.sources.leetcode_parse import question_to_problem
from judge import harness
from judge.problem import Problem
from tests.fakes.leetcode_server import CONTEST_DIR

COUNT = 30


def fixture_problem(slug: str, constraints: str | None = None) -> Problem:
    q = json.loads((CONTEST_DIR / f"question-{slug}.json").read_text(encoding="utf-8"))["data"]["question"]
    if constraints is not None:
        q["content"] = q["content"].split("<p><strong>Constraints:</strong></p>")[0] + constraints
    return question_to_problem(q)


class FunctionOracle:
    """Answers with a Python function of the input's values, `per_call` inputs per call."""

    name = "function"

    def __init__(self, fn: Callable[..., Any], per_call: int = 10) -> None:
        self.fn, self.per_call, self.seen = fn, per_call, []

    def answer(self, problem: Problem, inputs: Sequence[str]) -> OracleReport:
        self.seen += list(inputs)
        answers = [Answer("ok", self.fn(*harness.split_input(t)), ref=f"r{k // self.per_call}")
                   for k, t in enumerate(inputs)]
        calls = -(-len(inputs) // self.per_call)
        return OracleReport(answers, refs=[f"r{c}" for c in range(calls)], calls=calls)


def exact_values(nums: list[int], k: int) -> list[int]:
    return sorted(v for v, c in Counter(nums).items() if c == k)


def test_the_generator_gives_validated_inputs_and_every_answered_one_is_a_test() -> None:
    problem = fixture_problem("values-with-exact-frequency")
    oracle = FunctionOracle(exact_values)
    result = make_hidden_tests(problem, oracle, seed=3, count=COUNT)
    assert result.state == "done", result.reason
    assert len(result.tests) == COUNT == result.stats["kept"]
    assert result.stats["oracle_calls"] == 3 and result.refs == ["r0", "r1", "r2"]
    assert result.stats["invalid"] == result.stats["duplicates"] == result.stats["answer_out_of_range"] == 0
    examples = {t.input for t in problem.tests}
    for test in result.tests:
        assert test.source == "generated" and test.input not in examples
        nums, k = harness.split_input(test.input)
        assert 1 <= len(nums) <= 10**5 and all(1 <= v <= 10**9 for v in nums) and 1 <= k <= 10**5
        assert test.expected == exact_values(nums, k)
    again = make_hidden_tests(problem, FunctionOracle(exact_values), seed=3, count=COUNT)
    assert [t.input for t in again.tests] == [t.input for t in result.tests]  # seeded
    other = make_hidden_tests(problem, FunctionOracle(exact_values), seed=4, count=COUNT)
    assert [t.input for t in other.tests] != [t.input for t in result.tests]


def test_answers_outside_the_guaranteed_range_are_dropped_and_counted() -> None:
    constraints = ("<p><strong>Constraints:</strong></p><ul><li><code>1 &lt;= nums.length &lt;= 100</code></li>"
                   "<li><code>1 &lt;= nums[i] &lt;= 10<sup>9</sup></code></li>"
                   "<li><code>1 &lt;= k &lt;= 100</code></li>"
                   "<li>The answer is guaranteed to fit in a <strong>32-bit</strong> integer.</li></ul>")
    problem = fixture_problem("values-with-exact-frequency", constraints)

    def overflowing(nums: list[int], k: int) -> list[int]:  # a reference that overflows on odd k
        return [v * 2**31 if k % 2 else v for v in exact_values(nums, k)]

    result = make_hidden_tests(problem, FunctionOracle(overflowing), seed=0, count=COUNT)
    assert result.state == "done"
    dropped = result.stats["answer_out_of_range"]
    steered = result.stats.get("steered", {}).get("other_answers", 0)  # answers steered away from `[]`
    assert dropped >= 1 and len(result.tests) == COUNT - dropped + steered
    assert all(max(t.expected, default=0) < 2**31 for t in result.tests)


def test_inputs_the_constraints_refuse_are_counted_as_invalid_never_answered() -> None:
    problem = fixture_problem("values-with-exact-frequency")
    real = default_inputs()

    def generate(p: Problem, **kw: Any) -> Any:
        out = real.generate(p, **kw)
        # k = 0 and a value 0 break 1 <= k, 1 <= nums[i]; the example repeats one
        bad = ["[1,2]\n0", "[0,5]\n1", p.tests[0].input]
        return out.model_copy(update={"inputs": bad + list(out.inputs)})

    oracle = FunctionOracle(exact_values)
    result = make_hidden_tests(problem, oracle, seed=1, count=10, source=InputSource(generate, real.validate))
    assert result.stats["invalid"] == 2 and result.stats["duplicates"] == 1
    assert {"[1,2]\n0", "[0,5]\n1"}.isdisjoint(oracle.seen) and len(result.tests) == 10
    assert any("k" in e for e in result.stats["invalid_examples"])


def test_a_problem_whose_constraints_are_not_understood_is_skipped_with_the_clause() -> None:
    constraints = ("<p><strong>Constraints:</strong></p><ul><li><code>1 &lt;= nums.length &lt;= 100</code></li>"
                   "<li><code>1 &lt;= nums[i] &lt;= 100</code></li><li><code>1 &lt;= k &lt;= 100</code></li>"
                   "<li><code>nums</code> forms a zigzag of prime gaps.</li></ul>")
    oracle = FunctionOracle(exact_values)
    result = make_hidden_tests(fixture_problem("values-with-exact-frequency", constraints), oracle, seed=0)
    assert result.state == "skipped" and result.tests == [] and oracle.seen == []
    assert "clause not understood" in (result.reason or "") and "zigzag" in (result.reason or "")
    assert result.stats["unknown_clauses"] == ["nums forms a zigzag of prime gaps"]


# ------------------------------------------------------------------ steering

def test_when_one_answer_dominates_perturbed_examples_bring_other_answers() -> None:
    """Asked whether exactly two values occur exactly k times, random inputs all
    say 0; one-step perturbations of the examples (one says 1) and of the rare
    other inputs are validated and answered like any input, and those with other
    answers join."""
    problem = fixture_problem("values-with-exact-frequency")

    def how_many(nums: list[int], k: int) -> int:
        return int(len(exact_values(nums, k)) == 2)

    oracle = FunctionOracle(how_many)
    result = make_hidden_tests(problem, oracle, seed=3, count=COUNT)
    steered = result.stats["steered"]
    assert steered["share_before"] >= 0.9 and steered["other_answers"] >= 3, steered
    assert steered["share_after"] < steered["share_before"]
    assert result.stats["answers"]["most_common_share"] == steered["share_after"]
    assert len(result.tests) == result.stats["kept"] == len(set(t.input for t in result.tests))
    for test in result.tests:  # the steered ones are as valid and as correctly answered as the rest
        nums, k = harness.split_input(test.input)
        assert 1 <= len(nums) <= 10**5 and all(1 <= v <= 10**9 for v in nums) and 1 <= k <= 10**5
        assert test.expected == how_many(nums, k)
    again = make_hidden_tests(problem, FunctionOracle(how_many), seed=3, count=COUNT)
    assert [t.input for t in again.tests] == [t.input for t in result.tests]  # seeded


def test_varied_answers_need_no_steering() -> None:
    problem = fixture_problem("values-with-exact-frequency")
    result = make_hidden_tests(problem, FunctionOracle(lambda nums, k: sum(nums) % 7), seed=3, count=COUNT)
    assert "steered" not in result.stats and len(result.tests) == COUNT
