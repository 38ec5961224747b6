"""The LeetCode client: one httpx client, polite and robust.

Explicit timeouts; a minimum interval between requests; tenacity retries with
exponential backoff on connection errors, timeouts, 429, 5xx, Cloudflare
challenge pages and truncated bodies (never on other 4xx), waiting at least what
a `Retry-After` header asks (up to `max_retry_after_s`; longer is given up at
once); distinct errors for each failure (see agent/sources/errors.py).

Cookies (`LEETCODE_SESSION`, `csrftoken`) and the `x-csrftoken` header are
optional, sent when configured, never logged, and never sent to another host:
redirects are followed by hand, only within the base URL's origin; a redirect
elsewhere is refused (RedirectRefused) and one to the login page means the
session expired (SessionExpired).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from agent.sources import leetcode_api as api
from agent.sources.errors import (
    CloudflareChallenge,
    ContestNotStarted,
    ContestWithoutQuestions,
    HTTPStatusError,
    NotFound,
    RateLimited,
    RedirectRefused,
    SessionExpired,
    SourceUnavailable,
    TruncatedResponse,
    UnexpectedShape,
)
from judge.constants import CONTEST_DURATION_S, DEFAULT_SITE

log = logging.getLogger(__name__)
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0 Safari/537.36")


@dataclass(frozen=True)
class ContestSummary:
    slug: str
    title: str
    start_time: datetime
    duration_s: int

    @property
    def public_at(self) -> datetime:
        return self.start_time + timedelta(seconds=self.duration_s)


class _Pacer:
    """At most one request per `interval` seconds, across threads."""

    def __init__(self, interval: float) -> None:
        self.interval, self._next, self._lock = interval, 0.0, threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            time.sleep(delay)


def _is_challenge(response: httpx.Response) -> bool:
    if response.status_code not in (403, 503):
        return False
    head = response.text[:4096]
    return "Just a moment" in head or "cf-chl" in head or "challenge-platform" in head


def retry_after_s(response: httpx.Response, now: float | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date)."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def _unavailable(message: str, retry_after: float | None) -> SourceUnavailable:
    """HTTP 5xx, with the server's Retry-After."""
    e = SourceUnavailable(message + (f" (Retry-After {retry_after:g} s)" if retry_after is not None else ""))
    e.retry_after = retry_after
    return e


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


class LeetCodeClient:
    def __init__(
        self,
        site: str = DEFAULT_SITE,
        base_url: str | None = None,
        *,
        session_cookie: str | None = None,
        csrf_token: str | None = None,
        min_interval_s: float = 1.0,
        attempts: int = 5,
        backoff_s: float = 2.0,
        timeout_s: float = 30.0,
        max_retry_after_s: float = 300.0,
        language: str = "en",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.site, self.language = site, language  # language: of the statements, "en" or "zh"
        self.max_retry_after_s = max_retry_after_s
        base = base_url or f"https://{site}"
        headers = {"User-Agent": USER_AGENT, "Referer": f"https://{site}/", "Origin": f"https://{site}",
                   "Content-Type": "application/json"}
        cookies = {}
        if session_cookie:
            cookies["LEETCODE_SESSION"] = session_cookie
        if csrf_token:
            cookies["csrftoken"] = csrf_token
            headers["x-csrftoken"] = csrf_token
        # follow_redirects=False: _send follows redirects itself, within this origin only
        self._http = httpx.Client(base_url=base, headers=headers, cookies=cookies, transport=transport,
                                  timeout=httpx.Timeout(timeout_s, connect=10.0), follow_redirects=False)
        self._origin = _origin(self._http.base_url)
        self._pacer = _Pacer(min_interval_s)
        backoff = wait_exponential(multiplier=backoff_s, max=60.0) + wait_random(0, backoff_s)

        def wait(rs: RetryCallState) -> float:
            asked = getattr(rs.outcome.exception() if rs.outcome else None, "retry_after", None)
            return max(backoff(rs), asked or 0.0)

        def retryable(e: BaseException) -> bool:
            asked = getattr(e, "retry_after", None)
            too_long = asked is not None and asked > self.max_retry_after_s
            return isinstance(e, (SourceUnavailable, httpx.TransportError)) and not too_long

        self._retrying = Retrying(
            retry=retry_if_exception(retryable),
            stop=stop_after_attempt(attempts),
            wait=wait,
            sleep=lambda seconds: time.sleep(seconds),  # looked up at call time: tests swap the clock
            reraise=True,
            before_sleep=lambda rs: log.warning("LeetCode request failed (%s); retry %d",
                                                rs.outcome.exception() if rs.outcome else "?", rs.attempt_number),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> LeetCodeClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------- transport

    @property
    def has_session(self) -> bool:
        """Both login cookies are configured (running and submitting code need them)."""
        return {"LEETCODE_SESSION", "csrftoken"} <= set(self._http.cookies.keys())

    def request_json(self, method: str, path: str, body: dict | None = None, *,
                     headers: dict[str, str] | None = None) -> Any:
        """One paced, retried request for a JSON answer (agent/sources/leetcode_judge.py)."""
        return self._request(method, path, body, headers=headers)

    def _send(self, method: str, path: str, body: dict | None, headers: dict[str, str] | None) -> httpx.Response:
        """One request, its same-origin redirects followed (at most 5, method and
        body kept except after a 303); the credentials never leave the origin."""
        where = f"{method} {path}"
        url = self._http.base_url.join(path)
        for _ in range(6):
            response = self._http.request(method, url, json=body, headers=headers)
            if not response.has_redirect_location:
                return response
            target = url.join(response.headers["location"])
            if any(target.path.startswith(p) for p in api.LOGIN_PATHS):
                raise SessionExpired(where)
            if _origin(target) != self._origin:
                raise RedirectRefused(where, f"{target.scheme}://{target.host}")
            if response.status_code == 303:
                method, body = "GET", None
            url = target
        raise HTTPStatusError(f"{where}: more than 5 redirects", response.status_code)

    def _request(self, method: str, path: str, body: dict | None = None, *,
                 headers: dict[str, str] | None = None) -> Any:
        def once() -> Any:
            self._pacer.wait()
            response = self._send(method, path, body, headers)
            url = f"{method} {path}"
            if response.status_code == 429:
                raise RateLimited(url, retry_after_s(response))
            if _is_challenge(response):
                raise CloudflareChallenge(url, response.status_code)
            if response.status_code >= 500:
                raise _unavailable(f"{url}: HTTP {response.status_code}", retry_after_s(response))
            if response.status_code == 404:
                raise NotFound(url)
            if response.status_code >= 400:
                raise HTTPStatusError(url, response.status_code)
            try:
                return response.json()
            except (ValueError, UnicodeDecodeError) as e:
                raise TruncatedResponse(url, str(e)[:120]) from None

        try:
            return self._retrying(once)
        except httpx.TransportError as e:
            url = self._http.base_url  # the host named: "unreachable" alone says not which
            where = f"{url.host}:{url.port}" if url.port else url.host
            raise SourceUnavailable(f"LeetCode at {where} is unreachable ({method} {path}: {type(e).__name__}: {e})"
                                    ) from None

    def graphql(self, query: str, variables: dict, operation: str) -> dict:
        payload = self._request("POST", "/graphql/", {"query": query, "variables": variables,
                                                      "operationName": operation})
        if not isinstance(payload, dict):
            raise UnexpectedShape(operation, "<body>", "is not an object")
        if payload.get("errors") and not payload.get("data"):
            messages = "; ".join(str(e.get("message", e)) for e in payload["errors"] if isinstance(e, dict))
            raise UnexpectedShape(operation, "errors", f"GraphQL says: {messages[:300]}")
        data = payload.get("data")
        if not isinstance(data, dict):
            raise UnexpectedShape(operation, "data", "is missing")
        return data

    # ---------------------------------------------------------------- queries

    def question(self, slug: str) -> dict:
        data = self.graphql(api.QUESTION, {"titleSlug": slug}, "questionData")
        q = data.get("question")
        if q is None:
            raise NotFound(f"problem {slug}")
        if not isinstance(q, dict):
            raise UnexpectedShape(slug, "question", "is not an object")
        return q

    def past_contests(self, page: int = 1, per_page: int = 10) -> tuple[list[ContestSummary], int]:
        """A page of past contests (page 1 = newest) and the total number of pages."""
        if self.site.endswith(".cn"):
            data = self.graphql(api.CN_PAST_CONTESTS, {"pageNum": page, "pageSize": per_page}, "contestHistory")
            block = data.get("contestHistory")
            items = block.get("contests") if isinstance(block, dict) else None
            total = (block or {}).get("totalNum")
            pages = -(-int(total) // per_page) if isinstance(total, int) else page
        else:
            data = self.graphql(api.PAST_CONTESTS, {"pageNo": page, "numPerPage": per_page}, "pastContests")
            block = data.get("pastContests")
            items = block.get("data") if isinstance(block, dict) else None
            pages = int((block or {}).get("pageNum") or page)
        if not isinstance(items, list):
            raise UnexpectedShape("pastContests", "data", "is not a list")
        return [_summary(c, "pastContests") for c in items], pages

    def upcoming_contests(self) -> list[ContestSummary]:
        if self.site.endswith(".cn"):
            data, key = self.graphql(api.CN_UPCOMING_CONTESTS, {}, "contestUpcomingContests"), "contestUpcomingContests"
        else:
            data, key = self.graphql(api.UPCOMING_CONTESTS, {}, "topTwoContests"), "topTwoContests"
        items = data.get(key)
        if not isinstance(items, list):
            raise UnexpectedShape(key, key, "is not a list")
        return [_summary(c, key) for c in items]

    def contest_info(self, slug: str, now: datetime | None = None) -> dict:
        """Contest and its questions; ContestNotStarted until the problems are public
        (by our clock or LeetCode's `current_timestamp`), ContestWithoutQuestions
        when it is over but lists none."""
        info = self._request("GET", api.contest_info_path(slug))
        if not isinstance(info, dict) or not isinstance(info.get("contest"), dict):
            raise UnexpectedShape(f"contest {slug}", "contest", "is missing" if isinstance(info, dict)
                                  else "is not in a JSON object")
        c = info["contest"]
        try:
            public_at = datetime.fromtimestamp(int(c["start_time"]) + int(c.get("duration") or CONTEST_DURATION_S), tz=UTC)
        except (KeyError, TypeError, ValueError):
            raise UnexpectedShape(f"contest {slug}", "contest.start_time", "is not a unix time") from None
        server_now = _server_time(info.get("current_timestamp"))
        now = now or datetime.now(UTC)
        if now < public_at or (server_now is not None and server_now < public_at):
            raise ContestNotStarted(slug, public_at, server_now)
        questions = info.get("questions")
        if isinstance(questions, list) and not questions:
            raise ContestWithoutQuestions(slug, public_at, server_now)
        if not isinstance(questions, list) or not all(isinstance(q, dict) and q.get("title_slug") for q in questions):
            raise UnexpectedShape(f"contest {slug}", "questions",
                                  "is missing" if questions is None else "entries lack title_slug")
        return info


def _server_time(stamp: Any) -> datetime | None:
    """LeetCode's `current_timestamp` (unix seconds, a float), if it is one."""
    if isinstance(stamp, bool) or not isinstance(stamp, (int, float)) or not 0 < stamp < 1e11:
        return None
    return datetime.fromtimestamp(stamp, tz=UTC)


def _summary(c: Any, where: str) -> ContestSummary:
    try:
        return ContestSummary(slug=str(c["titleSlug"]), title=str(c.get("title", "")),
                              start_time=datetime.fromtimestamp(int(c["startTime"]), tz=UTC),
                              duration_s=int(c.get("duration") or CONTEST_DURATION_S))
    except (KeyError, TypeError, ValueError):
        raise UnexpectedShape(where, "startTime/titleSlug", f"in {json.dumps(c)[:120]}") from None
