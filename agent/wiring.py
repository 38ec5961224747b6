"""Builds the long-lived objects from settings (the only place that does)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from agent.settings import Settings
from judge.image import image_tag
from judge.judging import Judge
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
    with SandboxPool(sandbox_config(settings)) as pool:
        yield Judge(pool)
