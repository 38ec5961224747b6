"""Builds the long-lived objects from settings (the only place that does)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from agent.oracle import Oracle
from agent.oracle.hidden import InputSource
from agent.settings import Settings
from agent.sources.leetcode_client import LeetCodeClient
from agent.sources.leetcode_judge import LeetCodeJudgeAPI
from judge.image import image_tag
from judge.judging import DockerJudge
from judge.protocol import Judge
from judge.remote import RemoteJudge
from judge.sandbox import SandboxConfig, SandboxPool


def sandbox_config(settings: Settings) -> SandboxConfig:
    j = settings.judge
    return SandboxConfig(
        image=j.image or image_tag(),
        parallelism=j.parallelism,
        memory_slack_mb=j.memory_slack_mb,
        cpus=j.cpus_per_container,
        recycle_after=j.recycle_after,
    )


@contextmanager
def open_judge(settings: Settings) -> Iterator[Judge]:
    """The judge service when `judge.url` is set, else the local Docker judge;
    closed on the way out."""
    j = settings.judge
    judge: Judge
    if j.url:
        judge = RemoteJudge(j.url, j.token.get_secret_value() if j.token else None, j.parallelism)
    else:
        judge = DockerJudge(SandboxPool(sandbox_config(settings)))
    try:
        yield judge
    finally:
        judge.close()


def leetcode_client(settings: Settings) -> LeetCodeClient:
    lc = settings.leetcode
    return LeetCodeClient(
        lc.site, lc.base_url,
        session_cookie=lc.session.get_secret_value() if lc.session else None,
        csrf_token=lc.csrftoken.get_secret_value() if lc.csrftoken else None,
        min_interval_s=lc.min_interval_s, attempts=lc.attempts, backoff_s=lc.backoff_s, language=lc.language,
    )


@contextmanager
def open_oracle(settings: Settings, name: str | None = None) -> Iterator[Oracle]:
    """The configured oracle (or `name`), checked on a sample against
    `testgen.cross_check` when that names another oracle."""
    from agent.oracle.crosscheck import CrossChecked

    name = name or settings.testgen.oracle
    second = settings.testgen.cross_check
    with _oracle(settings, name) as primary:
        if second is None or second == name:
            yield primary
            return
        with _oracle(settings, second) as other:
            yield CrossChecked(primary, other, sample=settings.testgen.cross_check_sample)


@contextmanager
def _oracle(settings: Settings, name: str | None) -> Iterator[Oracle]:
    """One oracle: LeetCode's "Run code" on the configured session, reference
    solutions or community solutions in the judge's sandbox."""
    from agent.oracle import OracleConfigError
    from agent.oracle.leetcode import LeetCodeOracle
    from agent.oracle.reference import ReferenceOracle
    from agent.sources.errors import SessionExpired

    if name == "leetcode":
        with leetcode_client(settings) as client:
            try:
                api = leetcode_judge_api(settings, client, settings.testgen.min_interval_s)
            except SessionExpired as e:
                raise OracleConfigError("leetcode", str(e)) from None
            t = settings.testgen
            yield LeetCodeOracle(api, batch_size=t.batch_size, batch_bytes=t.batch_bytes)
        return
    if name == "reference":
        with open_judge(settings) as judge:
            yield ReferenceOracle(judge)
        return
    if name == "community":
        from agent.oracle.community import CommunityOracle

        t = settings.testgen
        with leetcode_client(settings) as client, open_judge(settings) as judge:
            yield CommunityOracle(client, judge, k=t.community_k, posts=t.community_posts, wait_h=t.community_wait_h)
        return
    raise OracleConfigError(str(name), "unknown oracle (leetcode, reference or community)")


@contextmanager
def open_input_source(settings: Settings) -> Iterator[InputSource | None]:
    """Where hidden-test inputs come from: the constraint parser, and, with
    `testgen.generator` set, a model's generator for the problems it refuses (its
    code run in the judge's sandbox). None: the parser alone (the default)."""
    from agent.oracle.model_inputs import ModelInputs

    spec = settings.testgen.generator
    if spec is None:
        yield None
        return
    with open_judge(settings) as judge:
        yield ModelInputs(judge, spec).source()


def leetcode_judge_api(settings: Settings, client: LeetCodeClient, min_interval_s: float) -> LeetCodeJudgeAPI:
    """Run/submit on `client` (SessionExpired without cookies)."""
    t = settings.testgen
    return LeetCodeJudgeAPI(client, min_interval_s=min_interval_s, poll_interval_s=t.poll_interval_s,
                            poll_timeout_s=t.poll_timeout_s)
