"""decide(): from a synthetic harness report to a verdict. Pure, no Docker.

The reports have the shape `judge.harness.run_job` returns; the messages the shapes
`_child_main` sends (compile_error, module_error, test, bad_test, done)."""

from __future__ import annotations

import json
import signal
from typing import Any

import pytest

from judge.errors import ProblemError
from judge.problem import Limits, Problem, parse_problem
from judge.verdict import NOT_RUN, UNCHECKED, JudgeResult, Verdict, decide

IMAGE = "lcagent-judge:test@sha256:0123"
LIMITS = Limits(time_ms=1000, total_time_ms=5000, memory_mb=256)


def make_problem(
    tests: list[tuple[str, Any]] | None = None,
    *,
    returns: str = "integer",
    checker: dict | None = None,
    not_comparable: tuple[int, ...] = (),
) -> Problem:
    """f(x: integer) -> `returns`; by default three tests: 1 -> 2, 2 -> 3, 3 -> 4."""
    tests = tests if tests is not None else [("1", 2), ("2", 3), ("3", 4)]
    doc: dict[str, Any] = {
        "slug": "verdict-test",
        "signature": {"kind": "function", "name": "f", "params": [{"name": "x", "type": "integer"}],
                      "return": returns},
        "tests": [
            {"input": i, "expected": e, "comparable": n not in not_comparable}
            for n, (i, e) in enumerate(tests)
        ],
    }
    if checker:
        doc["checker"] = checker
    return parse_problem(doc)


PROBLEM = make_problem()


def ok(i: Any, output: Any, cpu_ms: float = 1.5) -> dict:
    """An answer as the host holds it: the header PID 1 accepted (with its payload's
    length) and the value the host read from the payload."""
    return {"t": "test", "i": i, "ok": True, "n": len(json.dumps(output)), "output": output, "cpu_ms": cpu_ms}


def err(i: int, kind: str, message: str = "Traceback ...") -> dict:
    return {"t": "test", "i": i, "ok": False, "kind": kind, "message": message}


DONE = {"t": "done"}
ALL_RIGHT = [ok(0, 2), ok(1, 3), ok(2, 4)]


def report(
    messages: list[Any],
    *,
    exit_code: int | None = 0,
    sig: int | None = None,
    killed: str | None = None,
    cpu_ms: float = 30.0,
    maxrss_kb: int = 12345,
    oom_kills: int | None = 0,
    stdout: str = "",
    stderr: str = "",
    wall_ms: float = 80.0,
) -> dict:
    """A report shaped like `judge.harness.run_job`'s."""
    return {
        "id": "job-1", "protocol": 1, "messages": messages, "malformed_messages": 0,
        "exit_code": exit_code, "signal": sig, "killed": killed, "cpu_ms": cpu_ms,
        "maxrss_kb": maxrss_kb, "wall_ms": wall_ms, "oom_kills": oom_kills,
        "channel_bytes": 100, "stdout_bytes": len(stdout), "stderr_bytes": len(stderr),
        "stdout": stdout, "stderr": stderr, "clean": True,
    }


def run(rep: dict, problem: Problem = PROBLEM, limits: Limits = LIMITS) -> JudgeResult:
    return decide(problem, rep, IMAGE, limits)


def statuses(result: JudgeResult) -> list[str]:
    return [t.status for t in result.tests]


# ------------------------------------------------------------------ accepted


def test_accepted_when_every_output_matches() -> None:
    r = run(report([*ALL_RIGHT, DONE], stdout="debug print\n"))
    assert r.verdict is Verdict.ACCEPTED and r.accepted
    assert (r.passed, r.total) == (3, 3)
    assert r.first_failure is None
    assert statuses(r) == ["AC", "AC", "AC"]
    assert [t.cpu_ms for t in r.tests] == [1.5, 1.5, 1.5]
    assert r.runtime_ms == 30.0 and r.memory_kb == 12345
    assert r.judge_image == IMAGE and r.limits == LIMITS
    assert r.test_set_version == PROBLEM.test_set_version()
    assert r.stdout == "debug print\n"


def test_accepted_without_done_when_all_tests_reported_and_right() -> None:
    r = run(report(ALL_RIGHT))
    assert r.verdict is Verdict.ACCEPTED
    assert (r.passed, r.total) == (3, 3)


def test_results_out_of_order_are_not_results() -> None:
    """The harness forwards results only in test order (one rule on both sides): a
    line claiming a later test early is not a result, whoever wrote it."""
    r = run(report([ok(2, 4), ok(0, 2), ok(1, 3), DONE]))
    assert r.verdict is Verdict.RUNTIME_ERROR
    assert statuses(r) == ["AC", "AC", "RE"]
    in_order = run(report([ok(0, 2), ok(1, 3), ok(2, 4), DONE]))
    assert in_order.verdict is Verdict.ACCEPTED


@pytest.mark.parametrize("index", [0.0, True, "0", None, -1, 3], ids=repr)
def test_a_test_index_must_be_the_next_integer(index: Any) -> None:
    """0.0 == 0 and True == 1 in Python; neither is a test index."""
    r = run(report([ok(index, 2), ok(1, 3), ok(2, 4), DONE]))
    assert r.verdict is Verdict.RUNTIME_ERROR
    assert statuses(r) == ["RE", NOT_RUN, NOT_RUN]


def test_stdout_is_capped() -> None:
    r = run(report([*ALL_RIGHT, DONE], stdout="x" * 10_000))
    assert r.stdout == "x" * 4096


@pytest.mark.parametrize(
    ("checker", "expected", "got", "verdict"),
    [
        pytest.param({"kind": "unordered"}, [1, 2], [2, 1], Verdict.ACCEPTED, id="unordered-permuted"),
        pytest.param({"kind": "unordered"}, [1, 1, 2], [1, 2, 2], Verdict.WRONG_ANSWER, id="unordered-multiset"),
        pytest.param(None, [1, 2], [2, 1], Verdict.WRONG_ANSWER, id="exact-order"),
        pytest.param({"kind": "custom", "name": "unordered_unique"}, [1, 2], [2, 1, 1],
                     Verdict.ACCEPTED, id="custom-checker"),
    ],
)
def test_the_problems_checker_is_used(checker: dict | None, expected: Any, got: Any, verdict: Verdict) -> None:
    problem = make_problem([("1", expected)], returns="integer[]", checker=checker)
    assert run(report([ok(0, got), DONE]), problem).verdict is verdict


@pytest.mark.parametrize(
    ("expected", "got", "verdict"),
    [
        pytest.param(0.5, 0.500004, Verdict.ACCEPTED, id="within-1e-5"),
        pytest.param(0.5, 0.5001, Verdict.WRONG_ANSWER, id="off-by-1e-4"),
        pytest.param(0.5, None, Verdict.WRONG_ANSWER, id="null"),
    ],
)
def test_float_answers_compare_within_tolerance(expected: float, got: Any, verdict: Verdict) -> None:
    problem = make_problem([("1", expected)], returns="double")
    assert run(report([ok(0, got), DONE]), problem).verdict is verdict


# ------------------------------------------------------------------ wrong answer


@pytest.mark.parametrize(
    "got",
    [
        pytest.param(99, id="other-int"),
        pytest.param(True, id="bool-for-int"),
        pytest.param("3", id="string-for-int"),
        pytest.param(None, id="null"),
        pytest.param([3], id="list"),
    ],
)
def test_wrong_answer_reports_the_first_mismatch(got: Any) -> None:
    r = run(report([ok(0, 2), ok(1, got), ok(2, 4), DONE], stderr="warn"))
    assert r.verdict is Verdict.WRONG_ANSWER
    f = r.first_failure
    assert f is not None
    assert (f.test, f.input, f.expected, f.got) == (1, "2", 3, got)
    assert f.stderr == "warn"
    assert statuses(r) == ["AC", "WA", "AC"]
    assert (r.passed, r.total) == (2, 3)


def test_first_of_several_wrong_answers_is_reported() -> None:
    r = run(report([ok(0, 2), ok(1, 0), ok(2, 0), DONE]))
    assert r.first_failure is not None and r.first_failure.test == 1
    assert statuses(r) == ["AC", "WA", "WA"]
    assert r.passed == 1


def test_first_failing_test_decides_the_verdict() -> None:
    # test 1 wrong, test 2 out of time: LeetCode reports the first failure, WA.
    r = run(report([ok(0, 2), ok(1, 0), err(2, "TLE", "Time Limit Exceeded")], exit_code=0))
    assert r.verdict is Verdict.WRONG_ANSWER
    assert r.first_failure is not None and r.first_failure.test == 1
    assert statuses(r) == ["AC", "WA", "TLE"]


def test_runtime_error_before_wrong_answer_decides() -> None:
    r = run(report([ok(0, 2), err(1, "RE", "ZeroDivisionError"), ok(2, 0), DONE]))
    assert r.verdict is Verdict.RUNTIME_ERROR
    assert r.first_failure is not None
    assert (r.first_failure.test, r.first_failure.message) == (1, "ZeroDivisionError")
    assert statuses(r) == ["AC", "RE", "WA"]


def test_wrong_answer_before_a_killed_process_decides() -> None:
    r = run(report([ok(0, 0)], killed="output", exit_code=None, sig=signal.SIGKILL))
    assert r.verdict is Verdict.WRONG_ANSWER
    assert statuses(r) == ["WA", "OLE", NOT_RUN]


# ------------------------------------------------------------------ whole-program failures


def test_compile_error() -> None:
    msg = 'File "solution.py", line 1\nSyntaxError: invalid syntax'
    r = run(report([{"t": "compile_error", "message": msg}], stderr="boom"))
    assert r.verdict is Verdict.COMPILE_ERROR
    assert r.passed == 0
    f = r.first_failure
    assert f is not None
    # a compile error is no test's failure: no input, no expected output
    assert (f.test, f.input, f.expected, f.got, f.message, f.stderr) == (None, "", None, None, msg, "boom")
    assert statuses(r) == [NOT_RUN, NOT_RUN, NOT_RUN]


def test_compile_error_after_test_results_is_not_a_result() -> None:
    """The harness reports a compile error before any test or not at all."""
    r = run(report([*ALL_RIGHT, {"t": "compile_error", "message": "no class Solution"}, DONE]))
    assert r.verdict is Verdict.ACCEPTED


@pytest.mark.parametrize(
    ("kind", "verdict", "status"),
    [
        pytest.param("RE", Verdict.RUNTIME_ERROR, "RE", id="RE"),
        pytest.param("TLE", Verdict.TIME_LIMIT, "TLE", id="TLE"),
        pytest.param("MLE", Verdict.MEMORY_LIMIT, "MLE", id="MLE"),
        pytest.param("weird", Verdict.RUNTIME_ERROR, "RE", id="unknown-kind-is-RE"),
        pytest.param(None, Verdict.RUNTIME_ERROR, "RE", id="no-kind-is-RE"),
    ],
)
def test_module_error(kind: str | None, verdict: Verdict, status: str) -> None:
    r = run(report([{"t": "module_error", "kind": kind, "message": "at import"}]))
    assert r.verdict is verdict
    assert r.first_failure is not None
    assert (r.first_failure.test, r.first_failure.input, r.first_failure.message) == (None, "", "at import")
    assert statuses(r) == [NOT_RUN, NOT_RUN, NOT_RUN]
    assert r.passed == 0


@pytest.mark.parametrize(
    "message",
    [
        pytest.param({"t": "compile_error", "message": "x"}, id="compile-error"),
        pytest.param({"t": "module_error", "kind": "RE", "message": "x"}, id="module-error"),
    ],
)
def test_whole_program_failure_total_counts_comparable_tests_only(message: dict) -> None:
    problem = make_problem(not_comparable=(1,))
    assert run(report([*ALL_RIGHT, DONE]), problem).total == 2
    assert run(report([message]), problem).total == 2  # same denominator whatever the verdict


def test_a_problem_without_comparable_tests_is_never_judged() -> None:
    """No test to compare means no evidence: never a verdict (least of all Accepted)."""
    with pytest.raises(ProblemError, match="no test with a comparable expected output"):
        run(report([{"t": "compile_error", "message": "x"}]), make_problem([]))
    with pytest.raises(ProblemError):
        run(report([ok(0, 1), DONE]), make_problem([("1", 1)], not_comparable=(0,)))


# ------------------------------------------------------------------ per-test failures


@pytest.mark.parametrize(
    ("kind", "verdict", "status"),
    [
        pytest.param("RE", Verdict.RUNTIME_ERROR, "RE", id="RE"),
        pytest.param("TLE", Verdict.TIME_LIMIT, "TLE", id="TLE"),
        pytest.param("MLE", Verdict.MEMORY_LIMIT, "MLE", id="MLE"),
        pytest.param("OLE", Verdict.RUNTIME_ERROR, "RE", id="OLE-is-not-a-sandbox-error-kind"),
        pytest.param("AC", Verdict.RUNTIME_ERROR, "RE", id="forged-AC-kind-is-RE"),
        pytest.param("??", Verdict.RUNTIME_ERROR, "RE", id="unknown-kind-is-RE"),
    ],
)
def test_per_test_error(kind: str, verdict: Verdict, status: str) -> None:
    r = run(report([ok(0, 2), err(1, kind, "the message"), ok(2, 4), DONE]))
    assert r.verdict is verdict
    f = r.first_failure
    assert f is not None
    assert (f.test, f.input, f.expected, f.got, f.message) == (1, "2", 3, None, "the message")
    assert statuses(r)[:2] == ["AC", status]
    assert r.passed == 2


@pytest.mark.parametrize("kind", ["TLE", "MLE"])
def test_tests_after_a_stopping_failure_are_not_run(kind: str) -> None:
    # The harness stops after TLE/MLE ("out of budget") and exits normally: the
    # later tests never ran, they did not fail.
    r = run(report([ok(0, 2), err(1, kind)], exit_code=0))
    assert r.verdict is {"TLE": Verdict.TIME_LIMIT, "MLE": Verdict.MEMORY_LIMIT}[kind]
    assert statuses(r) == ["AC", kind, NOT_RUN]


def test_bad_test_is_a_runtime_error() -> None:
    r = run(report([ok(0, 2), {"t": "bad_test", "i": 1, "message": "unparsable input"}], exit_code=0))
    assert r.verdict is Verdict.RUNTIME_ERROR
    f = r.first_failure
    assert f is not None and f.test == 1
    assert "test input rejected in the sandbox" in f.message and "unparsable input" in f.message
    assert statuses(r)[:2] == ["AC", "RE"]


def test_bad_test_wins_over_a_later_test_message_for_the_same_index() -> None:
    r = run(report([ok(0, 2), {"t": "bad_test", "i": 1, "message": "x"}, ok(1, 3), ok(2, 4), DONE]))
    assert r.verdict is Verdict.RUNTIME_ERROR


# ------------------------------------------------------------------ process deaths


@pytest.mark.parametrize(
    ("kw", "verdict", "words"),
    [
        pytest.param({"killed": "output", "sig": signal.SIGKILL, "exit_code": None},
                     Verdict.OUTPUT_LIMIT, "output", id="killed-output-OLE"),
        pytest.param({"killed": "wall", "sig": signal.SIGKILL, "exit_code": None, "wall_ms": 7000.0},
                     Verdict.TIME_LIMIT, "7000 ms of wall time", id="killed-wall-TLE"),
        pytest.param({"cpu_ms": 5000.0, "sig": signal.SIGKILL, "exit_code": None},
                     Verdict.TIME_LIMIT, "5000 ms of CPU", id="cpu-at-limit-TLE"),
        pytest.param({"sig": signal.SIGXCPU, "exit_code": None, "cpu_ms": 4000.0},
                     Verdict.TIME_LIMIT, "CPU", id="SIGXCPU-TLE"),
        pytest.param({"oom_kills": 1, "sig": signal.SIGKILL, "exit_code": None},
                     Verdict.MEMORY_LIMIT, "memory", id="oom-kill-MLE"),
        pytest.param({"sig": signal.SIGSEGV, "exit_code": None},
                     Verdict.RUNTIME_ERROR, "SIGSEGV", id="SIGSEGV-RE"),
        pytest.param({"sig": signal.SIGKILL, "exit_code": None, "oom_kills": None},
                     Verdict.RUNTIME_ERROR, "SIGKILL", id="SIGKILL-unknown-oom-RE"),
        pytest.param({"sig": 77, "exit_code": None}, Verdict.RUNTIME_ERROR, "signal 77", id="unknown-signal-RE"),
        pytest.param({"exit_code": 0}, Verdict.RUNTIME_ERROR, "code 0", id="exit-0-early-RE"),
        pytest.param({"exit_code": 3}, Verdict.RUNTIME_ERROR, "code 3", id="exit-3-early-RE"),
    ],
)
def test_process_end_before_all_tests(kw: dict, verdict: Verdict, words: str) -> None:
    r = run(report([ok(0, 2)], stderr="trace", **kw))
    assert r.verdict is verdict
    f = r.first_failure
    assert f is not None
    assert (f.test, f.input, f.expected, f.got, f.stderr) == (1, "2", 3, None, "trace")
    assert words in f.message
    short = {Verdict.OUTPUT_LIMIT: "OLE", Verdict.TIME_LIMIT: "TLE", Verdict.MEMORY_LIMIT: "MLE",
             Verdict.RUNTIME_ERROR: "RE"}[verdict]
    assert statuses(r) == ["AC", short, NOT_RUN]
    assert (r.passed, r.total) == (1, 3)


def test_no_message_at_all_is_a_runtime_error_on_the_first_test() -> None:
    r = run(report([], exit_code=1))
    assert r.verdict is Verdict.RUNTIME_ERROR
    assert r.first_failure is not None and r.first_failure.test == 0
    assert statuses(r) == ["RE", NOT_RUN, NOT_RUN]


@pytest.mark.parametrize(
    ("kw", "verdict"),
    [
        pytest.param({"killed": "output"}, Verdict.OUTPUT_LIMIT, id="killed-output"),
        pytest.param({"killed": "wall"}, Verdict.TIME_LIMIT, id="killed-wall"),
        pytest.param({"cpu_ms": 5000.0}, Verdict.TIME_LIMIT, id="cpu-equal-to-limit"),
        pytest.param({"cpu_ms": 9000.0}, Verdict.TIME_LIMIT, id="cpu-over-limit"),
        pytest.param({"cpu_ms": 4999.0}, Verdict.ACCEPTED, id="cpu-under-limit"),
        pytest.param({"oom_kills": 2}, Verdict.MEMORY_LIMIT, id="oom-after-all-answers"),
        pytest.param({"exit_code": 1}, Verdict.ACCEPTED, id="nonzero-exit-after-all-answers"),
    ],
)
def test_limits_broken_after_all_outputs_were_right(kw: dict, verdict: Verdict) -> None:
    r = run(report([*ALL_RIGHT, DONE], **kw))
    assert r.verdict is verdict
    assert r.passed == 3  # the outputs were right; the limit decides
    if verdict is not Verdict.ACCEPTED:
        f = r.first_failure
        assert f is not None
        assert (f.test, f.input) == (2, "3")


# ------------------------------------------------------------------ forged and malformed messages


def test_duplicate_messages_first_wins_wrong_then_right() -> None:
    r = run(report([ok(0, 2), ok(1, 99), ok(1, 3), ok(2, 4), DONE]))
    assert r.verdict is Verdict.WRONG_ANSWER
    assert r.first_failure is not None and r.first_failure.got == 99


def test_duplicate_messages_first_wins_right_then_error() -> None:
    r = run(report([ok(0, 2), ok(1, 3), err(1, "RE"), ok(2, 4), DONE]))
    assert r.verdict is Verdict.ACCEPTED
    assert statuses(r) == ["AC", "AC", "AC"]


@pytest.mark.parametrize(
    "index",
    [
        pytest.param(-1, id="negative"),
        pytest.param(3, id="equal-to-total"),
        pytest.param(10**9, id="huge"),
        pytest.param("0", id="string"),
        pytest.param(0.0, id="float"),
        pytest.param(None, id="null"),
        pytest.param([0], id="list"),
    ],
)
def test_messages_with_invalid_index_are_ignored(index: Any) -> None:
    forged = ok(index, 12345)
    assert run(report([forged, *ALL_RIGHT, DONE])).verdict is Verdict.ACCEPTED
    # ...and they do not stand in for a missing test either
    r = run(report([ok(0, 2), ok(1, 3), forged, {**forged, "output": 4}], exit_code=0))
    assert r.verdict is Verdict.RUNTIME_ERROR
    assert statuses(r) == ["AC", "AC", "RE"]


@pytest.mark.parametrize(
    "junk",
    [
        pytest.param("test", id="string"),
        pytest.param(42, id="int"),
        pytest.param(None, id="null"),
        pytest.param([{"t": "compile_error"}], id="list"),
        pytest.param(True, id="bool"),
    ],
)
def test_malformed_message_entries_are_ignored(junk: Any) -> None:
    assert run(report([junk, *ALL_RIGHT, junk, DONE])).verdict is Verdict.ACCEPTED


@pytest.mark.parametrize(
    "message",
    [
        pytest.param({"t": "unknown", "i": 1}, id="unknown-type"),
        pytest.param({"i": 1, "ok": True, "output": 3}, id="no-type"),
        pytest.param({"t": "done", "i": 1}, id="done-with-index"),
    ],
)
def test_messages_of_other_types_do_not_count_as_results(message: dict) -> None:
    r = run(report([ok(0, 2), message, ok(2, 4), DONE]))
    assert r.verdict is Verdict.RUNTIME_ERROR
    assert statuses(r) == ["AC", "RE", NOT_RUN]  # test 1 never reported: the run ended there


@pytest.mark.parametrize(
    "cpu",
    [pytest.param("fast", id="string"), pytest.param([1], id="list"), pytest.param({"a": 1}, id="dict")],
)
def test_forged_cpu_ms_does_not_crash_the_decision(cpu: Any) -> None:
    # The submission can write lines to the result pipe; whatever they hold, the
    # host must reach a verdict rather than raise.
    r = run(report([ok(0, 2, cpu_ms=cpu), ok(1, 3), ok(2, 4), DONE]))
    assert isinstance(r.verdict, Verdict)


def test_forged_huge_int_output_for_a_float_answer_is_wrong_not_a_crash() -> None:
    problem = make_problem([("1", 2.5)], returns="double")
    r = run(report([ok(0, 10**400), DONE]), problem)
    assert r.verdict is Verdict.WRONG_ANSWER


def test_forged_nan_output_under_case_insensitive_is_wrong_not_a_crash() -> None:
    problem = make_problem([("1", "abc")], returns="string",
                           checker={"kind": "custom", "name": "case_insensitive"})
    r = run(report([ok(0, float("nan")), DONE]), problem)
    assert r.verdict is Verdict.WRONG_ANSWER


def test_ok_message_without_output_is_not_a_result() -> None:
    r = run(report([ok(0, 2), {"t": "test", "i": 1, "ok": True}, ok(2, 4), DONE]))
    assert r.verdict is Verdict.RUNTIME_ERROR
    assert r.first_failure is not None and r.first_failure.test == 1 and r.first_failure.got is None


# ------------------------------------------------------------------ comparable=False


def test_non_comparable_test_is_run_but_not_compared() -> None:
    problem = make_problem(not_comparable=(1,))
    r = run(report([ok(0, 2), ok(1, 12345), ok(2, 4), DONE]), problem)
    assert r.verdict is Verdict.ACCEPTED
    assert statuses(r) == ["AC", UNCHECKED, "AC"]
    assert (r.passed, r.total) == (2, 2)
    assert r.tests[1].cpu_ms == 1.5


@pytest.mark.parametrize(
    ("message", "verdict"),
    [
        pytest.param(err(1, "RE"), Verdict.RUNTIME_ERROR, id="RE"),
        pytest.param(err(1, "TLE"), Verdict.TIME_LIMIT, id="TLE"),
        pytest.param({"t": "bad_test", "i": 1, "message": "x"}, Verdict.RUNTIME_ERROR, id="bad-test"),
    ],
)
def test_error_on_a_non_comparable_test_still_fails(message: dict, verdict: Verdict) -> None:
    problem = make_problem(not_comparable=(1,))
    r = run(report([ok(0, 2), message, ok(2, 4), DONE]), problem)
    assert r.verdict is verdict
    assert r.first_failure is not None and r.first_failure.test == 1
    assert r.total == 2


def test_missing_non_comparable_test_still_fails() -> None:
    problem = make_problem(not_comparable=(2,))
    r = run(report([ok(0, 2), ok(1, 3)], sig=signal.SIGSEGV, exit_code=None), problem)
    assert r.verdict is Verdict.RUNTIME_ERROR
    assert statuses(r) == ["AC", "AC", "RE"]
    assert (r.passed, r.total) == (2, 2)


def test_wrong_answer_counts_passed_over_all_comparable_tests() -> None:
    problem = make_problem([("1", 2), ("2", 3), ("3", 4), ("4", 5)], not_comparable=(0,))
    r = run(report([ok(0, 0), ok(1, 3), ok(2, 0), ok(3, 5), DONE]), problem)
    assert r.verdict is Verdict.WRONG_ANSWER
    assert r.first_failure is not None and r.first_failure.test == 2
    assert statuses(r) == [UNCHECKED, "AC", "WA", "AC"]
    assert (r.passed, r.total) == (2, 3)


# ------------------------------------------------------------------ memory and crashes


def test_an_oom_kill_during_a_test_is_memory_limit_on_that_test() -> None:
    """PID 1 annotates each result with the container's OOM-kill count so far: a
    helper process killed for memory during test 1 makes test 1 MLE, even though
    the submission's own process reported a right answer."""
    messages = [{**ok(0, 2), "oom_kills": 0}, {**ok(1, 3), "oom_kills": 1}, {**ok(2, 4), "oom_kills": 1}, DONE]
    r = run(report(messages, oom_kills=1))
    assert r.verdict is Verdict.MEMORY_LIMIT
    assert r.first_failure is not None and r.first_failure.test == 1
    assert statuses(r)[:2] == ["AC", "MLE"]


def test_oom_kills_before_the_first_test_count_against_the_first() -> None:
    messages = [{**ok(0, 2), "oom_kills": 2}, {**ok(1, 3), "oom_kills": 2}, {**ok(2, 4), "oom_kills": 2}, DONE]
    r = run(report(messages, oom_kills=2))
    assert r.verdict is Verdict.MEMORY_LIMIT and r.first_failure is not None and r.first_failure.test == 0


@pytest.mark.parametrize(("oom_killed", "verdict"), [(True, Verdict.MEMORY_LIMIT), (False, Verdict.RUNTIME_ERROR)])
def test_a_confirmed_sandbox_crash_is_a_verdict_blaming_no_test(oom_killed: bool, verdict: Verdict) -> None:
    from judge.errors import SandboxCrashed
    from judge.judging import crash_report

    rep = crash_report(SandboxCrashed("the container stopped answering", oom_killed=oom_killed))
    r = run(rep)
    assert r.verdict is verdict
    assert r.first_failure is not None and r.first_failure.test is None and r.first_failure.input == ""
    assert statuses(r) == [NOT_RUN] * 3 and r.passed == 0


def test_a_crash_report_ignores_forged_results_before_the_crash() -> None:
    """Results a submission sent before taking its sandbox down are not a verdict."""
    from judge.errors import SandboxCrashed
    from judge.judging import crash_report

    rep = {**crash_report(SandboxCrashed("gone")), "messages": ALL_RIGHT}
    assert run(rep).verdict is Verdict.RUNTIME_ERROR


def test_a_compile_error_blames_no_test() -> None:
    r = run(report([{"t": "compile_error", "message": "SyntaxError: invalid syntax"}]))
    assert r.verdict is Verdict.COMPILE_ERROR
    assert r.first_failure is not None and r.first_failure.test is None
    assert r.first_failure.input == "" and r.first_failure.expected is None
    assert statuses(r) == [NOT_RUN] * 3


# ------------------------------------------------------------------ bounded, printable failures


def test_a_huge_wrong_output_is_stored_as_a_prefix_with_length_and_hash() -> None:
    import hashlib
    import json

    from judge.verdict import FIELD_CHARS

    huge = list(range(200_000))
    r = run(report([ok(0, huge), ok(1, 3), ok(2, 4), DONE]))
    f = r.first_failure
    assert r.verdict is Verdict.WRONG_ANSWER and f is not None
    full = json.dumps(huge, separators=(",", ":"))
    assert f.got == full[:FIELD_CHARS]
    assert f.clipped["got"].chars == len(full)
    assert f.clipped["got"].sha256 == hashlib.sha256(full.encode()).hexdigest()
    assert "input" not in f.clipped and "expected" not in f.clipped
    assert len(r.model_dump_json()) < 4 * FIELD_CHARS


def test_lone_surrogates_from_the_sandbox_are_stored_escaped() -> None:
    bad = "x\ud800y"
    messages = [ok(0, bad), ok(1, 3), ok(2, 4), DONE]
    r = run(report(messages, stdout=bad, stderr=bad))
    f = r.first_failure
    assert f is not None
    r.model_dump_json().encode("utf-8")  # would raise on a lone surrogate
    assert f.got == "x\\ud800y" and f.stderr == "x\\ud800y" and r.stdout == "x\\ud800y"
