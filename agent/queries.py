"""Read-side helpers for the CLI (thin wrappers over storage.repo)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from judge.problem import Problem as JudgeProblem
from storage import repo
from storage.engine import session_scope
from storage.models import id_of


def problem_rows(engine: Engine, contest: str | None = None) -> list[tuple[Any, ...]]:
    with session_scope(engine) as s:
        return repo.problem_listing(s, contest)


def problem_document(engine: Engine, slug: str) -> JudgeProblem:
    with session_scope(engine) as s:
        return repo.load_problem(s, id_of(repo.get_problem(s, slug)))
