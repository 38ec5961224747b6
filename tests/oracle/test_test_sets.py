"""The current-test-set rule: tests are only added, or explicitly replaced.

The bug this guards against: after `lcagent import pack` stored a problem with
hidden tests, a re-sync of its contest (examples only) made the examples-only set
current again and the hidden tests silently stopped counting."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from judge import problem as pf
from storage import repo, test_sets
from storage.engine import session_scope
from storage.models import TestBasis, TestSet
from tests.storage.conftest import make_problem

EXAMPLES = [("1\n2", 3), ("-1\n1", 0)]
HIDDEN = [("100\n200", 300), ("7\n-9", -2), ("0\n0", 0)]


def with_tests(base: pf.Problem, tests: list[tuple[str, Any, str]], **update: Any) -> pf.Problem:
    doc = base.model_dump(mode="json")
    doc["tests"] = [{"input": i, "expected": e, "source": s} for i, e, s in tests]
    doc.update(update)
    return pf.parse_problem(doc)


def examples(slug: str = "ruled") -> pf.Problem:
    return make_problem(slug, tests=EXAMPLES)


def pack(slug: str = "ruled") -> pf.Problem:
    return with_tests(examples(slug), [(i, e, "example") for i, e in EXAMPLES] + [(i, e, "official") for i, e in HIDDEN])


def inputs(p: pf.Problem | tuple) -> list[str]:
    return [t.input for t in (p.tests if isinstance(p, pf.Problem) else p)]


# ------------------------------------------------------------------ the pure rule


def test_first_delivery_is_taken_as_it_is() -> None:
    d = test_sets.decide(None, examples())
    assert d.rule == "first" and inputs(d.tests) == ["1\n2", "-1\n1"] and d.changes


def test_the_same_tests_change_nothing() -> None:
    d = test_sets.decide(examples(), examples())
    assert d.rule == "same" and not d.changes


def test_a_poorer_delivery_keeps_the_richer_current_set() -> None:
    d = test_sets.decide(pack(), examples())
    assert d.rule == "kept" and not d.changes
    assert inputs(d.tests) == inputs(pack())


def test_a_richer_delivery_adds_its_tests() -> None:
    d = test_sets.decide(examples(), pack())
    assert d.rule == "added" and inputs(d.tests) == inputs(pack())


def test_a_corrected_example_replaces_its_old_expected_output_and_keeps_the_rest() -> None:
    current = pack()
    corrected = with_tests(examples(), [("1\n2", 4, "example"), ("-1\n1", 0, "example")])
    d = test_sets.decide(current, corrected)
    assert d.rule == "merged"
    assert [(t.input, t.expected) for t in d.tests] == [("1\n2", 4), ("-1\n1", 0), *HIDDEN]


def test_a_changed_checker_or_limit_comes_with_the_delivery_and_keeps_the_tests() -> None:
    current = pack()
    delivered = with_tests(examples(), [(i, e, "example") for i, e in EXAMPLES], limits={"time_ms": 2000})
    d = test_sets.decide(current, delivered)
    assert d.rule == "merged" and d.limits.time_ms == 2000 and inputs(d.tests) == inputs(current)


def test_tests_that_no_longer_fit_a_changed_signature_are_replaced() -> None:
    current = pack()
    doc = examples().model_dump(mode="json")
    doc["signature"]["params"] = [{"name": "a", "type": "integer"}]
    doc["tests"] = [{"input": "5", "expected": 5, "source": "example"}]
    d = test_sets.decide(current, pf.parse_problem(doc))
    assert d.rule == "replaced" and inputs(d.tests) == ["5"]


def test_an_explicit_replace_takes_the_delivery_as_it_is() -> None:
    d = test_sets.decide(pack(), examples(), replace=True)
    assert d.rule == "replaced" and inputs(d.tests) == inputs(examples())


@pytest.mark.parametrize(("sources", "oracle", "basis"), [
    ({"example"}, None, TestBasis.EXAMPLES),
    ({"example", "official"}, None, TestBasis.HIDDEN),
    ({"example", "dataset"}, None, TestBasis.HIDDEN),
    ({"example", "generated"}, None, TestBasis.HIDDEN),  # a pack's own generated tests
    ({"example", "generated"}, "leetcode", TestBasis.GENERATED),
])
def test_basis(sources: set[str], oracle: str | None, basis: TestBasis) -> None:
    tests = [pf.Test(input=f"{i}\n1", expected=i + 1, source=s) for i, s in enumerate(sorted(sources))]  # type: ignore[arg-type]
    assert test_sets.basis_of(tests, oracle) is basis


# ------------------------------------------------------------------ in the database


def current(engine: Engine, slug: str = "ruled") -> tuple[TestSet, pf.Problem]:
    with session_scope(engine) as s:
        pid = repo.get_problem(s, slug).id
        return repo.current_test_set(s, pid), repo.load_problem(s, pid)  # type: ignore[arg-type]


def store(engine: Engine, p: pf.Problem, **kw: Any) -> TestSet:
    with session_scope(engine) as s:
        return repo.upsert_problem(s, p, **kw)[2]


def test_a_resync_of_examples_never_displaces_a_packs_hidden_tests(engine: Engine) -> None:
    store(engine, examples())
    hidden = store(engine, pack())
    assert hidden.basis == TestBasis.HIDDEN and hidden.kind == "source"
    again = store(engine, examples())  # the contest synced again (or retried as incomplete)
    ts, loaded = current(engine)
    assert again.id == hidden.id == ts.id
    assert inputs(loaded) == inputs(pack())
    with session_scope(engine) as s:
        assert s.execute(sa.select(sa.func.count()).select_from(TestSet)).scalar_one() == 2


def test_generated_tests_survive_resyncs_and_join_a_later_pack(engine: Engine) -> None:
    store(engine, examples())
    with session_scope(engine) as s:
        pid = repo.get_problem(s, "ruled").id
        base = repo.current_test_set(s, pid)  # type: ignore[arg-type]
        generated = [pf.Test(input=f"{n}\n{n}", expected=2 * n, source="generated", note=f"#{n}") for n in (5, 6)]
        ts = test_sets.add_generated(s, pid, base, examples(), [*generated, generated[0]],  # type: ignore[arg-type]
                                     oracle="leetcode", seed=7, origin={"oracle_refs": ["runcode_1"]})
        gen_id = ts.id
    ts, loaded = current(engine)
    assert ts.id == gen_id and ts.kind == "generated" and ts.basis == TestBasis.GENERATED
    assert (ts.oracle, ts.seed, ts.origin["oracle_refs"], ts.origin["added"]) == ("leetcode", 7, ["runcode_1"], 2)
    assert ts.parent_id == base.id and inputs(loaded) == ["1\n2", "-1\n1", "5\n5", "6\n6"]
    assert ts.provenance == {"example": 2, "generated": 2}

    assert store(engine, examples()).id == gen_id  # re-sync: nothing changes

    merged = store(engine, pack())  # a pack later: its tests are added, the generated ones kept
    ts, loaded = current(engine)
    assert merged.id == ts.id != gen_id
    assert (ts.kind, ts.basis, ts.parent_id, ts.oracle) == ("merged", TestBasis.GENERATED, gen_id, "leetcode")
    assert inputs(loaded) == [*inputs(pack()), "5\n5", "6\n6"]

    assert store(engine, pack(), replace_tests=True).basis == TestBasis.HIDDEN  # the explicit replace
    with session_scope(engine) as s:
        history = s.exec(select(TestSet.kind, TestSet.is_current).order_by(TestSet.id)).all()
    assert history == [("source", False), ("generated", False), ("merged", False), ("source", True)]
