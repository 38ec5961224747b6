"""The LeetCode client: retries, distinct errors, cookies, pacing, contest queries;
and the schedule's predictions.

Plain tests swap the network for httpx.MockTransport; `integration` tests talk to
the fake LeetCode server on 127.0.0.1 (tests/fakes/leetcode_server.py).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import httpx
import pytest

from agent.sources import leetcode_client as lc_module
from agent.sources.errors import (
    CloudflareChallenge,
    ContestNotStarted,
    ContestWithoutQuestions,
    HTTPStatusError,
    NotFound,
    RateLimited,
    SourceError,
    SourceUnavailable,
    TruncatedResponse,
    UnexpectedShape,
)
from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.schedule import next_contests, predicted_start
from tests.fakes.leetcode_server import (
    CLOUDFLARE_PAGE,
    CN_DIR,
    CONTEST_DIR,
    FakeLeetCode,
    drop_path,
    set_path,
)

W9001_START = datetime(2026, 4, 19, 2, 30, tzinfo=UTC)
AFTER_9001 = W9001_START + timedelta(days=1)
SESSION, CSRF = "sess-5f1c2a9e-SECRET", "csrf-77b0d4-SECRET"


def fixture(name: str, directory: Any = CONTEST_DIR) -> Any:
    return json.loads((directory / name).read_text())


# ===================================================================== MockTransport (plain)


class Script:
    """A MockTransport handler answering from a list of responses or exceptions, then `last`."""

    def __init__(self, *steps: Any, last: Any = None) -> None:
        self.steps = list(steps)
        self.last = last if last is not None else fixture("question-ticket-queue.json")
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps.pop(0) if self.steps else self.last
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return httpx.Response(200, json=step)


def mock_client(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> LeetCodeClient:
    opts: dict = {"min_interval_s": 0.0, "attempts": 3, "backoff_s": 0.0}
    opts.update(options)
    return LeetCodeClient("leetcode.com", "https://leetcode.test", transport=httpx.MockTransport(handler), **opts)


def truncated() -> httpx.Response:
    body = json.dumps(fixture("question-ticket-queue.json")).encode()
    return httpx.Response(200, content=body[: len(body) // 2], headers={"Content-Type": "application/json"})


def challenge(status: int = 403) -> httpx.Response:
    return httpx.Response(status, text=CLOUDFLARE_PAGE, headers={"Content-Type": "text/html"})


RETRYABLE = [
    pytest.param(lambda: httpx.Response(429, json={"error": "too soon"}), RateLimited, id="429"),
    pytest.param(lambda: httpx.Response(500, text="oops"), SourceUnavailable, id="500"),
    pytest.param(lambda: httpx.Response(502, text="bad gateway"), SourceUnavailable, id="502"),
    pytest.param(lambda: httpx.Response(503, text="unavailable"), SourceUnavailable, id="503"),
    pytest.param(lambda: challenge(403), CloudflareChallenge, id="cloudflare-403"),
    pytest.param(lambda: challenge(503), CloudflareChallenge, id="cloudflare-503"),
    pytest.param(truncated, TruncatedResponse, id="truncated-json"),
    pytest.param(lambda: httpx.Response(200, text="<html>maintenance</html>"), TruncatedResponse, id="html-200"),
    pytest.param(lambda: httpx.RemoteProtocolError("peer closed connection"), SourceUnavailable, id="dropped"),
    pytest.param(lambda: httpx.ReadTimeout("timed out"), SourceUnavailable, id="read-timeout"),
    pytest.param(lambda: httpx.ConnectError("connection refused"), SourceUnavailable, id="connect-error"),
]


@pytest.mark.parametrize(("make", "error"), RETRYABLE)
def test_mock_retries_then_succeeds(make: Callable[[], Any], error: type) -> None:
    script = Script(make(), make())
    with mock_client(script) as client:
        assert client.question("ticket-queue")["title"] == "Ticket Queue"
    assert len(script.requests) == 3


@pytest.mark.parametrize(("make", "error"), RETRYABLE)
def test_mock_gives_up_after_the_configured_attempts_with_a_distinct_error(make: Callable[[], Any],
                                                                             error: type) -> None:
    script = Script(*[make() for _ in range(10)])
    with mock_client(script, attempts=3) as client, pytest.raises(SourceUnavailable) as e:
        client.question("ticket-queue")
    assert type(e.value) is error  # exactly this class, not a sibling
    assert len(script.requests) == 3
    assert "/graphql/" in str(e.value)


def test_distinct_errors_say_what_happened() -> None:
    messages = {}
    for name, make in [("429", lambda: httpx.Response(429)), ("cf", challenge),
                       ("truncated", truncated), ("500", lambda: httpx.Response(500))]:
        with mock_client(Script(*[make() for _ in range(3)])) as client:
            try:
                client.question("x")
            except SourceError as e:
                messages[name] = str(e)
    assert "rate limited" in messages["429"]
    assert "Cloudflare challenge" in messages["cf"]
    assert "not valid JSON" in messages["truncated"]
    assert "HTTP 500" in messages["500"]


@pytest.mark.parametrize(
    ("status", "error"),
    [
        pytest.param(400, HTTPStatusError, id="400"),
        pytest.param(401, HTTPStatusError, id="401"),
        pytest.param(403, HTTPStatusError, id="403-not-a-challenge"),
        pytest.param(404, NotFound, id="404"),
        pytest.param(405, HTTPStatusError, id="405"),
    ],
)
def test_mock_no_retry_on_other_4xx(status: int, error: type) -> None:
    script = Script(*[httpx.Response(status, json={"detail": "no"}) for _ in range(3)])
    with mock_client(script) as client, pytest.raises(error) as e:
        client.question("ticket-queue")
    assert len(script.requests) == 1
    assert not isinstance(e.value, SourceUnavailable)
    if isinstance(e.value, HTTPStatusError):
        assert e.value.status == status and f"HTTP {status}" in str(e.value)


def test_mock_request_shape_and_headers() -> None:
    script = Script()
    with mock_client(script) as client:
        client.question("ticket-queue")
    [request] = script.requests
    assert request.method == "POST" and request.url.path == "/graphql/"
    body = json.loads(request.content)
    assert body["operationName"] == "questionData"
    assert body["variables"] == {"titleSlug": "ticket-queue"}
    assert "question(titleSlug: $titleSlug)" in body["query"]
    for needed in ("metaData", "codeSnippets", "exampleTestcaseList", "exampleTestcases", "sampleTestCase",
                   "content", "translatedContent", "isPaidOnly", "questionFrontendId"):
        assert needed in body["query"]
    h = request.headers
    assert h["content-type"] == "application/json"
    assert h["referer"] == "https://leetcode.com/" and h["origin"] == "https://leetcode.com"
    assert "Mozilla/5.0" in h["user-agent"]
    assert "cookie" not in h and "x-csrftoken" not in h  # nothing configured, nothing sent


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"errors": [{"message": "Cannot query field 'question'"}], "data": None}, "errors",
                     id="graphql-errors"),
        pytest.param({"errors": [{"message": "rate"}]}, "errors", id="errors-no-data"),
        pytest.param({"something": 1}, "data", id="no-data"),
        pytest.param({"data": []}, "data", id="data-a-list"),
        pytest.param(["not", "an", "object"], "<body>", id="body-a-list"),
        pytest.param({"data": {"question": "two-sum"}}, "question", id="question-a-string"),
    ],
)
def test_mock_unexpected_shapes_name_the_field(payload: Any, field: str) -> None:
    with mock_client(Script(payload)) as client, pytest.raises(UnexpectedShape) as e:
        client.question("ticket-queue")
    assert e.value.field == field


def test_mock_graphql_error_message_is_kept() -> None:
    payload = {"errors": [{"message": "Cannot query field 'exampleTestcaseList' on type 'QuestionNode'"}],
               "data": None}
    with mock_client(Script(payload)) as client, pytest.raises(UnexpectedShape, match="exampleTestcaseList"):
        client.question("ticket-queue")


def test_mock_unknown_question_is_not_found() -> None:
    with mock_client(Script({"data": {"question": None}})) as client, pytest.raises(NotFound) as e:
        client.question("no-such-problem")
    assert "no-such-problem" in str(e.value)


def test_mock_partial_errors_with_data_are_tolerated() -> None:
    payload = fixture("question-ticket-queue.json")
    payload["errors"] = [{"message": "stats unavailable"}]
    with mock_client(Script(payload)) as client:
        assert client.question("ticket-queue")["titleSlug"] == "ticket-queue"


# ---------------------------------------------------------------- contests (mock)


def test_mock_past_contests_page_and_page_count() -> None:
    page = fixture("past-contests.json")
    page["data"]["pastContests"]["pageNum"] = 7
    script = Script(page)
    with mock_client(script) as client:
        contests, pages = client.past_contests(2, per_page=6)
    assert pages == 7
    assert [c.slug for c in contests][:2] == ["weekly-contest-9001", "biweekly-contest-9000"]
    assert contests[0].start_time == W9001_START and contests[0].duration_s == 5400
    assert contests[0].public_at == W9001_START + timedelta(minutes=90)
    body = json.loads(script.requests[0].content)
    assert body["operationName"] == "pastContests" and body["variables"] == {"pageNo": 2, "numPerPage": 6}


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(set_path(["data", "pastContests", "data"], {"0": "x"}), id="data-not-a-list"),
        pytest.param(set_path(["data", "pastContests"], None), id="block-null"),
        pytest.param(drop_path(["data", "pastContests", "data", 0, "startTime"]), id="entry-without-startTime"),
        pytest.param(set_path(["data", "pastContests", "data", 1, "startTime"], "soon"), id="startTime-text"),
    ],
)
def test_mock_past_contests_changed_shape(mutate: Callable[[Any], Any]) -> None:
    with mock_client(Script(mutate(fixture("past-contests.json")))) as client, pytest.raises(UnexpectedShape):
        client.past_contests()


def test_mock_upcoming_contests() -> None:
    with mock_client(Script(fixture("top-two-contests.json"))) as client:
        upcoming = client.upcoming_contests()
    assert [c.slug for c in upcoming] == ["biweekly-contest-9001", "weekly-contest-9002"]
    assert upcoming[1].start_time == datetime(2026, 4, 26, 2, 30, tzinfo=UTC)


def test_mock_upcoming_contests_changed_shape() -> None:
    with mock_client(Script({"data": {"topTwoContests": None}})) as client, pytest.raises(UnexpectedShape) as e:
        client.upcoming_contests()
    assert e.value.field == "topTwoContests"


def test_mock_leetcode_cn_contest_queries() -> None:
    script = Script(fixture("contest-history.json", CN_DIR), fixture("upcoming-contests.json", CN_DIR))
    client = LeetCodeClient("leetcode.cn", "https://leetcode.test", transport=httpx.MockTransport(script),
                            min_interval_s=0, attempts=1)
    with client:
        past, pages = client.past_contests(1, per_page=1)
        upcoming = client.upcoming_contests()
    assert [c.slug for c in past] == ["weekly-contest-9001", "biweekly-contest-9000"]
    assert pages == 2  # totalNum 2, one per page
    assert [c.slug for c in upcoming] == ["biweekly-contest-9001", "weekly-contest-9002"]
    bodies = [json.loads(r.content) for r in script.requests]
    assert [b["operationName"] for b in bodies] == ["contestHistory", "contestUpcomingContests"]
    assert bodies[0]["variables"] == {"pageNum": 1, "pageSize": 1}
    assert script.requests[0].headers["origin"] == "https://leetcode.cn"


def test_mock_contest_info_after_the_contest() -> None:
    script = Script(httpx.Response(200, json=fixture("contest-weekly-contest-9001.json")))
    with mock_client(script) as client:
        info = client.contest_info("weekly-contest-9001", now=AFTER_9001)
    assert [q["credit"] for q in info["questions"]] == [3, 4, 5, 6]
    assert script.requests[0].method == "GET"
    assert script.requests[0].url.path == "/contest/api/info/weekly-contest-9001/"


@pytest.mark.parametrize(
    "now",
    [
        pytest.param(W9001_START - timedelta(days=1), id="before-start"),
        pytest.param(W9001_START + timedelta(minutes=30), id="during"),
        pytest.param(W9001_START + timedelta(minutes=89, seconds=59), id="one-second-before-the-end"),
    ],
)
def test_mock_contest_info_before_the_end_is_not_started(now: datetime) -> None:
    with mock_client(Script(fixture("contest-weekly-contest-9001.json"))) as client, \
            pytest.raises(ContestNotStarted) as e:
        client.contest_info("weekly-contest-9001", now=now)
    assert e.value.public_at == W9001_START + timedelta(minutes=90)
    assert e.value.slug == "weekly-contest-9001"
    assert "2026-04-19 04:00 UTC" in str(e.value)


def test_mock_contest_info_without_questions_after_the_end_says_what_is_known() -> None:
    info = fixture("contest-weekly-contest-9001.json")
    info["questions"] = []
    with mock_client(Script(info)) as client, pytest.raises(ContestWithoutQuestions) as e:
        client.contest_info("weekly-contest-9001", now=AFTER_9001)
    assert "lists no questions" in str(e.value) and "not public until" not in str(e.value)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        pytest.param(drop_path(["contest"]), "contest", id="no-contest"),
        pytest.param(set_path(["contest", "start_time"], "tomorrow"), "contest.start_time", id="start-text"),
        pytest.param(drop_path(["contest", "start_time"]), "contest.start_time", id="no-start"),
        pytest.param(drop_path(["questions", 2, "title_slug"]), "questions", id="question-without-slug"),
        pytest.param(set_path(["questions"], {"a": 1}), "questions", id="questions-an-object"),
    ],
)
def test_mock_contest_info_changed_shape(mutate: Callable[[Any], Any], field: str) -> None:
    with mock_client(Script(mutate(fixture("contest-weekly-contest-9001.json")))) as client, \
            pytest.raises(UnexpectedShape) as e:
        client.contest_info("weekly-contest-9001", now=AFTER_9001)
    assert e.value.field == field


def test_mock_unknown_contest_is_not_found() -> None:
    script = Script(httpx.Response(404, json={"detail": "Not found."}))
    with mock_client(script) as client, pytest.raises(NotFound):
        client.contest_info("weekly-contest-1234567")
    assert len(script.requests) == 1


# ---------------------------------------------------------------- pacing (fake clock)


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_pacing_spaces_requests_by_the_minimum_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeTime()
    monkeypatch.setattr(lc_module, "time", clock)
    sent_at: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now)
        clock.now += 0.25  # the server takes a quarter of a second
        return httpx.Response(200, json=fixture("question-ticket-queue.json"))

    with mock_client(handler, min_interval_s=2.0) as client:
        for _ in range(4):
            client.question("ticket-queue")
    gaps = [b - a for a, b in pairwise(sent_at)]
    assert gaps == [2.0, 2.0, 2.0]
    assert clock.sleeps == [1.75, 1.75, 1.75]


def test_pacing_applies_to_retries_too(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeTime()
    monkeypatch.setattr(lc_module, "time", clock)
    sent_at: list[float] = []
    answers = [httpx.Response(429), httpx.Response(503)]

    def handler(request: httpx.Request) -> httpx.Response:
        sent_at.append(clock.now)
        return answers.pop(0) if answers else httpx.Response(200, json=fixture("question-ticket-queue.json"))

    with mock_client(handler, min_interval_s=1.5) as client:
        client.question("ticket-queue")
    assert [b - a for a, b in pairwise(sent_at)] == [1.5, 1.5]


def test_no_pacing_wait_when_requests_are_already_far_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeTime()
    monkeypatch.setattr(lc_module, "time", clock)
    with mock_client(Script(), min_interval_s=1.0) as client:
        client.question("ticket-queue")
        clock.now += 10
        client.question("ticket-queue")
    assert clock.sleeps == []


# ===================================================================== the fake server (integration)

FAULTS_THEN_OK = [
    pytest.param("status", {"status": 429}, id="429"),
    pytest.param("status", {"status": 500}, id="500"),
    pytest.param("status", {"status": 502}, id="502"),
    pytest.param("status", {"status": 503}, id="503"),
    pytest.param("cloudflare", {}, id="cloudflare"),
    pytest.param("truncated", {}, id="truncated"),
    pytest.param("drop", {}, id="dropped-connection"),
]


@pytest.mark.integration
@pytest.mark.parametrize(("kind", "options"), FAULTS_THEN_OK)
def test_server_retries_then_succeeds(fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient],
                                      kind: str, options: dict) -> None:
    fake_leetcode.fail("questionData:ticket-queue", kind, times=2, **options)
    q = make_client().question("ticket-queue")
    assert q["titleSlug"] == "ticket-queue" and q["metaData"]
    recorded = fake_leetcode.requests_for("questionData")
    assert [r.fault for r in recorded] == [kind, kind, None]
    assert fake_leetcode.faults_left() == 0


GIVE_UP = [
    pytest.param("status", {"status": 429}, RateLimited, id="429"),
    pytest.param("status", {"status": 500}, SourceUnavailable, id="500"),
    pytest.param("status", {"status": 503}, SourceUnavailable, id="503"),
    pytest.param("cloudflare", {}, CloudflareChallenge, id="cloudflare"),
    pytest.param("truncated", {}, TruncatedResponse, id="truncated"),
    pytest.param("drop", {}, SourceUnavailable, id="dropped-connection"),
]


@pytest.mark.integration
@pytest.mark.parametrize(("kind", "options", "error"), GIVE_UP)
def test_server_gives_up_after_three_attempts_with_a_distinct_error(
        fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient], kind: str, options: dict,
        error: type) -> None:
    fake_leetcode.fail("questionData", kind, times=5, **options)
    with pytest.raises(SourceUnavailable) as e:
        make_client(attempts=3).question("ticket-queue")
    assert type(e.value) is error
    assert len(fake_leetcode.requests) == 3
    assert fake_leetcode.faults_left() == 2


@pytest.mark.integration
@pytest.mark.parametrize("status", [400, 404])
def test_server_no_retry_on_4xx(fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient],
                                status: int) -> None:
    fake_leetcode.fail("/graphql", "status", status=status, times=3)
    with pytest.raises((HTTPStatusError, NotFound)):
        make_client().question("ticket-queue")
    assert len(fake_leetcode.requests) == 1


@pytest.mark.integration
def test_server_hang_times_out_and_is_source_unavailable(fake_leetcode: FakeLeetCode,
                                                         make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("questionData", "hang", times=2, seconds=5)
    started = time.monotonic()
    with pytest.raises(SourceUnavailable) as e:
        make_client(attempts=2, timeout_s=0.3).question("ticket-queue")
    elapsed = time.monotonic() - started
    assert "Timeout" in str(e.value)
    assert 0.6 <= elapsed < 4.5  # gave up on the timeouts, not on the 5 s hang
    assert len(fake_leetcode.requests) == 2


@pytest.mark.integration
def test_server_one_hang_then_an_answer(fake_leetcode: FakeLeetCode,
                                       make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("questionData", "hang", seconds=5)
    assert make_client(timeout_s=0.3).question("sort-even-positions")["titleSlug"] == "sort-even-positions"


@pytest.mark.integration
def test_server_cookies_and_csrf_sent_never_logged(fake_leetcode: FakeLeetCode,
                                                    make_client: Callable[..., LeetCodeClient],
                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(session_cookie=SESSION, csrf_token=CSRF)
    client.question("ticket-queue")
    client.contest_info("weekly-contest-9001", now=AFTER_9001)
    for r in fake_leetcode.requests:
        assert r.cookies == {"LEETCODE_SESSION": SESSION, "csrftoken": CSRF}
        assert r.headers["x-csrftoken"] == CSRF
    # failures are logged (retries) and raised: neither may carry the secrets
    fake_leetcode.fail("questionData", "status", status=503, times=3)
    with pytest.raises(SourceUnavailable) as e:
        client.question("ticket-queue")
    fake_leetcode.fail("questionData", "cloudflare", times=3)
    with pytest.raises(CloudflareChallenge) as e2:
        client.question("ticket-queue")
    assert "retry" in caplog.text  # the retries were logged
    for text in (caplog.text, str(e.value), repr(e.value), str(e2.value)):
        assert SESSION not in text and CSRF not in text


@pytest.mark.integration
def test_server_no_cookies_when_not_configured(fake_leetcode: FakeLeetCode,
                                               make_client: Callable[..., LeetCodeClient]) -> None:
    make_client().question("ticket-queue")
    [r] = fake_leetcode.requests
    assert r.cookies == {} and "x-csrftoken" not in r.headers
    assert r.headers["referer"] == "https://leetcode.com/"


@pytest.mark.integration
def test_server_pacing_between_real_requests(fake_leetcode: FakeLeetCode,
                                             make_client: Callable[..., LeetCodeClient]) -> None:
    interval = 0.1
    client = make_client(min_interval_s=interval)
    started = time.monotonic()
    for _ in range(5):
        client.question("ticket-queue")
    # Unpaced, five requests to loopback take a few milliseconds. (Server-side
    # arrival stamps are not compared: on a loaded machine one request's arrival
    # can lag and shrink the next gap; the exact spacing is tested on a fake clock.)
    assert time.monotonic() - started >= 4 * interval
    assert len(fake_leetcode.requests) == 5


@pytest.mark.integration
def test_server_contest_not_started(fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient]) -> None:
    start = int(time.time()) + 3600
    fake_leetcode.add_contest("weekly-contest-9002", start, [], listed=False)
    with pytest.raises(ContestNotStarted) as e:
        make_client().contest_info("weekly-contest-9002")
    assert e.value.public_at == datetime.fromtimestamp(start + 5400, tz=UTC)


@pytest.mark.integration
def test_server_contest_info_and_contest_lists(fake_leetcode: FakeLeetCode,
                                               make_client: Callable[..., LeetCodeClient]) -> None:
    client = make_client()
    info = client.contest_info("weekly-contest-9001", now=AFTER_9001)
    assert [q["title_slug"] for q in info["questions"]] == [
        "values-with-exact-frequency", "remove-leaves-below-threshold", "sort-even-positions", "ticket-queue"]
    past, pages = client.past_contests(1, per_page=4)
    assert pages == 2 and len(past) == 4
    older, _ = client.past_contests(2, per_page=4)
    assert [c.slug for c in older] == ["biweekly-contest-8999", "weekly-contest-8998"]
    assert [c.slug for c in client.upcoming_contests()] == ["biweekly-contest-9001", "weekly-contest-9002"]


@pytest.mark.integration
def test_server_leetcode_cn_contest_queries(fake_leetcode_cn: FakeLeetCode) -> None:
    with LeetCodeClient("leetcode.cn", fake_leetcode_cn.url, min_interval_s=0, attempts=1) as client:
        past, pages = client.past_contests()
        upcoming = client.upcoming_contests()
        info = client.contest_info("weekly-contest-9001", now=AFTER_9001)
        q = client.question("values-with-exact-frequency")
    assert [c.slug for c in past] == ["weekly-contest-9001", "biweekly-contest-9000"] and pages == 1
    assert [c.slug for c in upcoming] == ["biweekly-contest-9001", "weekly-contest-9002"]
    assert info["questions"][0]["english_title"] == "Values With Exact Frequency"
    assert q["translatedTitle"] == "恰好出现 K 次的值"
    assert [r.operation for r in fake_leetcode_cn.requests_for("/graphql")] == [
        "contestHistory", "contestUpcomingContests", "questionData"]


@pytest.mark.integration
def test_server_unknown_question_and_contest_are_not_found(fake_leetcode: FakeLeetCode,
                                                           make_client: Callable[..., LeetCodeClient]) -> None:
    client = make_client()
    with pytest.raises(NotFound, match="no-such-problem"):
        client.question("no-such-problem")
    with pytest.raises(NotFound):
        client.contest_info("weekly-contest-77777")
    assert len(fake_leetcode.requests) == 2  # neither retried


@pytest.mark.integration
def test_server_graphql_errors_are_unexpected_shape(fake_leetcode: FakeLeetCode,
                                                    make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("questionData", "graphql", message="Field 'exampleTestcaseList' doesn't exist")
    with pytest.raises(UnexpectedShape) as e:
        make_client().question("ticket-queue")
    assert e.value.field == "errors" and "exampleTestcaseList" in str(e.value)
    assert len(fake_leetcode.requests) == 1


@pytest.mark.integration
def test_server_changed_shapes(fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient]) -> None:
    client = make_client()
    fake_leetcode.fail("pastContests", "shape", mutate=set_path(["data", "pastContests", "data"], "none"))
    with pytest.raises(UnexpectedShape, match="not a list"):
        client.past_contests()
    fake_leetcode.fail("/contest/api/info/weekly-contest-9001/", "shape", mutate=drop_path(["contest"]))
    with pytest.raises(UnexpectedShape, match="'contest'"):
        client.contest_info("weekly-contest-9001", now=AFTER_9001)
    fake_leetcode.fail("topTwoContests", "shape", mutate=set_path(["data", "topTwoContests"], {}))
    with pytest.raises(UnexpectedShape):
        client.upcoming_contests()
    assert len(fake_leetcode.requests) == 3  # a changed shape is not retried


@pytest.mark.integration
def test_fake_server_accepts_graphql_without_trailing_slash(fake_leetcode: FakeLeetCode) -> None:
    body = {"query": "query questionData($titleSlug: String!) { question(titleSlug: $titleSlug) { title } }",
            "variables": {"titleSlug": "two-sum"}, "operationName": "questionData"}
    for path in ("/graphql", "/graphql/"):
        r = httpx.post(fake_leetcode.url + path, json=body)
        assert r.status_code == 200 and r.json()["data"]["question"]["title"] == "Two Sum"
    assert httpx.post(fake_leetcode.url + "/graphql/", json={"query": "{ nope }"}).status_code == 400


# ===================================================================== schedule (pure)


@pytest.mark.parametrize(
    ("slug", "start"),
    [
        pytest.param("biweekly-contest-181", datetime(2026, 4, 25, 14, 30, tzinfo=UTC), id="biweekly-181"),
        pytest.param("weekly-contest-499", datetime(2026, 4, 26, 2, 30, tzinfo=UTC), id="weekly-499"),
        pytest.param("weekly-contest-403", datetime(2024, 6, 23, 2, 30, tzinfo=UTC), id="weekly-anchor"),
        pytest.param("biweekly-contest-133", datetime(2024, 6, 22, 14, 30, tzinfo=UTC), id="biweekly-anchor"),
        pytest.param("biweekly-contest-134", datetime(2024, 7, 6, 14, 30, tzinfo=UTC), id="biweekly-next"),
        pytest.param("weekly-contest-500", datetime(2026, 5, 3, 2, 30, tzinfo=UTC), id="weekly-500"),
    ],
)
def test_predicted_start(slug: str, start: datetime) -> None:
    assert predicted_start(slug) == start


@pytest.mark.parametrize("slug", ["two-sum", "weekly-contest-", "weekly-contest-12a", "biweekly-contest-x",
                                  "Weekly-Contest-5"])
def test_predicted_start_of_other_slugs_is_none(slug: str) -> None:
    assert predicted_start(slug) is None


def test_next_contests_in_start_order() -> None:
    got = next_contests(datetime(2026, 4, 20, tzinfo=UTC), count=5)
    assert [(c.slug, c.start_time) for c in got] == [
        ("biweekly-contest-181", datetime(2026, 4, 25, 14, 30, tzinfo=UTC)),
        ("weekly-contest-499", datetime(2026, 4, 26, 2, 30, tzinfo=UTC)),
        ("weekly-contest-500", datetime(2026, 5, 3, 2, 30, tzinfo=UTC)),
        ("biweekly-contest-182", datetime(2026, 5, 9, 14, 30, tzinfo=UTC)),
        ("weekly-contest-501", datetime(2026, 5, 10, 2, 30, tzinfo=UTC)),
    ]
    assert got[1].end_time == datetime(2026, 4, 26, 4, 0, tzinfo=UTC)


def test_next_contests_includes_one_starting_now_and_not_one_just_started() -> None:
    start = datetime(2026, 4, 25, 14, 30, tzinfo=UTC)
    assert next_contests(start, count=1)[0].slug == "biweekly-contest-181"
    assert next_contests(start + timedelta(seconds=1), count=1)[0].slug == "weekly-contest-499"


def test_next_contests_agree_with_predicted_start() -> None:
    for c in next_contests(datetime(2026, 1, 1, tzinfo=UTC), count=30):
        assert predicted_start(c.slug) == c.start_time
