"""Hostile submissions, round 3: the declared type is enforced, memory is counted
across processes, and no test's input is reachable before its turn.

- The result channel is the submission's to write, so the host checks every
  output against the declared return type before comparing: an int answer sent
  as a float is Wrong Answer, whatever the float tolerance would say.
- The memory of all the submission's processes together is held to the job's
  limit: two processes of 560 MB each do not pass a 1024 MB problem.
- The submission's process receives one test at a time, the next input only
  after its previous result was read, so it cannot spread an expensive later
  test's work over earlier tests' time windows.
"""

from __future__ import annotations

import secrets

import pytest

from judge.harness import frame
from judge.problem import Limits
from judge.verdict import Verdict
from tests.support import design_problem, function_problem
from tests.test_hostile import (
    ADD_ONE,
    FAST,
    MLE,
    assert_contained,
    assert_verdict,
    explain,
    judged,
    solution,
)

AC = Verdict.ACCEPTED


@pytest.fixture(scope="module")
def judge(one_container_judge):
    """Hostile submissions and their neighbours share one container (tests/conftest.py)."""
    return one_container_judge
WA = Verdict.WRONG_ANSWER
TLE = Verdict.TIME_LIMIT


# ---------------------------------------------------------- 3. the declared type

# The exact answer near 10^18; a float near it differs by ~10^5, which the
# float comparison's relative rounding slack (1e-12) would let through.
BIG = 10 ** 18 + 123_457
LONG_PROBLEM = function_problem("big", [("n", "long")], "long", [("1", BIG)], slug="hostile-long")


def forged_answer(output: str) -> bytes:
    """Test 0's result as the harness frames it, with `output` as the answer's JSON."""
    return frame({"t": "test", "i": 0, "ok": True}, output.encode())


def assert_wrong_type(result) -> None:
    """Wrong Answer because of the declared type (not because the forgery was
    ignored and the solution's own answer was wrong)."""
    assert_verdict(result, WA)
    assert "declared" in result.first_failure.message, explain(result)


def forged(output: str, *, method: str = "big", args: str = "n", ret: str = "0") -> str:
    """A solution that writes test 0's result itself, with `output` as JSON text."""
    return solution(f"import os\nos.write(3, {forged_answer(output)!r})\nreturn {ret}", method=method, args=args)


@pytest.mark.docker
def test_an_int_answer_sent_as_a_float_is_wrong(judge):
    result = judged(judge, LONG_PROBLEM, forged("1e18"), FAST)
    assert_wrong_type(result)
    assert "float" in result.first_failure.message and "long" in result.first_failure.message, explain(result)


TYPED_CASES = [
    pytest.param("integer", 3, "3.0", id="integer-as-float"),
    pytest.param("integer", 1, "true", id="integer-as-bool"),
    pytest.param("boolean", True, "1", id="bool-as-int"),
    pytest.param("string", "ab", '["a","b"]', id="string-as-list"),
    pytest.param("integer[]", [1, 2], "[1,2.0]", id="nested-float"),
    pytest.param("integer[][]", [[1], [2]], "[[1],[2.0]]", id="doubly-nested-float"),
    pytest.param("double", 2.0, '"2"', id="double-as-string"),
]


@pytest.mark.docker
@pytest.mark.parametrize(("returns", "expected", "output"), TYPED_CASES)
def test_outputs_of_the_wrong_type_are_wrong_answers(judge, returns, expected, output):
    problem = function_problem("big", [("n", "integer")], returns, [("1", expected)], slug="hostile-typed")
    assert_wrong_type(judged(judge, problem, forged(output), FAST))


@pytest.mark.docker
def test_a_double_answer_may_be_an_integer(judge):
    """LeetCode prints 2 as 2.00000: an int is a fine double."""
    problem = function_problem("half", [("n", "integer")], "double", [("4", 2.0)], slug="hostile-double-int")
    assert judged(judge, problem, solution("return n // 2", method="half", args="n"), FAST).verdict is AC


@pytest.mark.docker
def test_in_place_answers_are_checked_against_the_parameter_type(judge):
    problem = function_problem("fill", [("nums", "integer[]")], "void", [("[1,2]", [1, 2])],
                               slug="hostile-in-place", output_param=0)
    code = solution(f"import os\nos.write(3, {forged_answer('[1.0,2.0]')!r})", method="fill", args="nums")
    assert_wrong_type(judged(judge, problem, code, FAST))


@pytest.mark.docker
def test_design_answers_are_checked_against_each_method_type(judge):
    counter = design_problem("Counter", [("start", "long")], {"get": ([], "long")},
                             [('["Counter","get"]\n[[0],[]]', [None, BIG])], slug="hostile-design-typed")
    line = forged_answer("[null,1e18]")
    code = (f"import os\nclass Counter:\n    def __init__(self, start):\n        os.write(3, {line!r})\n"
            f"    def get(self):\n        return 0\n")
    assert_wrong_type(judged(judge, counter, code, FAST))


# ------------------------------------------------ 4. memory across processes

TWO_HALVES = solution("""
    import os
    r, w = os.pipe()
    pid = os.fork()
    block = bytearray(b"\\1") * (560 << 20)  # in both processes: 1120 MB together
    if pid == 0:
        os.write(w, b"x")
        import time
        time.sleep(3)
        os._exit(0)
    os.read(r, 1)
    os.waitpid(pid, 0)
    return a + b + block[-1] - 1
""")
BIG_LIMIT = Limits(time_ms=10_000, total_time_ms=20_000, memory_mb=1024)


@pytest.mark.docker
def test_memory_of_all_processes_together_is_held_to_the_limit(judge):
    assert_verdict(judged(judge, ADD_ONE, TWO_HALVES, BIG_LIMIT), MLE)


@pytest.mark.docker
def test_a_solution_near_its_memory_limit_is_accepted(judge):
    code = solution("""
        block = bytearray(b"\\1") * (880 << 20)
        return a + b + block[-1] - 1
    """)
    assert judged(judge, ADD_ONE, code, BIG_LIMIT).verdict is AC


# ---------------------------------------------- 5. one test at a time

LATER = "LCLATER-" + secrets.token_hex(16)

# In test 0, looks for test 1's input anywhere in its own process: every readable
# mapping, every descriptor, every object the garbage collector knows.
LOOK_AHEAD = solution(r"""
    if x != "go":
        return "escaped"  # test 1: passes only if test 0 saw it coming
    import ctypes, gc, os, re
    pattern = re.compile(("LC" + "LATER-[0-9a-f]{32}").encode())
    found = []
    for line in open("/proc/self/maps"):
        parts = line.split()
        lo, hi = (int(v, 16) for v in parts[0].split("-"))
        name = parts[5] if len(parts) > 5 else ""
        if parts[1][0] != "r" or name in ("[vvar]", "[vsyscall]", "[vvar_vclock]") or hi - lo > 512 << 20:
            continue
        if pattern.search(ctypes.string_at(lo, hi - lo)):
            found.append("memory " + (name or hex(lo)))
    for fd in os.listdir("/proc/self/fd"):
        try:
            os.set_blocking(int(fd), False)
            if pattern.search(os.read(int(fd), 1 << 22)):
                found.append(f"fd {fd}")
        except OSError:
            pass
    if any(isinstance(o, str) and pattern.search(o.encode("utf-8", "replace")) for o in gc.get_objects()):
        found.append("an object")
    print("found", found)
    return "escaped" if found else "contained"
""", method="probe", args="x")


@pytest.mark.docker
def test_a_later_test_input_is_not_reachable_before_its_turn(judge):
    problem = function_problem("probe", [("x", "string")], "string",
                               [('"go"', "escaped"), (f'"{LATER}"', "escaped")], slug="hostile-look-ahead")
    result = judged(judge, problem, LOOK_AHEAD, FAST)
    assert_contained(result)


@pytest.mark.docker
def test_a_child_that_stops_reading_its_inputs_does_not_hang_the_judge(judge):
    """Test 0's result is forged right away, then the process sleeps without ever
    reading test 1's 2 MB input: PID 1 must keep its own deadlines (a blocking
    write would hang it): Time Limit Exceeded on test 1."""
    big = "[" + ",".join(["1"] * 1_000_000) + "]"
    problem = function_problem("count", [("nums", "integer[]")], "integer",
                               [("[1]", 1), (big, 1_000_000)], slug="hostile-stop-reading")
    line = forged_answer("1")
    code = solution(f"import os, time\nos.write(3, {line!r})\ntime.sleep(10 ** 6)", method="count", args="nums")
    result = judged(judge, problem, code, Limits(time_ms=300, total_time_ms=600, memory_mb=256))
    assert_verdict(result, TLE)
    assert result.first_failure.test == 1, explain(result)
