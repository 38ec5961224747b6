"""`lcagent retry-failed`: units given up on after infrastructure errors come back."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import repo
from storage.engine import session_scope
from storage.models import Outcome, Unit, UnitState
from tests.support import function_problem


def test_failed_units_go_back_where_their_work_stands(engine: Engine) -> None:
    problem = function_problem("f", [("x", "integer")], "integer", [("1", 2)], slug="requeue")
    with session_scope(engine) as s:
        row, _, _ = repo.upsert_problem(s, problem)
        model = repo.upsert_model(s, "m", "org/m", [], None)
        config = repo.upsert_model_config(s, model, "m", {}, "t", "v1", 3)
        repo.ensure_units(s, config, [row.id])
        units = list(s.exec(select(Unit).order_by(Unit.attempt)).all())
        repo.record_generation(s, units[0], outcome=Outcome.CODE, extracted_code="x")  # judge failed later
        for u in units[:2]:
            repo.set_unit_state(s, u.id, UnitState.FAILED, error="docker down", count_try=True)
        ids = [u.id for u in units]
    with session_scope(engine) as s:
        assert repo.requeue_failed(s) == 2
    with session_scope(engine) as s:
        states = {u.id: (u.state, u.tries, u.last_error) for u in s.exec(select(Unit)).all()}
        assert states[ids[0]] == (UnitState.GENERATED, 0, "docker down")  # its code waits for the judge
        assert states[ids[1]] == (UnitState.PENDING, 0, "docker down")  # no generation: ask again
        assert states[ids[2]][0] is UnitState.PENDING  # never failed: untouched
        assert repo.requeue_failed(s) == 0
