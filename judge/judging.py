"""Judging as a library call: a problem and code in, a `JudgeResult` out.

    with SandboxPool(SandboxConfig(image=judge_image_tag())) as pool:
        result = DockerJudge(pool).judge(problem, code)

Only the test inputs, the signature and the limits go into the sandbox; expected
outputs stay here and are compared by `judge.verdict.decide`.

A container that dies or goes silent during a job (`SandboxCrashed`) is not yet
infrastructure: a submission can exhaust the container's memory with memory no
process owns, or otherwise take its sandbox down, and "sandbox unavailable" on
every retry would leave its unit unjudged -- and its model's rate higher. So the
judge checks a canary (a trivial correct submission in a fresh container) and
reruns the submission in a fresh container: only a failing canary is
infrastructure; a submission that takes a fresh container down again gets a
verdict (Memory Limit Exceeded when the kernel ran out of memory, else Runtime
Error).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from judge.errors import (
    JudgeImageMissing,
    ProblemError,
    SandboxCrashed,
    SandboxUnavailable,
)
from judge.problem import Limits, Problem
from judge.protocol import Judge, JudgeHealth, OnDone, Outcome, Output, judge_concurrently
from judge.sandbox import SandboxConfig, SandboxPool
from judge.signature import DesignSignature
from judge.verdict import JudgeResult, decide


def signature_for_harness(problem: Problem) -> dict[str, Any]:
    sig = problem.signature
    if isinstance(sig, DesignSignature):
        return {
            "kind": "design",
            "classname": sig.classname,
            "constructor": [p.model_dump() for p in sig.constructor],
            "methods": {
                m.name: {"params": [p.model_dump() for p in m.params], "return": m.returns}
                for m in sig.methods
            },
        }
    return {
        "kind": "function",
        "name": sig.name,
        "params": [p.model_dump() for p in sig.params],
        "return": sig.returns,
        "output_param": sig.output_param,
    }


def wall_ms(limits: Limits, tests: int) -> int:
    """Wall-clock backstop for code that sleeps or blocks instead of computing."""
    cpu_budget = min(limits.total_time_ms, limits.time_ms * max(1, tests))
    return 2 * cpu_budget + 5000


def build_job(problem: Problem, code: str, limits: Limits, config: SandboxConfig) -> dict[str, Any]:
    """What enters the sandbox: code, signature, test inputs, limits. No expected output."""
    return {
        "code": code,
        "signature": signature_for_harness(problem),
        "tests": [t.input for t in problem.tests],
        "limits": {
            "time_ms": limits.time_ms,
            "total_time_ms": limits.total_time_ms,
            "memory_mb": limits.memory_mb,
            "wall_ms": wall_ms(limits, len(problem.tests)),
            "file_bytes": config.file_bytes,
            "output_bytes": config.output_bytes,
            "result_bytes": config.result_bytes,
        },
    }


def retryable(e: BaseException) -> bool:
    """Engine trouble is retried as is; a crash goes through the canary instead."""
    return isinstance(e, SandboxUnavailable) and not isinstance(e, (JudgeImageMissing, SandboxCrashed))


# A trivial correct submission: what a healthy sandbox must judge right.
CANARY_JOB: dict[str, Any] = {
    "code": "class Solution:\n    def add(self, a, b):\n        return a + b\n",
    "signature": {"kind": "function", "name": "add", "return": "integer", "output_param": None,
                  "params": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer"}]},
    "tests": ["20\n22"],
    "limits": {"time_ms": 5000, "total_time_ms": 10000, "memory_mb": 256, "wall_ms": 30000,
               "file_bytes": 1 << 20, "output_bytes": 1 << 20, "result_bytes": 1 << 20},
}


def crash_report(crash: SandboxCrashed) -> dict[str, Any]:
    """A harness-shaped report for a submission that took two containers down."""
    return {"messages": [], "sandbox_crash": {"oom_killed": crash.oom_killed, "reason": crash.reason},
            "killed": None, "cpu_ms": 0.0, "maxrss_kb": 0, "stdout": "", "stderr": ""}


@dataclass
class DockerJudge(Judge):
    """The `Judge` on this host's Docker engine: the containers of `pool`."""

    pool: SandboxPool
    attempts: int = 3  # a broken container is replaced; Docker down stays an error

    def judge(self, problem: Problem, code: str, limits: Limits | None = None) -> JudgeResult:
        if not any(t.comparable for t in problem.tests):
            raise ProblemError(problem.slug, "has no test with a comparable expected output")
        limits = limits or problem.limits
        job = build_job(problem, code, limits, self.pool.config)
        wall_s = job["limits"]["wall_ms"] / 1000
        try:
            report = self._run(job, wall_s)
        except SandboxCrashed:
            report = self._rerun_after_crash(job, wall_s)
        return decide(problem, report, self.pool.image_ref, limits)

    def _run(self, job: dict[str, Any], wall_s: float, fresh: bool = False) -> dict[str, Any]:
        run = retry(
            retry=retry_if_exception(retryable),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.5, max=5),
            reraise=True,
        )(self.pool.run)
        return run(job, wall_s, fresh=fresh)

    def _rerun_after_crash(self, job: dict[str, Any], wall_s: float) -> dict[str, Any]:
        self.check_canary()
        try:
            return self._run(job, wall_s, fresh=True)
        except SandboxCrashed as again:
            self.check_canary()  # the engine is fine after it: the submission did it
            return crash_report(again)

    def check_canary(self) -> None:
        """SandboxUnavailable unless a fresh container judges a trivial correct
        submission right: the test that tells infrastructure from submission."""
        try:
            report = self._run(CANARY_JOB, CANARY_JOB["limits"]["wall_ms"] / 1000, fresh=True)
        except SandboxCrashed as e:
            raise SandboxUnavailable(f"the judge's canary crashed too: {e.reason}") from None
        outputs = [m.get("output") for m in report.get("messages", []) if m.get("t") == "test"]
        if outputs != [42]:
            raise SandboxUnavailable(f"the judge's canary was judged wrong (outputs {outputs!r}): "
                                     "the sandbox is broken, not the submission")

    def judge_many(self, items: Sequence[tuple[Problem, str]], on_done: OnDone | None = None) -> list[Outcome]:
        """Judge in parallel (one worker per container); results in input order.
        A per-item JudgeError (bad problem, sandbox trouble) is returned in place."""
        return judge_concurrently(self.judge, items, self.pool.config.parallelism, on_done)

    def run_outputs(self, problem: Problem, code: str, inputs: Sequence[str],
                    limits: Limits | None = None) -> list[Output]:
        from judge.outputs import run_outputs  # it builds on this module's jobs and retries

        return run_outputs(self.pool, problem, code, inputs, limits=limits, attempts=self.attempts)

    def health(self) -> JudgeHealth:
        """The engine answers and the judge image is there (SandboxUnavailable,
        JudgeImageMissing otherwise)."""
        self.pool.check()
        return JudgeHealth(self.pool.image_ref, self.pool.config.parallelism)

    def close(self) -> None:
        self.pool.close()
