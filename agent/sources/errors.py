"""Errors of the problem sources.

    SourceError (judge.errors.LcagentError)  base
    ├── SourceUnavailable (RuntimeError)     retry later: network, timeouts, HTTP 5xx
    │   ├── RateLimited                      HTTP 429 ("attempted to run code too soon")
    │   ├── CloudflareChallenge              HTTP 403/503 "Just a moment..." page
    │   └── TruncatedResponse                a body that is not the JSON it claims to be
    ├── HTTPStatusError                      any other 4xx: a request we got wrong
    ├── SessionExpired (PermissionError)     a login-only endpoint sent us to the login page
    ├── RedirectRefused                      redirected to another host: not followed
    ├── ContestNotStarted                    problems are not public yet (says when)
    ├── ContestWithoutQuestions              the contest is over but lists no questions
    ├── PaidOnly                             no statement/metaData without premium
    ├── NotFound (LookupError)               unknown contest or problem slug
    └── UnexpectedShape (ValueError)         a field missing or of an unknown form; names it
        └── NoStatement                      neither content nor translatedContent usable

Retries (tenacity, in leetcode_client) happen only for SourceUnavailable, after
the server's Retry-After when it sends one.
"""

from __future__ import annotations

from datetime import datetime

from judge.errors import LcagentError


class SourceError(LcagentError):
    """Base class of the sources' errors."""


class SourceUnavailable(SourceError, RuntimeError):
    retry_after: float | None = None  # seconds the server asked to wait (Retry-After)


class RateLimited(SourceUnavailable):
    def __init__(self, url: str, retry_after: float | None = None) -> None:
        wait = f" (Retry-After {retry_after:g} s)" if retry_after is not None else ""
        super().__init__(f"{url}: HTTP 429, rate limited by LeetCode{wait}")
        self.retry_after = retry_after


class CloudflareChallenge(SourceUnavailable):
    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{url}: blocked by a Cloudflare challenge (HTTP {status}); retry later or set cookies")


class TruncatedResponse(SourceUnavailable):
    def __init__(self, url: str, detail: str) -> None:
        super().__init__(f"{url}: response body is not valid JSON ({detail})")


class HTTPStatusError(SourceError):
    def __init__(self, url: str, status: int) -> None:
        super().__init__(f"{url}: HTTP {status}")
        self.status = status


class SessionExpired(SourceError, PermissionError):
    """The LeetCode session cookies are missing, expired or refused (never retried:
    only fresh cookies help). The message never holds a cookie."""

    def __init__(self, url: str, how: str = "redirected to the login page") -> None:
        super().__init__(f"{url}: {how}; the LeetCode session is missing or expired "
                         "(set fresh LEETCODE_SESSION and csrftoken cookies)")


class RedirectRefused(SourceError):
    def __init__(self, url: str, location: str) -> None:
        super().__init__(f"{url}: redirected to {location}, another host: not followed, so the LeetCode "
                         "cookies and csrf token go nowhere else")
        self.location = location


class ContestNotStarted(SourceError):
    def __init__(self, slug: str, public_at: datetime, server_now: datetime | None = None) -> None:
        clock = f" (LeetCode's clock: {server_now:%Y-%m-%d %H:%M} UTC)" if server_now else ""
        super().__init__(f"contest {slug}: problems are not public until {public_at:%Y-%m-%d %H:%M} UTC{clock}")
        self.slug, self.public_at = slug, public_at


class ContestWithoutQuestions(SourceError):
    def __init__(self, slug: str, ended_at: datetime, server_now: datetime | None) -> None:
        clock = f"{server_now:%Y-%m-%d %H:%M} UTC by LeetCode's clock" if server_now else "by the local clock"
        super().__init__(f"contest {slug} ended {ended_at:%Y-%m-%d %H:%M} UTC (it is {clock}) but lists no "
                         "questions: they may be withheld for now; the next sync looks again")
        self.slug, self.ended_at = slug, ended_at


class PaidOnly(SourceError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"problem {slug} is paid-only (no statement or metaData without a premium login)")
        self.slug = slug


class NotFound(SourceError, LookupError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")


class UnexpectedShape(SourceError, ValueError):
    def __init__(self, where: str, field: str, detail: str = "") -> None:
        super().__init__(f"{where}: unexpected response shape: field {field!r} {detail}".rstrip())
        self.where, self.field = where, field


class NoStatement(UnexpectedShape):
    def __init__(self, slug: str, detail: str) -> None:
        SourceError.__init__(self, f"problem {slug} has no usable statement: {detail}")
        self.where, self.field = slug, "content"
