"""A first end-to-end check through the real sandbox."""

import pytest

from judge.verdict import Verdict
from tests.support import design_problem, function_problem

TWO_SUM = function_problem(
    "twoSum", [("nums", "integer[]"), ("target", "integer")], "integer[]",
    [("[2,7,11,15]\n9", [0, 1]), ("[3,2,4]\n6", [1, 2]), ("[3,3]\n6", [0, 1])],
    checker={"kind": "unordered"},
)
GOOD = """
class Solution:
    def twoSum(self, nums: List[int], target: int) -> List[int]:
        seen = {}
        for i, x in enumerate(nums):
            if target - x in seen:
                return [i, seen[target - x]]
            seen[x] = i
"""


@pytest.mark.docker
def test_correct_solution_is_accepted(judge):
    result = judge.judge(TWO_SUM, GOOD)
    assert result.verdict is Verdict.ACCEPTED, result.first_failure
    assert (result.passed, result.total) == (3, 3)
    assert result.judge_image.startswith("lcagent-judge:")


@pytest.mark.docker
def test_wrong_solution_is_rejected_with_first_failure(judge):
    result = judge.judge(TWO_SUM, GOOD.replace("return [i, seen[target - x]]", "return [0, 0]"))
    assert result.verdict is Verdict.WRONG_ANSWER
    assert result.first_failure.test == 0
    assert result.first_failure.got == [0, 0]
    assert result.passed == 0


@pytest.mark.docker
def test_design_problem(judge):
    problem = design_problem(
        "Counter", [("start", "integer")],
        {"inc": ([("by", "integer")], "integer"), "reset": ([], "void")},
        [('["Counter","inc","inc","reset","inc"]\n[[5],[1],[2],[],[3]]', [None, 6, 8, None, 3])],
    )
    code = """
class Counter:
    def __init__(self, start): self.v = start
    def inc(self, by): self.v += by; return self.v
    def reset(self): self.v = 0
"""
    assert judge.judge(problem, code).verdict is Verdict.ACCEPTED
    assert judge.judge(problem, code.replace("self.v = 0", "self.v = 1")).verdict is Verdict.WRONG_ANSWER
