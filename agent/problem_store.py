"""Writing judge-ready problems into the results database (used by every source)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Engine

from judge.problem import Problem
from storage import repo
from storage.engine import session_scope
from storage.errors import StorageError


def store_problems(engine: Engine, problems: Iterable[Problem]) -> tuple[int, list[tuple[str, str]]]:
    """Upsert each problem in its own transaction: one bad problem loses nothing
    else. Returns (stored, [(slug, reason)])."""
    stored, failed = 0, []
    for p in problems:
        try:
            with session_scope(engine) as session:
                repo.upsert_problem(session, p)
            stored += 1
        except StorageError as e:
            failed.append((p.slug, str(e)))
    return stored, failed
