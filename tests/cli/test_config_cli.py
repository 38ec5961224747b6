"""Configuration mistakes at the command line: one line on standard error, exit 2,
no traceback (`--debug` shows it), nothing stored; `lcagent config show` says
where every value came from with the secrets masked; `lcagent --version`."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import Result

from agent.config_sources import ConfigError

from .conftest import clean_env, lines

LCAGENT = str(Path(sys.executable).parent / "lcagent")


def one_line_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    got = lines(result.stderr)
    assert len(got) == 1, got
    return got[0]


@pytest.mark.parametrize(("env", "file_text", "expected"), [
    ({"LCAGENT_JUDGE__PARALELISM": "2"}, None,
     "error: configuration: unknown setting LCAGENT_JUDGE__PARALELISM (did you mean LCAGENT_JUDGE__PARALLELISM?)"),
    ({"LCAGENT_MODELS": '[{"name": "m"'}, None,
     "error: configuration: LCAGENT_MODELS: JSON syntax error at line 1, column 14: Expecting ',' delimiter"),
    ({}, "[submit]\nenabled = yes\n",
     "error: configuration: {file}: TOML syntax error at line 2, column 11: Invalid value"),
    ({}, "[leetcode]\nsesion = 'abc'\n",
     "error: configuration: {file}:2: unknown key 'leetcode.sesion' (did you mean 'leetcode.session'?)"),
    ({"LCAGENT_CONFIG": "{dir}/missing.toml"}, None,
     "error: configuration: LCAGENT_CONFIG names {dir}/missing.toml, which does not exist"),
    ({"LCAGENT_PIPELINE__MAX_TRIES": "many"}, None,
     "error: configuration: LCAGENT_PIPELINE__MAX_TRIES: pipeline.max_tries: Input should be a valid integer, "
     "unable to parse string as an integer (got 'many')"),
], ids=["unknown-var", "json", "toml-syntax", "unknown-key", "missing-file", "bad-value"])
def test_each_mistake_is_one_line_and_nothing_is_stored(run_cli: Callable[..., Result], tmp_path: Path,
                                                        env: dict, file_text: str | None, expected: str) -> None:
    env = {k: v.replace("{dir}", str(tmp_path)) for k, v in env.items()}
    file = tmp_path / "conf.toml"
    if file_text is not None:
        file.write_text(file_text, encoding="utf-8")
        env["LCAGENT_CONFIG"] = str(file)
    for command in (["status"], ["run", "--no-sync"], ["config", "show"]):
        result = run_cli(*command, env=env)
        assert one_line_error(result) == expected.replace("{file}", str(file)).replace("{dir}", str(tmp_path)), command
    assert not (tmp_path / "data").exists()  # no database was created


def test_debug_shows_the_traceback(run_cli: Callable[..., Result]) -> None:
    result = run_cli("--debug", "status", env={"LCAGENT_SYNC_LEETCOD": "false"})
    assert result.exit_code != 0
    assert isinstance(result.exception, ConfigError)
    assert "LCAGENT_SYNC_LEETCOD" in str(result.exception)


def test_debug_shows_the_traceback_in_a_real_process(tmp_path: Path) -> None:
    env = clean_env({"LCAGENT_SYNC_LEETCOD": "false", "LCAGENT_DATA_DIR": str(tmp_path / "data")})
    plain = subprocess.run([LCAGENT, "status"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert plain.returncode == 2
    assert lines(plain.stderr) == ["error: configuration: unknown setting LCAGENT_SYNC_LEETCOD "
                                   "(did you mean LCAGENT_SYNC_LEETCODE?)"]
    debug = subprocess.run([LCAGENT, "--debug", "status"], env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=60)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr and "ConfigError" in debug.stderr


def test_an_unreachable_database_is_one_line(run_cli: Callable[..., Result]) -> None:
    result = run_cli("status", env={"LCAGENT_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    line = one_line_error(result)
    assert line.startswith("error: the results database: ") and "127.0.0.1" in line, line
    assert line.endswith("(--debug shows the traceback)")


def test_config_show_names_every_source_and_masks_secrets(run_cli: Callable[..., Result], tmp_path: Path) -> None:
    file = tmp_path / "lcagent.toml"  # found in the working directory
    file.write_text('[judge]\nparallelism = 3\n[leetcode]\nsession = "cookie-secret"\n'
                    '[[models]]\nname = "qwen"\napi_key = "key-secret"\nbase_urls = ["http://gpu1:8000/v1"]\n',
                    encoding="utf-8")
    env = {"LCAGENT_JUDGE__TOKEN": "token-secret", "LCAGENT_SYNC_LEETCODE": "false",
           "LCAGENT_DATABASE_URL": "postgresql+psycopg://lc:db-secret@db/lcagent"}
    result = run_cli("config", "show", env=env)
    assert result.exit_code == 0, result.output
    for secret in ("cookie-secret", "key-secret", "token-secret", "db-secret"):
        assert secret not in result.output
    rows = {line.split(" = ", 1)[0]: line for line in result.stdout.splitlines() if " = " in line}
    assert rows["judge.parallelism"].split() == ["judge.parallelism", "=", "3", "#", "lcagent.toml"]
    assert rows["judge.token"].split() == ["judge.token", "=", "********", "#", "LCAGENT_JUDGE__TOKEN"]
    assert rows["leetcode.session"].split() == ["leetcode.session", "=", "********", "#", "lcagent.toml"]
    assert rows["sync_leetcode"].split() == ["sync_leetcode", "=", "false", "#", "LCAGENT_SYNC_LEETCODE"]
    assert rows["judge.recycle_after"].split() == ["judge.recycle_after", "=", "1000", "#", "default"]
    assert rows["models[0].api_key"].split()[2] == "********"
    assert rows["database_url"].split()[2] == '"postgresql+psycopg://lc:********@db/lcagent"'
    assert rows["data_dir"].split()[-1] == "LCAGENT_DATA_DIR"

    as_json = json.loads(run_cli("config", "show", "--format", "json", env=env).stdout)
    by_key = {r["key"]: r for r in as_json["settings"]}
    assert as_json["config_file"] == "lcagent.toml"
    assert by_key["models[0].base_urls"] == {"key": "models[0].base_urls", "value": '["http://gpu1:8000/v1"]',
                                             "source": "lcagent.toml"}
    assert "secret" not in json.dumps(as_json)


def test_version(run_cli: Callable[..., Result]) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"lcagent {version('lcagent')}\n"
