"""End to end: sync the fake contest from the fake LeetCode server into a SQLite
file, load the problems back from the database, and judge a correct and a wrong
solution of each in the real Docker sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.sync import sync
from judge.errors import ProblemError
from judge.problem import Problem
from judge.protocol import Judge
from judge.verdict import Verdict
from storage import open_database, repo
from storage.engine import session_scope
from tests.fakes.leetcode_server import FakeLeetCode
from tests.sources.conftest import CONTEST_SLUGS, solution

pytestmark = [pytest.mark.docker, pytest.mark.integration]

NOW = datetime(2026, 4, 19, 2, 30, tzinfo=UTC) + timedelta(days=8)
JUDGED = [*CONTEST_SLUGS, "mean-distance-to-origin"]


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Problem]]:
    """weekly-contest-9001 and biweekly-contest-9000, synced and read back from the database."""
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'lcagent.sqlite3'}")
    with FakeLeetCode.from_fixtures() as fake, \
            LeetCodeClient(base_url=fake.url, min_interval_s=0, attempts=2, backoff_s=0) as client:
        report = sync(client, engine, now=NOW)
    assert report.failures == [], report.failures
    assert report.contests == ["biweekly-contest-9000", "weekly-contest-9001"]
    with session_scope(engine) as s:
        yield {slug: repo.load_problem(s, repo.get_problem(s, slug).id)  # type: ignore[arg-type]
               for slug in report.stored}


@pytest.mark.parametrize("slug", JUDGED)
def test_correct_solution_is_accepted_on_the_comparable_examples(synced: dict[str, Problem], judge: Judge,
                                                                  slug: str) -> None:
    problem = synced[slug]
    result = judge.judge(problem, solution(slug))
    assert result.verdict is Verdict.ACCEPTED, result.first_failure
    comparable = sum(t.comparable for t in problem.tests)
    assert comparable >= 1
    assert (result.passed, result.total) == (comparable, comparable)
    assert result.test_set_version == problem.test_set_version()


@pytest.mark.parametrize("slug", JUDGED)
def test_wrong_solution_is_rejected(synced: dict[str, Problem], judge: Judge, slug: str) -> None:
    result = judge.judge(synced[slug], solution(slug, wrong=True))
    assert result.verdict is Verdict.WRONG_ANSWER, result
    assert result.first_failure is not None
    assert result.passed < result.total


def test_the_contest_problems_were_synced_with_their_contest(synced: dict[str, Problem]) -> None:
    for slug, points in zip(CONTEST_SLUGS, [3, 4, 5, 6], strict=True):
        p = synced[slug]
        assert p.contest is not None and p.contest.slug == "weekly-contest-9001"
        assert p.contest.points == points
        assert p.release_time == datetime(2026, 4, 19, 2, 30, tzinfo=UTC)


def test_custom_judged_problem_is_stored_but_never_compared_blindly(synced: dict[str, Problem],
                                                                    judge: Judge) -> None:
    problem = synced["remove-marked-values"]
    assert problem.tests and not any(t.comparable for t in problem.tests)
    with pytest.raises(ProblemError, match="no test with a comparable expected output"):
        judge.judge(problem, solution("remove-marked-values"))
