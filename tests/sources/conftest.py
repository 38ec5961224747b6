"""Fixtures of the sources tests: the fake LeetCode server and clients pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from agent.sources.leetcode_client import LeetCodeClient
from tests.fakes.leetcode_server import CONTEST_DIR, FakeLeetCode

SOLUTIONS = CONTEST_DIR / "solutions"
CONTEST = "weekly-contest-9001"
CONTEST_SLUGS = ["values-with-exact-frequency", "remove-leaves-below-threshold", "sort-even-positions",
                 "ticket-queue"]


@pytest.fixture
def fake_leetcode() -> Iterator[FakeLeetCode]:
    """A fresh fake leetcode.com on 127.0.0.1 (its state is the test's to change)."""
    with FakeLeetCode.from_fixtures() as fake:
        yield fake


@pytest.fixture
def fake_leetcode_cn() -> Iterator[FakeLeetCode]:
    with FakeLeetCode.from_fixtures(cn=True) as fake:
        yield fake


@pytest.fixture
def make_client(fake_leetcode: FakeLeetCode) -> Iterator[Callable[..., LeetCodeClient]]:
    """Clients on the fake server, fast by default: 3 attempts, no backoff, no pacing."""
    clients: list[LeetCodeClient] = []

    def make(site: str = "leetcode.com", base_url: str | None = None, **options: object) -> LeetCodeClient:
        opts: dict = {"min_interval_s": 0.0, "attempts": 3, "backoff_s": 0.0, "timeout_s": 5.0}
        opts.update(options)
        client = LeetCodeClient(site, base_url or fake_leetcode.url, **opts)
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


def solution(slug: str, wrong: bool = False) -> str:
    return (SOLUTIONS / f"{slug}{'.wrong' if wrong else ''}.py").read_text(encoding="utf-8")


def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lcagent.sqlite3'}"
