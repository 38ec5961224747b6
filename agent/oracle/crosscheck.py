"""Two oracles on one problem: the configured one answers, a second one answers a
sample of the same inputs, and their agreement is recorded (issue 19: where both
LeetCode's run-code and the community consensus are available, each checks the
other). The second oracle never changes a test; its trouble is noted, never
raised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agent.oracle import Oracle, OracleError, OracleReport
from judge.checkers import outputs_match
from judge.problem import Problem


@dataclass
class CrossChecked:
    primary: Oracle
    second: Oracle
    sample: int = 5  # inputs answered by both, evenly spread over those the primary answered

    @property
    def name(self) -> str:
        return self.primary.name

    def answer(self, problem: Problem, inputs: Sequence[str]) -> OracleReport:
        report = self.primary.answer(problem, inputs)
        answered = [i for i, a in enumerate(report.answers) if a.ok]
        step = max(1, len(answered) // max(1, self.sample))
        picked = answered[::step][:self.sample]
        record: dict[str, object] = {"oracle": self.second.name, "sampled": len(picked)}
        if picked:
            try:
                other = self.second.answer(problem, [inputs[i] for i in picked])
            except OracleError as e:
                record["error"] = str(e)
            else:
                pairs = [(i, b) for i, b in zip(picked, other.answers, strict=True) if b.ok]
                differ = [inputs[i][:120] for i, b in pairs
                          if not outputs_match(problem.checker, report.answers[i].expected, b.expected)]
                record.update(agree=len(pairs) - len(differ), disagree=len(differ), unanswered=len(picked) - len(pairs),
                              disagreeing_inputs=differ[:3], calls=other.calls)
        report.notes["cross_check"] = record
        return report
