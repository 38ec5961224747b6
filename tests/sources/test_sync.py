"""`lcagent sync` against the fake LeetCode server, into a real SQLite file.

Contest discovery, fetch, store: four problems with their contest, release time
and points; re-sync duplicates nothing; a changed statement is a new version; a
failing problem is reported and stored nothing while the others are stored;
faults mid-sync never leave anything partial; `since` backfills over pages; and
the CLI commands through typer's CliRunner.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from agent.cli import app
from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.sync import complete_contests, contests_to_sync, sync
from judge.problem import load_problem
from storage import models, open_database, repo
from storage.engine import session_scope
from tests.fakes.leetcode_server import FakeLeetCode, clone_question, drop_path
from tests.sources.conftest import CONTEST, CONTEST_SLUGS, db_url

pytestmark = pytest.mark.integration

W9001 = datetime(2026, 4, 19, 2, 30, tzinfo=UTC)
B9000 = datetime(2026, 4, 18, 14, 30, tzinfo=UTC)
# Both fixture contests are public and within the default two-week lookback; the
# older contests the past-contest list shows (weekly-contest-9000, ...) are not.
NOW = W9001 + timedelta(days=8)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(db_url(tmp_path))


@pytest.fixture
def client(make_client: Callable[..., LeetCodeClient]) -> LeetCodeClient:
    return make_client()


def count(engine: Engine, table: type) -> int:
    with session_scope(engine) as s:
        return s.exec(select(sa.func.count()).select_from(table)).one()


def counts(engine: Engine) -> dict[str, int]:
    return {t.__name__: count(engine, t) for t in (models.Contest, models.Problem, models.ProblemVersion,
                                                      models.TestSet, models.TestCase)}


def stored_problem(engine: Engine, slug: str) -> object:
    with session_scope(engine) as s:
        return repo.load_problem(s, repo.get_problem(s, slug).id)  # type: ignore[arg-type]


def problem_slugs(engine: Engine) -> set[str]:
    with session_scope(engine) as s:
        return set(s.exec(select(models.Problem.slug)).all())


# ===================================================================== one contest


def test_sync_a_contest_stores_four_judge_ready_problems(engine: Engine, client: LeetCodeClient,
                                                         fake_leetcode: FakeLeetCode) -> None:
    report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert report.failures == []
    assert report.contests == [CONTEST]
    assert report.stored == CONTEST_SLUGS
    with session_scope(engine) as s:
        contest = s.exec(select(models.Contest)).one()
        assert (contest.site, contest.slug, contest.title) == ("leetcode.com", CONTEST, "Weekly Contest 9001")
        assert (contest.start_time, contest.duration_s, contest.n_questions) == (W9001, 5400, 4)
        assert contest.kind == models.ContestKind.WEEKLY
        rows = s.exec(select(models.Problem).order_by(models.Problem.points)).all()
        assert [r.slug for r in rows] == CONTEST_SLUGS
        assert [r.points for r in rows] == [3, 4, 5, 6]
        assert all(r.contest_id == contest.id for r in rows)
        assert all(r.release_time == W9001 and r.release_time_source == "contest" for r in rows)
        assert {r.release_week for r in rows} == {"2026-W16"}
        assert [r.difficulty for r in rows] == ["Easy", "Medium", "Medium", "Hard"]
        assert [r.frontend_id for r in rows] == ["3931", "3932", "3933", "3934"]
    assert counts(engine) == {"Contest": 1, "Problem": 4, "ProblemVersion": 4, "TestSet": 4, "TestCase": 10}
    assert complete_contests(engine, "leetcode.com") == {CONTEST: W9001}
    # one contest info and four question requests, nothing else
    assert [r.path for r in fake_leetcode.requests_for(f"/contest/api/info/{CONTEST}")] == [
        f"/contest/api/info/{CONTEST}/"]
    assert fake_leetcode.question_slugs_requested() == CONTEST_SLUGS


def test_stored_problems_round_trip_to_judge_ready_problems(engine: Engine, client: LeetCodeClient) -> None:
    sync(client, engine, contests=[CONTEST], now=NOW)
    design = stored_problem(engine, "ticket-queue")
    assert design.is_design  # type: ignore[attr-defined]
    assert design.tests[0].expected[7] == "ann lee"  # type: ignore[attr-defined]
    assert design.contest.points == 6  # type: ignore[attr-defined]
    in_place = stored_problem(engine, "sort-even-positions")
    assert in_place.signature.output_param == 0  # type: ignore[attr-defined]
    assert [t.expected for t in in_place.tests] == [[3, 1, 4, 2, 5], [2], [7, 8, 9, 6]]  # type: ignore[attr-defined]
    tree = stored_problem(engine, "remove-leaves-below-threshold")
    assert tree.release_time == W9001  # type: ignore[attr-defined]
    assert tree.starter_code.startswith("# Definition for a binary tree node.")  # type: ignore[attr-defined]


def test_out_dir_also_writes_problem_files(engine: Engine, client: LeetCodeClient, tmp_path: Path) -> None:
    sync(client, engine, contests=[CONTEST], now=NOW, out_dir=tmp_path / "out")
    files = sorted((tmp_path / "out" / CONTEST).glob("*.json"))
    assert [f.stem for f in files] == sorted(CONTEST_SLUGS)
    assert load_problem(files[0]).contest.slug == CONTEST  # type: ignore[union-attr]


# ===================================================================== re-sync


def test_plain_resync_of_a_complete_contest_requests_nothing_and_duplicates_nothing(
        engine: Engine, client: LeetCodeClient, fake_leetcode: FakeLeetCode) -> None:
    first = sync(client, engine, now=NOW)
    assert first.contests == ["biweekly-contest-9000", CONTEST]  # oldest first
    before = counts(engine)
    fake_leetcode.requests.clear()
    again = sync(client, engine, now=NOW)
    assert again.contests == [] and again.stored == [] and again.failures == []
    assert counts(engine) == before
    assert fake_leetcode.question_slugs_requested() == []
    assert fake_leetcode.requests_for(f"/contest/api/info/{CONTEST}") == []
    assert [r.operation for r in fake_leetcode.requests] == ["pastContests"]


def test_forced_resync_of_an_unchanged_contest_adds_no_version(engine: Engine, client: LeetCodeClient) -> None:
    sync(client, engine, contests=[CONTEST], now=NOW)
    before = counts(engine)
    report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert report.stored == CONTEST_SLUGS
    assert counts(engine) == before


def test_changed_statement_on_forced_resync_becomes_version_two(engine: Engine, client: LeetCodeClient,
                                                                fake_leetcode: FakeLeetCode) -> None:
    sync(client, engine, contests=[CONTEST], now=NOW)
    q = fake_leetcode.questions["remove-leaves-below-threshold"]
    q["content"] = q["content"].replace("Stop when no such leaf remains.",
                                        "Stop when no such leaf remains (clarified).")
    sync(client, engine, contests=[CONTEST], now=NOW)
    with session_scope(engine) as s:
        pid = repo.get_problem(s, "remove-leaves-below-threshold").id
        versions = s.exec(select(models.ProblemVersion).where(models.ProblemVersion.problem_id == pid)
                          .order_by(models.ProblemVersion.version)).all()
        assert [v.version for v in versions] == [1, 2]
        assert "(clarified)" not in versions[0].statement and "(clarified)" in versions[1].statement
        other = s.exec(select(sa.func.max(models.ProblemVersion.version))
                       .join(models.Problem, models.Problem.id == models.ProblemVersion.problem_id)
                       .where(models.Problem.slug != "remove-leaves-below-threshold")
                       .group_by(models.Problem.id)).all()
        assert other == [1, 1, 1]
    assert count(engine, models.TestSet) == 4  # same tests: same test set
    assert "(clarified)" in stored_problem(engine, "remove-leaves-below-threshold").statement  # type: ignore[attr-defined]


def test_changed_expected_output_on_resync_becomes_a_new_current_test_set(
        engine: Engine, client: LeetCodeClient, fake_leetcode: FakeLeetCode) -> None:
    sync(client, engine, contests=[CONTEST], now=NOW)
    q = fake_leetcode.questions["sort-even-positions"]
    q["content"] = q["content"].replace('<span class="example-io">[2]</span>', '<span class="example-io">[3]</span>')
    sync(client, engine, contests=[CONTEST], now=NOW)
    with session_scope(engine) as s:
        pid = repo.get_problem(s, "sort-even-positions").id
        sets = s.exec(select(models.TestSet).where(models.TestSet.problem_id == pid)
                      .order_by(models.TestSet.id)).all()
        assert [ts.is_current for ts in sets] == [False, True]
    assert stored_problem(engine, "sort-even-positions").tests[1].expected == [3]  # type: ignore[attr-defined]


# ===================================================================== failing problems


@pytest.mark.parametrize(
    ("breakage", "reason"),
    [
        pytest.param("paid-only", "paid-only", id="paid-only"),
        pytest.param("metaData", "'metaData'", id="changed-shape-metaData"),
        pytest.param("unsupported", "unsupported type 'NestedInteger'", id="unsupported-type"),
        pytest.param("gone", "not found", id="question-gone"),
    ],
)
def test_a_failing_problem_is_reported_and_the_others_stored(
        engine: Engine, client: LeetCodeClient, fake_leetcode: FakeLeetCode, breakage: str, reason: str) -> None:
    slug = "sort-even-positions"
    q = fake_leetcode.questions[slug]
    if breakage == "paid-only":
        q.update(isPaidOnly=True, content=None, metaData="", codeSnippets=None)
    elif breakage == "metaData":
        del q["metaData"]
    elif breakage == "unsupported":
        q["metaData"] = q["metaData"].replace('"integer[]"', '"NestedInteger"')
    else:
        del fake_leetcode.questions[slug]
    report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert [s for s, _ in report.failures] == [slug]
    assert reason in report.failures[0][1]
    assert slug not in report.stored
    assert problem_slugs(engine) == set(CONTEST_SLUGS) - {slug}
    assert complete_contests(engine, "leetcode.com") == {}  # 3 of 4: not complete


def test_an_incomplete_contest_is_completed_by_the_next_plain_sync(
        engine: Engine, client: LeetCodeClient, fake_leetcode: FakeLeetCode) -> None:
    saved = fake_leetcode.questions.pop("ticket-queue")
    first = sync(client, engine, now=NOW)
    assert [s for s, _ in first.failures] == ["ticket-queue"]
    fake_leetcode.questions["ticket-queue"] = saved
    fake_leetcode.requests.clear()
    second = sync(client, engine, now=NOW)
    assert second.failures == []
    assert "ticket-queue" in second.stored
    assert count(engine, models.Problem) == 6 and count(engine, models.ProblemVersion) == 6
    assert complete_contests(engine, "leetcode.com") == {CONTEST: W9001, "biweekly-contest-9000": B9000}


def test_an_incomplete_older_contest_is_not_forgotten_once_a_newer_one_completes(
        engine: Engine, client: LeetCodeClient, fake_leetcode: FakeLeetCode) -> None:
    # biweekly-contest-9000 (older) loses a problem to a transient outage, while
    # weekly-contest-9001 (newer) completes in the same run.
    fake_leetcode.fail("questionData:mean-distance-to-origin", "status", status=503, times=3)
    first = sync(client, engine, now=NOW)
    assert [s for s, _ in first.failures] == ["mean-distance-to-origin"]
    second = sync(client, engine, now=NOW)  # LeetCode is back
    assert "mean-distance-to-origin" in second.stored
    assert "mean-distance-to-origin" in problem_slugs(engine)


# ===================================================================== faults mid-sync


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        pytest.param("status", {"status": 429}, id="429"),
        pytest.param("status", {"status": 502}, id="502"),
        pytest.param("cloudflare", {}, id="cloudflare"),
        pytest.param("truncated", {}, id="truncated"),
        pytest.param("drop", {}, id="dropped-connection"),
    ],
)
def test_transient_faults_mid_sync_are_retried_and_everything_is_stored(
        engine: Engine, client: LeetCodeClient, fake_leetcode: FakeLeetCode, kind: str, options: dict) -> None:
    fake_leetcode.fail("questionData:sort-even-positions", kind, times=2, **options)
    fake_leetcode.fail(f"/contest/api/info/{CONTEST}/", kind, times=1, **options)
    report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert report.failures == []
    assert report.stored == CONTEST_SLUGS
    assert counts(engine)["TestCase"] == 10


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        pytest.param("status", {"status": 500}, "HTTP 500", id="500"),
        pytest.param("status", {"status": 429}, "rate limited", id="429"),
        pytest.param("truncated", {}, "not valid JSON", id="truncated"),
        pytest.param("drop", {}, "RemoteProtocolError", id="dropped-connection"),
        pytest.param("shape", {"mutate": drop_path(["data", "question", "content"])}, "'content'",
                     id="changed-shape"),
        pytest.param("graphql", {"message": "internal resolver error"}, "internal resolver error", id="graphql"),
    ],
)
def test_persistent_fault_on_one_problem_stores_nothing_of_it(
        engine: Engine, client: LeetCodeClient, fake_leetcode: FakeLeetCode, kind: str, options: dict,
        message: str) -> None:
    fake_leetcode.fail("questionData:remove-leaves-below-threshold", kind, times=3, **options)
    report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert report.failures and report.failures[0][0] == "remove-leaves-below-threshold"
    assert message in report.failures[0][1]
    assert problem_slugs(engine) == set(CONTEST_SLUGS) - {"remove-leaves-below-threshold"}
    assert counts(engine) == {"Contest": 1, "Problem": 3, "ProblemVersion": 3, "TestSet": 3, "TestCase": 7}


def test_failing_contest_info_stores_nothing(engine: Engine, client: LeetCodeClient,
                                             fake_leetcode: FakeLeetCode) -> None:
    fake_leetcode.fail(f"/contest/api/info/{CONTEST}/", "cloudflare", times=3)
    report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert report.contests == []
    assert [s for s, _ in report.failures] == [CONTEST]
    assert "Cloudflare" in report.failures[0][1]
    assert counts(engine) == {"Contest": 0, "Problem": 0, "ProblemVersion": 0, "TestSet": 0, "TestCase": 0}
    assert fake_leetcode.question_slugs_requested() == []


def test_failing_contest_list_is_reported(engine: Engine, client: LeetCodeClient,
                                          fake_leetcode: FakeLeetCode) -> None:
    fake_leetcode.fail("pastContests", "status", status=503, times=3)
    report = sync(client, engine, now=NOW)
    assert report.failures == [("contest list", report.failures[0][1])]
    assert "HTTP 503" in report.failures[0][1]
    assert count(engine, models.Problem) == 0


def test_changed_contest_credit_is_reported_not_a_crash(engine: Engine, client: LeetCodeClient,
                                                         fake_leetcode: FakeLeetCode) -> None:
    fake_leetcode.contests[CONTEST]["questions"][3]["credit"] = "six"
    report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert [s for s, _ in report.failures] == ["ticket-queue"]
    assert problem_slugs(engine) == set(CONTEST_SLUGS) - {"ticket-queue"}


def test_contest_not_public_yet_is_reported_and_stores_nothing(engine: Engine, client: LeetCodeClient,
                                                               fake_leetcode: FakeLeetCode) -> None:
    start = int(NOW.timestamp()) - 1800  # started half an hour ago: still running
    fake_leetcode.add_contest("weekly-contest-9002", start, [], listed=False)
    report = sync(client, engine, contests=["weekly-contest-9002"], now=NOW)
    assert report.contests == [] and report.failures == []
    assert len(report.not_public) == 1 and "weekly-contest-9002" in report.not_public[0]
    assert count(engine, models.Contest) == 0


# ===================================================================== discovery and backfill


def add_weekly_history(fake: FakeLeetCode, n: int) -> list[str]:
    """n synthetic weekly contests before the fixtures' own, one question each."""
    template = fake.questions["sort-even-positions"]
    slugs = []
    for i in range(1, n + 1):
        slug = f"weekly-contest-{8900 - i}"
        start = int((W9001 - timedelta(weeks=4 + i)).timestamp())
        q = clone_question(template, f"history-problem-{i}", question_id=4000 + i)
        fake.add_contest(slug, start, [(q, 3)])
        slugs.append(slug)
    return slugs


def test_since_backfills_over_several_past_contest_pages(engine: Engine, client: LeetCodeClient,
                                                         fake_leetcode: FakeLeetCode) -> None:
    for slug in ("weekly-contest-9000", "weekly-contest-8999", "biweekly-contest-8999", "weekly-contest-8998"):
        fake_leetcode.past = [c for c in fake_leetcode.past if c["titleSlug"] != slug]  # no fixtures for these
    history = add_weekly_history(fake_leetcode, 15)  # 17 contests listed: two pages of ten
    since = W9001 - timedelta(weeks=4 + 12, hours=1)  # the 12 newest synthetic contests and the 2 fixtures
    report = sync(client, engine, since=since, now=NOW)
    assert report.failures == []
    expected = [*reversed(history[:12]), "biweekly-contest-9000", CONTEST]
    assert report.contests == expected  # oldest first
    pages = [r.variables.get("pageNo") for r in fake_leetcode.requests_for("pastContests")]
    assert pages == [1, 2]
    assert count(engine, models.Contest) == 14
    assert count(engine, models.Problem) == 12 + 2 + 4
    assert set(complete_contests(engine, "leetcode.com")) == set(expected)


def test_default_floor_is_the_newest_complete_contest(engine: Engine, client: LeetCodeClient,
                                                      fake_leetcode: FakeLeetCode) -> None:
    sync(client, engine, contests=[CONTEST], now=NOW)
    newer = clone_question(fake_leetcode.questions["values-with-exact-frequency"], "fresh-problem")
    fake_leetcode.add_contest("weekly-contest-9002", int((W9001 + timedelta(weeks=1)).timestamp()), [(newer, 3)])
    later = NOW + timedelta(weeks=1)
    assert [c.slug for c in contests_to_sync(client, engine, None, later)] == ["weekly-contest-9002"]
    fake_leetcode.requests.clear()
    report = sync(client, engine, now=later)
    assert report.contests == ["weekly-contest-9002"]
    assert fake_leetcode.question_slugs_requested() == ["fresh-problem"]


def test_new_database_looks_back_two_weeks(engine: Engine, client: LeetCodeClient) -> None:
    found = contests_to_sync(client, engine, None, W9001 + timedelta(days=10))
    assert [c.slug for c in found] == ["biweekly-contest-9000", CONTEST]
    found = contests_to_sync(client, engine, None, W9001 + timedelta(days=7))
    assert [c.slug for c in found] == ["weekly-contest-9000", "biweekly-contest-9000", CONTEST]
    assert contests_to_sync(client, engine, None, W9001 + timedelta(days=40)) == []


# ===================================================================== leetcode.cn


def test_sync_from_leetcode_cn(engine: Engine, fake_leetcode_cn: FakeLeetCode) -> None:
    with LeetCodeClient("leetcode.cn", fake_leetcode_cn.url, min_interval_s=0, attempts=1) as client:
        report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert report.failures == [] and report.stored == CONTEST_SLUGS
    p = stored_problem(engine, "values-with-exact-frequency")
    assert p.source.site == "leetcode.cn"  # type: ignore[attr-defined]
    assert p.meta["translated_title"] == "恰好出现 K 次的值"  # type: ignore[attr-defined]
    assert "Return *an array" in p.statement  # type: ignore[attr-defined]  # English by default
    assert p.contest.title == "第 9001 场周赛"  # type: ignore[attr-defined]
    assert complete_contests(engine, "leetcode.cn") == {CONTEST: W9001}
    assert complete_contests(engine, "leetcode.com") == {}


def test_sync_from_leetcode_cn_keeps_lcr_slugs_apart(engine: Engine, fake_leetcode_cn: FakeLeetCode,
                                                      tmp_path: Path) -> None:
    """leetcode.cn's LCR/LCP problems have mixed-case slugs (`0H97ZC`): they are asked
    for, stored and written as spelled, and two that differ only in case stay two
    problems and two files (named so a case-insensitive file system keeps them
    apart too). The contest slug is mixed case as well, for its directory."""
    source = fake_leetcode_cn.questions["values-with-exact-frequency"]
    upper = clone_question(source, "0H97ZC", title="LCR 001", question_id=99101)
    lower = clone_question(source, "0h97zc", title="LCR 002", question_id=99102)
    contest = "LCCUP-9001"
    fake_leetcode_cn.add_contest(contest, int((NOW - timedelta(days=1)).timestamp()), [(upper, 4), (lower, 5)])
    out = tmp_path / "out"
    with LeetCodeClient("leetcode.cn", fake_leetcode_cn.url, min_interval_s=0, attempts=1) as client:
        report = sync(client, engine, contests=[contest], now=NOW, out_dir=out)
    assert report.failures == [] and report.stored == ["0H97ZC", "0h97zc"]
    assert fake_leetcode_cn.question_slugs_requested() == ["0H97ZC", "0h97zc"]
    assert problem_slugs(engine) == {"0H97ZC", "0h97zc"}
    for slug, title in (("0H97ZC", "LCR 001"), ("0h97zc", "LCR 002")):
        p = stored_problem(engine, slug)
        assert (p.title, p.contest.slug) == (title, contest)  # type: ignore[attr-defined]
        assert p.source.url == f"https://leetcode.cn/problems/{slug}/"  # type: ignore[attr-defined]
    files = sorted((out / "_L_C_C_U_P-9001").iterdir())
    assert [f.name for f in files] == ["0_H97_Z_C.json", "0h97zc.json"]
    assert [load_problem(f).title for f in files] == ["LCR 001", "LCR 002"]


# ===================================================================== CLI


@pytest.fixture
def cli_env(fake_leetcode: FakeLeetCode, tmp_path: Path) -> dict[str, str]:
    return {
        "LCAGENT_LEETCODE__BASE_URL": fake_leetcode.url,
        "LCAGENT_LEETCODE__MIN_INTERVAL_S": "0",
        "LCAGENT_LEETCODE__ATTEMPTS": "2",
        "LCAGENT_LEETCODE__BACKOFF_S": "0",
        "LCAGENT_DATABASE_URL": db_url(tmp_path),
        "LCAGENT_DATA_DIR": str(tmp_path / "data"),
        "LCAGENT_CACHE_DIR": str(tmp_path / "cache"),
    }


def test_cli_sync_contest_then_list_and_show(cli_env: dict[str, str], fake_leetcode: FakeLeetCode) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["sync", "--contest", CONTEST], env=cli_env)
    assert result.exit_code == 0, result.output
    assert f"syncing {CONTEST}" in result.output
    assert "1 contests, 4 problems stored, 0 failures" in result.output

    listed = runner.invoke(app, ["problems", "list"], env=cli_env)
    assert listed.exit_code == 0, listed.output
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [r[2] for r in rows] == sorted(CONTEST_SLUGS)
    assert all(r[1] == CONTEST and r[0].startswith("2026-04-19 02:30") for r in rows)
    assert {r[2]: r[4] for r in rows} == {"values-with-exact-frequency": "3", "remove-leaves-below-threshold": "3",
                                          "sort-even-positions": "3", "ticket-queue": "1"}
    only = runner.invoke(app, ["problems", "list", "--contest", "biweekly-contest-9000"], env=cli_env)
    assert only.exit_code == 0 and only.stdout.strip() == ""

    shown = runner.invoke(app, ["problems", "show", "ticket-queue"], env=cli_env)
    assert shown.exit_code == 0, shown.output
    doc = json.loads(shown.stdout)
    assert doc["slug"] == "ticket-queue" and doc["signature"]["kind"] == "design"
    assert doc["contest"]["slug"] == CONTEST and doc["contest"]["points"] == 6
    assert doc["release_time"].startswith("2026-04-19T02:30:00")

    missing = runner.invoke(app, ["problems", "show", "no-such-problem"], env=cli_env)
    assert missing.exit_code == 1
    assert "no-such-problem" in missing.output


def test_cli_sync_since_and_resync(cli_env: dict[str, str], fake_leetcode: FakeLeetCode) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["sync", "--since", "2026-04-18"], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "2 contests, 6 problems stored, 0 failures" in result.output
    questions_before = len(fake_leetcode.question_slugs_requested())
    again = runner.invoke(app, ["sync"], env=cli_env)
    assert again.exit_code == 0, again.output
    assert "0 contests, 0 problems stored, 0 failures" in again.output
    assert len(fake_leetcode.question_slugs_requested()) == questions_before


def test_cli_sync_reports_failures_with_exit_code_1(cli_env: dict[str, str], fake_leetcode: FakeLeetCode) -> None:
    fake_leetcode.questions["ticket-queue"].update(isPaidOnly=True, content=None, metaData="")
    result = CliRunner().invoke(app, ["sync", "--contest", CONTEST], env=cli_env)
    assert result.exit_code == 1
    assert "failed ticket-queue" in result.output and "paid-only" in result.output
    assert "1 contests, 3 problems stored, 1 failures" in result.output


def test_cli_sync_never_prints_the_session_cookie(cli_env: dict[str, str], fake_leetcode: FakeLeetCode) -> None:
    env = dict(cli_env, LCAGENT_LEETCODE__SESSION="cli-SECRET-session", LCAGENT_LEETCODE__CSRFTOKEN="cli-SECRET-csrf")
    fake_leetcode.fail("questionData", "status", status=503, times=2)
    result = CliRunner().invoke(app, ["-v", "sync", "--contest", CONTEST], env=env)
    assert "SECRET" not in result.output
    assert fake_leetcode.requests[0].cookies == {"LEETCODE_SESSION": "cli-SECRET-session",
                                                 "csrftoken": "cli-SECRET-csrf"}


# ===================================================================== blocks, flags, reports


def test_a_cloudflare_block_stops_the_whole_sync_at_once(engine: Engine, client: LeetCodeClient,
                                                         fake_leetcode: FakeLeetCode) -> None:
    fake_leetcode.fail("questionData:remove-leaves-below-threshold", "cloudflare", times=10)
    report = sync(client, engine, contests=[CONTEST, "biweekly-contest-9000"], now=NOW)
    # the blocked question was tried `attempts` (3) times, then nothing more was asked
    assert fake_leetcode.question_slugs_requested() == ["values-with-exact-frequency",
                                                        *["remove-leaves-below-threshold"] * 3]
    assert fake_leetcode.requests_for("/contest/api/info/biweekly-contest-9000") == []
    assert report.stopped is not None
    assert "Cloudflare" in report.stopped and "contests not tried: biweekly-contest-9000" in report.stopped
    assert report.stopped in report.warnings()
    assert [s for s, _ in report.failures] == ["remove-leaves-below-threshold"]
    assert report.stored == ["values-with-exact-frequency"]  # what was fetched before the block is kept
    assert complete_contests(engine, "leetcode.com") == {}  # and the contest is synced again next time


def test_a_cloudflare_block_on_the_contest_info_stops_too(engine: Engine, client: LeetCodeClient,
                                                          fake_leetcode: FakeLeetCode) -> None:
    fake_leetcode.fail(f"/contest/api/info/{CONTEST}/", "cloudflare", times=10)
    report = sync(client, engine, contests=[CONTEST, "biweekly-contest-9000"], now=NOW)
    assert report.stopped and report.contests == []
    assert fake_leetcode.question_slugs_requested() == []
    assert len(fake_leetcode.requests) == 3


def test_examples_not_compared_are_counted_per_reason(engine: Engine, client: LeetCodeClient) -> None:
    report = sync(client, engine, contests=["biweekly-contest-9000"], now=NOW)
    assert report.failures == []
    # remove-marked-values is custom-judged: its two outputs are not JSON values
    assert report.not_comparable == {"output is not a JSON value": 2}
    assert report.summary() == ("1 contests, 2 problems stored, 0 failures; 2 examples not compared "
                                "(output is not a JSON value: 2)")


def test_order_phrasings_no_rule_knows_are_reported(engine: Engine, client: LeetCodeClient,
                                                     fake_leetcode: FakeLeetCode) -> None:
    q = fake_leetcode.questions["sort-even-positions"]
    q["content"] += "<p>Any permutation of nums[i] values is also accepted.</p>"
    report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert report.order_unmatched == [("sort-even-positions", "Any permutation of nums[i] values is also accepted.")]
    [warning] = report.warnings()
    assert warning.startswith("sort-even-positions: the statement speaks of order")
    assert stored_problem(engine, "sort-even-positions").checker.kind == "exact"  # type: ignore[attr-defined]


def test_cli_prints_statement_sentences_as_they_are(cli_env: dict[str, str], fake_leetcode: FakeLeetCode) -> None:
    fake_leetcode.questions["sort-even-positions"]["content"] += "<p>Any permutation of nums[i] is fine.</p>"
    result = CliRunner().invoke(app, ["sync", "--contest", CONTEST], env=cli_env)
    assert "Any permutation of nums[i] is fine." in " ".join(result.output.split())  # [i] is no markup


def test_a_contest_over_without_questions_is_a_failure_saying_so(engine: Engine, client: LeetCodeClient,
                                                                  fake_leetcode: FakeLeetCode) -> None:
    fake_leetcode.add_contest("weekly-contest-9002", int((NOW - timedelta(days=1)).timestamp()), [], listed=False)
    report = sync(client, engine, contests=["weekly-contest-9002"], now=NOW)
    assert report.not_public == []
    [(slug, reason)] = report.failures
    assert slug == "weekly-contest-9002" and "lists no questions" in reason


def test_the_configured_language_chooses_the_statement(engine: Engine, fake_leetcode_cn: FakeLeetCode) -> None:
    with LeetCodeClient("leetcode.cn", fake_leetcode_cn.url, min_interval_s=0, attempts=1,
                        language="zh") as client:
        report = sync(client, engine, contests=[CONTEST], now=NOW)
    assert report.failures == []
    p = stored_problem(engine, "values-with-exact-frequency")
    assert "返回一个数组" in p.statement  # type: ignore[attr-defined]
    assert p.meta["statement_language"] == "zh"  # type: ignore[attr-defined]
    assert [t.expected for t in p.tests] == [[4, 2], [1], []]  # type: ignore[attr-defined]


def test_cli_sync_prints_the_examples_not_compared(cli_env: dict[str, str]) -> None:
    result = CliRunner().invoke(app, ["sync", "--contest", "biweekly-contest-9000"], env=cli_env)
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "2 examples not compared (output is not a JSON value: 2)" in output
    # "the five elements can be returned in any order", but the answer is an integer
    assert "remove-marked-values: the statement speaks of order" in output and "has no list to reorder" in output


# ============================================================ identity across sources


def test_a_dataset_row_with_a_synced_problems_slug_does_not_overwrite_it(
        engine: Engine, client: LeetCodeClient, tmp_path: Path) -> None:
    """Problems are keyed by (site, slug): a LeetCodeDataset row naming a problem that
    a contest sync stored is refused (its release time is its contest's start, which
    the dataset does not know), and the rest of the file is imported."""
    import gzip

    from tests.conftest import CORPUS, CORPUS_FILES

    assert sync(client, engine, contests=[CONTEST], now=NOW).failures == []
    slug = CONTEST_SLUGS[0]
    before = stored_problem(engine, slug)
    versions = count(engine, models.ProblemVersion)
    rows = [json.loads(line) for line in gzip.decompress((CORPUS / CORPUS_FILES[0]).read_bytes()).decode().splitlines()]
    rows[0]["task_id"] = slug  # a dataset row with the synced problem's slug, then a row of its own
    data = tmp_path / "rows.jsonl"
    data.write_text(json.dumps(rows[0]) + "\n" + json.dumps(rows[1]) + "\n", encoding="utf-8")

    result = CliRunner().invoke(app, ["import", "leetcodedataset", str(data), "--out", str(tmp_path / "out")],
                                env={"LCAGENT_DATABASE_URL": db_url(tmp_path), "LCAGENT_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 1, result.output
    assert f"leetcode.com/{slug}: it came from a contest sync; a leetcodedataset import does not overwrite it" \
        in result.output, result.output
    assert "1 problems stored in the results database" in result.output, result.output
    after = stored_problem(engine, slug)
    assert after == before  # statement, tests, contest, release time: the sync's
    assert after.source.kind == "leetcode" and after.contest.slug == CONTEST  # type: ignore[attr-defined]
    assert count(engine, models.ProblemVersion) == versions + 1  # the other row only
    assert problem_slugs(engine) == {*CONTEST_SLUGS, rows[1]["task_id"]}
