"""Verdicts, and the pure decision from a harness report to a verdict.

The harness reports what happened (outputs, errors, how the process ended, CPU
and memory measured by the kernel); everything that decides a verdict happens
here, on the host: comparing outputs, choosing the first failing test (as
LeetCode does), and reading process deaths as TLE/MLE/OLE/RE.
"""

from __future__ import annotations

import math
import signal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from judge.checkers import outputs_match
from judge.errors import ProblemError
from judge.problem import Limits, Problem


class Verdict(StrEnum):
    ACCEPTED = "Accepted"
    WRONG_ANSWER = "Wrong Answer"
    TIME_LIMIT = "Time Limit Exceeded"
    MEMORY_LIMIT = "Memory Limit Exceeded"
    RUNTIME_ERROR = "Runtime Error"
    COMPILE_ERROR = "Compile Error"
    OUTPUT_LIMIT = "Output Limit Exceeded"


# Per-test statuses: a verdict's short code, or "not run" after the process ended.
_SHORT = {
    Verdict.ACCEPTED: "AC",
    Verdict.WRONG_ANSWER: "WA",
    Verdict.TIME_LIMIT: "TLE",
    Verdict.MEMORY_LIMIT: "MLE",
    Verdict.RUNTIME_ERROR: "RE",
    Verdict.COMPILE_ERROR: "CE",
    Verdict.OUTPUT_LIMIT: "OLE",
}
# What the sandbox may report as an error. Anything else (a forged "AC", ...) reads
# as a runtime error: an error message never makes a test pass.
_ERROR_KINDS = {"TLE": Verdict.TIME_LIMIT, "MLE": Verdict.MEMORY_LIMIT, "RE": Verdict.RUNTIME_ERROR}
CPU_SLACK = 1.05  # the harness reads the child's CPU clock a little after each result
NOT_RUN = "not run"
UNCHECKED = "unchecked"  # ran without error; its expected output is not comparable


class Failure(BaseModel):
    test: int
    input: str
    expected: Any = None
    got: Any = None
    stderr: str = ""
    message: str = ""


class TestOutcome(BaseModel):
    status: str  # AC | WA | TLE | MLE | RE | OLE | CE | "not run" | "unchecked"
    cpu_ms: float | None = None


class JudgeResult(BaseModel):
    verdict: Verdict
    passed: int
    total: int
    first_failure: Failure | None = None
    runtime_ms: float
    memory_kb: int
    judge_image: str
    test_set_version: str
    limits: Limits
    tests: list[TestOutcome]
    stdout: str = ""

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED


def _process_end(report: dict, limits: Limits) -> tuple[Verdict, str]:
    """Why did the submission's process stop early? Read from the kernel's facts."""
    cpu = _number(report.get("cpu_ms")) or 0.0
    sig = report.get("signal")
    if report.get("killed") == "output":
        return Verdict.OUTPUT_LIMIT, "output exceeded the limit"
    if report.get("killed") == "wall":
        return Verdict.TIME_LIMIT, f"no result within {report.get('wall_ms', 0):.0f} ms of wall time"
    if report.get("killed") == "test_cpu":
        return Verdict.TIME_LIMIT, f"a test used more than {limits.time_ms} ms of CPU time"
    if report.get("killed") == "cpu":
        return Verdict.TIME_LIMIT, f"used more than {limits.total_time_ms} ms of CPU time in all"
    # RLIMIT_CPU sends SIGXCPU at the soft limit and SIGKILL a second later if it is
    # ignored; rusage can read a few percent under the kernel's count.
    rlimit_ms = 1000 * max(1, -(-limits.total_time_ms // 1000))
    oom = (report.get("oom_kills") or 0) > 0
    if cpu >= limits.total_time_ms or sig == signal.SIGXCPU or (
        sig == signal.SIGKILL and not oom and cpu >= 0.8 * rlimit_ms
    ):
        return Verdict.TIME_LIMIT, f"used {cpu:.0f} ms of CPU time"
    if (report.get("oom_kills") or 0) > 0:
        return Verdict.MEMORY_LIMIT, "killed by the kernel for lack of memory"
    if sig is not None:
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return Verdict.RUNTIME_ERROR, f"killed by signal {name}"
    return Verdict.RUNTIME_ERROR, f"exited (code {report.get('exit_code')}) before finishing the tests"


def _number(v: Any) -> float | None:
    """A finite number from the report, or None (the submission can write to the
    result channel: nothing read from it may crash the host)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    try:
        f = float(v)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def decide(problem: Problem, report: dict, judge_image: str, limits: Limits) -> JudgeResult:
    """Harness report + the problem's expected outputs -> the verdict."""
    tests = problem.tests
    total = len(tests)
    comparable = sum(t.comparable for t in tests)
    if comparable == 0:
        raise ProblemError(problem.slug, "has no test with a comparable expected output")
    messages = [m for m in report.get("messages", []) if isinstance(m, dict)]
    base = {
        "runtime_ms": _number(report.get("cpu_ms")) or 0.0,
        "memory_kb": int(_number(report.get("maxrss_kb")) or 0),
        "judge_image": judge_image,
        "test_set_version": problem.test_set_version(),
        "limits": limits,
        "stdout": str(report.get("stdout", ""))[:4096],
    }
    stderr = str(report.get("stderr", ""))

    def whole(verdict: Verdict, message: str) -> JudgeResult:
        first = tests[0] if tests else None
        failure = Failure(
            test=0, input=first.input if first else "", expected=first.expected if first else None,
            stderr=stderr, message=message,
        )
        status = _SHORT[verdict]
        return JudgeResult(
            verdict=verdict, passed=0, total=comparable, first_failure=failure,
            tests=[TestOutcome(status=status)] + [TestOutcome(status=NOT_RUN)] * max(0, total - 1),
            **base,
        )

    for m in messages:
        if m.get("t") == "compile_error":
            return whole(Verdict.COMPILE_ERROR, str(m.get("message", "")))
        if m.get("t") == "module_error":
            verdict = _ERROR_KINDS.get(str(m.get("kind")), Verdict.RUNTIME_ERROR)
            return whole(verdict, str(m.get("message", "")))

    results: dict[int, dict] = {}
    for m in messages:
        i = m.get("i")
        if m.get("t") in ("test", "bad_test") and type(i) is int and 0 <= i < total:
            results.setdefault(i, m)

    outcomes: list[TestOutcome] = []
    failure: Failure | None = None
    verdict = Verdict.ACCEPTED
    ended = False  # the process stopped running tests: later missing ones were not run
    passed = 0
    for i, test in enumerate(tests):
        r = results.get(i)
        got: Any = None
        cpu = _number((r or {}).get("cpu_ms"))
        if r is None:
            if ended:
                outcomes.append(TestOutcome(status=NOT_RUN))
                continue
            ended = True
            v, message = _process_end(report, limits)
        elif r.get("t") == "bad_test":
            # The host validated this test before sending it; a harness that cannot
            # read it was tampered with by the submission.
            ended = True
            v, message = Verdict.RUNTIME_ERROR, f"test input rejected in the sandbox: {r.get('message')}"
        elif not r.get("ok"):
            v, message = _ERROR_KINDS.get(str(r.get("kind")), Verdict.RUNTIME_ERROR), str(r.get("message", ""))
            ended = ended or v in (Verdict.TIME_LIMIT, Verdict.MEMORY_LIMIT)
        elif cpu is not None and cpu > limits.time_ms * CPU_SLACK + 50:  # measured by PID 1
            v, message = Verdict.TIME_LIMIT, f"test took {cpu:.0f} ms of CPU time"
        else:
            got = r.get("output")
            if not test.comparable:
                outcomes.append(TestOutcome(status=UNCHECKED, cpu_ms=cpu))
                continue
            if outputs_match(problem.checker, test.expected, got):
                passed += 1
                outcomes.append(TestOutcome(status="AC", cpu_ms=cpu))
                continue
            v, message = Verdict.WRONG_ANSWER, ""
        outcomes.append(TestOutcome(status=_SHORT[v], cpu_ms=cpu))
        if failure is None:
            verdict = v
            failure = Failure(
                test=i, input=test.input, expected=test.expected, got=got,
                stderr=stderr, message=message,
            )

    # All outputs right, but the process may still have broken a limit.
    over_budget = (_number(report.get("cpu_ms")) or 0) >= limits.total_time_ms
    oom_killed = (_number(report.get("oom_kills")) or 0) > 0  # a helper process blew the memory
    if verdict is Verdict.ACCEPTED and (report.get("killed") or over_budget or oom_killed):
        verdict, message = _process_end(report, limits)
        failure = Failure(test=total - 1, input=tests[-1].input, stderr=stderr, message=message)
    return JudgeResult(
        verdict=verdict, passed=passed, total=comparable, first_failure=failure, tests=outcomes, **base
    )
