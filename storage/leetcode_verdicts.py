"""LeetCode's own verdicts (the submit backend): which generations to submit,
the daily cap, each submission's states and the verdict with its provenance.

    (none) ─claim─> submitting ─id─> checking ─verdict─> judged
                        └──────────────┴── LeetCode's internal error, unreachable ──> error (tried again, up to 3)

A submission that has its id is only ever polled again, never submitted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from judge.verdict import Verdict
from storage.models import (
    Generation,
    LeetCodeJudgement,
    ModelConfig,
    Outcome,
    Problem,
    SubmitState,
    Unit,
    utcnow,
)

MAX_TRIES = 3


@dataclass(frozen=True)
class Candidate:
    generation_id: int
    unit_id: int
    slug: str
    question_id: str
    code: str
    row_id: int | None  # an earlier submission row (error, or to check again)
    submission_id: str | None  # LeetCode has it: poll, do not submit again


def candidates(session: Session, site: str, max_attempt: int, config_names: Sequence[str] | None = None,
               limit: int | None = None) -> list[Candidate]:
    """Generations with code of the first `max_attempt` attempts of LeetCode problems
    on `site` that have no LeetCode verdict yet (nor gave up after MAX_TRIES)."""
    lj = LeetCodeJudgement
    q = (sa.select(col(Generation.id), col(Unit.id), col(Problem.slug), col(Problem.backend_id),
                   col(Generation.extracted_code), col(lj.id), col(lj.submission_id), col(lj.state))
         .join(Unit, col(Unit.id) == col(Generation.unit_id)).join(Problem, col(Problem.id) == col(Unit.problem_id))
         .join(lj, col(lj.generation_id) == col(Generation.id), isouter=True)
         .where(col(Generation.outcome) == Outcome.CODE, col(Unit.attempt) <= max_attempt,
                col(Problem.source_kind) == "leetcode", col(Problem.site) == site, col(Problem.backend_id).is_not(None))
         .where(sa.or_(col(lj.id).is_(None), col(lj.state) == SubmitState.CHECKING,
                       sa.and_(col(lj.state).in_([SubmitState.ERROR, SubmitState.SUBMITTING]),
                               col(lj.tries) < MAX_TRIES)))
         .order_by(col(Problem.release_time), col(Problem.id), col(Unit.id)))
    if config_names:
        q = q.join(ModelConfig, col(ModelConfig.id) == col(Unit.model_config_id)).where(
            col(ModelConfig.name).in_(list(config_names)))
    if limit is not None:
        q = q.limit(limit)
    return [Candidate(g, u, slug, str(qid), code or "", row, sid if state == SubmitState.CHECKING else None)
            for g, u, slug, qid, code, row, sid, state in session.execute(q).all()]


def submitted_since(session: Session, since: datetime) -> int:
    return session.exec(select(sa.func.count()).select_from(LeetCodeJudgement)
                        .where(col(LeetCodeJudgement.submitted_at) >= since)).one()


def day_start(now: datetime) -> datetime:
    return datetime.combine(now.date(), time(), tzinfo=now.tzinfo)


def claim(session: Session, c: Candidate, site: str, run_id: int | None = None) -> LeetCodeJudgement:
    """Record that `c` is being submitted now (counts against the daily cap)."""
    row = session.get(LeetCodeJudgement, c.row_id) if c.row_id else None
    if row is None:
        row = LeetCodeJudgement(generation_id=c.generation_id, state=SubmitState.SUBMITTING, site=site,
                                question_id=c.question_id)
    row.state, row.tries, row.submitted_at, row.run_id = SubmitState.SUBMITTING, row.tries + 1, utcnow(), run_id
    row.submission_id, row.error = None, None
    session.add(row)
    session.flush()
    return row


def checking(session: Session, row_id: int, submission_id: str) -> None:
    session.exec(sa.update(LeetCodeJudgement).where(col(LeetCodeJudgement.id) == row_id)
                 .values(state=SubmitState.CHECKING, submission_id=submission_id))


def judged(session: Session, row_id: int, *, verdict: Verdict, status_code: int, status_msg: str | None,
           passed: int | None, total: int | None, runtime_ms: float | None, memory_kb: int | None,
           detail: dict[str, Any]) -> None:
    session.exec(sa.update(LeetCodeJudgement).where(col(LeetCodeJudgement.id) == row_id).values(
        state=SubmitState.JUDGED, verdict=verdict, status_code=status_code, status_msg=status_msg, passed=passed,
        total=total, runtime_ms=runtime_ms, memory_kb=memory_kb, detail=detail, judged_at=utcnow(), error=None))


def failed(session: Session, row_id: int, error: str, *, keep_checking: bool = False) -> None:
    """An error that is LeetCode's or the network's, never a verdict. With a
    submission id it stays `checking` (polled again, not submitted again)."""
    state = SubmitState.CHECKING if keep_checking else SubmitState.ERROR
    session.exec(sa.update(LeetCodeJudgement).where(col(LeetCodeJudgement.id) == row_id)
                 .values(state=state, error=error[:2000]))
