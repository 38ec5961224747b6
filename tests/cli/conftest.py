"""CLI tests: `lcagent` through typer's CliRunner (or a subprocess) with a clean
environment: no LCAGENT_* variable from outside, the test's directory as the
working directory (so no ./lcagent.toml is read by accident)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from agent.cli import app
from tests.pipeline.conftest import lcagent_procs  # noqa: F401  (the fixture: processes a test starts)


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("LCAGENT_")}
    env.update({"COLUMNS": "200", "PYTHONUNBUFFERED": "1"})
    env.update(extra or {})
    return env


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """`lcagent ARGS` in-process; settings from `env` only (LCAGENT_DATA_DIR under the test's directory)."""
    for var in list(os.environ):
        if var.upper().startswith("LCAGENT_"):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)

    def go(*args: str, env: dict[str, str] | None = None) -> Result:
        full = {"LCAGENT_DATA_DIR": str(tmp_path / "data"), "LCAGENT_CACHE_DIR": str(tmp_path / "cache"),
                "COLUMNS": "200", **(env or {})}
        return CliRunner().invoke(app, list(args), env=full)

    return go


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]
