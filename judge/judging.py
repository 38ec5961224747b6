"""Judging as a library call: a problem and code in, a `JudgeResult` out.

    with SandboxPool(SandboxConfig(image=judge_image_tag())) as pool:
        result = Judge(pool).judge(problem, code)

Only the test inputs, the signature and the limits go into the sandbox; expected
outputs stay here and are compared by `judge.verdict.decide`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

from judge.errors import JudgeError, JudgeImageMissing, ProblemError, SandboxUnavailable
from judge.problem import Limits, Problem
from judge.sandbox import SandboxConfig, SandboxPool
from judge.signature import DesignSignature
from judge.verdict import JudgeResult, decide


def signature_for_harness(problem: Problem) -> dict:
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


def build_job(problem: Problem, code: str, limits: Limits, config: SandboxConfig) -> dict:
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


def _retryable(e: BaseException) -> bool:
    return isinstance(e, SandboxUnavailable) and not isinstance(e, JudgeImageMissing)


@dataclass
class Judge:
    pool: SandboxPool
    attempts: int = 3  # a broken container is replaced; Docker down stays an error

    def judge(self, problem: Problem, code: str, limits: Limits | None = None) -> JudgeResult:
        if not any(t.comparable for t in problem.tests):
            raise ProblemError(problem.slug, "has no test with a comparable expected output")
        limits = limits or problem.limits
        job = build_job(problem, code, limits, self.pool.config)
        run = retry(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.5, max=5),
            reraise=True,
        )(self.pool.run)
        report = run(job, job["limits"]["wall_ms"] / 1000)
        return decide(problem, report, self.pool.image_ref, limits)

    def judge_many(
        self,
        items: Sequence[tuple[Problem, str]],
        on_done: Callable[[int, JudgeResult | JudgeError], None] | None = None,
    ) -> list[JudgeResult | JudgeError]:
        """Judge in parallel (one worker per container); results in input order.
        A per-item JudgeError (bad problem, sandbox trouble) is returned in place."""

        def one(i: int) -> JudgeResult | JudgeError:
            problem, code = items[i]
            try:
                result: JudgeResult | JudgeError = self.judge(problem, code)
            except JudgeError as e:
                result = e
            if on_done:
                on_done(i, result)
            return result

        with ThreadPoolExecutor(max_workers=self.pool.config.parallelism) as ex:
            return list(ex.map(one, range(len(items))))
