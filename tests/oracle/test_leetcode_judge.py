"""LeetCode's run/submit/check protocol against the fake LeetCode on loopback
(tests/fakes/leetcode_judge.py runs the fake's own reference solutions): polling
through PENDING/STARTED, every status code named, compile and runtime errors,
rate limiting, Cloudflare pages, expired cookies, rejected inputs, and the
`leetcode` oracle built on it."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator

import httpx
import pytest

from agent.oracle import OracleConfigError
from agent.oracle.leetcode import LeetCodeOracle, stub_code
from agent.sources.errors import SessionExpired, UnexpectedShape
from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.leetcode_judge import (
    STATUS,
    CheckTimeout,
    InputRejected,
    InternalError,
    LeetCodeJudgeAPI,
    SessionRefused,
)
from agent.sources.leetcode_parse import question_to_problem
from judge.problem import Problem
from judge.verdict import Verdict
from tests.fakes.leetcode_judge import FakeJudge
from tests.fakes.leetcode_server import FakeLeetCode
from tests.sources.conftest import solution

pytestmark = pytest.mark.integration
SLUG = "values-with-exact-frequency"


@pytest.fixture
def lc() -> Iterator[tuple[FakeLeetCode, FakeJudge]]:
    with FakeLeetCode.from_fixtures() as fake:
        yield fake, FakeJudge.attach(fake, pending_polls=2, started_polls=1)


def make_api(fake: FakeLeetCode, judge: FakeJudge, **kw: object) -> LeetCodeJudgeAPI:
    client = LeetCodeClient(base_url=fake.url, min_interval_s=0, attempts=3, backoff_s=0, timeout_s=10,
                            **judge.cookies)  # type: ignore[arg-type]
    opts: dict = {"min_interval_s": 0, "poll_interval_s": 0.01, "poll_timeout_s": 30}
    opts.update(kw)
    return LeetCodeJudgeAPI(client, **opts)


def problem(fake: FakeLeetCode, slug: str = SLUG) -> Problem:
    return question_to_problem(fake.questions[slug])


# ------------------------------------------------------------------ run code


def test_a_run_polls_until_success_and_returns_leetcodes_reference_outputs(lc: tuple) -> None:
    fake, judge = lc
    api = make_api(fake, judge)
    qid = fake.questions[SLUG]["questionId"]
    run = api.run(SLUG, qid, stub_code(problem(fake)), ["[1,1,2]\n2", "[7,7,7,3]\n1"])
    assert run.failed_at is None
    assert [json.loads(a) for a in run.answers] == [[1], [3]]
    checks = fake.requests_for("check")
    assert [c.path for c in checks] == [f"/submissions/detail/{run.check_ids[0]}/check/"] * 4  # PENDING×2, STARTED, SUCCESS
    post = judge.posts("interpret")[0]
    assert post.body == {"lang": "python3", "question_id": qid, "typed_code": stub_code(problem(fake)),
                         "data_input": "[1,1,2]\n2\n[7,7,7,3]\n1"}
    assert post.headers["referer"].endswith(f"/problems/{SLUG}/")
    assert post.cookies == {"LEETCODE_SESSION": judge.session, "csrftoken": judge.csrftoken}
    assert post.headers["x-csrftoken"] == judge.csrftoken


def test_an_input_breaking_the_constraints_stops_the_reference_there(lc: tuple) -> None:
    fake, judge = lc
    run = make_api(fake, judge).run(SLUG, fake.questions[SLUG]["questionId"], "class Solution: pass",
                                    ["[1,1]\n2", "[1,1]\n0", "[2]\n1"])
    assert run.answers == ["[1]"] and run.failed_at == 1
    assert "Runtime Error" in (run.failure or "") and "k breaks" in (run.failure or "")


def test_unparsable_input_is_refused_as_a_whole(lc: tuple) -> None:
    fake, judge = lc
    with pytest.raises(InputRejected, match="HTTP 400"):
        make_api(fake, judge).run(SLUG, fake.questions[SLUG]["questionId"], "x", ["[1,1\n1"])


# ------------------------------------------------------------------ submit


@pytest.mark.parametrize(("code", "verdict", "field"), [
    (None, Verdict.ACCEPTED, None),
    ("wrong", Verdict.WRONG_ANSWER, "expected_output"),
    ("class Solution:\n    def exactValues(self, nums, k):\n        while True: pass\n", Verdict.TIME_LIMIT, None),
    ("class Solution:\n    def exactValues(self, nums, k):\n        return nums[10**9]\n", Verdict.RUNTIME_ERROR,
     "runtime_error"),
    ("class Solution:\n    def exactValues(self, nums, k)\n        return []\n", Verdict.COMPILE_ERROR,
     "compile_error"),
    ("class Solution:\n    def exactValues(self, nums, k):\n        x = [0] * (1 << 31)\n        return []\n",
     Verdict.MEMORY_LIMIT, None),
    ("class Solution:\n    def exactValues(self, nums, k):\n        print('x' * (1 << 21))\n        return []\n",
     Verdict.OUTPUT_LIMIT, None),
], ids=["accepted", "wrong", "tle", "re", "ce", "mle", "ole"])
def test_submit_gives_leetcodes_verdict_with_its_fields(lc: tuple, code: str | None, verdict: Verdict,
                                                      field: str | None) -> None:
    fake, judge = lc
    judge.time_limit_s = 0.5
    api = make_api(fake, judge)
    source = solution(SLUG) if code is None else solution(SLUG, wrong=True) if code == "wrong" else code
    check = api.check(api.submit(SLUG, fake.questions[SLUG]["questionId"], source))
    assert check.verdict is verdict
    total = check.int_field("total_testcases")
    assert total == len(judge.hidden(SLUG)) and total > 20
    if verdict is Verdict.ACCEPTED:
        assert check.int_field("total_correct") == total and check.runtime_ms and check.memory_kb == 17_100
    else:
        assert (check.int_field("total_correct") or 0) < total
    if field:
        assert check.text(field)


@pytest.mark.parametrize("code", sorted(STATUS))
def test_every_status_code_has_a_name_and_16_is_never_a_verdict(lc: tuple, code: int) -> None:
    fake, judge = lc
    api = make_api(fake, judge)
    judge.force(code)
    check = api.check(api.submit(SLUG, fake.questions[SLUG]["questionId"], solution(SLUG)))
    assert check.status == STATUS[code]
    if code == 16:
        with pytest.raises(InternalError, match="status 16"):
            _ = check.verdict
    else:
        assert str(check.verdict) == STATUS[code]


def test_an_unknown_status_code_or_state_is_named(lc: tuple) -> None:
    fake, judge = lc
    api = make_api(fake, judge)
    sid = api.submit(SLUG, fake.questions[SLUG]["questionId"], solution(SLUG))
    check = api.check(sid)
    check.raw["status_code"] = 17
    with pytest.raises(UnexpectedShape, match="status_code"):
        _ = check.status
    fake.fail("check", "shape", mutate=lambda d: {**d, "state": "QUEUED"})
    with pytest.raises(UnexpectedShape, match="state"):
        api.check(sid)


# ------------------------------------------------------------------ trouble


def test_rate_limiting_and_cloudflare_pages_are_retried(lc: tuple) -> None:
    fake, judge = lc
    fake.fail("interpret", "status", status=429, times=2)
    fake.fail("check", "cloudflare", times=1)
    run = make_api(fake, judge).run(SLUG, fake.questions[SLUG]["questionId"], "x", ["[5]\n1"])
    assert run.answers == ["[5]"]
    assert [r.fault for r in fake.requests_for("interpret")] == ["status", "status", None]
    assert fake.faults_left() == 0


def test_pacing_keeps_below_leetcodes_rate_limit(lc: tuple) -> None:
    fake, judge = lc
    judge.min_interval_s = 0.3
    api = make_api(fake, judge, min_interval_s=0.35)
    for _ in range(3):
        api.run(SLUG, fake.questions[SLUG]["questionId"], "x", ["[5]\n1"])
    posts = fake.requests_for("interpret")
    assert all(r.fault is None for r in posts) and len(posts) == 3
    assert all(b.at - a.at >= 0.3 for a, b in itertools.pairwise(posts))


def test_an_expired_session_is_a_named_error_without_the_cookies(lc: tuple) -> None:
    fake, judge = lc
    judge.expire()
    with pytest.raises(SessionExpired) as e:
        make_api(fake, judge).submit(SLUG, fake.questions[SLUG]["questionId"], solution(SLUG))
    assert "login" in str(e.value)
    assert judge.session not in str(e.value) and judge.csrftoken not in str(e.value)
    assert len(judge.posts("submit")) == 1  # never retried: only fresh cookies help


def test_no_cookies_or_a_refused_csrf_token(lc: tuple) -> None:
    fake, judge = lc
    with pytest.raises(SessionRefused, match="no LEETCODE_SESSION"):
        LeetCodeJudgeAPI(LeetCodeClient(base_url=fake.url))
    judge.csrftoken = "rotated"
    with pytest.raises(SessionRefused, match="HTTP 403"):
        make_api(fake, FakeJudge(fake)).run(SLUG, fake.questions[SLUG]["questionId"], "x", ["[5]\n1"])


def test_a_check_that_never_finishes_times_out(lc: tuple) -> None:
    fake, judge = lc
    judge.pending_polls = 10**6
    with pytest.raises(CheckTimeout, match="still PENDING"):
        make_api(fake, judge, poll_timeout_s=0.3).run(SLUG, fake.questions[SLUG]["questionId"], "x", ["[5]\n1"])


def test_the_older_api_with_a_second_check_for_the_expected_answers() -> None:
    """Older LeetCode answered a run with two ids; the expected outputs were the
    `code_answer` of the second check."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/interpret_solution/"):
            return httpx.Response(200, json={"interpret_id": "r1", "interpret_expected_id": "r2", "test_case": ""})
        if "/r1/" in request.url.path:
            return httpx.Response(200, json={"state": "SUCCESS", "status_code": 15, "code_answer": []})
        return httpx.Response(200, json={"state": "SUCCESS", "status_code": 10, "run_success": True,
                                         "code_answer": ["[1]", "[2]", ""]})

    client = LeetCodeClient(base_url="https://leetcode.com", session_cookie="s", csrf_token="c", min_interval_s=0,
                            transport=httpx.MockTransport(handler))
    run = LeetCodeJudgeAPI(client, min_interval_s=0, poll_interval_s=0).run("p", "1", "x", ["[1]\n1", "[2]\n1"])
    assert run.answers == ["[1]", "[2]"] and run.check_ids == ["r1", "r2"]


# ------------------------------------------------------------------ the oracle


def test_the_oracle_batches_drops_rejected_inputs_and_counts_calls(lc: tuple) -> None:
    fake, judge = lc
    valid = [f"[{i},{i},{i + 1}]\n2" for i in range(1, 24)]
    bad_k = "[3,3]\n0"  # breaks 1 <= k: the reference stops there
    unparsable = "[1,2\n1"  # refused by the run endpoint: found by halving
    inputs = [*valid[:5], bad_k, *valid[5:12], unparsable, *valid[12:]]
    report = LeetCodeOracle(make_api(fake, judge), batch_size=10).answer(problem(fake), inputs)
    ok = [a for a in report.answers if a.ok]
    assert [a.expected for a in ok] == [[i] for i in range(1, 24)]
    assert [a.status for a in report.answers].count("rejected") == 2
    assert report.answers[5].status == "rejected" and "k breaks" in (report.answers[5].reason or "")
    assert report.answers[13].status == "rejected" and "HTTP 400" in (report.answers[13].reason or "")
    # 3 batches of 10; the reference stopping at input 5 sends 6..9 again; the refused
    # batch 10..19 is halved until input 13 stands alone: 12 runs in all
    assert report.calls == len(judge.posts("interpret")) == 12
    assert set(report.refs) == {j for j in judge.jobs if j.startswith("runcode_")}
    assert all(a.ref in report.refs for a in ok)


@pytest.mark.parametrize("slug", ["values-with-exact-frequency", "remove-leaves-below-threshold",
                                  "sort-even-positions", "ticket-queue", "mean-distance-to-origin"])
def test_the_oracle_answers_every_kind_of_problem_as_the_fakes_reference(lc: tuple, slug: str) -> None:
    fake, judge = lc
    p = problem(fake, slug)
    stub = stub_code(p)
    compile(stub, "stub", "exec")
    inputs = [t.input for t in p.tests]
    report = LeetCodeOracle(make_api(fake, judge)).answer(p, inputs)
    assert all(a.ok for a in report.answers), report.answers
    for test, a in zip(p.tests, report.answers, strict=True):
        if test.comparable:
            assert a.expected == pytest.approx(test.expected) if slug == "mean-distance-to-origin" \
                else sorted(a.expected) == sorted(test.expected) if slug == SLUG else a.expected == test.expected


def test_the_oracle_turns_an_expired_session_into_a_configuration_error(lc: tuple) -> None:
    fake, judge = lc
    judge.expire()
    with pytest.raises(OracleConfigError, match="session"):
        LeetCodeOracle(make_api(fake, judge)).answer(problem(fake), ["[1]\n1"])
