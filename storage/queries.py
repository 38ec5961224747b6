"""Read queries for reports: results, pending work, failures, test provenance and
LeetCode's own verdicts of the problems released in a time window. Each returns plain rows; the report
package aggregates them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, aliased
from sqlmodel import Session, col

from storage.models import (
    AnySelect,
    Contest,
    Generation,
    Judgement,
    LeetCodeJudgement,
    Model,
    ModelConfig,
    Problem,
    ProblemVersion,
    ResultCount,
    SubmitState,
    TestCase,
    TestSet,
    Unit,
    UnitState,
)


@dataclass(frozen=True)
class ResultRow:
    config_id: int
    config_name: str
    config_hash: str
    model_name: str
    served_id: str
    training_cutoff: date | None
    problem_id: int
    slug: str
    title: str
    difficulty: str | None
    contest_slug: str | None
    contest_start: datetime | None
    release_time: datetime | None
    result: str  # a verdict, "no code" or "truncated"; "pending" or "failed" for unfinished units
    n: int


def _window(q: AnySelect, start: datetime | None, end: datetime | None) -> AnySelect:
    if start is not None:
        q = q.where(col(Problem.release_time) >= start)
    if end is not None:
        q = q.where(col(Problem.release_time) < end)
    return q


_COLUMNS = (col(ModelConfig.id), col(ModelConfig.name), col(ModelConfig.config_hash), col(Model.name),
            col(Model.served_id), col(Model.training_cutoff), col(Problem.id), col(Problem.slug), col(Problem.title),
            col(Problem.difficulty), col(Contest.slug), col(Contest.start_time), col(Problem.release_time))


def _joined(q: AnySelect, config_col: Mapped[int], problem_col: Mapped[int]) -> AnySelect:
    return (q.join(ModelConfig, col(ModelConfig.id) == config_col)
            .join(Model, col(Model.id) == col(ModelConfig.model_id))
            .join(Problem, col(Problem.id) == problem_col)
            .join(Contest, col(Contest.id) == col(Problem.contest_id), isouter=True))


# a unit that failed for good (infrastructure, after every retry) has no result either
_unfinished = sa.case((col(Unit.state) == UnitState.FAILED, "failed"), else_="pending").label("unfinished")


def results(session: Session, start: datetime | None = None, end: datetime | None = None,
            config_names: list[str] | None = None) -> list[ResultRow]:
    """Current results and pending units per (configuration, problem, result)."""
    done = _joined(sa.select(*_COLUMNS, col(ResultCount.result), col(ResultCount.n)).select_from(ResultCount),
                   col(ResultCount.model_config_id), col(ResultCount.problem_id)).where(col(ResultCount.n) > 0)
    pending = _joined(
        sa.select(*_COLUMNS, _unfinished, sa.func.count(col(Unit.id))).select_from(Unit)
        .where(col(Unit.state) != UnitState.JUDGED).group_by(*_COLUMNS, _unfinished),
        col(Unit.model_config_id), col(Unit.problem_id))
    rows = []
    for q in (done, pending):
        q = _window(q, start, end)
        if config_names:
            q = q.where(col(ModelConfig.name).in_(config_names))
        rows += [ResultRow(*r) for r in session.execute(q).all()]
    return rows


@dataclass(frozen=True)
class FailureRow:
    config_name: str
    slug: str
    attempt: int
    result: str
    first_failure: dict[str, Any] | None
    test_set_version: str | None
    unit_id: int | None = None
    generation_id: int | None = None


def failures(session: Session, start: datetime | None = None, end: datetime | None = None,
             config_names: list[str] | None = None, limit: int = 500) -> list[FailureRow]:
    """Failed attempts with their verdict (or generation outcome) and first failing test."""
    q = (sa.select(col(ModelConfig.name), col(Problem.slug), col(Unit.attempt),
                   sa.func.coalesce(col(Judgement.verdict), col(Generation.outcome), type_=sa.String),
                   col(Judgement.first_failure), col(TestSet.version), col(Unit.id), col(Generation.id))
         .select_from(Unit)
         .join(Generation, col(Generation.unit_id) == col(Unit.id))
         .join(Judgement, (col(Judgement.generation_id) == col(Generation.id)) & col(Judgement.is_current), isouter=True)
         .join(TestSet, col(TestSet.id) == col(Judgement.test_set_id), isouter=True)
         .join(ModelConfig, col(ModelConfig.id) == col(Unit.model_config_id))
         .join(Problem, col(Problem.id) == col(Unit.problem_id))
         .where(col(Unit.state) == UnitState.JUDGED)
         .where(sa.or_(col(Judgement.verdict).is_(None), col(Judgement.verdict) != "Accepted"))
         .order_by(col(Problem.release_time), col(Problem.slug), col(ModelConfig.name), col(Unit.attempt)).limit(limit))
    q = _window(q, start, end)
    if config_names:
        q = q.where(col(ModelConfig.name).in_(config_names))
    return [FailureRow(name, slug, attempt, str(result), ff, ver, unit_id, gen_id)
            for name, slug, attempt, result, ff, ver, unit_id, gen_id in session.execute(q).all()]


@dataclass(frozen=True)
class ProvenanceRow:
    slug: str
    test_set_version: str
    n_tests: int  # tests a verdict compares: examples stored as not comparable are not counted
    provenance: dict[str, int]  # source -> comparable tests of that source
    basis: str = "examples"  # what verdicts on the current set rest on (storage.models.TestBasis)
    oracle: str | None = None  # whose outputs its generated tests carry
    not_compared: int = 0  # tests run but never compared (an example whose output cannot be checked)
    url: str | None = None  # the problem's page (LeetCode's, for a synced problem)


def test_provenance(session: Session, start: datetime | None = None,
                    end: datetime | None = None) -> list[ProvenanceRow]:
    q = (sa.select(col(Problem.slug), col(TestSet.id), col(TestSet.version), col(TestSet.basis),
                   col(TestSet.oracle), col(Problem.source))
         .select_from(Problem).join(TestSet, (col(TestSet.problem_id) == col(Problem.id)) & col(TestSet.is_current))
         .order_by(col(Problem.release_time), col(Problem.slug)))
    sets = session.execute(_window(q, start, end)).all()
    counts: dict[int, dict[tuple[str, bool], int]] = {}
    ids = [set_id for _, set_id, *_ in sets]
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        by_source = (col(TestCase.test_set_id), col(TestCase.source), col(TestCase.comparable))
        for set_id, source, comparable, n in session.execute(
                sa.select(*by_source, sa.func.count()).where(col(TestCase.test_set_id).in_(chunk))
                .group_by(*by_source)).all():
            counts.setdefault(set_id, {})[(source, bool(comparable))] = n
    rows = []
    for slug, set_id, version, basis, oracle, source in sets:
        mine = counts.get(set_id, {})
        provenance = {source: n for (source, comparable), n in sorted(mine.items()) if comparable}
        rows.append(ProvenanceRow(slug, version, sum(provenance.values()), provenance, basis, oracle,
                                  sum(n for (_, comparable), n in mine.items() if not comparable),
                                  (source or {}).get("url")))
    return rows


@dataclass(frozen=True)
class LeetCodeRow:
    """LeetCode's verdict on a generation, beside the current local one."""

    config_name: str
    slug: str
    attempt: int
    leetcode: str
    local: str | None  # the current local verdict (None: not judged locally)
    basis: str | None  # the tests the local verdict rests on
    passed: int | None
    total: int | None
    submission_id: str | None


def leetcode_verdicts(session: Session, start: datetime | None = None, end: datetime | None = None,
                      config_names: list[str] | None = None) -> list[LeetCodeRow]:
    q = (sa.select(col(ModelConfig.name), col(Problem.slug), col(Unit.attempt), col(LeetCodeJudgement.verdict),
                   col(Judgement.verdict), col(TestSet.basis), col(LeetCodeJudgement.passed),
                   col(LeetCodeJudgement.total), col(LeetCodeJudgement.submission_id))
         .select_from(LeetCodeJudgement)
         .join(Generation, col(Generation.id) == col(LeetCodeJudgement.generation_id))
         .join(Unit, col(Unit.id) == col(Generation.unit_id))
         .join(Problem, col(Problem.id) == col(Unit.problem_id))
         .join(ModelConfig, col(ModelConfig.id) == col(Unit.model_config_id))
         .join(Judgement, (col(Judgement.generation_id) == col(Generation.id)) & col(Judgement.is_current), isouter=True)
         .join(TestSet, col(TestSet.id) == col(Judgement.test_set_id), isouter=True)
         .where(col(LeetCodeJudgement.state) == SubmitState.JUDGED)
         .order_by(col(Problem.release_time), col(Problem.slug), col(ModelConfig.name), col(Unit.attempt)))
    q = _window(q, start, end)
    if config_names:
        q = q.where(col(ModelConfig.name).in_(config_names))
    return [LeetCodeRow(name, slug, attempt, str(lc), None if local is None else str(local), basis, passed, total, sid)
            for name, slug, attempt, lc, local, basis, passed, total, sid in session.execute(q).all()]


@dataclass(frozen=True)
class AttemptRow:
    """One attempt as the per-attempt viewer shows it: the problem as the model saw
    it, what was sent and answered, the code, and the current verdict."""

    unit_id: int
    generation_id: int | None
    config_name: str
    config_hash: str
    slug: str
    title: str
    url: str | None
    attempt: int
    state: str
    statement: str | None  # the statement version the generation saw
    prompt: Any  # the messages sent
    content: str | None
    reasoning: str | None
    extracted_code: str | None
    outcome: str | None
    finish_reason: str | None
    verdict: str | None
    passed: int | None
    total: int | None
    first_failure: dict[str, Any] | None
    test_set_version: str | None
    basis: str | None
    oracle: str | None


def attempts(session: Session, start: datetime | None = None, end: datetime | None = None,
             config_names: list[str] | None = None) -> list[AttemptRow]:
    """Every attempt of the problems released in the window, with its generation and
    current judgement (the per-attempt viewer). The statement is the one the
    generation saw, else the current one."""
    current = aliased(ProblemVersion)
    q = (sa.select(col(Unit.id), col(Generation.id), col(ModelConfig.name), col(ModelConfig.config_hash),
                   col(Problem.slug), col(Problem.title), col(Problem.source), col(Unit.attempt), col(Unit.state),
                   sa.func.coalesce(col(ProblemVersion.statement), current.statement), col(Generation.prompt),
                   col(Generation.content),
                   col(Generation.reasoning), col(Generation.extracted_code), col(Generation.outcome),
                   col(Generation.finish_reason), col(Judgement.verdict), col(Judgement.passed),
                   col(Judgement.total), col(Judgement.first_failure), col(TestSet.version), col(TestSet.basis),
                   col(TestSet.oracle))
         .select_from(Unit)
         .join(ModelConfig, col(ModelConfig.id) == col(Unit.model_config_id))
         .join(Problem, col(Problem.id) == col(Unit.problem_id))
         .join(Generation, col(Generation.unit_id) == col(Unit.id), isouter=True)
         .join(ProblemVersion, col(ProblemVersion.id) == col(Generation.problem_version_id), isouter=True)
         .join(current, (col(current.problem_id) == col(Problem.id)) & col(current.is_current), isouter=True)
         .join(Judgement, (col(Judgement.generation_id) == col(Generation.id)) & col(Judgement.is_current),
               isouter=True)
         .join(TestSet, col(TestSet.id) == col(Judgement.test_set_id), isouter=True)
         .order_by(col(Problem.release_time), col(Problem.slug), col(ModelConfig.name), col(ModelConfig.config_hash),
                   col(Unit.attempt)))
    q = _window(q, start, end)
    if config_names:
        q = q.where(col(ModelConfig.name).in_(config_names))
    rows = []
    for r in session.execute(q).all():
        (unit_id, gen_id, name, config_hash, slug, title, source, attempt, state, statement, prompt, content,
         reasoning, code, outcome, finish, verdict, passed, total, ff, version, basis, oracle) = r
        rows.append(AttemptRow(unit_id, gen_id, name, config_hash, slug, title, (source or {}).get("url"), attempt,
                               str(state), statement, prompt, content, reasoning, code,
                               None if outcome is None else str(outcome), finish,
                               None if verdict is None else str(verdict), passed, total, ff, version, basis, oracle))
    return rows


def config_names(session: Session) -> list[str]:
    """Every model configuration name stored (a report's --models must name some)."""
    return sorted(session.execute(sa.select(col(ModelConfig.name)).distinct()).scalars())
