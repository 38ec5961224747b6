"""Shared fixtures. Docker-marked tests use a real engine and the real judge image
(`make test` builds it when missing); nothing here skips them."""

from __future__ import annotations

import contextlib
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


# Hostile submissions and their neighbours share one container per module, so the
# correct submission judged after each hostile one runs where it ran (unless the
# harness found the container unclean and had it replaced: a recycle).
NEIGHBOUR_POOLS: list[tuple[str, int, int]] = []  # (module, jobs, recycled)


@contextlib.contextmanager
def counted_judge(name: str) -> Iterator[DockerJudge]:
    """A judge on one container whose jobs and recycles the run's summary counts."""
    from judge.image import image_tag
    from judge.judging import DockerJudge
    from judge.sandbox import SandboxConfig, SandboxPool

    with SandboxPool(SandboxConfig(image=image_tag(), parallelism=1)) as pool:
        yield DockerJudge(pool)
        NEIGHBOUR_POOLS.append((name, pool.jobs, pool.recycled))


@pytest.fixture(scope="module")
def one_container_judge(request: pytest.FixtureRequest) -> Iterator[DockerJudge]:
    with counted_judge(request.module.__name__) as judge:
        yield judge


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The recycle rate of the hostile modules' containers: how often a submission
    left its container unclean enough to be replaced rather than reused."""
    if NEIGHBOUR_POOLS:
        jobs = sum(j for _, j, _ in NEIGHBOUR_POOLS)
        recycled = sum(r for _, _, r in NEIGHBOUR_POOLS)
        terminalreporter.write_line(
            f"hostile-neighbour containers: {jobs} jobs, {recycled} containers recycled "
            f"({100 * recycled / max(jobs, 1):.1f}% of jobs), in {len(NEIGHBOUR_POOLS)} pools")
