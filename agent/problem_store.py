"""Writing judge-ready problems into the results database (used by every source)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from judge.problem import Problem
from judge.text import safe_text
from storage import repo
from storage.engine import session_scope
from storage.errors import StorageError


def store_problems(engine: Engine, problems: Iterable[Problem], *,
                   replace_tests: bool = False) -> tuple[int, list[tuple[str, str]]]:
    """Upsert each problem in its own transaction: one bad problem loses nothing
    else. Tests are only added to a problem's current test set unless
    `replace_tests` (see storage/test_sets.py). Returns (stored, [(slug, reason)])."""
    stored, failed = 0, []
    for p in problems:
        try:
            with session_scope(engine) as session:
                repo.upsert_problem(session, p, replace_tests=replace_tests)
            stored += 1
        except (StorageError, SQLAlchemyError, ValueError) as e:  # e.g. text PostgreSQL refuses
            failed.append((p.slug, safe_text(str(e))))
    return stored, failed
