"""Providers against the fake OpenAI-compatible server (real HTTP on 127.0.0.1):
the model check, what a completion carries, what reaches the server, retries under
faults, configuration errors, replicas, the concurrency bound; and the offline
providers (mock, replay)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from agent.generation.config import ModelSpec, Sampling
from agent.generation.errors import (
    EndpointUnavailable,
    GenerationConfigError,
    GenerationError,
    ModelNotServed,
)
from agent.generation.extract import extract
from agent.generation.prompts import render, template_for
from agent.generation.providers import (
    Completion,
    MockProvider,
    OpenAIProvider,
    ReplayProvider,
    make_provider,
)
from judge.problem import Problem
from tests.fakes.openai_server import Reply, echo_responder
from tests.support import function_problem

from .conftest import RecordingFake, closed_port_url, run

pytestmark = pytest.mark.integration

MakeFake = Callable[..., RecordingFake]
REFERENCE = "class Solution:\n    def add(self, a: int, b: int) -> int:\n        return a + b\n"


def add_problem(slug: str = "add-two") -> Problem:
    p = function_problem("add", [("a", "integer"), ("b", "integer")], "integer", [("1\n2", 3)], slug=slug)
    return p.model_copy(update={
        "statement": "Return a + b.",
        "starter_code": "class Solution:\n    def add(self, a: int, b: int) -> int:\n        ",
        "reference_solution": REFERENCE,
    })


PROBLEM = add_problem()
MESSAGES = render(template_for(ModelSpec(name="m")), PROBLEM)


def spec_for(*urls: str, **kw: Any) -> ModelSpec:
    opts: dict[str, Any] = {"name": "m", "served_id": "fake-model", "base_urls": list(urls),
                            "retries": 3, "retry_backoff_s": 0.0, "request_timeout_s": 10.0}
    opts.update(kw)
    return ModelSpec(**opts)


async def _with(spec: ModelSpec, job: Callable[[OpenAIProvider], Any]) -> Any:
    provider = OpenAIProvider(spec)
    try:
        return await job(provider)
    finally:
        await provider.aclose()


def complete_once(spec: ModelSpec, messages: list[dict[str, str]] = MESSAGES) -> Completion:
    return run(_with(spec, lambda p: p.complete(messages, PROBLEM, 1)))


def complete_many(spec: ModelSpec, n: int, check: bool = False,
                  before: Callable[[], None] | None = None) -> list[Completion | BaseException]:
    async def job(p: OpenAIProvider) -> list[Completion | BaseException]:
        if check:
            await p.check()
        if before:
            before()
        return await asyncio.gather(*(p.complete([{"role": "user", "content": f"q{i}"}], PROBLEM, 1)
                                      for i in range(n)), return_exceptions=True)
    return run(_with(spec, job))


# ---------------------------------------------------------------------- check


def test_check_ok(fake_openai: RecordingFake) -> None:
    async def job(p: OpenAIProvider) -> str:
        await p.check()
        return p.model_id
    assert run(_with(spec_for(fake_openai.base_url), job)) == "fake-model"
    assert fake_openai.requests == 0  # GET /v1/models is not a chat request


def test_check_model_not_served_lists_served_ids(make_fake: MakeFake) -> None:
    fake = make_fake(models=["org/alpha", "org/beta"])
    with pytest.raises(ModelNotServed) as info:
        run(_with(spec_for(fake.base_url, served_id="org/gamma"), lambda p: p.check()))
    e = info.value
    assert isinstance(e, GenerationConfigError) and isinstance(e, ValueError)
    assert str(e) == f"{fake.base_url} does not serve model 'org/gamma' (it serves: org/alpha, org/beta)"
    assert (e.endpoint, e.model, e.served) == (fake.base_url, "org/gamma", ["org/alpha", "org/beta"])


def test_check_model_id_defaults_to_the_name(make_fake: MakeFake) -> None:
    fake = make_fake(models=["m"])
    assert run(_with(spec_for(fake.base_url, served_id=""), lambda p: p.check())) is None
    with pytest.raises(ModelNotServed, match="does not serve model 'other'"):
        run(_with(spec_for(fake.base_url, name="other", served_id=""), lambda p: p.check()))


def test_check_star_resolves_the_single_served_model(make_fake: MakeFake) -> None:
    fake = make_fake(models=["Qwen/Qwen3-4B"])

    async def job(p: OpenAIProvider) -> Completion:
        await p.check()
        assert p.model_id == "Qwen/Qwen3-4B"
        return await p.complete(MESSAGES, PROBLEM, 1)
    c = run(_with(spec_for(fake.base_url, served_id="*"), job))
    assert c.served_model == "Qwen/Qwen3-4B"
    assert fake.bodies[0]["model"] == "Qwen/Qwen3-4B"


@pytest.mark.parametrize("served", [["a", "b"], []])
def test_check_star_fails_unless_exactly_one_model(make_fake: MakeFake, served: list[str]) -> None:
    fake = make_fake(models=served)
    with pytest.raises(ModelNotServed) as info:
        run(_with(spec_for(fake.base_url, served_id="*"), lambda p: p.check()))
    listing = ", ".join(served) or "nothing"
    assert str(info.value) == f"{fake.base_url} does not serve exactly one model (it serves: {listing})"


def test_check_every_replica(make_fake: MakeFake) -> None:
    a, b = make_fake(models=["fake-model"]), make_fake(models=["other"])
    with pytest.raises(ModelNotServed, match=b.base_url.replace(".", r"\.")):
        run(_with(spec_for(a.base_url, b.base_url), lambda p: p.check()))


def test_check_endpoint_down() -> None:
    url = closed_port_url()
    with pytest.raises(EndpointUnavailable, match=f"{url} is not reachable"):
        run(_with(spec_for(url), lambda p: p.check()))


# ------------------------------------------------------------------ complete


def test_complete_returns_everything(make_fake: MakeFake) -> None:
    fake = make_fake(latency_s=0.05, responder=lambda body: Reply(
        content="```python\nprint(1)\n```", reasoning="Let me think.", finish_reason="length",
        completion_tokens=1234))
    c = complete_once(spec_for(fake.base_url))
    assert c.content == "```python\nprint(1)\n```"
    assert c.reasoning == "Let me think."
    assert c.finish_reason == "length"
    assert c.completion_tokens == 1234
    assert c.prompt_tokens is not None and c.prompt_tokens > 10
    assert c.latency_ms >= 50
    assert c.endpoint == fake.base_url and c.served_model == "fake-model"
    assert c.raw["choices"][0]["message"]["reasoning_content"] == "Let me think."
    assert c.raw["usage"]["completion_tokens"] == 1234
    assert c.raw["object"] == "chat.completion"
    json.dumps(c.raw)  # storable as JSON


def test_complete_without_reasoning(fake_openai: RecordingFake) -> None:
    c = complete_once(spec_for(fake_openai.base_url))
    assert c.content.startswith("You said: ### Question:")
    assert c.reasoning is None and c.finish_reason == "stop"


def test_messages_and_sampling_reach_the_server(fake_openai: RecordingFake) -> None:
    sampling = Sampling(temperature=1.0, top_p=0.95, top_k=-1, max_tokens=30000, seed=7, stop=["</answer>"],
                        extra_body={"min_p": 0.05, "repetition_penalty": 1.1})
    complete_once(spec_for(fake_openai.base_url, sampling=sampling))
    (body,) = fake_openai.bodies
    assert body["model"] == "fake-model"
    assert body["messages"] == MESSAGES
    expected = {"temperature": 1.0, "top_p": 0.95, "top_k": -1, "max_tokens": 30000, "seed": 7,
                "stop": ["</answer>"], "min_p": 0.05, "repetition_penalty": 1.1}
    assert {k: body.get(k) for k in expected} == expected


def test_each_attempt_sends_its_own_seed(fake_openai: RecordingFake) -> None:
    """One seed for every attempt would make vLLM return one sample k times."""
    spec = spec_for(fake_openai.base_url, sampling=Sampling(seed=7, temperature=1.0))
    run(_with(spec, lambda p: asyncio.gather(*(p.complete(MESSAGES, PROBLEM, a) for a in (1, 2, 3)))))
    assert sorted(b["seed"] for b in fake_openai.bodies) == [7, 8, 9]
    assert Sampling(seed=None).for_attempt(5).seed is None


def test_default_sampling_sends_no_stop_and_no_token_cap(fake_openai: RecordingFake) -> None:
    complete_once(spec_for(fake_openai.base_url))
    (body,) = fake_openai.bodies
    assert not {"stop", "max_tokens", "temperature", "top_k", "seed"} & set(body)


# ------------------------------------------------------------------- faults


@pytest.mark.parametrize("fault", ["500", "429", "drop", "malformed"])
def test_retries_survive_transient_faults(fake_openai: RecordingFake, fault: str) -> None:
    fake_openai.add_faults(fault, fault)
    c = complete_once(spec_for(fake_openai.base_url, retries=3))
    assert c.content.startswith("You said:")
    assert fake_openai.requests == 3 and fake_openai.completed == 1
    # a malformed answer was computed (paid for) but could not be read; other faults come first
    assert len(fake_openai.bodies) == (3 if fault == "malformed" else 1)


def test_retries_survive_a_hang(make_fake: MakeFake) -> None:
    fake = make_fake(hang_s=1.5)
    fake.add_faults("hang")
    c = complete_once(spec_for(fake.base_url, retries=2, request_timeout_s=0.4))
    assert c.content.startswith("You said:")
    assert fake.requests == 2


def test_retries_survive_mixed_faults(fake_openai: RecordingFake) -> None:
    fake_openai.add_faults("500", "drop", "429", "malformed", "500")
    c = complete_once(spec_for(fake_openai.base_url, retries=6))
    assert c.content.startswith("You said:") and fake_openai.requests == 6


@pytest.mark.parametrize("fault", ["500", "429", "drop", "malformed"])
def test_gives_up_after_retries_with_endpoint_unavailable(fake_openai: RecordingFake, fault: str) -> None:
    fake_openai.add_faults(*[fault] * 10)
    with pytest.raises(EndpointUnavailable, match=r"^m: "):
        complete_once(spec_for(fake_openai.base_url, retries=4))
    assert fake_openai.requests == 4
    assert fake_openai.completed == 0


def test_gives_up_on_hangs(make_fake: MakeFake) -> None:
    fake = make_fake(hang_s=1.0)
    fake.add_faults("hang", "hang")
    with pytest.raises(EndpointUnavailable, match="Timeout"):
        complete_once(spec_for(fake.base_url, retries=2, request_timeout_s=0.3))
    assert fake.requests == 2


def test_endpoint_down_during_complete() -> None:
    with pytest.raises(EndpointUnavailable, match="APIConnectionError"):
        complete_once(spec_for(closed_port_url(), retries=2))


def test_400_stops_at_once(fake_openai: RecordingFake) -> None:
    fake_openai.add_faults("400", "400", "400")
    with pytest.raises(GenerationConfigError) as info:
        complete_once(spec_for(fake_openai.base_url, retries=5))
    assert not isinstance(info.value, EndpointUnavailable)
    assert "HTTP 400" in str(info.value) and "injected fault 400" in str(info.value)
    assert str(info.value).startswith("m: the endpoint rejected the request")
    assert fake_openai.requests == 1


def test_model_unknown_to_the_server_is_a_config_error(fake_openai: RecordingFake) -> None:
    with pytest.raises(GenerationConfigError, match="HTTP 404") as info:
        complete_once(spec_for(fake_openai.base_url, served_id="gone", retries=5))
    assert "gone" in str(info.value)
    assert fake_openai.requests == 1


def test_response_without_choices_is_retried(fake_openai: RecordingFake) -> None:
    original = fake_openai._completion
    calls = {"n": 0}

    def first_empty(body: dict) -> dict:
        payload = original(body)
        calls["n"] += 1
        if calls["n"] == 1:
            payload["choices"] = []
        return payload

    fake_openai._completion = first_empty  # type: ignore[method-assign]
    assert complete_once(spec_for(fake_openai.base_url, retries=2)).content.startswith("You said:")
    assert fake_openai.requests == 2


# ---------------------------------------------------------------- replicas


def test_requests_spread_across_replicas(make_fake: MakeFake) -> None:
    a, b = make_fake(latency_s=0.2), make_fake(latency_s=0.2)
    results = complete_many(spec_for(a.base_url, b.base_url, concurrency=8), 24, check=True)
    assert all(isinstance(r, Completion) for r in results), results
    by_endpoint = Counter(r.endpoint for r in results if isinstance(r, Completion))
    assert by_endpoint == {a.base_url: a.completed, b.base_url: b.completed}
    assert a.completed + b.completed == 24
    assert min(a.completed, b.completed) >= 8, by_endpoint


def test_a_replica_that_goes_down_does_not_fail_the_requests(make_fake: MakeFake) -> None:
    # both replicas pass the start check; then one dies. The other can serve everything,
    # so no request may fail (retries must not keep picking the dead replica).
    a, b = make_fake(latency_s=0.05), make_fake(latency_s=0.05)
    results = complete_many(spec_for(a.base_url, b.base_url, concurrency=4, retries=3), 12, check=True,
                            before=b.stop)
    failures = [r for r in results if not isinstance(r, Completion)]
    assert not failures, f"{len(failures)} of 12 failed: {failures[:1]}"
    # (a keep-alive connection opened by the check may still reach b's handler thread)
    assert a.completed + b.completed == 12


# ------------------------------------------------------------- concurrency


def test_concurrency_bound_is_filled_and_never_exceeded(make_fake: MakeFake) -> None:
    # each answer waits until 8 requests are being served together (deterministic on a
    # loaded machine): the agent must have 8 in flight, and never more
    rounds = threading.Barrier(8, timeout=10)

    def respond(body: dict) -> Reply:
        rounds.wait()
        return echo_responder(body)

    fake = make_fake(latency_s=0.02, capacity=64, responder=respond)
    results = complete_many(spec_for(fake.base_url, concurrency=8, retries=1), 40)
    assert all(isinstance(r, Completion) for r in results)
    assert fake.completed == 40
    assert fake.max_open == 8
    assert fake.max_in_flight == 8


def test_concurrency_holds_while_retrying(make_fake: MakeFake) -> None:
    fake = make_fake(latency_s=0.05)
    fake.add_faults(*["500", "drop", "429", "malformed"] * 5)
    # more retries than faults: whatever the interleaving, every request gets through
    results = complete_many(spec_for(fake.base_url, concurrency=4, retries=21), 20)
    assert all(isinstance(r, Completion) for r in results), results
    assert fake.max_open <= 4
    assert fake.completed == 20


# ------------------------------------------------------------------ offline


def offline_spec(provider: str, **kw: Any) -> ModelSpec:
    return ModelSpec(name="offline", provider=provider, served_id="*", **kw)  # type: ignore[arg-type]


def test_make_provider_dispatch(tmp_path: Path) -> None:
    replay = tmp_path / "r.jsonl"
    replay.write_text("")
    assert isinstance(make_provider(offline_spec("mock")), MockProvider)
    assert isinstance(make_provider(offline_spec("replay", replay_file=str(replay))), ReplayProvider)
    assert isinstance(make_provider(ModelSpec(name="x")), OpenAIProvider)


@pytest.mark.parametrize(("mode", "outcome"), [("reference", "code"), ("starter", "code"), ("no-code", "no code")])
def test_mock_provider_modes(mode: str, outcome: str) -> None:
    provider = MockProvider(offline_spec("mock", mock_mode=mode))
    assert provider.model_id == "offline"

    async def job() -> Completion:
        await provider.check()
        c = await provider.complete(MESSAGES, PROBLEM, 3)
        await provider.aclose()
        return c
    c = run(job())
    assert c.finish_reason == "stop" and c.endpoint == "mock://"
    assert c.raw == {"mock": mode, "problem": PROBLEM.slug, "attempt": 3}
    assert c.prompt_tokens and c.prompt_tokens > 0
    ex = extract(c.content, c.reasoning, c.finish_reason, "Solution", "add")
    assert ex.outcome == outcome
    if mode == "reference":
        assert ex.code == REFERENCE
    if mode == "starter":
        assert ex.code is not None and "def add(" in ex.code and "pass" in ex.code
        compile(ex.code, "<starter>", "exec")


def test_mock_reference_without_a_reference_solution_answers_the_starter() -> None:
    p = PROBLEM.model_copy(update={"reference_solution": None})
    c = run(MockProvider(offline_spec("mock")).complete(MESSAGES, p, 1))
    assert "pass" in c.content


def _replay(path: Path) -> ReplayProvider:
    return ReplayProvider(offline_spec("replay", replay_file=str(path)))


def test_replay_serves_stored_responses(tmp_path: Path) -> None:
    path = tmp_path / "gens.jsonl"
    rows = [{"problem": "add-two", "attempt": 1, "content": "```python\nx\n```", "reasoning": "r",
             "finish_reason": "length", "prompt_tokens": 10, "completion_tokens": 20},
            {"problem": "add-two", "attempt": 2, "content": "plain"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    provider = _replay(path)
    c1 = run(provider.complete(MESSAGES, PROBLEM, 1))
    assert (c1.content, c1.reasoning, c1.finish_reason, c1.prompt_tokens, c1.completion_tokens) == \
        ("```python\nx\n```", "r", "length", 10, 20)
    assert c1.endpoint == f"replay://{path}" and c1.raw["replayed"] is True
    c2 = run(provider.complete(MESSAGES, PROBLEM, 2))
    assert (c2.content, c2.reasoning, c2.finish_reason) == ("plain", None, "stop")


def test_replay_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GenerationConfigError, match=r"cannot read .*nope\.jsonl"):
        _replay(tmp_path / "nope.jsonl")


def test_replay_without_a_file() -> None:
    with pytest.raises(GenerationConfigError, match="needs replay_file"):
        ReplayProvider(offline_spec("replay"))


@pytest.mark.parametrize("bad", ["{not json", '{"problem": "x"}', "[1, 2]", '"text"', '{"problem": "x", "attempt": "one"}'])
def test_replay_bad_line_names_its_number(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "gens.jsonl"
    path.write_text(json.dumps({"problem": "a", "attempt": 1, "content": "x"}) + "\n" + bad + "\n")
    with pytest.raises(GenerationConfigError, match=f"^{path}:2: not a replay record"):
        _replay(path)


def test_replay_missing_response(tmp_path: Path) -> None:
    path = tmp_path / "gens.jsonl"
    path.write_text(json.dumps({"problem": "add-two", "attempt": 1, "content": "x"}) + "\n")
    with pytest.raises(GenerationConfigError, match="no response for add-two attempt 2"):
        run(_replay(path).complete(MESSAGES, PROBLEM, 2))


def test_errors_form_one_hierarchy() -> None:
    assert issubclass(EndpointUnavailable, GenerationError) and issubclass(EndpointUnavailable, RuntimeError)
    assert issubclass(ModelNotServed, GenerationConfigError) and issubclass(GenerationConfigError, ValueError)
