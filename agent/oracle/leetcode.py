"""The `leetcode` oracle: LeetCode's "Run code" returns `expected_code_answer`, the
output of LeetCode's own reference solution on the custom inputs we send.

Several inputs go in one run (up to `batch_size` and `batch_bytes`); each run is
paced by the judge API. A run LeetCode refuses as a whole is split in halves
until the refused input stands alone, which is dropped and counted; when the
reference stops part-way (an input it cannot take), the answers before it are
kept, that input is dropped and the rest go in the next run. LeetCode's internal
errors and polling timeouts are retried (tenacity); trouble that outlasts the
retries is `OracleUnavailable` (the problem waits), an expired session
`OracleConfigError` (the operator must act).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from agent.oracle import Answer, NotAnswerable, OracleConfigError, OracleReport, OracleUnavailable
from agent.sources.errors import SessionExpired, SourceUnavailable, UnexpectedShape
from agent.sources.leetcode_judge import (
    CheckTimeout,
    InputRejected,
    InternalError,
    LeetCodeJudgeAPI,
    RunAnswers,
)
from agent.sources.leetcode_parse import parse_output
from judge.problem import Problem
from judge.signature import DesignSignature, FunctionSignature

_DEF = re.compile(r"^(\s*)(def|class)\s.*:\s*(#.*)?$")


def stub_code(problem: Problem) -> str:
    """The code sent with every run: the starter code with empty bodies.

    Why not a real solution: LeetCode answers `expected_code_answer` from its own
    reference solution whatever code is typed, so any code that compiles works.
    A stub that returns at once keeps each run short (our code's time never
    delays or fails the run), and no solution -- a model's, a pack's -- ever
    leaves the machine this way. The starter code is what LeetCode's editor
    sends first; when it does not compile as a stub, a stub is built from the
    signature."""
    lines = problem.starter_code.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        m = _DEF.match(line)
        if not m:
            continue
        body = next((b for b in lines[i + 1:] if b.strip() and not b.strip().startswith("#")), None)
        if body is None or len(body) - len(body.lstrip()) <= len(m.group(1)):
            out.append(m.group(1) + "    pass")
    stub = "\n".join(out) + "\n"
    try:
        compile(stub, "stub.py", "exec")
        if stub.strip():
            return stub
    except (SyntaxError, ValueError):
        pass
    sig = problem.signature
    if isinstance(sig, FunctionSignature):
        return f"class Solution:\n    def {sig.name}(self, *args):\n        return None\n"
    assert isinstance(sig, DesignSignature)
    methods = "".join(f"    def {m.name}(self, *args):\n        return None\n" for m in sig.methods)
    return f"class {sig.classname}:\n    def __init__(self, *args):\n        pass\n{methods}"


@dataclass
class LeetCodeOracle:
    api: LeetCodeJudgeAPI
    batch_size: int = 10
    batch_bytes: int = 500_000
    attempts: int = 3  # per run, on LeetCode's internal error or a polling timeout
    name: str = "leetcode"

    def _batches(self, inputs: Sequence[str]) -> deque[list[int]]:
        batches: deque[list[int]] = deque()
        size = 0
        for i, text in enumerate(inputs):
            if batches and len(batches[-1]) < self.batch_size and size + len(text) + 1 <= self.batch_bytes:
                batches[-1].append(i)
                size += len(text) + 1
            else:
                batches.append([i])
                size = len(text) + 1
        return batches

    def _run(self, problem: Problem, question_id: str, code: str, inputs: list[str]) -> RunAnswers:
        retrying = Retrying(retry=retry_if_exception_type((InternalError, CheckTimeout)),
                            stop=stop_after_attempt(self.attempts), wait=wait_exponential(multiplier=2, max=60),
                            reraise=True)
        return retrying(self.api.run, problem.slug, question_id, code, inputs)

    def answer(self, problem: Problem, inputs: Sequence[str]) -> OracleReport:
        if not problem.backend_id:
            raise NotAnswerable(self.name, problem.slug, "it has no LeetCode question id")
        code = stub_code(problem)
        answer_type = None if isinstance(problem.signature, DesignSignature) else problem.signature.answer_type()
        results: dict[int, Answer] = {}
        report = OracleReport([])
        calls_before = self.api.calls
        queue = self._batches(inputs)
        try:
            while queue:
                batch = queue.popleft()
                try:
                    run = self._run(problem, problem.backend_id, code, [inputs[i] for i in batch])
                except InputRejected as e:
                    if len(batch) == 1:
                        results[batch[0]] = Answer("rejected", reason=e.reason)
                    else:  # find the refused input(s): halves, depth first, in order
                        half = len(batch) // 2
                        queue.extendleft([batch[half:], batch[:half]])
                    continue
                ref = run.check_ids[0]
                report.refs += run.check_ids
                for k, text in enumerate(run.answers):
                    comparable, value = parse_output(text, answer_type)
                    results[batch[k]] = (Answer("ok", expected=value, ref=ref) if comparable
                                         else Answer("failed", reason=f"unparsable answer {text[:80]!r}", ref=ref))
                if run.failed_at is not None:
                    results[batch[run.failed_at]] = Answer("rejected", reason=run.failure, ref=ref)
                    rest = batch[run.failed_at + 1:]
                    if rest:
                        queue.appendleft(rest)
        except SessionExpired as e:
            raise OracleConfigError(self.name, str(e)) from None
        except (SourceUnavailable, UnexpectedShape) as e:
            raise OracleUnavailable(self.name, str(e)) from None
        finally:
            report.calls = self.api.calls - calls_before
        report.answers = [results[i] for i in range(len(inputs))]
        return report
