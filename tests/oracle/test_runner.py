"""Hidden tests stored: synced problems get a `generated` test set from the fake
LeetCode's oracle (hand-picked inputs here; agent.testgen's own tests cover the
generator), with provenance, the judged units sent back to the judge, waiting
with a backoff when LeetCode is unavailable, stopping on an expired session,
and `lcagent tests generate|show`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from agent.cli import app
from agent.oracle.hidden import InputSource
from agent.oracle.leetcode import LeetCodeOracle
from agent.oracle.runner import TestGenOptions, generate_hidden_tests
from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.leetcode_judge import LeetCodeJudgeAPI
from agent.sources.sync import sync
from judge.verdict import Verdict
from storage import models, repo, test_sets
from storage.engine import session_scope
from tests.fakes.leetcode_judge import FakeJudge
from tests.fakes.leetcode_server import FakeLeetCode
from tests.storage.conftest import judge_result

pytestmark = pytest.mark.integration
NOW = datetime(2026, 4, 19, 2, 30, tzinfo=UTC) + timedelta(days=8)
CONTEST = "weekly-contest-9001"
SLUG = "values-with-exact-frequency"

# hand-picked inputs per problem: valid ones, a duplicate of an example, one the
# constraints refuse (k = 0) and one LeetCode's reference refuses (caught by the fake)
INPUTS: dict[str, list[str]] = {
    SLUG: ["[1,1,2,2,3]\n2", "[4,1,4,2,2,3]\n2", "[5,5,5,5]\n4", "[7]\n0", "[9,9,8]\n1", "[3,3,3,1,1]\n3"],
    "sort-even-positions": ["[3,1,2]", "[9,8,7,6,5,4]", "[0]"],
}


def hand_picked(refused: str = "[7]\n0") -> InputSource:
    def generate(problem: Any, *, seed: int, count: int, max_input_bytes: int) -> SimpleNamespace:
        inputs = INPUTS.get(problem.slug)
        return SimpleNamespace(inputs=(inputs or [])[:count], seed=seed, constraints={"refuse": refused},
                               skipped_reason=None if inputs else "no hand-picked inputs", unknown_clauses=[])

    def validate(constraints: dict, text: str, signature: Any) -> list[str]:
        return ["k must be >= 1"] if text == constraints["refuse"] else []

    return InputSource(generate, validate, name="hand-picked")


@pytest.fixture
def lc() -> Iterator[tuple[FakeLeetCode, FakeJudge]]:
    with FakeLeetCode.from_fixtures() as fake:
        yield fake, FakeJudge.attach(fake, pending_polls=1, started_polls=1)


def client_for(fake: FakeLeetCode, judge: FakeJudge) -> LeetCodeClient:
    return LeetCodeClient(base_url=fake.url, min_interval_s=0, attempts=2, backoff_s=0, timeout_s=10, **judge.cookies)  # type: ignore[arg-type]


@pytest.fixture
def synced(engine: Engine, lc: tuple) -> Callable[..., Any]:
    fake, judge = lc
    with client_for(fake, judge) as client:
        assert sync(client, engine, contests=[CONTEST, "biweekly-contest-9000"], now=NOW).failures == []

    def run(**kw: Any) -> Any:
        with client_for(fake, judge) as client:
            oracle = LeetCodeOracle(LeetCodeJudgeAPI(client, min_interval_s=0, poll_interval_s=0.01))
            return generate_hidden_tests(engine, oracle, TestGenOptions(seed=3, count=10, backoff_s=60),
                                         inputs=kw.pop("inputs", hand_picked()), now=kw.pop("now", NOW), **kw)

    return run


def current(engine: Engine, slug: str) -> tuple[models.TestSet, Any]:
    with session_scope(engine) as s:
        pid = repo.get_problem(s, slug).id
        return repo.current_test_set(s, pid), repo.load_problem(s, pid)  # type: ignore[arg-type]


def generation(engine: Engine, slug: str) -> models.TestGeneration:
    with session_scope(engine) as s:
        pid = repo.get_problem(s, slug).id
        return s.exec(select(models.TestGeneration).where(models.TestGeneration.problem_id == pid)).one()


def test_synced_problems_get_a_generated_test_set_with_provenance(engine: Engine, synced: Callable,
                                                                  lc: tuple) -> None:
    fake, judge = lc
    before, examples = current(engine, SLUG)
    report = synced()
    assert sorted(report.done) == sorted(INPUTS)
    assert dict(report.skipped).keys() == {"remove-leaves-below-threshold", "ticket-queue", "remove-marked-values",
                                           "mean-distance-to-origin"}
    assert "comparable" in dict(report.skipped)["remove-marked-values"]
    ts, problem = current(engine, SLUG)
    assert (ts.kind, ts.basis, ts.oracle, ts.seed, ts.parent_id) == ("generated", "generated", "leetcode", 3, before.id)
    generated = [t for t in problem.tests if t.source == "generated"]
    assert [t.input for t in problem.tests[:len(examples.tests)]] == [t.input for t in examples.tests]
    assert [(t.input, sorted(t.expected)) for t in generated] == [
        ("[1,1,2,2,3]\n2", [1, 2]), ("[5,5,5,5]\n4", [5]), ("[9,9,8]\n1", [8]), ("[3,3,3,1,1]\n3", [3])]
    o = ts.origin
    assert (o["generator"], o["requested"], o["generated"], o["invalid"], o["duplicates"], o["kept"]) == (
        "hand-picked", 10, 6, 1, 1, 4)
    assert o["oracle_calls"] == 1 and o["oracle_refs"] and all(r.startswith("runcode_") for r in o["oracle_refs"])
    assert ts.provenance == {"example": len(examples.tests), "generated": 4}
    row = generation(engine, SLUG)
    assert (row.state, row.test_set_id, row.oracle, row.seed) == ("done", ts.id, "leetcode", 3)
    assert row.stats["oracle_s"] >= 0 and row.stats["generate_s"] >= 0

    # a re-sync of the contest (its examples) keeps the generated set current
    with client_for(fake, judge) as client:
        sync(client, engine, contests=[CONTEST], now=NOW)
    assert current(engine, SLUG)[0].id == ts.id
    # and nothing is due any more: settled problems are not generated again
    assert synced().done == [] and len(judge.posts("interpret")) == 2


def test_a_refused_input_is_dropped_and_counted(engine: Engine, synced: Callable) -> None:
    report = synced(inputs=hand_picked(refused="nothing"))  # the fake's reference refuses k = 0
    assert report.stats[SLUG]["rejected"] == 1 and report.stats[SLUG]["kept"] == 4
    _, problem = current(engine, SLUG)
    assert "[7]\n0" not in [t.input for t in problem.tests]


def test_judged_units_go_back_to_the_judge_with_their_verdicts_kept(engine: Engine, synced: Callable) -> None:
    with session_scope(engine) as s:
        pid = repo.get_problem(s, SLUG).id
        model = repo.upsert_model(s, "m", "org/m", [], None)
        config = repo.upsert_model_config(s, model, "m", {}, "default", "v1", 2)
        repo.ensure_units(s, config, [pid])  # type: ignore[list-item]
        units = s.exec(select(models.Unit).where(models.Unit.problem_id == pid).order_by(models.Unit.id)).all()
        ts = repo.current_test_set(s, pid)  # type: ignore[arg-type]
        gen = repo.record_generation(s, units[0], outcome="code", extracted_code="x")
        repo.record_generation(s, units[1], outcome="no code")
        repo.record_judgement(s, gen, units[0], ts.id, judge_result(Verdict.ACCEPTED, test_set_version=ts.version))  # type: ignore[arg-type]
    report = synced()
    assert report.requeued == 1
    with session_scope(engine) as s:
        states = [u.state for u in s.exec(select(models.Unit).order_by(models.Unit.id)).all()]
        assert states == ["generated", "judged"]
        assert s.exec(select(models.Judgement.verdict, models.Judgement.is_current)).all() == [("Accepted", True)]


def test_an_unavailable_leetcode_leaves_problems_waiting_with_a_backoff(engine: Engine, synced: Callable,
                                                                        lc: tuple) -> None:
    fake, _ = lc
    fake.fail("interpret", "status", status=503, times=1000)
    report = synced()
    assert {s for s, _ in report.waiting} == set(INPUTS) and report.done == [] and report.stopped is None
    row = generation(engine, SLUG)
    assert row.state == "pending" and "503" in (row.reason or "")
    assert row.next_attempt_at == NOW + timedelta(seconds=60)
    with session_scope(engine) as s:
        waiting = set(s.exec(test_sets.awaiting_tests("leetcode", ["leetcode"])).all())
        pid = repo.get_problem(s, SLUG).id
        assert pid in waiting  # the pipeline keeps its units from the judge
        assert pid not in test_sets.due_for_tests(s, "leetcode", ["leetcode"], NOW + timedelta(seconds=59))
        assert pid in test_sets.due_for_tests(s, "leetcode", ["leetcode"], NOW + timedelta(seconds=61))
    assert current(engine, SLUG)[0].basis == "examples"  # no test was made of the trouble
    with fake._lock:
        fake._faults.clear()
    later = synced(now=NOW + timedelta(minutes=2))
    assert sorted(later.done) == sorted(INPUTS)
    with session_scope(engine) as s:
        assert pid not in set(s.exec(test_sets.awaiting_tests("leetcode", ["leetcode"])).all())


def test_an_expired_session_stops_the_run_and_says_so(engine: Engine, synced: Callable, lc: tuple) -> None:
    _, judge = lc
    judge.expire()
    report = synced()
    assert report.stopped and "session" in report.stopped and len(report.waiting) == 1
    assert judge.session not in report.stopped
    assert generation(engine, report.waiting[0][0]).state == "pending"


def test_cli_generate_and_show(engine: Engine, lc: tuple, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    fake, judge = lc
    url = engine.url.render_as_string(hide_password=False)
    with client_for(fake, judge) as client:
        sync(client, engine, contests=[CONTEST], now=NOW)
    monkeypatch.setattr("agent.oracle.hidden.default_inputs", hand_picked)
    monkeypatch.chdir(tmp_path)
    env = {"LCAGENT_DATABASE_URL": url, "LCAGENT_DATA_DIR": str(tmp_path), "LCAGENT_LEETCODE__BASE_URL": fake.url,
           "LCAGENT_LEETCODE__SESSION": judge.session, "LCAGENT_LEETCODE__CSRFTOKEN": judge.csrftoken,
           "LCAGENT_LEETCODE__MIN_INTERVAL_S": "0", "LCAGENT_TESTGEN__MIN_INTERVAL_S": "0",
           "LCAGENT_TESTGEN__POLL_INTERVAL_S": "0.01", "LCAGENT_TESTGEN__COUNT": "10"}
    runner = CliRunner()
    result = runner.invoke(app, ["tests", "generate", "--problem", SLUG, "--oracle", "leetcode"], env=env)
    assert result.exit_code == 0, result.output
    assert f"{SLUG}: 4 hidden tests" in result.stdout and "1 invalid, 1 duplicates" in result.stdout
    shown = runner.invoke(app, ["tests", "show", SLUG], env=env)
    assert shown.exit_code == 0, shown.output
    assert "basis generated" in shown.stdout and "oracle leetcode, generator seed 0" in shown.stdout
    assert "generation by leetcode: done" in shown.stdout and "rule generated" in shown.stdout
    no_oracle = runner.invoke(app, ["tests", "generate", "--problem", SLUG], env=env)
    assert no_oracle.exit_code == 1 and "no oracle" in no_oracle.output
    with session_scope(engine) as s:
        assert s.execute(sa.select(sa.func.count()).select_from(models.TestGeneration)).scalar_one() == 1
