"""The `reference` oracle: a problem pack's reference solution, run in our own
sandbox on the generated inputs (offline packs, tests). Runs under the problem's
limits, so an input its own reference cannot answer in time is dropped, not kept
with a guessed output."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agent.oracle import Answer, NotAnswerable, OracleConfigError, OracleReport, OracleUnavailable
from judge.errors import JudgeImageMissing, SandboxUnavailable
from judge.outputs import run_outputs
from judge.problem import Problem
from judge.sandbox import SandboxPool


@dataclass
class ReferenceOracle:
    pool: SandboxPool
    name: str = "reference"

    def answer(self, problem: Problem, inputs: Sequence[str]) -> OracleReport:
        if not problem.reference_solution:
            raise NotAnswerable(self.name, problem.slug, "it has no reference solution")
        try:
            outputs = run_outputs(self.pool, problem, problem.reference_solution, inputs)
        except JudgeImageMissing as e:
            raise OracleConfigError(self.name, str(e)) from None
        except SandboxUnavailable as e:
            raise OracleUnavailable(self.name, str(e)) from None
        ref = f"reference:{self.pool.image_ref}"
        answers = [Answer("ok", expected=o.value, ref=ref) if o.ok else Answer("failed", reason=o.error, ref=ref)
                   for o in outputs]
        return OracleReport(answers, refs=[ref], calls=1 if inputs else 0)
