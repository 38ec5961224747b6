"""One error root: every error tree of the project derives from `LcagentError`,
and the CLI turns any of them into one line (exit 1), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent.config_sources import ConfigError
from agent.generation.errors import GenerationError
from agent.oracle import OracleError
from agent.sources.errors import SourceError
from judge.errors import JudgeError, LcagentError
from storage.errors import StorageError

LCAGENT = Path(sys.executable).with_name("lcagent")


@pytest.mark.parametrize("root", [JudgeError, StorageError, SourceError, GenerationError, OracleError, ConfigError])
def test_every_tree_derives_from_the_root(root: type[Exception]) -> None:
    assert issubclass(root, LcagentError)


def lcagent(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("LCAGENT_", "DOCKER_"))}
    return subprocess.run([str(LCAGENT), *args], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={**base, "LCAGENT_DATA_DIR": str(tmp_path), **env})


@pytest.mark.parametrize(("args", "env", "message"), [
    # StorageError, raised by the library and caught by the CLI's one handler
    (["db", "backup", "copy.db"], {"LCAGENT_DATABASE_URL": "postgresql://u@127.0.0.1:1/x"},
     "error: postgresql://u@127.0.0.1:1/x is not a SQLite file; use pg_dump"),
    # JudgeError (SandboxUnavailable): no Docker engine where DOCKER_HOST points
    (["judge-image", "show"], {"DOCKER_HOST": "unix:///nonexistent/docker.sock"},
     "error: sandbox unavailable: cannot reach the Docker engine"),
])
def test_the_cli_prints_one_line_for_any_project_error(tmp_path: Path, args: list[str], env: dict[str, str],
                                                       message: str) -> None:
    done = lcagent(args, tmp_path, **env)
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(message), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
