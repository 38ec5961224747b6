"""Hidden tests for the problems that need them, stored as test sets.

For each problem due (its source wants hidden tests and none from this oracle is
settled, or it is forced): make the tests (agent/oracle/hidden.py) and, in one
transaction, store the current set plus the generated tests as a new `generated`
test set (storage/test_sets.py), record the `test_generation` row, and send the
problem's judged units back to the judge (old verdicts stay as history).

Outside trouble never crashes the run and never makes a test: an unavailable
oracle leaves the problem pending with a backoff (the pipeline keeps its units
from the judge meanwhile); a configuration error (an expired LeetCode session)
is recorded on the problem and stops the run, since every other problem would
meet it too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from agent.oracle import NotAnswerable, Oracle, OracleConfigError, OracleUnavailable
from agent.oracle.hidden import HiddenTests, InputSource, make_hidden_tests
from judge.errors import ProblemError
from storage import repo, test_sets
from storage.engine import session_scope
from storage.models import TestGenState, utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TestGenOptions:
    __test__ = False
    seed: int = 0
    count: int = 40
    max_input_bytes: int = 2_000_000
    backoff_s: float = 300.0  # after an unavailable oracle, doubling per try
    backoff_cap_s: float = 6 * 3600.0


@dataclass
class TestGenReport:
    __test__ = False
    done: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    waiting: list[tuple[str, str]] = field(default_factory=list)
    stopped: str | None = None  # a configuration error ended the run
    requeued: int = 0  # judged units sent back to the judge
    stats: dict[str, dict] = field(default_factory=dict)  # slug -> counts and timings


def generate_hidden_tests(engine: Engine, oracle: Oracle, options: TestGenOptions = TestGenOptions(), *,
                          problem_ids: Sequence[int] | None = None, sources: Sequence[str] = ("leetcode",),
                          now: datetime | None = None, inputs: InputSource | None = None,
                          on_problem: Callable[[str], None] | None = None) -> TestGenReport:
    """Hidden tests for `problem_ids` (forced, even when settled) or for every
    problem of `sources` that is due."""
    now = now or utcnow()
    report = TestGenReport()
    with session_scope(engine) as s:
        ids = list(problem_ids) if problem_ids is not None else test_sets.due_for_tests(s, oracle.name, sources, now)
    for pid in ids:
        with session_scope(engine) as s:
            problem = repo.load_problem(s, pid)
        if on_problem:
            on_problem(problem.slug)
        try:
            result = make_hidden_tests(problem, oracle, seed=options.seed, count=options.count,
                                       max_input_bytes=options.max_input_bytes, source=inputs)
        except (NotAnswerable, ProblemError) as e:
            result = HiddenTests(problem.slug, "skipped", reason=str(e))
        except OracleUnavailable as e:
            _wait(engine, pid, oracle.name, options, str(e), now)
            report.waiting.append((problem.slug, str(e)))
            continue
        except OracleConfigError as e:
            _wait(engine, pid, oracle.name, options, str(e), now, backoff=False)
            report.waiting.append((problem.slug, str(e)))
            report.stopped = str(e)
            log.error("test generation stopped: %s", e)
            break
        report.stats[problem.slug] = result.stats
        report.requeued += _store(engine, pid, oracle.name, options, result)
        if result.state == "done":
            report.done.append(problem.slug)
            log.info("problem %s: %d hidden tests from oracle %s", problem.slug, len(result.tests), oracle.name)
        else:
            report.skipped.append((problem.slug, result.reason or ""))
            log.info("problem %s stays on its tests: %s", problem.slug, result.reason)
    return report


def _store(engine: Engine, problem_id: int, oracle: str, options: TestGenOptions, result: HiddenTests) -> int:
    with session_scope(engine) as s:
        row = test_sets.generation_row(s, problem_id, oracle, options.seed, options.count)
        row.stats, row.tries, row.next_attempt_at = result.stats, row.tries + 1, None
        requeued = 0
        if result.state == "done":
            base = repo.current_test_set(s, problem_id)  # read again: a sync may have changed it meanwhile
            problem = repo.load_problem(s, problem_id, base.id)
            counts = {k: result.stats.get(k) for k in ("requested", "generated", "invalid", "duplicates", "rejected",
                                                      "failed", "answer_out_of_range", "kept", "oracle_calls")}
            ts = test_sets.add_generated(s, problem_id, base, problem, result.tests, oracle=oracle, seed=options.seed,
                                         origin={"generator": result.stats.get("generator"), **counts,
                                                 "oracle_refs": result.refs, "answers": result.stats.get("answers"),
                                                 "oracle_notes": result.stats.get("oracle_notes"),
                                                 "limits": result.limits_rule},
                                         limits=result.limits)
            row.state, row.test_set_id, row.reason = TestGenState.DONE, ts.id, None
            requeued = test_sets.requeue_judged(s, problem_id)
        else:
            row.state, row.reason = TestGenState.SKIPPED, result.reason
        s.add(row)
        return requeued


def _wait(engine: Engine, problem_id: int, oracle: str, options: TestGenOptions, reason: str, now: datetime,
          backoff: bool = True) -> None:
    with session_scope(engine) as s:
        row = test_sets.generation_row(s, problem_id, oracle, options.seed, options.count)
        row.state, row.reason, row.tries = TestGenState.PENDING, reason[:2000], row.tries + 1
        delay = min(options.backoff_cap_s, options.backoff_s * 2 ** (row.tries - 1)) if backoff else 0
        row.next_attempt_at = now + timedelta(seconds=delay) if delay else None
        s.add(row)
