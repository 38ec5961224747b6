"""Read queries for what the service has done and is doing: `lcagent status`, the
score at a glance (`lcagent run`, `eval`, `status`) and a run's progress. Each
returns plain rows or counts; agent/status.py, agent/scoreboard.py and
agent/progress_view.py turn them into what they print."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.models import (
    Contest,
    Generation,
    Judgement,
    ModelConfig,
    Outcome,
    Problem,
    Run,
    TestSet,
    Unit,
    UnitState,
)


def has_results(engine: Engine) -> bool:
    """Whether the database holds lcagent's tables (a new file has none until a run)."""
    return sa.inspect(engine).has_table("unit")


def contest_count(session: Session) -> int:
    return int(session.execute(sa.select(sa.func.count(col(Contest.id)))).scalar_one())


def latest_contest(session: Session) -> Contest | None:
    """The contest that started last."""
    return session.exec(select(Contest).order_by(col(Contest.start_time).desc())).first()


def problem_count(session: Session) -> int:
    return int(session.execute(sa.select(sa.func.count(col(Problem.id)))).scalar_one())


def recent_runs(session: Session, kind: str, status: str, limit: int) -> list[Run]:
    """The last `limit` runs of a kind with this status, newest first."""
    return list(session.exec(select(Run).where(col(Run.kind) == kind, col(Run.status) == status)
                             .order_by(col(Run.id).desc()).limit(limit)).all())


# a unit without a result yet (failed: given up after errors)
_UNFINISHED = ["pending", "generating", "generated", "judging", "failed"]


def unfinished_units(session: Session) -> list[tuple[str, UnitState, datetime | None, str | None]]:
    """(configuration name, state, next attempt, last error) of every unit without a
    result, least recently updated first."""
    q = (sa.select(col(ModelConfig.name), col(Unit.state), col(Unit.next_attempt_at), col(Unit.last_error))
         .select_from(Unit).join(ModelConfig, col(ModelConfig.id) == col(Unit.model_config_id))
         .where(col(Unit.state).in_(_UNFINISHED))
         .order_by(col(Unit.updated_at)))
    return [(name, state, next_at, error) for name, state, next_at, error in session.execute(q).all()]


def recent_unit_errors(session: Session, limit: int = 5) -> list[
        tuple[int, UnitState, int, str | None, datetime, str, str]]:
    """(unit id, state, attempt, last error, updated, configuration name, problem slug)
    of the units not judged that hold an error, latest first."""
    q = (sa.select(col(Unit.id), col(Unit.state), col(Unit.attempt), col(Unit.last_error), col(Unit.updated_at),
                   col(ModelConfig.name), col(Problem.slug))
         .select_from(Unit).join(ModelConfig, col(ModelConfig.id) == col(Unit.model_config_id))
         .join(Problem, col(Problem.id) == col(Unit.problem_id))
         .where(col(Unit.last_error).is_not(None), col(Unit.state) != "judged")
         .order_by(col(Unit.updated_at).desc(), col(Unit.id).desc()).limit(limit))
    return [tuple(r) for r in session.execute(q).all()]


def score_rows(session: Session, *, config_ids: Sequence[int] | None = None,
               problem_ids: Sequence[int] | None = None) -> list[tuple[Any, ...]]:
    """(configuration id, name, hash, unit state, generation outcome, current verdict,
    test basis, oracle, units) over every unit (of these configurations and problems):
    what the scoreboard counts."""
    keys = (col(ModelConfig.id), col(ModelConfig.name), col(ModelConfig.config_hash), col(Unit.state),
            col(Generation.outcome), col(Judgement.verdict), col(TestSet.basis), col(TestSet.oracle))
    q = (sa.select(*keys, sa.func.count())
         .select_from(Unit)
         .join(ModelConfig, col(ModelConfig.id) == col(Unit.model_config_id))
         .outerjoin(Generation, col(Generation.unit_id) == col(Unit.id))
         .outerjoin(Judgement, (col(Judgement.generation_id) == col(Generation.id)) & col(Judgement.is_current))
         .outerjoin(TestSet, col(TestSet.id) == col(Judgement.test_set_id))
         .group_by(*keys))
    if config_ids is not None:
        q = q.where(col(ModelConfig.id).in_(list(config_ids)))
    if problem_ids is not None:
        q = q.where(col(Unit.problem_id).in_(list(problem_ids)))
    return [tuple(r) for r in session.execute(q).all()]


def generations_without_code(session: Session, config_ids: Sequence[int], since: datetime) -> int:
    """Generations of these configurations since `since` that hold no code (no code,
    truncated): never judged."""
    return int(session.execute(sa.select(sa.func.count()).select_from(Generation).where(
        col(Generation.model_config_id).in_(list(config_ids)), col(Generation.outcome) != Outcome.CODE,
        col(Generation.created_at) >= since)).scalar_one())
