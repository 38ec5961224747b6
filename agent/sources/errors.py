"""Errors of the problem sources.

    SourceError                              base
    ├── SourceUnavailable (RuntimeError)     retry later: network, timeouts, HTTP 5xx
    │   ├── RateLimited                      HTTP 429 ("attempted to run code too soon")
    │   ├── CloudflareChallenge              HTTP 403/503 "Just a moment..." page
    │   └── TruncatedResponse                a body that is not the JSON it claims to be
    ├── HTTPStatusError                      any other 4xx: a request we got wrong
    ├── SessionExpired (PermissionError)     a login-only endpoint sent us to the login page
    ├── ContestNotStarted                    problems are not public yet (says when)
    ├── PaidOnly                             no statement/metaData without premium
    ├── NotFound (LookupError)               unknown contest or problem slug
    └── UnexpectedShape (ValueError)         a field missing or of an unknown form; names it

Retries (tenacity, in leetcode_client) happen only for SourceUnavailable.
"""

from __future__ import annotations

from datetime import datetime


class SourceError(Exception):
    """Base class of the sources' errors."""


class SourceUnavailable(SourceError, RuntimeError):
    pass


class RateLimited(SourceUnavailable):
    def __init__(self, url: str) -> None:
        super().__init__(f"{url}: HTTP 429, rate limited by LeetCode")


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


class ContestNotStarted(SourceError):
    def __init__(self, slug: str, public_at: datetime) -> None:
        super().__init__(f"contest {slug}: problems are not public until {public_at:%Y-%m-%d %H:%M} UTC")
        self.slug, self.public_at = slug, public_at


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
