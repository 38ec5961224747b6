"""The `Judge` protocol: what every caller of the judge (`lcagent judge`, the
pipeline, rejudging, the benchmarks, the judge service) relies on, and nothing more.

    Judge (Protocol)
    ├── judge.judging.DockerJudge    the local sandbox: warm containers on this
    │                                host's Docker engine
    └── judge.remote.RemoteJudge     the judge service (`lcagent judge-server`)
                                     over HTTP, for a process without the Docker socket

    judge(problem, code, limits=None) -> JudgeResult     one submission; a verdict,
                                     or SandboxUnavailable / ProblemError (never a verdict)
    judge_many(items, on_done=None)  several in parallel, results in input order, a
                                     per-item JudgeError returned in its place
    run_outputs(problem, code, inputs, limits=None) -> [Output]
                                     the code's answer on each input (no verdict, nothing
                                     compared): reference solutions and community posts
                                     run through it, so oracles work with a remote judge
    health() -> JudgeHealth          the judge image and parallelism, once the
                                     judge answers; SandboxUnavailable when it cannot
    close()                          release containers / connections

Both implementations subclass the protocol explicitly, so a type checker holds
them to it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from judge.errors import JudgeError
from judge.problem import Limits, Problem
from judge.verdict import JudgeResult

Outcome = JudgeResult | JudgeError
OnDone = Callable[[int, Outcome], None]


@dataclass(frozen=True)
class JudgeHealth:
    """A judge that answered: the image its verdicts record (tag@digest) and how
    many submissions it judges at once."""

    judge_image: str
    parallelism: int


@dataclass(frozen=True)
class Output:
    """What code answered on one input, or why it did not."""

    ok: bool
    value: Any = None
    error: str | None = None  # "TLE: ...", "MLE: ...", "RE: ...", "CE: ...", "WA: ..." (wrong type), "bad input: ..."
    cpu_ms: float | None = None


class Judge(Protocol):
    def judge(self, problem: Problem, code: str, limits: Limits | None = None) -> JudgeResult:
        """The verdict on `code` (the problem's limits unless `limits`)."""
        ...

    def judge_many(self, items: Sequence[tuple[Problem, str]], on_done: OnDone | None = None) -> list[Outcome]:
        """Judge in parallel; results in input order, a JudgeError in place of an
        item that could not be judged. `on_done(i, outcome)` as each finishes."""
        ...

    def run_outputs(self, problem: Problem, code: str, inputs: Sequence[str],
                    limits: Limits | None = None) -> list[Output]:
        """`code`'s output on each input, in order, under the problem's limits (or
        `limits`); an input it fails on is an Output with the error. Sandbox
        trouble is SandboxUnavailable, never an error of an input."""
        ...

    def health(self) -> JudgeHealth:
        """SandboxUnavailable unless the judge can take submissions now."""
        ...

    def close(self) -> None: ...


def judge_concurrently(judge_one: Callable[[Problem, str], JudgeResult], items: Sequence[tuple[Problem, str]],
                       workers: int, on_done: OnDone | None = None) -> list[Outcome]:
    """`judge_many` for any judge: `workers` threads calling `judge_one`."""

    def one(i: int) -> Outcome:
        problem, code = items[i]
        try:
            result: Outcome = judge_one(problem, code)
        except JudgeError as e:
            result = e
        if on_done:
            on_done(i, result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as ex:
        return list(ex.map(one, range(len(items))))
