"""Test sets: which one is current, and how generated tests join them.

The current test set is a decision with a rule, not whatever was stored last:

- tests are only added: when a source delivers tests (a sync brings the
  statement's examples, a pack its hidden tests), the tests of the current set
  whose inputs the delivery lacks are kept, so a re-sync of examples never
  displaces a pack's or a generator's hidden tests (`decide`, pure);
- a delivered test whose input the current set also has replaces it (a corrected
  example), and the delivery's checker and limits apply;
- an explicit replace (`replace=True`, `lcagent import pack --replace-tests`)
  makes the delivered tests current as they are.

A generated set is the current set plus generated tests (new inputs only), with
its provenance: generator seed, oracle and the oracle's response ids.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from judge import problem as pf
from judge.errors import ProblemError
from storage.errors import IntegrityViolation, NotFound
from storage.models import (
    AnySelect,
    Generation,
    Judgement,
    ModelConfig,
    Outcome,
    Problem,
    TestBasis,
    TestCase,
    TestGeneration,
    TestGenState,
    TestSet,
    Unit,
    UnitState,
    id_of,
    utcnow,
)

Rule = Literal["first", "same", "kept", "added", "merged", "replaced", "generated"]


@dataclass(frozen=True)
class Decision:
    """`tests` become (or stay) current; `rule` says why."""

    rule: Rule
    tests: tuple[pf.Test, ...]
    checker: pf.Checker
    limits: pf.Limits

    @property
    def changes(self) -> bool:
        return self.rule not in ("same", "kept")


def _key(t: pf.Test) -> tuple[str, str, bool]:
    return t.input, json.dumps(t.expected, sort_keys=True), t.comparable


def decide(current: pf.Problem | None, incoming: pf.Problem, *, replace: bool = False) -> Decision:
    """The rule (pure). `current` is the problem with its current tests, checker and
    limits; `incoming` what a source delivers now."""

    def take(rule: Rule, tests: Sequence[pf.Test]) -> Decision:
        return Decision(rule, tuple(tests), incoming.checker, incoming.limits)

    if current is None:
        return take("first", incoming.tests)
    if replace:
        return take("replaced", incoming.tests)
    if current.test_set_version() == incoming.test_set_version():
        return Decision("same", tuple(current.tests), current.checker, current.limits)
    same_rules = (current.checker, current.limits) == (incoming.checker, incoming.limits)
    have, delivered_keys = Counter(_key(t) for t in current.tests), Counter(_key(t) for t in incoming.tests)
    if same_rules and not delivered_keys - have:  # nothing the current set lacks (a repeated test counts)
        return Decision("kept", tuple(current.tests), current.checker, current.limits)
    delivered = {t.input for t in incoming.tests}
    kept = [t for t in current.tests if t.input not in delivered]
    merged = [*incoming.tests, *kept]
    try:  # the kept tests must fit the delivered signature (a changed signature replaces them)
        pf.parse_problem(incoming.model_copy(update={"tests": merged}).model_dump(mode="json"), incoming.slug)
    except ProblemError:
        return take("replaced", incoming.tests)
    return take("merged" if kept else "added", merged)


def basis_of(tests: Sequence[pf.Test], oracle: str | None = None) -> TestBasis:
    sources = {t.source for t in tests}
    if oracle is not None and "generated" in sources:
        return TestBasis.GENERATED
    return TestBasis.EXAMPLES if sources <= {"example"} else TestBasis.HIDDEN


def version_of(problem: pf.Problem, tests: Sequence[pf.Test], checker: pf.Checker, limits: pf.Limits) -> str:
    return problem.model_copy(update={"tests": list(tests), "checker": checker, "limits": limits}).test_set_version()


# ------------------------------------------------------------------- writes


def add_test_set(session: Session, problem_id: int, problem: pf.Problem, *, kind: str = "source",
                 parent_id: int | None = None, oracle: str | None = None, seed: int | None = None,
                 origin: dict[str, Any] | None = None) -> TestSet:
    """Store `problem`'s tests as a new (not yet current) test set."""
    provenance: dict[str, int] = {}
    for t in problem.tests:
        provenance[t.source] = provenance.get(t.source, 0) + 1
    version = problem.test_set_version()
    ts = TestSet(problem_id=problem_id, version=version, checker=problem.checker.model_dump(mode="json"),
                 limits=problem.limits.model_dump(mode="json"), n_tests=len(problem.tests), provenance=provenance,
                 is_current=False, kind=kind, basis=basis_of(problem.tests, oracle), parent_id=parent_id,
                 oracle=oracle, seed=seed, origin=origin or {})
    session.add(ts)
    _flush(session, "test set", f"{problem.slug}@{version}")
    session.add_all(
        TestCase(test_set_id=id_of(ts), idx=i, input=t.input, expected=t.expected, source=t.source,
                 comparable=t.comparable, note=t.note)
        for i, t in enumerate(problem.tests)
    )
    _flush(session, "test cases", f"{problem.slug}@{version}")
    return ts


def make_current(session: Session, problem_id: int, ts: TestSet) -> None:
    session.exec(sa.update(TestSet).where(col(TestSet.problem_id) == problem_id, col(TestSet.id) != ts.id)
                 .values(is_current=False))
    if not ts.is_current:
        ts.is_current = True
        session.add(ts)
    _flush(session, "current test set", f"of problem {problem_id}")


def find(session: Session, problem_id: int, version: str) -> TestSet | None:
    return session.exec(select(TestSet).where(col(TestSet.problem_id) == problem_id,
                                              col(TestSet.version) == version)).first()


def current_or_none(session: Session, problem_id: int) -> TestSet | None:
    return session.exec(select(TestSet).where(col(TestSet.problem_id) == problem_id, col(TestSet.is_current))).first()


def tests_of(session: Session, test_set_id: int) -> list[pf.Test]:
    rows = session.exec(select(TestCase).where(col(TestCase.test_set_id) == test_set_id)
                        .order_by(col(TestCase.idx))).all()
    return [pf.Test(input=c.input, expected=c.expected, source=c.source, comparable=c.comparable, note=c.note)
            for c in rows]


def with_current_tests(session: Session, problem_id: int, problem: pf.Problem) -> tuple[pf.Problem, TestSet] | None:
    """`problem` carrying its current test set's tests, checker and limits."""
    ts = current_or_none(session, problem_id)
    if ts is None:
        return None
    current = problem.model_copy(update={"tests": tests_of(session, ts.id),  # type: ignore[arg-type]
                                         "checker": pf.Checker.model_validate(ts.checker),
                                         "limits": pf.Limits.model_validate(ts.limits)})
    return current, ts


def adopt(session: Session, problem_id: int, incoming: pf.Problem, *, replace: bool = False) -> TestSet:
    """A source delivered `incoming`'s tests: apply the rule, store what it decides
    (once: the same tests are the same set) and make it current."""
    have = with_current_tests(session, problem_id, incoming)
    current, current_ts = have if have else (None, None)
    d = decide(current, incoming, replace=replace)
    if not d.changes:
        assert current_ts is not None
        return current_ts
    version = version_of(incoming, d.tests, d.checker, d.limits)
    ts = find(session, problem_id, version)
    if ts is None:
        chosen = incoming.model_copy(update={"tests": list(d.tests), "checker": d.checker, "limits": d.limits})
        merged = d.rule == "merged" and current_ts is not None  # "added": the delivery as it is
        oracle = current_ts.oracle if merged and current_ts is not None else None
        ts = add_test_set(session, problem_id, chosen, kind="merged" if merged else "source",
                          parent_id=current_ts.id if merged and current_ts is not None else None,
                          oracle=oracle, seed=current_ts.seed if merged and current_ts is not None else None,
                          origin={"rule": d.rule, "delivered": incoming.test_set_version(),
                                  **({"oracle_refs": current_ts.origin.get("oracle_refs", [])}
                                     if merged and current_ts is not None and current_ts.oracle else {})})
    make_current(session, problem_id, ts)
    return ts


def add_generated(session: Session, problem_id: int, base: TestSet, problem: pf.Problem,
                  generated: Sequence[pf.Test], *, oracle: str, seed: int, origin: dict[str, Any],
                  limits: pf.Limits | None = None) -> TestSet:
    """`base` (the current set) plus the generated tests whose inputs it lacks,
    stored as a `generated` set and made current (tests only added); with
    `limits` (derived from a local reference's CPU time), under those instead of
    the base set's."""
    tests = tests_of(session, base.id)  # type: ignore[arg-type]
    have = {t.input for t in tests}
    fresh = []
    for t in generated:
        if t.input not in have:
            have.add(t.input)
            fresh.append(t)
    extended = problem.model_copy(update={"tests": [*tests, *fresh],
                                          "checker": pf.Checker.model_validate(base.checker),
                                          "limits": limits or pf.Limits.model_validate(base.limits)})
    ts = find(session, problem_id, extended.test_set_version())
    if ts is None:
        ts = add_test_set(session, problem_id, extended, kind="generated", parent_id=base.id, oracle=oracle,
                          seed=seed, origin={"rule": "generated", **origin, "added": len(fresh)})
    make_current(session, problem_id, ts)
    return ts


def history(session: Session, problem_id: int) -> list[TestSet]:
    return list(session.exec(select(TestSet).where(col(TestSet.problem_id) == problem_id)
                             .order_by(col(TestSet.id))).all())


def get(session: Session, test_set_id: int) -> TestSet:
    ts = session.get(TestSet, test_set_id)
    if ts is None:
        raise NotFound("test set", str(test_set_id))
    return ts


def _flush(session: Session, entity: str, key: str) -> None:
    from sqlalchemy.exc import IntegrityError

    try:
        session.flush()
    except IntegrityError as e:
        session.rollback()
        raise IntegrityViolation(entity, key, str(e.orig).splitlines()[0]) from None


# ------------------------------------------------------------- test generation


def awaiting_tests(oracle: str, sources: Sequence[str]) -> AnySelect:
    """Ids of the problems (of these sources) whose hidden tests from `oracle` are
    not settled yet: never generated, or waiting for a retry. The pipeline keeps
    their units from the judge: a verdict on examples alone would be recorded."""
    settled = select(col(TestGeneration.problem_id)).where(
        col(TestGeneration.oracle) == oracle, col(TestGeneration.state).in_([TestGenState.DONE, TestGenState.SKIPPED]))
    return select(col(Problem.id)).where(col(Problem.source_kind).in_(list(sources)), col(Problem.id).not_in(settled))


def due_for_tests(session: Session, oracle: str, sources: Sequence[str], now: datetime) -> list[int]:
    waiting = select(col(TestGeneration.problem_id)).where(
        col(TestGeneration.oracle) == oracle, col(TestGeneration.next_attempt_at) > now)
    q = awaiting_tests(oracle, sources).where(col(Problem.id).not_in(waiting)).order_by(col(Problem.id))
    return list(session.exec(q).all())  # type: ignore[call-overload]


def generation_row(session: Session, problem_id: int, oracle: str, seed: int, count: int) -> TestGeneration:
    row = session.exec(select(TestGeneration).where(col(TestGeneration.problem_id) == problem_id,
                                                    col(TestGeneration.oracle) == oracle)).first()
    if row is None:
        row = TestGeneration(problem_id=problem_id, oracle=oracle, seed=seed, count=count,
                             state=TestGenState.PENDING)
    row.seed, row.count, row.updated_at = seed, count, utcnow()
    return row


def requeue_judged(session: Session, problem_id: int | None = None, *, everything: bool = False,
                   config_name: str | None = None, judge_image: str | None = None) -> int:
    """Judged units with code whose current verdict used a test set that is no
    longer current -- or, given `judge_image`, came from another judge image -- go
    back to the judge (their old verdicts stay as history): of one problem, or of
    all; `everything`: every judged unit with code; `config_name`: only that
    configuration's. Returns how many."""
    current = (select(col(TestSet.id)).where(col(TestSet.problem_id) == col(Unit.problem_id),
                                             col(TestSet.is_current)).scalar_subquery())
    q = (select(col(Unit.id)).join(Generation, col(Generation.unit_id) == col(Unit.id))
         .join(Judgement, (col(Judgement.generation_id) == col(Generation.id)) & col(Judgement.is_current))
         .where(col(Unit.state) == UnitState.JUDGED, col(Generation.outcome) == Outcome.CODE))
    if problem_id is not None:
        q = q.where(col(Unit.problem_id) == problem_id)
    if not everything:
        outdated = col(Judgement.test_set_id) != current
        if judge_image is not None:
            outdated = outdated | (col(Judgement.judge_image) != judge_image)
        q = q.where(outdated)
    if config_name is not None:
        q = q.join(ModelConfig, col(ModelConfig.id) == col(Unit.model_config_id)).where(
            col(ModelConfig.name) == config_name)
    ids = list(session.exec(q).all())
    if ids:
        session.exec(sa.update(Unit).where(col(Unit.id).in_(ids))
                     .values(state=UnitState.GENERATED, tries=0, next_attempt_at=None, updated_at=utcnow()))
    return len(ids)
