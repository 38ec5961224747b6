"""Builds the long-lived objects from settings (the only place that does)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from agent.settings import Settings
from agent.sources.leetcode_client import LeetCodeClient
from judge.image import image_tag
from judge.judging import Judge
from judge.remote import RemoteJudge
from judge.sandbox import SandboxConfig, SandboxPool


def sandbox_config(settings: Settings) -> SandboxConfig:
    j = settings.judge
    return SandboxConfig(
        image=j.image or image_tag(),
        parallelism=j.parallelism,
        container_memory_mb=j.container_memory_mb,
        cpus=j.cpus_per_container,
        recycle_after=j.recycle_after,
    )


@contextmanager
def open_judge(settings: Settings) -> Iterator[Judge]:
    """The local Docker judge, or the judge service when `judge.url` is set."""
    j = settings.judge
    if j.url:
        remote = RemoteJudge(j.url, j.token.get_secret_value() if j.token else None, j.parallelism)
        try:
            yield remote  # type: ignore[misc]
        finally:
            remote.close()
        return
    with SandboxPool(sandbox_config(settings)) as pool:
        yield Judge(pool)


def leetcode_client(settings: Settings) -> LeetCodeClient:
    lc = settings.leetcode
    return LeetCodeClient(
        lc.site, lc.base_url,
        session_cookie=lc.session.get_secret_value() if lc.session else None,
        csrf_token=lc.csrftoken.get_secret_value() if lc.csrftoken else None,
        min_interval_s=lc.min_interval_s, attempts=lc.attempts, backoff_s=lc.backoff_s,
    )
