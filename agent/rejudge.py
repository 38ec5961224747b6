"""`lcagent rejudge`: judge stored generations again, against the current test sets.

The units go back to `generated`; the pipeline's judge stage then records a new
current judgement and keeps the old one as history.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from storage import test_sets
from storage.engine import session_scope


def mark_for_rejudge(engine: Engine, *, everything: bool = False, model: str | None = None) -> int:
    """Units whose current verdict used an outdated test set (or all judged units
    with code when `everything`) go back to `generated`; returns how many."""
    with session_scope(engine) as s:
        return test_sets.requeue_judged(s, everything=everything, config_name=model)
