"""The LeetCode submit backend against the fake LeetCode: first attempts submitted,
LeetCode's verdict stored beside the local one with its provenance, the daily cap,
internal errors tried again (never a verdict), a submission polled again after a
crash instead of submitted twice, an expired session stopping the run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.leetcode_judge import LeetCodeJudgeAPI
from agent.sources.sync import sync
from agent.submit import submit_first_attempts
from storage import leetcode_verdicts as lv
from storage import models, repo
from storage.engine import session_scope
from tests.fakes.leetcode_judge import FakeJudge
from tests.fakes.leetcode_server import FakeLeetCode
from tests.sources.conftest import solution

pytestmark = pytest.mark.integration
NOW = datetime(2026, 4, 19, 2, 30, tzinfo=UTC) + timedelta(days=8)
SLUGS = ["values-with-exact-frequency", "sort-even-positions"]


@pytest.fixture
def lc(engine: Engine) -> Iterator[tuple[FakeLeetCode, FakeJudge]]:
    with FakeLeetCode.from_fixtures() as fake:
        judge = FakeJudge.attach(fake, pending_polls=1, started_polls=1, time_limit_s=1.0)
        with client(fake, judge) as c:
            sync(c, engine, contests=["weekly-contest-9001"], now=NOW)
        yield fake, judge


def client(fake: FakeLeetCode, judge: FakeJudge) -> LeetCodeClient:
    return LeetCodeClient(base_url=fake.url, min_interval_s=0, attempts=2, backoff_s=0, timeout_s=20, **judge.cookies)  # type: ignore[arg-type]


def add_generations(engine: Engine, attempts: int = 2) -> dict[tuple[str, int], int]:
    """Two attempts per problem: attempt 1 correct, attempt 2 wrong. -> generation ids."""
    out = {}
    with session_scope(engine) as s:
        model = repo.upsert_model(s, "m", "org/m", [], None)
        config = repo.upsert_model_config(s, model, "m", {}, "default", "v1", attempts)
        for slug in SLUGS:
            pid = repo.get_problem(s, slug).id
            repo.ensure_units(s, config, [pid])  # type: ignore[list-item]
            for unit in s.exec(select(models.Unit).where(models.Unit.problem_id == pid)).all():
                code = solution(slug, wrong=unit.attempt > 1)
                out[(slug, unit.attempt)] = repo.record_generation(s, unit, outcome="code", extracted_code=code).id
    return out


def submit(fake: FakeLeetCode, judge: FakeJudge, engine: Engine, **kw: Any) -> Any:
    with client(fake, judge) as c:
        api = LeetCodeJudgeAPI(c, min_interval_s=0, poll_interval_s=0.01)
        return submit_first_attempts(engine, api, **kw)


def rows(engine: Engine) -> dict[int, models.LeetCodeJudgement]:
    with session_scope(engine) as s:
        return {r.generation_id: r for r in s.exec(select(models.LeetCodeJudgement)).all()}


def test_first_attempts_get_leetcodes_verdict_with_provenance(engine: Engine, lc: tuple) -> None:
    fake, judge = lc
    gens = add_generations(engine)
    report = submit(fake, judge, engine)
    assert sorted(report.judged) == [(slug, "Accepted") for slug in sorted(SLUGS)]
    stored = rows(engine)
    assert set(stored) == {gens[(slug, 1)] for slug in SLUGS}  # attempt 2 is not a first attempt
    for slug in SLUGS:
        r = stored[gens[(slug, 1)]]
        assert (r.state, r.verdict, r.status_code, r.site) == ("judged", "Accepted", 10, "leetcode.com")
        assert r.passed == r.total == len(judge.hidden(slug)) and r.runtime_ms and r.memory_kb == 17_100
        assert r.submission_id and r.detail["submission_id"] == r.submission_id and r.submitted_at and r.judged_at
        assert r.question_id == fake.questions[slug]["questionId"] and r.tries == 1 and r.run_id
    assert submit(fake, judge, engine).judged == []  # idempotent: nothing submitted twice
    assert len(judge.posts("submit")) == 2

    report = submit(fake, judge, engine, attempts=2)  # all attempts: the wrong ones too
    assert sorted(report.judged) == [(slug, "Wrong Answer") for slug in sorted(SLUGS)]
    wrong = rows(engine)[gens[(SLUGS[0], 2)]]
    assert wrong.passed is not None and wrong.passed < (wrong.total or 0)
    assert wrong.detail["last_testcase"] and wrong.detail["expected_output"] and "code_output" in wrong.detail


def test_the_daily_cap(engine: Engine, lc: tuple) -> None:
    fake, judge = lc
    add_generations(engine)
    report = submit(fake, judge, engine, attempts=2, daily_cap=3)
    assert len(report.judged) == 3 and report.capped
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert len(submit(fake, judge, engine, attempts=2, daily_cap=3, now=tomorrow).judged) == 1


def test_an_internal_error_is_tried_again_never_a_verdict(engine: Engine, lc: tuple) -> None:
    fake, judge = lc
    gens = add_generations(engine)
    judge.force(16)
    report = submit(fake, judge, engine)
    assert len(report.errors) == 1 and "status 16" in report.errors[0][1] and len(report.judged) == 1
    failed = [r for r in rows(engine).values() if r.state == "error"]
    assert len(failed) == 1 and failed[0].verdict is None and failed[0].tries == 1
    again = submit(fake, judge, engine)
    assert len(again.judged) == 1 and rows(engine)[failed[0].generation_id].state == "judged"
    assert rows(engine)[failed[0].generation_id].tries == 2 and gens


def test_a_submission_with_an_id_is_polled_again_not_submitted_again(engine: Engine, lc: tuple) -> None:
    fake, judge = lc
    gens = add_generations(engine)
    with client(fake, judge) as c:
        api = LeetCodeJudgeAPI(c, min_interval_s=0, poll_interval_s=0.01)
        sid = api.submit(SLUGS[0], fake.questions[SLUGS[0]]["questionId"], solution(SLUGS[0]))
    with session_scope(engine) as s:  # as a crash after the POST leaves it
        (cand,) = [c for c in lv.candidates(s, "leetcode.com", 1) if c.generation_id == gens[(SLUGS[0], 1)]]
        row_id = lv.claim(s, cand, "leetcode.com").id
        lv.checking(s, row_id, sid)  # type: ignore[arg-type]
    report = submit(fake, judge, engine)
    assert len(report.judged) == 2
    assert rows(engine)[gens[(SLUGS[0], 1)]].submission_id == sid
    assert len(judge.posts("submit")) == 2  # the crashed one was not submitted again


def test_an_expired_session_stops_and_keeps_nothing_as_a_verdict(engine: Engine, lc: tuple) -> None:
    fake, judge = lc
    add_generations(engine)
    judge.expire()
    report = submit(fake, judge, engine)
    assert report.stopped and "session" in report.stopped and report.judged == []
    assert [r.state for r in rows(engine).values()] == ["error"]


def test_cli_submit_prints_leetcodes_verdicts(engine: Engine, lc: tuple, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from agent.cli import app

    fake, judge = lc
    add_generations(engine)
    monkeypatch.chdir(tmp_path)
    env = {"LCAGENT_DATABASE_URL": engine.url.render_as_string(hide_password=False), "LCAGENT_DATA_DIR": str(tmp_path),
           "LCAGENT_LEETCODE__BASE_URL": fake.url, "LCAGENT_LEETCODE__SESSION": judge.session,
           "LCAGENT_LEETCODE__CSRFTOKEN": judge.csrftoken, "LCAGENT_LEETCODE__MIN_INTERVAL_S": "0",
           "LCAGENT_SUBMIT__MIN_INTERVAL_S": "0"}
    result = CliRunner().invoke(app, ["submit", "--limit", "1"], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": Accepted") == 1 and "1 judged by LeetCode, 0 errors" in result.output
    assert len(rows(engine)) == 1 and len(judge.posts("submit")) == 1
    judge.expire()
    expired = CliRunner().invoke(app, ["submit"], env=env)
    assert expired.exit_code != 0 and "session" in expired.output and judge.session not in expired.output
    assert sorted((r.state, r.verdict) for r in rows(engine).values()) == [("error", None), ("judged", "Accepted")]
