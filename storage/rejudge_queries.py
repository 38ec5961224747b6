"""Read queries for judging stored generations again (`lcagent rejudge`): each
re-judged generation's new verdict beside the one it replaced, with the judge
image of each. The old judgements stay in the database as history; these rows
are how a change of judge shows in the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from storage.models import Generation, Judgement, ModelConfig, Problem, Unit


@dataclass(frozen=True)
class Rejudged:
    """One generation judged again: its verdict and judge image before and now."""

    generation_id: int
    config: str
    problem: str
    attempt: int
    before: str
    before_image: str
    after: str
    after_image: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def rejudged_since(session: Session, since: datetime, config_name: str | None = None) -> list[Rejudged]:
    """Generations whose current judgement was recorded at or after `since` and
    that had a judgement before it (the latest earlier one is the comparison)."""
    now, before = aliased(Judgement), aliased(Judgement)
    previous_id = (sa.select(sa.func.max(col(before.id)))
                   .where(col(before.generation_id) == col(now.generation_id), col(before.id) < col(now.id))
                   .scalar_subquery())
    old = aliased(Judgement)
    q = (sa.select(col(Generation.id), col(ModelConfig.name), col(Problem.slug), col(Unit.attempt),
                   col(old.verdict), col(old.judge_image), col(now.verdict), col(now.judge_image))
         .select_from(now)
         .join(old, col(old.id) == previous_id)
         .join(Generation, col(Generation.id) == col(now.generation_id))
         .join(Unit, col(Unit.id) == col(Generation.unit_id))
         .join(ModelConfig, col(ModelConfig.id) == col(Unit.model_config_id))
         .join(Problem, col(Problem.id) == col(Unit.problem_id))
         .where(col(now.is_current), col(now.created_at) >= since)
         .order_by(col(ModelConfig.name), col(Problem.slug), col(Unit.attempt)))
    if config_name is not None:
        q = q.where(col(ModelConfig.name) == config_name)
    return [Rejudged(gid, name, slug, attempt, str(v0), img0, str(v1), img1)
            for gid, name, slug, attempt, v0, img0, v1, img1 in session.execute(q).all()]
