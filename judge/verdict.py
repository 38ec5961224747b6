"""Verdicts, and the pure decision from a harness report to a verdict.

The harness reports what happened (outputs, errors, how the process ended, CPU
and memory measured by the kernel); everything that decides a verdict happens
here, on the host: comparing outputs, choosing the first failing test (as
LeetCode does), and reading process deaths as TLE/MLE/OLE/RE.
"""

from __future__ import annotations

import hashlib
import json
import math
import signal
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from judge.answers import checked_answer
from judge.checkers import outputs_match
from judge.errors import ProblemError
from judge.harness import accepts_message, cpu_budget_ms
from judge.problem import Limits, Problem
from judge.text import safe_json, safe_text


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
NOT_RUN = "not run"
UNCHECKED = "unchecked"  # ran without error; its expected output is not comparable


FIELD_CHARS = 8192  # a failing test's input, expected and got are stored up to this much


class Clip(BaseModel):
    """What a stored field was before it was cut to its first `FIELD_CHARS`."""

    chars: int  # the full text's length (a JSON value: its compact JSON text)
    sha256: str


class Failure(BaseModel):
    test: int | None  # 0-based; None when the whole submission failed (compile error, crash)
    input: str
    expected: Any = None
    got: Any = None
    stderr: str = ""
    message: str = ""
    clipped: dict[str, Clip] = {}  # fields stored as a prefix of their text

    @classmethod
    def bounded(cls, test: int | None, input: str = "", expected: Any = None, got: Any = None,
                stderr: str = "", message: str = "") -> Failure:
        """A failure safe to store and show: text from the sandbox made valid UTF-8,
        and a huge input, expected or got value (a forged output can be tens of MB)
        kept as a prefix with its length and hash."""
        clipped: dict[str, Clip] = {}
        values = {"input": input, "expected": expected, "got": got}
        for name, value in values.items():
            text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
            if len(text) > FIELD_CHARS:
                digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
                clipped[name] = Clip(chars=len(text), sha256=digest)
                values[name] = text[:FIELD_CHARS]
        return cls(test=test, input=safe_text(values["input"]), expected=safe_json(values["expected"]),
                   got=safe_json(values["got"]), stderr=safe_text(stderr), message=safe_text(message),
                   clipped=clipped)


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


def _process_end(report: dict[str, Any], limits: Limits) -> tuple[Verdict, str]:
    """Why did the submission's process stop early? Read from the kernel's facts."""
    cpu = _number(report.get("cpu_ms")) or 0.0
    sig = report.get("signal")
    crash = report.get("sandbox_crash")
    if isinstance(crash, dict):  # confirmed in a fresh container, with a healthy canary
        if crash.get("oom_killed"):
            return Verdict.MEMORY_LIMIT, "the sandbox ran out of memory (twice, in fresh containers)"
        return Verdict.RUNTIME_ERROR, f"the submission brought its sandbox down twice: {crash.get('reason')}"
    if report.get("killed") == "output":
        return Verdict.OUTPUT_LIMIT, "output exceeded the limit"
    if report.get("killed") == "memory" or ((report.get("oom_kills") or 0) > 0 and report.get("killed") == "wall"):
        return Verdict.MEMORY_LIMIT, "a process of the submission was killed for lack of memory"
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


def _accepted_messages(messages: Any, n_tests: int) -> list[dict[str, Any]]:
    """The report's messages that pass the result-channel rule the harness applied
    (`judge.harness.accepts_message`), checked again here with the same rule."""
    accepted: list[dict[str, Any]] = []
    next_test = 0
    for m in messages if isinstance(messages, list) else []:
        if accepts_message(m, next_test, n_tests):
            accepted.append(m)
            next_test += m["t"] in ("test", "bad_test")
    return accepted


def decide(problem: Problem, report: dict[str, Any], judge_image: str, limits: Limits) -> JudgeResult:
    """Harness report + the problem's expected outputs -> the verdict."""
    tests = problem.tests
    total = len(tests)
    comparable = sum(t.comparable for t in tests)
    if comparable == 0:
        raise ProblemError(problem.slug, "has no test with a comparable expected output")
    messages = _accepted_messages(report.get("messages"), total)
    base = {
        "runtime_ms": _number(report.get("cpu_ms")) or 0.0,
        "memory_kb": int(_number(report.get("maxrss_kb")) or 0),
        "judge_image": judge_image,
        "test_set_version": problem.test_set_version(),
        "limits": limits,
        "stdout": safe_text(str(report.get("stdout", ""))[:4096]),
    }
    stderr = str(report.get("stderr", ""))

    def whole(verdict: Verdict, message: str) -> JudgeResult:
        """The submission failed before or outside any test: no test is blamed."""
        return JudgeResult(
            verdict=verdict, passed=0, total=comparable,
            first_failure=Failure.bounded(None, stderr=stderr, message=message),
            tests=[TestOutcome(status=NOT_RUN)] * total, **base,
        )

    first = messages[0] if messages else {}
    if first.get("t") == "compile_error":
        return whole(Verdict.COMPILE_ERROR, str(first.get("message", "")))
    if first.get("t") == "module_error":
        return whole(_ERROR_KINDS.get(str(first.get("kind")), Verdict.RUNTIME_ERROR), str(first.get("message", "")))
    if isinstance(report.get("sandbox_crash"), dict):
        return whole(*_process_end(report, limits))

    results = {m["i"]: m for m in messages if m["t"] in ("test", "bad_test")}
    outcomes: list[TestOutcome] = []
    failure: Failure | None = None
    verdict = Verdict.ACCEPTED
    ended = False  # the process stopped running tests: later missing ones were not run
    passed = 0
    oom_seen = 0.0  # the container's OOM kills counted by PID 1 up to the previous result
    for i, test in enumerate(tests):
        r = results.get(i)
        got: Any = None
        cpu = _number((r or {}).get("cpu_ms"))
        oom = _number((r or {}).get("oom_kills")) or 0.0
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
        elif oom > oom_seen:  # some process of the submission was killed for memory during this test
            ended = True
            v, message = Verdict.MEMORY_LIMIT, "a process of the submission was killed for lack of memory"
        elif not r.get("ok"):
            v, message = _ERROR_KINDS.get(str(r.get("kind")), Verdict.RUNTIME_ERROR), str(r.get("message", ""))
            ended = ended or v in (Verdict.TIME_LIMIT, Verdict.MEMORY_LIMIT)
        elif cpu is not None and cpu > cpu_budget_ms(limits.time_ms):  # measured by PID 1
            v, message = Verdict.TIME_LIMIT, f"test took {cpu:.0f} ms of CPU time"
        else:
            got, wrong_type = checked_answer(problem.signature, test.input, r)
            if wrong_type is not None:
                v, message = Verdict.WRONG_ANSWER, wrong_type
            elif not test.comparable:
                outcomes.append(TestOutcome(status=UNCHECKED, cpu_ms=cpu))
                continue
            elif outputs_match(problem.checker, test.expected, got):
                passed += 1
                outcomes.append(TestOutcome(status="AC", cpu_ms=cpu))
                continue
            else:
                v, message = Verdict.WRONG_ANSWER, ""
        oom_seen = max(oom_seen, oom)
        outcomes.append(TestOutcome(status=_SHORT[v], cpu_ms=cpu))
        if failure is None:
            verdict = v
            failure = Failure.bounded(i, test.input, test.expected, got, stderr, message)

    # All outputs right, but the process may still have broken a limit.
    over_budget = (_number(report.get("cpu_ms")) or 0) >= limits.total_time_ms
    oom_killed = (_number(report.get("oom_kills")) or 0) > 0  # a helper process blew the memory
    if verdict is Verdict.ACCEPTED and (report.get("killed") or over_budget or oom_killed):
        verdict, message = _process_end(report, limits)
        failure = Failure.bounded(total - 1, tests[-1].input, stderr=stderr, message=message)
    return JudgeResult(
        verdict=verdict, passed=passed, total=comparable, first_failure=failure, tests=outcomes, **base
    )
