"""Help texts: every command and every option or argument says what it is for, and
the top-level help says what lcagent is."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import typer
from typer.testing import Result

from agent.cli import app


def commands(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every (sub)command of a click group (typer vendors its own click)."""
    for name, cmd in sorted(group.commands.items()):
        yield f"{prefix}{name}", cmd
        if hasattr(cmd, "commands"):
            yield from commands(cmd, f"{prefix}{name} ")


def test_every_command_option_and_argument_has_help() -> None:
    root = typer.main.get_command(app)
    missing = [f"lcagent --{p.name}" for p in root.params if not getattr(p, "help", None) and p.name != "help"]
    all_commands = list(commands(root))
    assert len(all_commands) > 25
    for path, cmd in all_commands:
        if not (cmd.help or "").strip():
            missing.append(f"lcagent {path} (the command)")
        for p in cmd.params:
            if p.name == "help":
                continue
            if not (getattr(p, "help", None) or "").strip():
                missing.append(f"lcagent {path} {p.opts[0]}")
    assert missing == []


def test_top_level_help_says_what_lcagent_is(run_cli: Callable[..., Result]) -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "live-contest evaluation of code models" in text
    assert "LeetCode weekly and biweekly contest" in text
    assert "vLLM" in text and "Docker sandbox" in text
    assert "parses options, calls library functions" not in text  # the module's docstring is for developers
    for command in ("eval", "run", "daemon", "status", "config"):
        assert f" {command} " in text
    assert "--version" in text and "--debug" in text
    assert run_cli("-h").stdout == result.stdout
