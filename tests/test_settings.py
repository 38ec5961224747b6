"""Strict settings: every mistake in the TOML file or an `LCAGENT_*` variable is one
`ConfigError` line naming the file (and line, column) or the variable, with the
closest known key; good settings load with each value's source known."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent.config_sources import ConfigError
from agent.settings import Settings, load_settings, load_settings_with_sources


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No LCAGENT_* variable from outside (tooling ones aside), no ./lcagent.toml."""
    import os

    for var in list(os.environ):
        if var.upper().startswith("LCAGENT_"):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def error_of(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> str:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError) as e:
        load_settings()
    message = str(e.value)
    assert "\n" not in message
    return message


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_key_in_the_file_names_file_line_and_the_close_match(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    f = write(tmp_path / "conf.toml", 'data_dir = "/tmp/x"\n\n[judge]\nparalelism = 3\n')
    assert error_of(monkeypatch, {"LCAGENT_CONFIG": str(f)}) == \
        f"{f}:4: unknown key 'judge.paralelism' (did you mean 'judge.parallelism'?)"


def test_unknown_key_in_a_model_table_suggests_the_key_one_level_down(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    f = write(tmp_path / "conf.toml", '[[models]]\nname = "m"\ntemprature = 0.5\n')
    assert error_of(monkeypatch, {"LCAGENT_CONFIG": str(f)}) == \
        f"{f}:3: unknown key 'models[0].temprature' (did you mean 'models[0].sampling.temperature'?)"


def test_the_local_file_is_strict_too(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write(tmp_path / "lcagent.toml", "sync_leetcod = false\n")
    assert error_of(monkeypatch, {}) == \
        "lcagent.toml:1: unknown key 'sync_leetcod' (did you mean 'sync_leetcode'?)"


def test_toml_syntax_error_names_file_line_and_column(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    f = write(tmp_path / "conf.toml", '[judge]\nparallelism = 2\nurl = http://judge:7000\n')
    assert error_of(monkeypatch, {"LCAGENT_CONFIG": str(f)}) == \
        f"{f}: TOML syntax error at line 3, column 7: Invalid value"


def test_a_missing_config_file_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert error_of(monkeypatch, {"LCAGENT_CONFIG": str(tmp_path / "nope.toml")}) == \
        f"LCAGENT_CONFIG names {tmp_path / 'nope.toml'}, which does not exist"
    assert error_of(monkeypatch, {"LCAGENT_CONFIG": str(tmp_path)}) == \
        f"LCAGENT_CONFIG names {tmp_path}, which is not a file"


def test_unknown_variable_names_it_and_the_close_match(monkeypatch: pytest.MonkeyPatch) -> None:
    assert error_of(monkeypatch, {"LCAGENT_JUDGE__PARALELISM": "3"}) == \
        "unknown setting LCAGENT_JUDGE__PARALELISM (did you mean LCAGENT_JUDGE__PARALLELISM?)"
    monkeypatch.delenv("LCAGENT_JUDGE__PARALELISM")
    assert error_of(monkeypatch, {"LCAGENT_DATADIR": "/x"}) == \
        "unknown setting LCAGENT_DATADIR (did you mean LCAGENT_DATA_DIR?)"
    monkeypatch.delenv("LCAGENT_DATADIR")
    assert error_of(monkeypatch, {"LCAGENT_JUDGE__TOKEN__X": "1"}) == \
        "unknown setting LCAGENT_JUDGE__TOKEN__X (LCAGENT_JUDGE__TOKEN is not a group of settings)"


def test_json_syntax_error_in_a_variable_names_it_line_and_column(monkeypatch: pytest.MonkeyPatch) -> None:
    assert error_of(monkeypatch, {"LCAGENT_MODELS": '[{"name": "m",}]'}) == \
        "LCAGENT_MODELS: JSON syntax error at line 1, column 15: Expecting property name enclosed in double quotes"


def test_unknown_key_inside_a_json_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert error_of(monkeypatch, {"LCAGENT_MODELS": json.dumps([{"name": "m", "atempts": 2}])}) == \
        "LCAGENT_MODELS: unknown key 'models[0].atempts' (did you mean 'models[0].attempts'?)"
    monkeypatch.delenv("LCAGENT_MODELS")
    assert error_of(monkeypatch, {"LCAGENT_JUDGE": '{"tokn": "x"}'}) == \
        "LCAGENT_JUDGE: unknown key 'judge.tokn' (did you mean 'judge.token'?)"


def test_a_bad_value_names_the_variable_or_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert error_of(monkeypatch, {"LCAGENT_JUDGE__PARALLELISM": "0"}) == \
        "LCAGENT_JUDGE__PARALLELISM: judge.parallelism: Input should be greater than or equal to 1 (got '0')"
    monkeypatch.delenv("LCAGENT_JUDGE__PARALLELISM")
    f = write(tmp_path / "conf.toml", "[[models]]\nname = \"m\"\nattempts = 0\n")
    assert error_of(monkeypatch, {"LCAGENT_CONFIG": str(f)}) == \
        f"{f}: models[0].attempts: Input should be greater than or equal to 1 (got 0)"


def test_tooling_variables_are_not_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCAGENT_TEST_POSTGRES_URL", "postgresql://x")
    monkeypatch.setenv("LCAGENT_PG_PORT", "5432")
    assert load_settings().sync_leetcode is True


def test_sources_file_then_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    f = write(tmp_path / "conf.toml", '[judge]\nparallelism = 3\ntoken = "from-file"\n'
                                      '[[models]]\nname = "m"\ntraining_cutoff = 2025-03-31\n')
    monkeypatch.setenv("LCAGENT_CONFIG", str(f))
    monkeypatch.setenv("LCAGENT_JUDGE__TOKEN", "from-env")
    monkeypatch.setenv("lcagent_sync_leetcode", "false")  # names are case-insensitive, as pydantic reads them
    settings, layers = load_settings_with_sources()
    assert settings.judge.parallelism == 3 and settings.judge.token is not None
    assert settings.judge.token.get_secret_value() == "from-env"
    assert settings.sync_leetcode is False
    assert str(settings.models[0].training_cutoff) == "2025-03-31"
    assert layers.source(("judge", "parallelism")) == str(f)
    assert layers.source(("judge", "token")) == "LCAGENT_JUDGE__TOKEN"
    assert layers.source(("sync_leetcode",)) == "lcagent_sync_leetcode"
    assert layers.source(("models", 0, "attempts")) == str(f)
    assert layers.source(("judge", "recycle_after")) == "default"


def test_arguments_are_strict_as_well() -> None:
    with pytest.raises(ConfigError, match=r"unknown setting 'judge.paralelism' \(did you mean 'judge.parallelism'\?\)"):
        load_settings(judge={"paralelism": 2})
    with pytest.raises(ConfigError, match=r"an argument: pipeline\.max_tries"):
        load_settings(pipeline={"max_tries": 0})


def test_settings_built_directly_read_the_file_strictly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write(tmp_path / "lcagent.toml", "[judge]\nparallelism = 5\n")
    assert Settings().judge.parallelism == 5
    write(tmp_path / "lcagent.toml", "[judge]\nparallelism = \n")
    with pytest.raises(ConfigError, match="TOML syntax error at line 2"):
        Settings()
