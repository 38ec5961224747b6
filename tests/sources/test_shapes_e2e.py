"""End to end for issue 15's shapes: a contest of one problem per markup shape
(tests/data/leetcode/shapes/) synced from the fake LeetCode into a SQLite file,
read back, and judged in the real Docker sandbox. Each problem's correct solution
is Accepted; its wrong one is right on every example but the one the shape
hides, so only reading that example right rejects it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.leetcode_parse import Flag
from agent.sources.sync import SyncReport, sync
from judge.problem import Problem
from judge.verdict import Verdict
from storage import open_database, repo
from storage.engine import session_scope
from tests.fakes.leetcode_server import FakeLeetCode
from tests.sources.test_leetcode_shapes import EXPECTED, JUDGED, shape_question, shape_solution

pytestmark = [pytest.mark.docker, pytest.mark.integration]

CONTEST = "weekly-contest-9300"
START = 1778380200  # Sunday 2026-05-10 02:30 UTC
NOW = datetime(2026, 5, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SyncReport, dict[str, Problem]]]:
    engine = open_database(f"sqlite:///{tmp_path_factory.mktemp('shapes') / 'lcagent.sqlite3'}")
    questions = [shape_question(slug) for slug in [*JUDGED, "placeholder-only"]]
    with FakeLeetCode.from_fixtures() as fake, \
            LeetCodeClient(base_url=fake.url, min_interval_s=0, attempts=2, backoff_s=0) as client:
        fake.add_contest(CONTEST, START, [(q, 4) for q in questions])
        report = sync(client, engine, contests=[CONTEST], now=NOW)
    with session_scope(engine) as s:
        yield report, {slug: repo.load_problem(s, repo.get_problem(s, slug).id)  # type: ignore[arg-type]
                       for slug in report.stored}


def test_every_shape_is_stored_with_its_examples(synced: tuple[SyncReport, dict[str, Problem]]) -> None:
    report, problems = synced
    assert sorted(report.stored) == JUDGED
    for slug in JUDGED:
        got = [(t.input, t.expected if t.comparable else None) for t in problems[slug].tests]
        assert got == [(i, e) for i, e, _ in EXPECTED[slug]], slug


def test_the_sync_counts_flagged_examples_and_names_the_unusable_statement(
        synced: tuple[SyncReport, dict[str, Problem]]) -> None:
    report, _ = synced
    assert report.not_comparable == {Flag.NOT_JSON.value: 1}
    assert "1 examples not compared (output is not a JSON value: 1)" in report.summary()
    assert [slug for slug, _ in report.failures] == ["placeholder-only"]
    assert "no usable statement" in report.failures[0][1]


@pytest.mark.parametrize("slug", JUDGED)
def test_the_correct_solution_is_accepted(synced: tuple[SyncReport, dict[str, Problem]], judge: object,
                                          slug: str) -> None:
    problem = synced[1][slug]
    result = judge.judge(problem, shape_solution(slug))  # type: ignore[attr-defined]
    assert result.verdict is Verdict.ACCEPTED, result.first_failure
    assert result.total == sum(t.comparable for t in problem.tests)


@pytest.mark.parametrize("slug", JUDGED)
def test_the_wrong_solution_is_rejected_by_the_example_the_shape_hides(
        synced: tuple[SyncReport, dict[str, Problem]], judge: object, slug: str) -> None:
    problem = synced[1][slug]
    result = judge.judge(problem, shape_solution(slug, wrong=True))  # type: ignore[attr-defined]
    assert result.verdict is Verdict.WRONG_ANSWER, result
    assert result.passed == result.total - 1  # every other example passes
