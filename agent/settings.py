"""The one settings object: defaults, then an optional TOML file, then `LCAGENT_*`
environment variables (nested with `__`, e.g. `LCAGENT_JUDGE__PARALLELISM=4`).

Built once by the CLI and passed down; nothing else reads the environment.
The TOML file is `$LCAGENT_CONFIG` (an error when it does not exist), else
`./lcagent.toml` when present. Strict: an unknown key in the file or an unknown
`LCAGENT_*` variable is an error, and every mistake is a one-line `ConfigError`
naming the file (line, column) or the variable (see `agent.config_sources`).
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from agent.config_sources import ConfigError, Layers, explain, read_file, read_layers
from agent.config_sources import config_path as config_path
from agent.generation.config import ModelSpec
from judge.constants import DEFAULT_SITE

__all__ = ["ConfigError", "Settings", "config_path", "load_settings", "load_settings_with_sources"]
_STRICT = ConfigDict(extra="forbid")
_FILE_DATA: ContextVar[dict[str, Any] | None] = ContextVar("lcagent_file_data", default=None)


def _xdg(var: str, fallback: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / fallback) / "lcagent"


class JudgeSettings(BaseModel):
    model_config = _STRICT
    image: str | None = None  # default: the content-versioned tag of this code's harness
    parallelism: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1), ge=1)
    # container memory beyond a job's limit and what the harness measured it holds:
    # the interpreter's file pages, the kernel's per-process memory
    memory_slack_mb: int = Field(default=16, ge=8)
    cpus_per_container: float = Field(default=1.0, gt=0)
    recycle_after: int = Field(default=1000, ge=1)
    debian_mirror: str = "http://deb.debian.org/debian"
    url: str | None = None  # a judge service (`lcagent judge-server`) instead of a local Docker engine
    token: SecretStr | None = None  # bearer token shared with the judge service


class LeetCodeSettings(BaseModel):
    model_config = _STRICT
    site: str = DEFAULT_SITE  # or "leetcode.cn"
    language: Literal["en", "zh"] = "en"  # the statement's language; leetcode.cn serves both
    base_url: str | None = None  # default https://<site>; tests point it at a fake server
    session: SecretStr | None = None  # LEETCODE_SESSION cookie, optional
    csrftoken: SecretStr | None = None
    min_interval_s: float = Field(default=1.0, ge=0)
    attempts: int = Field(default=5, ge=1)
    backoff_s: float = Field(default=2.0, ge=0)


class TestgenSettings(BaseModel):
    """Hidden tests for live problems: generated inputs, expected outputs from an oracle."""

    model_config = _STRICT

    oracle: Literal["leetcode", "reference", "community"] | None = None  # none: problems stay on their tests
    sources: list[str] = ["leetcode"]  # problems of these sources get hidden tests in every cycle
    count: int = Field(default=40, ge=1)  # inputs generated per problem
    seed: int = 0  # the input generator's seed (the same inputs every time)
    max_input_bytes: int = Field(default=2_000_000, ge=1000)
    batch_size: int = Field(default=10, ge=1)  # inputs per LeetCode "Run code"
    batch_bytes: int = Field(default=500_000, ge=1000)
    min_interval_s: float = Field(default=5.0, ge=0)  # between LeetCode runs or submits
    poll_interval_s: float = Field(default=1.0, ge=0)
    poll_timeout_s: float = Field(default=120.0, gt=0)
    backoff_s: float = Field(default=300.0, ge=0)  # an unavailable oracle: the problem waits, doubling
    # a model that writes input generators for the problems the constraint parser
    # refuses (agent/oracle/model_inputs.py); unset: those problems keep their tests
    generator: ModelSpec | None = None
    # the community oracle (no login): K independent posts must agree; how many posts
    # are read; how long after a problem's release it waits for enough posts
    community_k: int = Field(default=3, ge=1)
    community_posts: int = Field(default=20, ge=1)
    community_wait_h: float = Field(default=72.0, ge=0)
    # a second oracle that answers a sample of each problem's inputs too, to report
    # the two oracles' agreement (it changes no test)
    cross_check: Literal["leetcode", "reference", "community"] | None = None
    cross_check_sample: int = Field(default=5, ge=1)


class SubmitSettings(BaseModel):
    """The LeetCode submit backend: LeetCode's own verdict on first attempts."""

    model_config = _STRICT

    enabled: bool = False  # the daemon and `lcagent run` submit after judging
    attempts: int = Field(default=1, ge=1)  # units with attempt <= this are submitted
    daily_cap: int = Field(default=50, ge=0)  # submissions per UTC day, all models together
    min_interval_s: float = Field(default=15.0, ge=0)


class PipelineSettings(BaseModel):
    model_config = _STRICT
    sources: list[str] = ["leetcode", "pack"]  # problems of these sources get units
    max_tries: int = Field(default=5, ge=1)  # infrastructure failures before "failed"
    backoff_s: float = Field(default=30.0, ge=0)
    judge_parallelism: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1), ge=1)


class DaemonSettings(BaseModel):
    model_config = _STRICT
    timezone: str = "UTC"
    sync_delay_minutes: float = Field(default=15.0, ge=0)  # after a contest ends
    catchup_minutes: float = Field(default=60.0, gt=0)
    process_interval_s: float = Field(default=60.0, gt=0)
    shutdown_grace_s: float = Field(default=60.0, ge=0)
    misfire_grace_s: int = Field(default=3600, ge=1)
    report_cron: str = "0 6 * * mon"  # the weekly report: Mondays 06:00


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LCAGENT_", env_nested_delimiter="__", extra="forbid")

    data_dir: Path = Field(default_factory=lambda: _xdg("XDG_DATA_HOME", ".local/share"))
    cache_dir: Path = Field(default_factory=lambda: _xdg("XDG_CACHE_HOME", ".cache"))
    database_url: str | None = None  # default: SQLite file `lcagent.sqlite3` in data_dir
    judge: JudgeSettings = JudgeSettings()
    leetcode: LeetCodeSettings = LeetCodeSettings()
    sync_leetcode: bool = True  # the daemon and `lcagent run` look for new contests
    models: list[ModelSpec] = []  # none: the one model the local vLLM serves
    pipeline: PipelineSettings = PipelineSettings()
    daemon: DaemonSettings = DaemonSettings()
    testgen: TestgenSettings = TestgenSettings()
    submit: SubmitSettings = SubmitSettings()

    def model_specs(self) -> list[ModelSpec]:
        return self.models or [ModelSpec(name="local", served_id="*")]

    def db_url(self) -> str:
        from storage.engine import default_url

        return self.database_url or default_url(self.data_dir)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        data = _FILE_DATA.get()
        if data is None:  # built directly, not by load_settings: read the file here
            path = config_path()
            data = read_file(settings_cls, path)[0] if path else {}
        return (init_settings, env_settings, InitSettingsSource(settings_cls, init_kwargs=data))


def load_settings_with_sources(**overrides: Any) -> tuple[Settings, Layers]:
    """The settings, and which layer (default, file, variable, argument) set each
    value. Raises ConfigError (one line) on any configuration mistake."""
    layers = read_layers(Settings, overrides=overrides)
    token = _FILE_DATA.set(layers.file_data)
    try:
        return Settings(**overrides), layers
    except ValidationError as e:
        raise ConfigError(explain(e, layers)) from None
    finally:
        _FILE_DATA.reset(token)


def load_settings(**overrides: Any) -> Settings:
    return load_settings_with_sources(**overrides)[0]
