"""Read-side helpers for the CLI (thin wrappers over storage.repo)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from judge.problem import Problem as JudgeProblem
from storage import models, repo
from storage.engine import session_scope


def problem_rows(engine: Engine, contest: str | None = None) -> list[tuple]:
    with session_scope(engine) as s:
        q = (select(models.Problem.release_time, models.Contest.slug, models.Problem.slug,
                    models.Problem.difficulty, models.TestSet.n_tests)
             .join(models.Contest, models.Contest.id == models.Problem.contest_id, isouter=True)
             .join(models.TestSet, (models.TestSet.problem_id == models.Problem.id) & models.TestSet.is_current,
                   isouter=True)
             .order_by(models.Problem.release_time, models.Problem.slug))
        if contest:
            q = q.where(models.Contest.slug == contest)
        return [tuple(r) for r in s.exec(q).all()]


def problem_document(engine: Engine, slug: str) -> JudgeProblem:
    with session_scope(engine) as s:
        return repo.load_problem(s, repo.get_problem(s, slug).id)  # type: ignore[arg-type]
