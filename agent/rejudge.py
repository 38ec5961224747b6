"""`lcagent rejudge`: judge stored generations again, against the current test sets.

The units go back to `generated`; the pipeline's judge stage then records a new
current judgement and keeps the old one as history.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import models
from storage.engine import session_scope
from storage.models import Outcome, UnitState, utcnow


def mark_for_rejudge(engine: Engine, *, everything: bool = False, model: str | None = None) -> int:
    """Units whose current verdict used an outdated test set (or all judged units
    with code when `everything`) go back to `generated`; returns how many."""
    with session_scope(engine) as s:
        current_ts = (select(models.TestSet.id).where(models.TestSet.problem_id == models.Unit.problem_id,
                                                      models.TestSet.is_current).scalar_subquery())
        q = (select(models.Unit.id)
             .join(models.Generation, models.Generation.unit_id == models.Unit.id)
             .join(models.Judgement, (models.Judgement.generation_id == models.Generation.id) & models.Judgement.is_current)
             .where(models.Unit.state == UnitState.JUDGED, models.Generation.outcome == Outcome.CODE))
        if not everything:
            q = q.where(models.Judgement.test_set_id != current_ts)
        if model:
            q = q.join(models.ModelConfig, models.ModelConfig.id == models.Unit.model_config_id).where(
                models.ModelConfig.name == model)
        ids = list(s.exec(q).all())
        if ids:
            s.exec(sa.update(models.Unit).where(models.Unit.id.in_(ids))  # type: ignore[attr-defined]
                   .values(state=UnitState.GENERATED, tries=0, next_attempt_at=None, updated_at=utcnow()))
        return len(ids)
