"""Model configurations: what to ask, where, how, and how often.

In the settings file (TOML):

    [[models]]
    name = "qwen3-4b"
    served_id = "Qwen/Qwen3-4B"
    base_urls = ["http://localhost:8000/v1"]
    training_cutoff = 2025-03-31
    attempts = 4
    [models.sampling]
    temperature = 1.0
    top_p = 0.95
    top_k = -1            # vLLM extras go to extra_body
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

DEFAULT_ENDPOINT = "http://localhost:8000/v1"


class Sampling(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None  # vLLM extension, sent in extra_body
    max_tokens: int | None = None  # None: up to the model's maximum length
    seed: int | None = None  # attempt n (from 1) sends seed + n - 1: k attempts are k samples
    stop: list[str] | None = None  # no default stop: "###" truncates reasoning models
    extra_body: dict[str, Any] = Field(default_factory=dict)  # min_p, repetition_penalty, ...

    def for_attempt(self, attempt: int) -> Sampling:
        """The parameters attempt `attempt` (from 1) sends. With one seed for all,
        vLLM would return the same sample k times; so each attempt gets its own,
        the first the configured one (a one-attempt run reproduces as before)."""
        if self.seed is None:
            return self
        return self.model_copy(update={"seed": self.seed + attempt - 1})

    def request_kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {k: v for k, v in (("temperature", self.temperature), ("top_p", self.top_p),
                                                 ("max_tokens", self.max_tokens), ("seed", self.seed),
                                                 ("stop", self.stop)) if v is not None}
        extra = dict(self.extra_body)
        if self.top_k is not None:
            extra["top_k"] = self.top_k
        if extra:
            kw["extra_body"] = extra
        return kw


class PromptOverride(BaseModel):
    """A per-model template: `{statement}` and `{starter_code}` are filled in."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    system: str | None = None
    user: str


class ModelSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    provider: Literal["openai", "mock", "replay"] = "openai"
    served_id: str = ""  # the id the endpoint serves; "" = name; "*" = the one it serves
    base_urls: list[str] = Field(default_factory=lambda: [DEFAULT_ENDPOINT], min_length=1)
    api_key: SecretStr = SecretStr("EMPTY")
    sampling: Sampling = Sampling()
    attempts: int = Field(default=1, ge=1)
    prompt_template: str = "lcb-v1"
    system_role: bool = True  # False: the system line goes into the user message
    prompt_override: PromptOverride | None = None
    training_cutoff: date | None = None
    concurrency: int = Field(default=64, ge=1)
    request_timeout_s: float = Field(default=3600.0, gt=0)  # long reasoning takes long
    retries: int = Field(default=6, ge=1)
    retry_backoff_s: float = Field(default=2.0, ge=0)
    mock_mode: Literal["reference", "starter", "no-code"] = "reference"
    replay_file: str | None = None

    @property
    def model_id(self) -> str:
        return self.served_id or self.name
