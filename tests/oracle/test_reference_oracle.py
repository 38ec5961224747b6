"""The `reference` oracle and judge/outputs.py in the real Docker sandbox: a
reference solution's outputs on inputs, an input it cannot answer dropped (time,
exception) while the others are answered, a reference that does not compile."""

from __future__ import annotations

import pytest

from agent.oracle import NotAnswerable
from agent.oracle.reference import ReferenceOracle
from judge.judging import DockerJudge
from judge.outputs import run_outputs
from judge.problem import Problem
from judge.sandbox import SandboxPool
from tests.support import design_problem, function_problem

pytestmark = pytest.mark.docker

SLOW_ON_NEGATIVE = """
class Solution:
    def twice(self, x: int) -> int:
        if x < 0:
            while True:
                pass
        if x == 13:
            raise ValueError("unlucky")
        return 2 * x
"""


def twice(reference: str | None = SLOW_ON_NEGATIVE, time_ms: int = 400) -> Problem:
    p = function_problem("twice", [("x", "integer")], "integer", [("1", 2)], limits={"time_ms": time_ms})
    return p.model_copy(update={"reference_solution": reference})


def test_outputs_in_order_with_the_failing_inputs_named(sandbox_pool: SandboxPool) -> None:
    inputs = ["1", "-5", "7", "13", "21", "\"text\"", "-1", "4"]
    out = run_outputs(sandbox_pool, twice(), SLOW_ON_NEGATIVE, inputs)
    assert [o.value for o in out if o.ok] == [2, 14, 42, 8]
    errors = {inputs[i]: o.error or "" for i, o in enumerate(out) if not o.ok}
    assert set(errors) == {"-5", "13", "\"text\"", "-1"}
    assert errors["-5"].startswith(("TLE", "RE: killed")) and errors["-1"].startswith(("TLE", "RE: killed"))
    assert errors["13"].startswith("RE") and "unlucky" in errors["13"]
    assert errors["\"text\""].startswith("bad input")  # never sent to the sandbox


def test_a_reference_that_does_not_compile_fails_every_input(sandbox_pool: SandboxPool) -> None:
    out = run_outputs(sandbox_pool, twice(), "class Solution:\n    def twice(self, x)\n", ["1", "2"])
    assert [o.ok for o in out] == [False, False] and all((o.error or "").startswith("CE") for o in out)


def test_the_reference_oracle_answers_with_provenance(sandbox_pool: SandboxPool) -> None:
    report = ReferenceOracle(DockerJudge(sandbox_pool)).answer(twice(), ["3", "13", "-2", "0"])
    assert [a.status for a in report.answers] == ["ok", "failed", "failed", "ok"]
    assert [a.expected for a in report.answers if a.ok] == [6, 0]
    assert report.refs and report.refs[0].startswith("reference:lcagent-judge:")
    with pytest.raises(NotAnswerable, match="no reference solution"):
        ReferenceOracle(DockerJudge(sandbox_pool)).answer(twice(None), ["1"])


def test_design_problems_answer_the_list_of_call_results(sandbox_pool: SandboxPool) -> None:
    p = design_problem("Counter", [("start", "integer")], {"add": ([("n", "integer")], "integer")},
                       [('["Counter","add"]\n[[1],[2]]', [None, 3])])
    code = ("class Counter:\n    def __init__(self, start):\n        self.v = start\n"
            "    def add(self, n):\n        self.v += n\n        return self.v\n")
    out = run_outputs(sandbox_pool, p, code, ['["Counter","add","add"]\n[[5],[1],[2]]'])
    assert out[0].ok and out[0].value == [None, 6, 8]
