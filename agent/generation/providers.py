"""Where completions come from: an OpenAI-compatible endpoint (vLLM), or offline.

- `OpenAIProvider`: the async `openai` SDK against one or more base URLs (each
  request goes to the replica with the fewest requests in flight), bounded
  concurrency, tenacity retries on connection errors, timeouts, 429 and 5xx, and
  an immediate `GenerationConfigError` on 400/401/403/404. `check()` asks
  `GET /v1/models` and fails clearly when the model is not served.
- `MockProvider`: a built-in model for offline runs (like inspect_ai's mockllm):
  answers with the problem's reference solution, its starter code, or prose.
- `ReplayProvider`: serves stored responses (a JSONL of earlier generations), so
  a run can be reproduced and re-judged without a GPU.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import httpx
import openai
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from agent.generation.config import ModelSpec
from agent.generation.errors import (
    EndpointUnavailable,
    GenerationConfigError,
    ModelNotServed,
    RequestRejected,
)
from judge.problem import Problem
from judge.text import safe_json


@dataclass
class Completion:
    endpoint: str
    served_model: str
    content: str
    reasoning: str | None
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_ms: float
    raw: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # an answer is JSON: it may carry lone surrogates, which no UTF-8 writer
        # (database, file, terminal) accepts; every provider's text is escaped here
        self.content, self.reasoning, self.finish_reason, self.served_model, self.raw = safe_json(
            [self.content, self.reasoning, self.finish_reason, self.served_model, self.raw])


class Provider(Protocol):
    spec: ModelSpec
    model_id: str  # what the endpoint serves (resolved by check() when spec says "*")

    async def check(self) -> None: ...

    async def complete(self, messages: list[dict[str, str]], problem: Problem, attempt: int) -> Completion: ...

    async def aclose(self) -> None: ...


# ------------------------------------------------------------------- OpenAI

# A malformed body (cut JSON) is the endpoint's trouble, like a dropped connection.
_TRANSIENT = (openai.APIConnectionError, openai.APITimeoutError, openai.RateLimitError,
              openai.InternalServerError, openai.APIResponseValidationError, json.JSONDecodeError,
              EndpointUnavailable)


_REPLICA_REST_S = 5.0  # a replica that just failed gets no new requests for this long


def _reasoning_of(message: Any) -> str | None:
    extra = getattr(message, "model_extra", None) or {}
    for key in ("reasoning_content", "reasoning"):
        value = getattr(message, key, None) or extra.get(key)
        if isinstance(value, str) and value:
            return value
    return None


class OpenAIProvider:
    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        timeout = httpx.Timeout(spec.request_timeout_s, connect=10.0)
        self._clients = [
            openai.AsyncOpenAI(
                base_url=url, api_key=spec.api_key.get_secret_value(), timeout=timeout, max_retries=0,
                http_client=httpx.AsyncClient(
                    timeout=timeout,
                    limits=httpx.Limits(max_connections=spec.concurrency, max_keepalive_connections=spec.concurrency),
                ),
            )
            for url in spec.base_urls
        ]
        self._in_flight = [0] * len(self._clients)
        self._rest_until = [0.0] * len(self._clients)
        self._slots = asyncio.Semaphore(spec.concurrency)
        self.model_id = spec.model_id

    async def check(self) -> None:
        for url, client in zip(self.spec.base_urls, self._clients, strict=True):
            try:
                served = [m.id async for m in client.models.list()]
            except (openai.APIConnectionError, openai.APITimeoutError) as e:
                raise EndpointUnavailable(f"{url} is not reachable: {e}") from None
            except openai.APIStatusError as e:
                if e.status_code >= 500 or e.status_code == 429:
                    raise EndpointUnavailable(f"{url}: GET /models answered HTTP {e.status_code}") from None
                raise GenerationConfigError(f"{url}: GET /models answered HTTP {e.status_code}: {e.message}") from None
            if self.model_id == "*":
                if len(served) != 1:
                    raise ModelNotServed(url, "*", served)
                self.model_id = served[0]
            if self.model_id not in served:
                raise ModelNotServed(url, self.model_id, served)

    async def complete(self, messages: list[dict[str, str]], problem: Problem, attempt: int) -> Completion:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_TRANSIENT),
            stop=stop_after_attempt(self.spec.retries),
            wait=wait_exponential(multiplier=self.spec.retry_backoff_s, max=120) + wait_random(0, self.spec.retry_backoff_s),
            reraise=True,
        )
        async with self._slots:
            try:
                async for attempt_ in retrying:
                    with attempt_:
                        return await self._once(messages, attempt)
            except _TRANSIENT as e:
                raise EndpointUnavailable(f"{self.spec.name}: {type(e).__name__}: {e}") from None
            except openai.APIStatusError as e:  # 400/401/403/404/422: our request is wrong
                kind = RequestRejected if e.status_code in (400, 422) else GenerationConfigError
                raise kind(
                    f"{self.spec.name}: the endpoint rejected the request (HTTP {e.status_code}): {e.message}"
                ) from None
        raise AssertionError("unreachable")

    def _pick(self) -> int:
        """The replica with the fewest requests in flight, among those that did not just
        fail: a dead replica answers fastest, so least-in-flight alone sends it everything."""
        now = time.monotonic()
        up = [j for j in range(len(self._clients)) if self._rest_until[j] <= now]
        return min(up or range(len(self._clients)), key=self._in_flight.__getitem__)

    async def _once(self, messages: list[dict[str, str]], attempt: int) -> Completion:
        i = self._pick()
        self._in_flight[i] += 1
        start = time.perf_counter()
        try:
            response = await self._clients[i].chat.completions.create(
                model=self.model_id, messages=messages,  # type: ignore[arg-type]
                **self.spec.sampling.for_attempt(attempt).request_kwargs(),
            )
        except _TRANSIENT:
            if len(self._clients) > 1:
                self._rest_until[i] = time.monotonic() + _REPLICA_REST_S
            raise
        finally:
            self._in_flight[i] -= 1
        latency = (time.perf_counter() - start) * 1000
        if not response.choices:
            raise EndpointUnavailable(f"{self.spec.base_urls[i]}: response without choices")
        choice = response.choices[0]
        usage = response.usage
        return Completion(
            endpoint=self.spec.base_urls[i], served_model=response.model or self.model_id,
            content=choice.message.content or "", reasoning=_reasoning_of(choice.message),
            finish_reason=choice.finish_reason,
            prompt_tokens=usage.prompt_tokens if usage else None,
            completion_tokens=usage.completion_tokens if usage else None,
            latency_ms=latency, raw=response.model_dump(mode="json"),
        )

    async def aclose(self) -> None:
        for c in self._clients:
            await c.close()


# ------------------------------------------------------------------ offline


class MockProvider:
    """Offline model: `reference` answers with the problem's reference solution
    (Accepted when the tests are right), `starter` with the bare starter code,
    `no-code` with prose."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.model_id = spec.model_id if spec.model_id != "*" else spec.name

    async def check(self) -> None:
        return None

    async def complete(self, messages: list[dict[str, str]], problem: Problem, attempt: int) -> Completion:
        mode = self.spec.mock_mode
        if mode == "reference" and problem.reference_solution:
            content = f"Here is my solution.\n\n```python\n{problem.reference_solution.rstrip()}\n```\n"
        elif mode in ("reference", "starter"):
            content = f"```python\n{problem.starter_code.rstrip()}\n        pass\n```\n"
        else:
            content = "I am a mock model and I do not write code."
        raw = {"mock": mode, "problem": problem.slug, "attempt": attempt}
        return Completion("mock://", self.model_id, content, None, "stop",
                          sum(len(m["content"]) // 4 for m in messages), len(content) // 4, 0.0, raw)

    async def aclose(self) -> None:
        return None


class ReplayProvider:
    """Serves stored responses: JSONL lines `{"problem", "attempt", "content",
    "reasoning"?, "finish_reason"?}` (what `lcagent` exports from generations)."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.model_id = spec.model_id if spec.model_id != "*" else spec.name
        if not spec.replay_file:
            raise GenerationConfigError(f"model {spec.name}: provider 'replay' needs replay_file")
        self._responses: dict[tuple[str, int], dict] = {}
        path = Path(spec.replay_file)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as e:
            raise GenerationConfigError(f"model {spec.name}: cannot read {path}: {e.strerror}") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                self._responses[(str(row["problem"]), int(row["attempt"]))] = row
            except (ValueError, KeyError, TypeError) as e:
                raise GenerationConfigError(f"{path}:{n}: not a replay record ({e})") from None

    async def check(self) -> None:
        return None

    async def complete(self, messages: list[dict[str, str]], problem: Problem, attempt: int) -> Completion:
        row = self._responses.get((problem.slug, attempt))
        if row is None:
            raise RequestRejected(f"replay file has no response for {problem.slug} attempt {attempt}")
        return Completion("replay://" + str(self.spec.replay_file), self.model_id, str(row.get("content", "")),
                          row.get("reasoning"), row.get("finish_reason", "stop"), row.get("prompt_tokens"),
                          row.get("completion_tokens"), 0.0, {"replayed": True, **row})

    async def aclose(self) -> None:
        return None


def make_provider(spec: ModelSpec) -> Provider:
    if spec.provider == "mock":
        return MockProvider(spec)
    if spec.provider == "replay":
        return ReplayProvider(spec)
    return OpenAIProvider(spec)
