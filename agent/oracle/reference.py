"""The `reference` oracle: a problem pack's reference solution, run in the sandbox
on the generated inputs (offline packs, tests) through any `Judge` (the local
Docker judge or the judge service). Runs under the problem's limits, so an input
its own reference cannot answer in time is dropped, not kept with a guessed
output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agent.oracle import Answer, NotAnswerable, OracleConfigError, OracleReport, OracleUnavailable
from judge.errors import JudgeImageMissing, SandboxUnavailable
from judge.problem import Problem
from judge.protocol import Judge


@dataclass
class ReferenceOracle:
    judge: Judge
    name: str = "reference"

    def answer(self, problem: Problem, inputs: Sequence[str]) -> OracleReport:
        if not problem.reference_solution:
            raise NotAnswerable(self.name, problem.slug, "it has no reference solution")
        try:
            outputs = self.judge.run_outputs(problem, problem.reference_solution, inputs)
            ref = f"reference:{self.judge.health().judge_image}"
        except JudgeImageMissing as e:
            raise OracleConfigError(self.name, str(e)) from None
        except SandboxUnavailable as e:
            raise OracleUnavailable(self.name, str(e)) from None
        answers = [Answer("ok", expected=o.value, ref=ref, cpu_ms=o.cpu_ms) if o.ok
                   else Answer("failed", reason=o.error, ref=ref) for o in outputs]
        return OracleReport(answers, refs=[ref], calls=1 if inputs else 0)
