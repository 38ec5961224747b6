"""Oracles: expected outputs for generated test inputs, behind one interface.

    oracle.answer(problem, inputs) -> OracleReport
        .answers[i]   Answer: `ok` with `expected`, or dropped with a `reason`
                      ("rejected": the oracle refused the input as invalid;
                      "failed": its reference erred or ran out of time on it)
        .refs         the oracle's response ids (provenance of the outputs)
        .calls        requests made to the oracle

Backends: `leetcode` (LeetCode's "Run code" answers with its own reference
solution, agent/oracle/leetcode.py), `reference` (the problem pack's reference
solution, run in our sandbox, agent/oracle/reference.py) and `community` (the
answers independent community solution posts agree on, run in our sandbox; no
login needed, agent/oracle/community.py). Without an oracle a problem stays on
the tests it has, labelled as such.

Errors:

    OracleError (judge.errors.LcagentError)
    ├── OracleUnavailable (RuntimeError)  infrastructure: LeetCode unreachable or rate
    │                                     limited after every retry, Docker down. The
    │                                     problem waits and is tried again; never a test.
    ├── OracleConfigError (ValueError)    cannot work as configured (no or an expired
    │                                     LeetCode session, no judge image): says what
    │                                     to fix; no problem gets tests until it is.
    └── NotAnswerable (ValueError)        this problem cannot be answered (no reference
                                          solution, no LeetCode question id): it stays
                                          on the tests it has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from judge.errors import LcagentError
from judge.problem import Problem

ORACLES = ("leetcode", "reference", "community")


class OracleError(LcagentError):
    """Base class of the oracles' errors."""


class OracleUnavailable(OracleError, RuntimeError):
    def __init__(self, oracle: str, reason: str) -> None:
        super().__init__(f"oracle {oracle} unavailable: {reason}")
        self.oracle, self.reason = oracle, reason


class OracleConfigError(OracleError, ValueError):
    def __init__(self, oracle: str, reason: str) -> None:
        super().__init__(f"oracle {oracle}: {reason}")
        self.oracle, self.reason = oracle, reason


class NotAnswerable(OracleError, ValueError):
    def __init__(self, oracle: str, slug: str, reason: str) -> None:
        super().__init__(f"oracle {oracle} cannot answer problem {slug}: {reason}")
        self.oracle, self.reason = oracle, reason


@dataclass(frozen=True)
class Answer:
    status: Literal["ok", "rejected", "failed"]
    expected: Any = None
    reason: str | None = None
    ref: str | None = None  # the oracle response this answer came from
    cpu_ms: float | None = None  # a local reference's CPU time on the input (sets time limits)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class OracleReport:
    answers: list[Answer]
    refs: list[str] = field(default_factory=list)
    calls: int = 0
    notes: dict[str, Any] = field(default_factory=dict)  # what the oracle decided, for the set's provenance

    def count(self, status: str) -> int:
        return sum(a.status == status for a in self.answers)


class Oracle(Protocol):
    name: str

    def answer(self, problem: Problem, inputs: Sequence[str]) -> OracleReport: ...
