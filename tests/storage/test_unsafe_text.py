"""Text that is valid JSON but not UTF-8 (a lone surrogate) reaches the database
from LeetCode, models and solutions. On SQLite and PostgreSQL it is stored
backslash-escaped, in plain and JSON columns alike, and reads back as text any
UTF-8 writer accepts; the escaped form reads back as written."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from agent.problem_store import store_problems
from judge.verdict import Failure, Verdict
from storage import repo
from storage.engine import session_scope
from storage.models import Generation, Judgement, ProblemVersion, TestCase, Unit, UnitState
from storage.models import Problem as ProblemRow

from .conftest import judge_result, make_problem

BAD = json.loads('"\\ud800"')  # what json.loads makes of `"\ud800"`
ESC = "\\ud800"  # the six characters it is stored as


def _all_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [*_all_strings(k), *_all_strings(v)]]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _all_strings(v)]
    return []


def test_problem_text_with_lone_surrogates_is_stored_escaped(engine: Engine) -> None:
    # model_copy skips the problem format's own escaping: this is the storage boundary alone
    p = make_problem("two-sum").model_copy(update={
        "title": f"Two {BAD} Sum", "statement": f"Return {BAD}.", "tags": [f"Tag{BAD}"],
        "meta": {f"k{BAD}": [BAD]}})
    stored, failed = store_problems(engine, [p])
    assert (stored, failed) == (1, [])
    with session_scope(engine) as s:
        row = s.exec(select(ProblemRow).where(ProblemRow.slug == "two-sum")).one()
        version = s.exec(select(ProblemVersion).where(ProblemVersion.problem_id == row.id)).one()
        assert row.title == f"Two {ESC} Sum"
        assert version.statement == f"Return {ESC}."
        assert row.tags == [f"Tag{ESC}"]
        assert row.meta == {f"k{ESC}": [ESC]}
        for text in _all_strings([row.title, row.tags, row.meta, version.statement]):
            text.encode("utf-8")
    # storing it again is idempotent (the same content hash), not a new version
    assert store_problems(engine, [p]) == (1, [])
    with session_scope(engine) as s:
        assert s.exec(select(sa.func.count()).select_from(ProblemVersion)).one() == 1


def test_generation_and_verdict_with_lone_surrogates(engine: Engine) -> None:
    p = make_problem("add-two", tests=[("1\n2", 3), ("2\n2", 4)])
    with session_scope(engine) as s:
        problem_id = repo.upsert_problem(s, p)[0].id
        model = repo.upsert_model(s, "alpha", "org/alpha", ["http://127.0.0.1:8000/v1"], date(2025, 6, 30))
        config = repo.upsert_model_config(s, model, "greedy", {"temperature": 0.0}, "default", "v1", 2)
        repo.ensure_units(s, config, [problem_id])
        first, second = s.exec(select(Unit).order_by(Unit.attempt)).all()
        gen = repo.record_generation(
            s, first, endpoint="http://127.0.0.1:8000/v1", served_model="org/alpha", sampling={"seed": 1},
            prompt_template_version="v1", prompt=[{"role": "user", "content": "Add."}],
            raw_response={"choices": [{"message": {"content": f"x{BAD}"}}]}, content=f"answer {BAD}",
            reasoning=f"think {BAD}", extracted_code=f"print('{BAD}')", outcome="code", finish_reason="stop")
        ts = repo.current_test_set(s, problem_id)
        result = judge_result(Verdict.WRONG_ANSWER).model_copy(update={"first_failure": Failure(
            test=1, input="2\n2", expected=4, got=f"four{BAD}", message=f"printed {BAD}", stderr=BAD)})
        repo.record_judgement(s, gen, first, ts.id, result)
        repo.set_unit_state(s, second.id, UnitState.FAILED, error=f"boom {BAD}")
    with session_scope(engine) as s:
        g = s.exec(select(Generation)).one()
        assert (g.content, g.reasoning, g.extracted_code) == (f"answer {ESC}", f"think {ESC}", f"print('{ESC}')")
        assert g.raw_response == {"choices": [{"message": {"content": f"x{ESC}"}}]}
        j = s.exec(select(Judgement)).one()
        assert (j.first_failure["got"], j.first_failure["message"], j.first_failure["stderr"]) == (
            f"four{ESC}", f"printed {ESC}", ESC)
        states = dict(s.exec(select(Unit.attempt, Unit.last_error)).all())
        assert states[2] == f"boom {ESC}"
        cases = s.exec(select(TestCase.expected).order_by(TestCase.idx)).all()
        assert list(cases) == [3, 4]  # untouched values stay exactly as they were


def test_escaped_text_reads_back_as_written(engine: Engine) -> None:
    """The escape is plain text: a problem that already says `\\ud800` keeps it."""
    p = make_problem("literal-escape", statement=f"The string {ESC} is six characters.")
    store_problems(engine, [p])
    with session_scope(engine) as s:
        assert s.exec(select(ProblemVersion.statement)).one() == f"The string {ESC} is six characters."
