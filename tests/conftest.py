"""Shared fixtures. Docker-marked tests use a real engine and the real judge image
(`make test` builds it when missing); nothing here skips them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from judge.judging import DockerJudge
    from judge.sandbox import SandboxPool

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "leetcodedataset"
CORPUS_FILES = ("v0.3.1-test-dev.jsonl.gz", "v0.2.0-train-nodes-dev.jsonl.gz")


@pytest.fixture(scope="session")
def sandbox_pool() -> Iterator[SandboxPool]:
    from judge.image import image_tag
    from judge.sandbox import SandboxConfig, SandboxPool

    with SandboxPool(SandboxConfig(image=image_tag(), parallelism=2)) as pool:
        yield pool


@pytest.fixture(scope="session")
def judge(sandbox_pool: SandboxPool) -> DockerJudge:
    """The local Docker judge on the session's pool (not to be closed by a test)."""
    from judge.judging import DockerJudge

    return DockerJudge(sandbox_pool)


@pytest.fixture(scope="session")
def corpus_problems() -> dict:
    """Every LeetCodeDataset row of the sample, converted, by slug."""
    from agent.sources.leetcodedataset import import_file

    problems = {}
    for name in CORPUS_FILES:
        report = import_file(CORPUS / name)
        assert not report.failures, report.failures
        problems.update({p.slug: p for p in report.problems})
    return problems
