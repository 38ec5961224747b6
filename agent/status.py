"""`lcagent status`: what the service has seen, what it is doing, what is next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import models, repo
from storage.engine import session_scope


@dataclass
class Status:
    contests: int = 0
    latest_contest: str | None = None
    latest_contest_start: datetime | None = None
    problems: int = 0
    units: dict[str, int] = field(default_factory=dict)
    recent_errors: list[tuple[int, str, str]] = field(default_factory=list)  # (unit, state, error)
    next_jobs: list[tuple[str, datetime | None]] = field(default_factory=list)


def read_status(engine: Engine) -> Status:
    st = Status()
    with session_scope(engine) as s:
        st.contests = s.exec(select(sa.func.count(models.Contest.id))).one()
        latest = s.exec(select(models.Contest).order_by(models.Contest.start_time.desc())).first()  # type: ignore[attr-defined]
        if latest:
            st.latest_contest, st.latest_contest_start = latest.slug, latest.start_time
        st.problems = s.exec(select(sa.func.count(models.Problem.id))).one()
        st.units = repo.unit_counts(s)
        rows = s.exec(select(models.Unit.id, models.Unit.state, models.Unit.last_error)
                      .where(models.Unit.last_error.is_not(None))  # type: ignore[union-attr]
                      .order_by(models.Unit.updated_at.desc()).limit(5)).all()  # type: ignore[attr-defined]
        st.recent_errors = [(i, str(state), err or "") for i, state, err in rows]
    try:
        from agent.daemon import next_jobs

        st.next_jobs = next_jobs(engine)
    except sa.exc.SQLAlchemyError:  # no job table yet: the daemon never ran
        st.next_jobs = []
    return st
