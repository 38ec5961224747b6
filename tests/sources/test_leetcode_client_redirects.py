"""The LeetCode client's manners: credentials never leave LeetCode's host, an
expired session is named, Retry-After is honoured, a contest without questions
is described as it is.

Redirect tests use the fake LeetCode server (a real HTTP server on 127.0.0.1)
and a second loopback server that records every request it receives, with its
cookies and headers: with the old `follow_redirects=True` it received the
session cookie and the csrf token.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any

import httpx
import pytest

from agent.sources import leetcode_client as lc_module
from agent.sources.errors import (
    ContestNotStarted,
    ContestWithoutQuestions,
    RateLimited,
    RedirectRefused,
    SessionExpired,
    SourceUnavailable,
    UnexpectedShape,
)
from agent.sources.leetcode_client import LeetCodeClient, retry_after_s
from tests.fakes.leetcode_server import FakeLeetCode

SESSION, CSRF = "sess-9d2e-SECRET", "csrf-41aa-SECRET"
W9001_END = datetime(2026, 4, 19, 4, 0, tzinfo=UTC)


class Recorder:
    """A loopback HTTP server that answers 200 `{}` and records what it got."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                jar: SimpleCookie = SimpleCookie()
                for header in self.headers.get_all("Cookie") or []:
                    jar.load(header)
                recorder.requests.append({"path": self.path, "cookies": {k: m.value for k, m in jar.items()},
                                          "headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": body})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            do_GET = do_POST = _record

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Recorder:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    with Recorder() as r:
        yield r


def _credentials_in(requests: list[dict[str, Any]]) -> list[str]:
    found = []
    for r in requests:
        text = repr(r)
        found += [secret for secret in (SESSION, CSRF) if secret in text]
    return found


# ===================================================================== redirects (integration)


@pytest.mark.integration
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_host_is_refused_and_the_credentials_stay(
        fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient], recorder: Recorder,
        status: int) -> None:
    fake_leetcode.fail("questionData", "redirect", status=status, location=recorder.url + "/graphql/")
    client = make_client(session_cookie=SESSION, csrf_token=CSRF)
    with pytest.raises(RedirectRefused) as e:
        client.question("ticket-queue")
    assert recorder.requests == []  # not followed at all, with or without cookies
    assert "127.0.0.1" in str(e.value) and SESSION not in str(e.value) and CSRF not in str(e.value)
    assert len(fake_leetcode.requests) == 1  # a refused redirect is not retried


@pytest.mark.integration
def test_a_redirect_to_the_same_port_on_another_name_is_another_host(
        fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient], recorder: Recorder) -> None:
    # localhost is not 127.0.0.1 as far as cookies go: refused too
    port = recorder.url.rsplit(":", 1)[1]
    fake_leetcode.fail("/contest/api/info/weekly-contest-9001", "redirect", location=f"http://localhost:{port}/")
    with pytest.raises(RedirectRefused):
        make_client(session_cookie=SESSION, csrf_token=CSRF).contest_info("weekly-contest-9001")
    assert recorder.requests == []


@pytest.mark.integration
def test_a_same_host_redirect_is_followed_with_the_credentials(
        fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("questionData", "redirect", status=308, location="/graphql")  # the slash-less twin
    q = make_client(session_cookie=SESSION, csrf_token=CSRF).question("ticket-queue")
    assert q["titleSlug"] == "ticket-queue"
    first, second = fake_leetcode.requests
    assert (first.path, second.path) == ("/graphql/", "/graphql")
    assert second.method == "POST" and second.body == first.body  # 308 keeps the method and body
    assert second.cookies == {"LEETCODE_SESSION": SESSION, "csrftoken": CSRF}
    assert second.headers["x-csrftoken"] == CSRF


@pytest.mark.integration
def test_a_redirect_to_the_login_page_is_an_expired_session(
        fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("questionData", "redirect", location="/accounts/login/?next=/graphql/", times=3)
    with pytest.raises(SessionExpired) as e:
        make_client(session_cookie=SESSION, csrf_token=CSRF).question("ticket-queue")
    assert "session" in str(e.value) and SESSION not in str(e.value)
    assert len(fake_leetcode.requests) == 1  # never retried: only fresh cookies help
    assert fake_leetcode.requests_for("/accounts/login") == []  # and the login page is not fetched


@pytest.mark.integration
def test_a_redirect_loop_ends(fake_leetcode: FakeLeetCode, make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("questionData", "redirect", location="/graphql/", times=20)
    with pytest.raises(Exception, match="more than 5 redirects"):
        make_client(attempts=1).question("ticket-queue")
    assert len(fake_leetcode.requests) == 6


def test_the_recorder_does_see_credentials_when_they_are_sent(recorder: Recorder) -> None:
    # the recorder can fail the tests above: it records cookies and headers it gets
    httpx.get(recorder.url + "/x", headers={"x-csrftoken": CSRF}, cookies={"LEETCODE_SESSION": SESSION})
    assert sorted(_credentials_in(recorder.requests)) == sorted([SESSION, CSRF])


# ===================================================================== Retry-After (fake clock)


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return 1_776_000_000.0 + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _mock(answers: list[httpx.Response], **options: Any) -> tuple[LeetCodeClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    ok = {"data": {"question": {"titleSlug": "x"}}}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0) if answers else httpx.Response(200, json=ok)

    opts: dict = {"min_interval_s": 0.0, "attempts": 3, "backoff_s": 0.0}
    opts.update(options)
    return LeetCodeClient("leetcode.com", "https://leetcode.test", transport=httpx.MockTransport(handler),
                          **opts), seen


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_waited_before_the_retry(monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    clock = FakeTime()
    monkeypatch.setattr(lc_module, "time", clock)
    client, seen = _mock([httpx.Response(status, headers={"Retry-After": "7"})])
    with client:
        assert client.question("x")["titleSlug"] == "x"
    assert len(seen) == 2
    assert clock.sleeps == [7.0]  # the backoff alone (0 s here) would not have waited


def test_retry_after_longer_than_the_backoff_wins_and_shorter_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeTime()
    monkeypatch.setattr(lc_module, "time", clock)
    client, _ = _mock([httpx.Response(429, headers={"Retry-After": "1"})], backoff_s=4.0)
    with client:
        client.question("x")
    assert len(clock.sleeps) == 1 and clock.sleeps[0] >= 4.0


def test_retry_after_beyond_the_limit_gives_up_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeTime()
    monkeypatch.setattr(lc_module, "time", clock)
    client, seen = _mock([httpx.Response(429, headers={"Retry-After": "3600"})], max_retry_after_s=120)
    with client, pytest.raises(RateLimited) as e:
        client.question("x")
    assert len(seen) == 1 and clock.sleeps == []
    assert "Retry-After 3600 s" in str(e.value) and e.value.retry_after == 3600


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        pytest.param("120", 120.0, id="seconds"),
        pytest.param("Thu, 01 Jan 2026 00:01:30 GMT", 90.0, id="http-date"),
        pytest.param("Thu, 01 Jan 2026 00:00:00 GMT", 0.0, id="date-in-the-past"),
        pytest.param("soon", None, id="garbage"),
        pytest.param("", None, id="empty"),
    ],
)
def test_retry_after_header_forms(value: str, seconds: float | None) -> None:
    response = httpx.Response(429, headers={"Retry-After": value} if value else {})
    now = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    assert retry_after_s(response, now=now) == seconds


@pytest.mark.integration
def test_retry_after_from_the_fake_server(fake_leetcode: FakeLeetCode,
                                          make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("questionData", "status", status=429, headers={"Retry-After": "1"})
    started = time.monotonic()
    make_client().question("ticket-queue")
    assert time.monotonic() - started >= 0.95  # backoff_s=0: only Retry-After made it wait
    assert [r.fault for r in fake_leetcode.requests] == ["status", None]


@pytest.mark.integration
def test_a_5xx_with_retry_after_is_still_source_unavailable(fake_leetcode: FakeLeetCode,
                                                            make_client: Callable[..., LeetCodeClient]) -> None:
    fake_leetcode.fail("questionData", "status", status=503, headers={"Retry-After": "999"})
    with pytest.raises(SourceUnavailable, match="Retry-After 999 s"):
        make_client(max_retry_after_s=5).question("ticket-queue")
    assert len(fake_leetcode.requests) == 1


# ===================================================================== contests without questions


def _info(questions: list | None, current: float | None) -> dict:
    info: dict[str, Any] = {"contest": {"title_slug": "weekly-contest-9001", "start_time": 1776565800,
                                        "duration": 5400}, "current_timestamp": current}
    if questions is not None:
        info["questions"] = questions
    return info


def _contest_client(info: dict) -> LeetCodeClient:
    return LeetCodeClient("leetcode.com", "https://leetcode.test", min_interval_s=0, attempts=1,
                          transport=httpx.MockTransport(lambda r: httpx.Response(200, json=info)))


def test_an_ended_contest_without_questions_says_so_with_leetcodes_clock() -> None:
    server_now = W9001_END + timedelta(days=3)
    with _contest_client(_info([], server_now.timestamp())) as client, \
            pytest.raises(ContestWithoutQuestions) as e:
        client.contest_info("weekly-contest-9001", now=server_now)
    message = str(e.value)
    assert "ended 2026-04-19 04:00 UTC" in message and "2026-04-22 04:00 UTC by LeetCode's clock" in message
    assert "not public until" not in message  # never a date already past


def test_leetcodes_clock_before_the_end_means_not_started_whatever_ours_says() -> None:
    server_now = W9001_END - timedelta(minutes=10)
    with _contest_client(_info([], server_now.timestamp())) as client, pytest.raises(ContestNotStarted) as e:
        client.contest_info("weekly-contest-9001", now=W9001_END + timedelta(minutes=5))
    assert "LeetCode's clock: 2026-04-19 03:50 UTC" in str(e.value)


def test_without_current_timestamp_the_local_clock_is_said() -> None:
    with _contest_client(_info([], None)) as client, pytest.raises(ContestWithoutQuestions, match="local clock"):
        client.contest_info("weekly-contest-9001", now=W9001_END + timedelta(days=1))


def test_a_missing_questions_field_is_reported_as_missing() -> None:
    with _contest_client(_info(None, None)) as client, pytest.raises(UnexpectedShape) as e:
        client.contest_info("weekly-contest-9001", now=W9001_END + timedelta(days=1))
    assert e.value.field == "questions" and "is missing" in str(e.value)
